import ArgumentParser
import MigrateKit

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Create a revision that joins two or more heads, and print its path.",
        discussion: "REVISION is an id, unique prefix or label of a head, or `heads` for all of them.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Option(name: .shortAndLong, help: "What the merge is for, one line.")
    var message: String

    @Argument(help: ArgumentHelp("The heads to join.", valueName: "revision"))
    var revisions: [String]

    @Option(name: .customLong("rev-id"), help: "The revision id to use instead of a random one.")
    var revisionID: String?

    @Option(name: .customLong("branch-label"), help: "A label naming the branch the merge starts.")
    var branchLabels: [String] = []

    @Option(help: "The file format (default: the one `revision` writes).")
    var format: Commands.FileFormat?

    @OptionGroup var output: JSONOption

    func validate() throws {
        if revisions.isEmpty { throw ValidationError("name the heads to merge, or `heads` for all of them") }
    }

    func run() throws {
        var options = Commands.MergeOptions(message: message, revisions: revisions)
        options.revisionID = revisionID
        options.branchLabels = branchLabels
        if let format { options.format = format }
        try NewRevisionOutput.print(try Commands.merge(global.context(), options), json: output.json)
    }
}
