import ArgumentParser
import MigrateKit

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that the database matches the models (a CI drift gate).",
        discussion: """
            Reflects the database, compares it with the models listed under `models` in migrate.json \
            (with the `compare` options) and exits 1, listing one difference a line, when \
            `revision --autogenerate` would write any operation.
            """)

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    func run() throws {
        let context = try global.context()
        if let targets = try fleet.targets(context) {
            // Every target is checked, and each one that drifted is reported as a failure.
            _ = try FleetOutput.run(
                "check", context, targets: targets, options: FleetRunOptions(jobs: fleet.jobs, continueOnError: true, takesLocks: false),
                resultsOnStdout: true, describe: { (_: Void) in "no new upgrade operations detected" }
            ) { targetContext in
                let changes = try Commands.check(targetContext)
                guard changes.isEmpty else {
                    throw MigrateError(
                        .drift, "\(changes.count) new upgrade operation(s) detected: \(targetContext.databaseName) does not match the models",
                        hint: changes.map(\.summary).joined(separator: "; "))
                }
            }
            return
        }
        let changes = try Commands.check(context)
        guard !changes.isEmpty else {
            StandardOutput.line("No new upgrade operations detected.")
            return
        }
        for change in changes { StandardOutput.line("\(change.summary)") }
        throw MigrateError(
            .drift,
            "\(changes.count) new upgrade operation(s) detected: \(context.databaseName) does not match the models",
            hint: "`migrate revision --autogenerate -m MSG` writes a migration with them (listed on stdout)")
    }
}
