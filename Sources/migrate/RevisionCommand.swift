import ArgumentParser
import MigrateKit

struct RevisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revision",
        abstract: "Create a new migration file and print its path.")

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
            StandardOutput.line("\(try Commands.revision(global.context(), options))")
            return
        }
        let result = try Commands.autogenerateRevision(global.context(), options, allowEmpty: allowEmpty)
        for change in result.changes { StandardError.write("Detected \(change.summary)\n") }
        guard let path = result.path else {
            StandardError.write("No changes in schema detected; no revision written (pass --allow-empty to write one anyway)\n")
            return
        }
        if result.changes.isEmpty { StandardError.write("No changes in schema detected; writing an empty revision\n") }
        for finding in result.lintFindings {
            let place = finding.location.map { "\(LintPaths.display($0)): " } ?? ""
            StandardError.write("lint: \(place)\(finding.severity.rawValue) \(finding.rule): \(finding.message); instead: \(finding.alternative)\n")
        }
        StandardOutput.line("\(path)")
    }
}

extension Commands.FileFormat: ExpressibleByArgument {}
