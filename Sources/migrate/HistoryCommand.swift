import ArgumentParser
import MigrateKit

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the revisions, newest first.",
        discussion: "RANGE is START:END, START: or :END, each end an identifier (base, heads, current, an id, LABEL@head, -1 …).")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Option(
        name: [.customShort("r"), .customLong("rev-range")], parsing: .unconditional,
        help: ArgumentHelp("Only the revisions from START to END, both included.", valueName: "range"))
    var range: String?

    @Flag(name: .customLong("indicate-current"), help: "Mark the revisions the database is at (reads it).")
    var indicateCurrent = false

    @Flag(name: .shortAndLong, help: "Show each revision in full.")
    var verbose = false

    @Flag(help: "Draw the forks and merges as an ASCII graph, like `git log --graph`.")
    var graph = false

    @OptionGroup var output: JSONOption

    func run() throws {
        let history = try Commands.history(global.context(), range: range, indicateCurrent: indicateCurrent)
        if output.json { return try JSONOutput.print(history.revisions) }
        for (revision, row) in zip(history.revisions, history.graph) {
            let text = verbose ? revision.logEntry : revision.line(parents: true, message: true)
            if graph {
                // Lines after the first continue the lanes, as `git log --graph` does.
                for (index, line) in text.lines.enumerated() {
                    let prefix = index == 0 ? row.node : row.continuation
                    StandardOutput.line(line.isEmpty ? "\(prefix.trimmingTrailingSpaces())" : "\(prefix) \(line)")
                }
                for connector in row.connectors { StandardOutput.line("\(connector)") }
            } else {
                StandardOutput.line(text)
            }
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
