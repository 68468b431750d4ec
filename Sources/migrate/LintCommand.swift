import ArgumentParser
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateKit

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Find migrations that would lock or break production, before they merge.",
        discussion: """
            Renders the migrations as `upgrade` would run them and checks each statement against \
            rules with stable ids (`--list-rules`). Tables, columns and indexes created earlier in \
            the range are new, so no lock hazard is reported on them. Without RANGE: the revisions \
            the database has not applied if it can be reached, else base:heads. Exits 1 when an \
            error is found (or, with --strict, a warning).
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github
    }

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @Argument(help: "The revisions to lint: A:B (after A, up to B) or REV (from base up to REV).")
    var range: String?

    @Option(help: ArgumentHelp("Lint the revisions after REV up to the heads: what a branch adds.", valueName: "REV"))
    var since: String?

    @Option(help: "text (for people), json, or github (workflow annotations).")
    var format: Format = .text

    @Flag(help: "Exit 1 on warnings too.")
    var strict = false

    @Flag(name: .customLong("list-rules"), help: "List the rules and exit.")
    var listRules = false

    func run() throws {
        if listRules { return try printRules() }
        let report = try Commands.lint(global.context(), Commands.LintOptions(range: range, since: since))
        if let note = report.note { StandardError.write("lint: \(note)\n") }
        switch format {
        case .text: printText(report)
        case .json: try JSONOutput.print(LintJSON(report))
        case .github: printGitHub(report)
        }
        let suppressed = report.suppressed > 0 ? ", \(report.suppressed) suppressed" : ""
        StandardError.write(
            "lint: \(count(report.errorCount, "error")), \(count(report.warningCount, "warning")) in \(count(report.revisions.count, "revision"))\(suppressed)\n")
        if report.errorCount > 0 || (strict && report.warningCount > 0) { throw ExitCode(1) }
    }

    private func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private func printText(_ report: Commands.LintReport) {
        for finding in report.findings {
            let place = finding.location.map { "\(LintPaths.display($0)): " } ?? ""
            print("\(place)\(finding.severity.rawValue) \(finding.rule): \(finding.message)")
            print("  why: \(finding.reason)")
            print("  instead: \(finding.alternative)")
        }
    }

    /// GitHub Actions workflow commands, which the runner turns into annotations on the pull
    /// request's diff. The format's own encoding keeps `%`, line breaks, `:` and `,` from ending
    /// a field early.
    private func printGitHub(_ report: Commands.LintReport) {
        func data(_ text: String) -> String {
            var encoded = ""
            for character in text {
                switch character {
                case "%": encoded += "%25"
                case "\r": encoded += "%0D"
                case "\n": encoded += "%0A"
                default: encoded.append(character)
                }
            }
            return encoded
        }
        func property(_ text: String) -> String {
            data(text).split(separator: ":", omittingEmptySubsequences: false).joined(separator: "%3A")
                .split(separator: ",", omittingEmptySubsequences: false).joined(separator: "%2C")
        }
        for finding in report.findings {
            var properties: [String] = []
            if let location = finding.location {
                properties.append("file=" + property(LintPaths.display(location.path)))
                if let line = location.line { properties.append("line=\(line)") }
            }
            properties.append("title=" + property(finding.rule))
            let command = finding.severity == .error ? "error" : "warning"
            print("::\(command) \(properties.joined(separator: ","))::\(data("\(finding.message). Why: \(finding.reason). Instead: \(finding.alternative)"))")
        }
    }

    private func printRules() throws {
        let rules = Commands.lintRules()
        if format == .json {
            return try JSONOutput.print(rules.map(RuleJSON.init))
        }
        let width = rules.map(\.id.count).max() ?? 0
        for rule in rules {
            let padding = String(repeating: " ", count: width - rule.id.count)
            print("\(rule.id)\(padding)  \(rule.severity.rawValue == "error" ? "error  " : "warning")  \(rule.engines): \(rule.reason)")
        }
    }
}

/// Paths shown relative to the current folder when they are inside it, as CI annotations and
/// editors expect.
enum LintPaths {
    static let currentDirectory = FileManager.default.currentDirectoryPath

    static func display(_ path: String) -> String {
        let prefix = currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    static func display(_ location: SourceLocation) -> String {
        var location = location
        location.path = display(location.path)
        return location.description
    }
}

/// `lint --format json`.
private struct LintJSON: Encodable {
    struct Finding: Encodable {
        var rule: String
        var severity: String
        var message: String
        var reason: String
        var alternative: String
        var revision: String?
        var path: String?
        var line: Int?
        var statement: String?
    }

    var findings: [Finding]
    var errors: Int
    var warnings: Int
    var suppressed: Int
    var revisions: [String]
    var dialect: String

    init(_ report: Commands.LintReport) {
        findings = report.findings.map {
            Finding(
                rule: $0.rule, severity: $0.severity.rawValue, message: $0.message, reason: $0.reason,
                alternative: $0.alternative, revision: $0.revision, path: $0.location.map { LintPaths.display($0.path) },
                line: $0.location?.line, statement: $0.statement)
        }
        errors = report.errorCount
        warnings = report.warningCount
        suppressed = report.suppressed
        revisions = report.revisions
        dialect = report.dialect
    }
}

private struct RuleJSON: Encodable {
    var id: String
    var severity: String
    var engines: String
    var reason: String
    var alternative: String

    init(_ rule: Commands.LintRuleInfo) {
        id = rule.id
        severity = rule.severity.rawValue
        engines = rule.engines
        reason = rule.reason
        alternative = rule.alternative
    }
}
