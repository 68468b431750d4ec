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

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    func run() throws {
        let context = try global.context()
        if let targets = try fleet.targets(context) {
            // Across a fleet, `current` is `status`: one line per target, or its JSON.
            return try StatusCommand.show(context, targets: targets, jobs: fleet.jobs, json: output.json)
        }
        if output.json { return try JSONOutput.print(Commands.currentState(global.context())) }
        for revision in try Commands.current(global.context()) {
            StandardOutput.line(verbose ? revision.logEntry : revision.line(labels: false))
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

    @Option(help: ArgumentHelp(
        "Adopt the migrations Fluent or GRDB recorded in this database: stamp the revisions that stand for them.",
        valueName: "fluent|grdb"))
    var from: Commands.AdoptedLibrary?

    @Option(help: ArgumentHelp(
        "With --from: the revision that stands for a recorded migration (repeatable); otherwise matched by message.",
        valueName: "NAME=REV"))
    var map: [String] = []

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    @OptionGroup(title: "Fleet")
    var rollout: RolloutOptions

    func validate() throws {
        if from != nil {
            if !revisions.isEmpty { throw ValidationError("--from finds the revisions itself; name none") }
            if sql || purge { throw ValidationError("--from reads the database, so it cannot be combined with --sql or --purge") }
            for entry in map where !entry.contains("=") {
                throw ValidationError("--map takes NAME=REV, got '\(entry)'")
            }
            return
        }
        if !map.isEmpty { throw ValidationError("--map is used with --from") }
        if revisions.isEmpty { throw ValidationError("name at least one revision to stamp") }
        if let option = revisions.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("Unknown option '\(option)'")
        }
    }

    func run() throws {
        let context = try global.context()
        if let from {
            var mapping: [String: String] = [:]
            for entry in map {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                mapping[String(parts[0])] = String(parts[1])
            }
            let adoption = try Commands.adoptHistory(context, from: from, mapping: mapping)
            for match in adoption.matches {
                StandardError.write("Adopted \(match.name) as \(match.revision)\n")
            }
            StandardError.write("Stamped \(adoption.heads.isEmpty ? "base" : adoption.heads.joined(separator: ", "))\n")
        } else if let targets = try fleet.targets(context) {
            if sql { throw MigrateError(.usage, "--sql prints one script and takes no --target or --all") }
            let (revisions, purge) = (revisions, purge)
            _ = try FleetOutput.run(
                "stamp", context, targets: targets, options: rollout.options(context, targets: targets, jobs: fleet.jobs),
                describe: { heads in "stamped \(heads.isEmpty ? "base" : heads.joined(separator: ", "))" }
            ) { targetContext in try Commands.stamp(targetContext, to: revisions, purge: purge) }
        } else if sql {
            StandardOutput.verbatim(try Commands.stampSQL(context, to: revisions, purge: purge))
        } else {
            let heads = try Commands.stamp(context, to: revisions, purge: purge)
            StandardError.write("Stamped \(heads.isEmpty ? "base" : heads.joined(separator: ", "))\n")
        }
    }
}


extension Commands.AdoptedLibrary: ExpressibleByArgument {}
