import ArgumentParser
import MigrateKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Write the models file that declares the database's tables as they are.",
        discussion: """
            Reads the live database and writes a Swift models file (the `ModelSchema` vocabulary) \
            declaring every table, to --output or stdout; `migrate check` against the same \
            database then reports nothing. What models cannot declare yet (aggregates, rules, policies, \
            grants…) is listed on stderr and as comments in the file.
            """)

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the models file here instead of to stdout.", valueName: "path"))
    var output: String?

    @Option(name: .customLong("schema"), help: ArgumentHelp(
        "Also read this schema (PostgreSQL; repeatable); default: compare.include_schemas.", valueName: "name"))
    var schemas: [String] = []

    @Option(name: .customLong("exclude-tables"), help: ArgumentHelp(
        "Leave out tables matching this glob (repeatable); default: compare.exclude_tables.", valueName: "glob"))
    var excludeTables: [String] = []

    func run() throws {
        let context = try global.context()
        let inspection: Commands.Inspection
        if let output {
            inspection = try Commands.inspect(context, writingTo: output, schemas: schemas, excludeTables: excludeTables)
        } else {
            inspection = try Commands.inspect(context, schemas: schemas, excludeTables: excludeTables)
            StandardOutput.verbatim(inspection.text)
        }
        InspectReport.unmodeled(inspection.unmodeled)
        if let output {
            StandardError.write("Wrote \(inspection.tableCount) table(s) to \(output)\n")
        }
    }
}

/// What `inspect` and `init --from-database` say on stderr about objects the models leave out.
enum InspectReport {
    static func unmodeled(_ objects: [String]) {
        guard !objects.isEmpty else { return }
        StandardError.write(
            "Not in the models (they cannot declare it yet; `check` does not compare it), \(objects.count) object(s):\n")
        for object in objects { StandardError.write("  \(object)\n") }
    }
}
