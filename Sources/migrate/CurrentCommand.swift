import ArgumentParser
import MigrateKit

struct CurrentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "current",
        abstract: "Show the revisions the database is at.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show each revision's message and file.")
    var verbose = false

    @OptionGroup var output: JSONOption

    func run() throws {
        if output.json { return try JSONOutput.print(Commands.currentState(global.context())) }
        for revision in try Commands.current(global.context()) {
            print(verbose ? revision.logEntry : revision.line(labels: false))
        }
    }
}

struct StampCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stamp",
        abstract: "Set the version table to revisions without running migrations.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    /// Collected as unrecognized input so that relative steps like `-1` are not taken for options.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The revisions to record (base removes all).", valueName: "revisions"))
    var revisions: [String] = []

    @Flag(help: "Print the SQL instead of running it (offline mode).")
    var sql = false

    @Flag(help: "Empty the version table first, even if it names unknown revisions.")
    var purge = false

    func validate() throws {
        if revisions.isEmpty { throw ValidationError("name at least one revision to stamp") }
        if let option = revisions.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("Unknown option '\(option)'")
        }
    }

    func run() throws {
        let context = try global.context()
        if sql {
            print(try Commands.stampSQL(context, to: revisions, purge: purge), terminator: "")
        } else {
            let heads = try Commands.stamp(context, to: revisions, purge: purge)
            StandardError.write("Stamped \(heads.isEmpty ? "base" : heads.joined(separator: ", "))\n")
        }
    }
}
