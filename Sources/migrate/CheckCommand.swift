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

    func run() throws {
        let changes = try Commands.check(global.context())
        guard !changes.isEmpty else {
            print("No new upgrade operations detected.")
            return
        }
        for change in changes { print(change.summary) }
        StandardError.write(
            "check: \(changes.count) new upgrade operation(s) detected; `migrate revision --autogenerate -m MSG` writes them\n")
        throw ExitCode(1)
    }
}
