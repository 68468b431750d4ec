import ArgumentParser
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new environment: migrate.json and a versions folder.",
        discussion: """
            With --from-database, adopts an existing database (--url, or MIGRATE_DATABASE_URL): \
            the models read from it, a baseline revision that creates that schema from nothing, \
            and the database stamped at the baseline (asked first on a terminal; --stamp does it \
            without asking).
            """)

    @Argument(help: "The folder to write it in.")
    var directory: String = "."

    @Flag(name: .customLong("from-database"), help: "Write the models and a baseline revision from an existing database.")
    var fromDatabase = false

    /// `--url` (the database to adopt) is the global option, which the root command shares.
    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Flag(help: "Stamp the database at the baseline without asking (with --from-database).")
    var stamp = false

    func validate() throws {
        if !fromDatabase && (global.url != nil || stamp) {
            throw ValidationError("--url and --stamp go with --from-database")
        }
    }

    func run() throws {
        guard fromDatabase else {
            for path in try Commands.initialize(directory: directory) {
                StandardOutput.line("Created \(path)")
            }
            return
        }
        let adoption = try Commands.initializeFromDatabase(
            directory: directory, urlFlag: global.url, environment: ProcessInfo.processInfo.environment, onEvent: Progress.print)
        for path in adoption.created { StandardOutput.line("Created \(path)") }
        StandardError.write("The models declare \(adoption.inspection.tableCount) table(s).\n")
        InspectReport.unmodeled(adoption.inspection.unmodeled)
        if adoption.urlFromEnvironment {
            StandardError.write("migrate.json reads the database URL from MIGRATE_DATABASE_URL (no password is written to the file).\n")
        }
        let stampCommand = "migrate stamp \(adoption.baseline)"
        if !stamp {
            guard isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1 else {
                StandardError.write(
                    "Not stamped: the database is not yet recorded at the baseline. Run `\(stampCommand)` "
                        + "(or init again with --stamp) once you have read the revision.\n")
                return
            }
            StandardError.write("Stamp \(adoption.context.databaseName) at the baseline \(adoption.baseline)? [y/N] ")
            let answer = (readLine() ?? "").filter { !$0.isWhitespace }.lowercased()
            guard answer == "y" || answer == "yes" else {
                StandardError.write("Not stamped. Run `\(stampCommand)` when you are ready.\n")
                return
            }
        }
        _ = try Commands.stamp(adoption.context, to: [adoption.baseline], purge: false)
        StandardOutput.line("Stamped \(adoption.context.databaseName) at \(adoption.baseline)")
    }
}
