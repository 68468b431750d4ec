import ArgumentParser
import MigrateKit

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a revision in full.",
        discussion: "REVISION is an id or unique prefix, head, heads, current, LABEL@head, REV-N …")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    /// Collected as unrecognized input so that relative steps like `-1` are not taken for options.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The revision to show.", valueName: "revision"))
    var values: [String] = []

    @OptionGroup var output: JSONOption

    func validate() throws {
        if values.isEmpty { throw ValidationError("Missing expected argument '<revision>'") }
        if let option = values.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("Unknown option '\(option)'")
        }
        if values.count > 1 { throw ValidationError("Expected one revision, got \(values.joined(separator: " "))") }
    }

    func run() throws {
        let revisions = try Commands.show(global.context(), values[0])
        if output.json { return try JSONOutput.print(revisions) }
        for revision in revisions { StandardOutput.line(revision.logEntry) }
    }
}
