import ArgumentParser
import MigrateKit

struct HeadsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heads",
        abstract: "Show the revisions nothing builds on.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show each head's parents, labels, file and message.")
    var verbose = false

    @Flag(name: .customLong("resolve-dependencies"), help: "Leave out heads other revisions depend on.")
    var resolveDependencies = false

    @OptionGroup var output: JSONOption

    func run() throws {
        let heads = try Commands.heads(global.context(), resolveDependencies: resolveDependencies)
        if output.json { return try JSONOutput.print(heads) }
        for head in heads {
            StandardOutput.line(verbose ? head.logEntry : head.line(treeIndicators: false))
        }
    }
}
