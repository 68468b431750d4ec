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
        for current in try Commands.current(global.context()) {
            let revision = current.revision
            let mark = current.isHead ? " (head)" : ""
            if verbose {
                StandardOutput.line("Rev: \(revision.id)\(mark)\nPath: \(revision.path ?? "")\n\n    \(revision.message)\n")
            } else {
                StandardOutput.line("\(revision.id)\(mark)")
            }
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

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    @OptionGroup(title: "Fleet")
    var rollout: RolloutOptions

    func validate() throws {
        if revisions.isEmpty { throw ValidationError("name at least one revision to stamp") }
        if let option = revisions.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("Unknown option '\(option)'")
        }
    }

    func run() throws {
        let context = try global.context()
        if let targets = try fleet.targets(context) {
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
