import ArgumentParser
import MigrateKit

struct RevisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revision",
        abstract: "Create a new migration file and print its path.",
        discussion: "Also prints Alembic's `Generating PATH ...  done` line on stderr; --json prints the new revision as an object instead of the path.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Option(name: .shortAndLong, help: "What the migration does, one line.")
    var message: String

    @Option(help: "The file format: swift (operations, for every database) or sql (raw SQL).")
    var format: Commands.FileFormat = .swift

    @Option(name: .customLong("rev-id"), help: "The revision id to use instead of a random one.")
    var revisionID: String?

    @Option(help: "The parent revision (default: the only head).")
    var head: String = "head"

    @Flag(help: "Allow a parent that is not a head, starting a new branch.")
    var splice = false

    @Option(name: .customLong("branch-label"), help: "A label naming the branch this revision starts.")
    var branchLabels: [String] = []

    @Option(name: .customLong("depends-on"), help: "A revision that must be applied before this one.")
    var dependsOn: [String] = []

    @Option(name: .customLong("version-path"), help: "The versions folder to write into.")
    var versionPath: String?

    @Flag(help: "Compare the models (migrate.json `models`) with the database and write the operations that make them match.")
    var autogenerate = false

    @Flag(name: .customLong("allow-empty"), help: "With --autogenerate, write the file even when nothing changed.")
    var allowEmpty = false

    @OptionGroup var output: JSONOption

    func run() throws {
        var options = Commands.RevisionOptions(message: message)
        options.format = format
        options.revisionID = revisionID
        options.head = head
        options.splice = splice
        options.branchLabels = branchLabels
        options.dependsOn = dependsOn
        options.versionPath = versionPath
        guard autogenerate else {
            if allowEmpty { throw ValidationError("--allow-empty goes with --autogenerate") }
            return try NewRevisionOutput.print(try Commands.revision(global.context(), options), json: output.json)
        }
        let result = try Commands.autogenerateRevision(global.context(), options, allowEmpty: allowEmpty)
        for change in result.changes { StandardError.write("Detected \(change.summary)\n") }
        guard let written = result.written else {
            StandardError.write("No changes in schema detected; no revision written (pass --allow-empty to write one anyway)\n")
            return
        }
        if result.changes.isEmpty { StandardError.write("No changes in schema detected; writing an empty revision\n") }
        for finding in result.lintFindings {
            let place = finding.location.map { "\(LintPaths.display($0)): " } ?? ""
            StandardError.write("lint: \(place)\(finding.severity.rawValue) \(finding.rule): \(finding.message); instead: \(finding.alternative)\n")
        }
        try NewRevisionOutput.print(written, json: output.json)
    }
}

/// How `revision` and `merge` report the file they wrote: Alembic's `Generating PATH ...  done`
/// on stderr, which scripts written for Alembic parse, and on stdout the path, or with `--json`
/// the new revision as an object.
enum NewRevisionOutput {
    static func print(_ written: Commands.NewRevision, json: Bool) throws {
        StandardError.write("Generating \(written.path) ...  done\n")
        if json { return try JSONOutput.print(written) }
        StandardOutput.line("\(written.path)")
    }
}

extension Commands.FileFormat: ExpressibleByArgument {}
