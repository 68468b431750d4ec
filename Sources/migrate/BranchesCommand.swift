import ArgumentParser
import MigrateKit

struct BranchesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "branches",
        abstract: "Show the revisions where history forks, and the branches from each.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Flag(name: .shortAndLong, help: "Show the branch points in full and each branch's message.")
    var verbose = false

    @OptionGroup var output: JSONOption

    func run() throws {
        let points = try Commands.branches(global.context())
        if output.json { return try JSONOutput.print(points.map(\.revision)) }
        for point in points {
            StandardOutput.line(verbose ? point.revision.logEntry : point.revision.line())
            let indent = String(repeating: " ", count: point.revision.revision.count)
            for branch in point.branches {
                StandardOutput.line("\(indent) -> \(branch.line(message: verbose))")
            }
            StandardOutput.line()
        }
    }
}
