#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL

/// migrate.json's `lint` key: rules turned off, and rules whose severity is changed.
///
/// ```json
/// { "lint": { "disable": ["lock-timeout-missing"], "severity": { "drop-column": "warning" } } }
/// ```
public struct LintSettings: Sendable, Hashable {
    public enum Severity: String, Sendable, Hashable, CaseIterable {
        case error, warning
    }

    /// Rule ids that are not checked.
    public var disabled: Set<String> = []
    /// Severities that replace the rules' own.
    public var severities: [String: Severity] = [:]

    public init(disabled: Set<String> = [], severities: [String: Severity] = [:]) {
        self.disabled = disabled
        self.severities = severities
    }

    /// The ids a setting or a suppression may name.
    static let ruleIDs = Set(LintRule.all.map(\.id))
}

extension Commands {
    /// A lint rule, for `migrate lint --list-rules` and the documentation.
    public struct LintRuleInfo: Sendable, Hashable {
        public var id: String
        public var severity: LintSettings.Severity
        /// The engines it checks: "all", or the engine kind it is about.
        public var engines: String
        public var reason: String
        public var alternative: String
    }

    /// Every lint rule, in documentation order.
    public static func lintRules() -> [LintRuleInfo] {
        LintRule.all.map { rule in
            let engines: String
            switch rule.scope {
            case .everyEngine: engines = "all"
            case .tableLocks: engines = "PostgreSQL"
            case .tableRebuilds: engines = "SQLite"
            }
            return LintRuleInfo(
                id: rule.id, severity: LintSettings.Severity(rule.severity), engines: engines, reason: rule.reason,
                alternative: rule.alternative)
        }
    }

    /// A rule one statement of a migration breaks.
    public struct LintFinding: Sendable, Hashable {
        public var rule: String
        /// The rule's severity after migrate.json's `lint.severity`.
        public var severity: LintSettings.Severity
        /// What the statement does wrong, naming the objects.
        public var message: String
        /// Why that hurts in production.
        public var reason: String
        /// What to do instead.
        public var alternative: String
        /// The revision the statement belongs to (nil for findings about the graph).
        public var revision: String?
        /// The file and line of the statement (SQL) or the `op.` call (Swift).
        public var location: SourceLocation?
        /// The statement as it would run.
        public var statement: String?
    }

    /// What `lint` found.
    public struct LintReport: Sendable {
        public var findings: [LintFinding]
        /// The revisions linted, in the order they would run.
        public var revisions: [String]
        /// The dialect the migrations were rendered for.
        public var dialect: String
        /// How many findings a suppression or `lint.disable` silenced.
        public var suppressed: Int
        /// How the range was chosen, when the caller did not name it (e.g. the database's
        /// pending revisions, or why the database could not be asked).
        public var note: String?

        public var errorCount: Int { findings.count { $0.severity == .error } }
        public var warningCount: Int { findings.count { $0.severity == .warning } }
    }

    /// Which revisions `lint` checks.
    public struct LintOptions: Sendable {
        /// `A:B` (the revisions after A up to B), or one revision (from base up to it).
        public var range: String?
        /// The revisions after this one up to the heads: what a branch adds.
        public var since: String?

        public init(range: String? = nil, since: String? = nil) {
            self.range = range
            self.since = since
        }
    }

    // MARK: lint

    /// Lints the migrations of a range as they would run: rendered for the database's dialect by
    /// the same runner as `upgrade --sql`, replaying the revisions before the range so objects
    /// they created count as existing, and those the range creates as new.
    ///
    /// Without a range: the revisions the database has not applied, when it can be reached (a
    /// SQLite file that does not exist cannot), else every revision (`base:heads`).
    public static func lint(_ context: Context, _ options: LintOptions = LintOptions()) throws -> LintReport {
        let scripts = try context.scripts()
        let graph = scripts.graph
        var start: Set<String> = []
        var upper = "heads"
        var note: String?
        if let since = options.since {
            if options.range != nil {
                throw MigrateError(.usage, "give either a range or --since, not both", hint: "--since REV means REV:heads")
            }
            start = try graph.rangeStart(since)
        } else if let range = options.range {
            if let colon = range.firstIndex(of: ":") {
                start = try graph.rangeStart(String(range[..<colon]))
                upper = String(range[range.index(after: colon)...])
            } else {
                upper = range
            }
        } else {
            switch try appliedHeads(context, graph: graph) {
            case .reached(let heads):
                start = heads
                note = "linting the revisions the database has not applied (\(heads.isEmpty ? "it is at base" : "it is at " + graph.topologicallySorted(heads).joined(separator: ", ")))"
            case .unreachable(let reason):
                note = "linting base:heads, since the database cannot be asked what it applied (\(reason))"
            }
        }
        let range = Set(try graph.upgradeSteps(from: start, to: upper).map(\.revision.id))
        var report = try lintRevisions(context, graph: graph, range: range, upper: upper)
        report.note = note
        return report
    }

    /// Lints the one revision in the file at `path` (which `revision --autogenerate` just
    /// wrote), for the configured database's dialect.
    static func lintRevision(_ context: Context, path: String) throws -> LintReport {
        let graph = try context.scripts().graph
        guard let id = graph.revisions.values.first(where: { $0.path == path })?.id else {
            throw MigrateError(.script, "no revision was read from \(path)")
        }
        var report = try lintRevisions(context, graph: graph, range: [id], upper: id)
        report.findings.removeAll { $0.revision == nil }
        return report
    }

    private enum AppliedHeads {
        case reached(Set<String>)
        case unreachable(String)
    }

    /// The heads the database recorded, or why it could not be asked. Never creates a database.
    private static func appliedHeads(_ context: Context, graph: RevisionGraph) throws -> AppliedHeads {
        let url: DatabaseURL
        do {
            url = try context.databaseURL()
        } catch let error as MigrateError {
            return .unreachable(error.message)
        }
        guard url.engine.databaseExists(at: url.target) else {
            return .unreachable("\(url.engine.describe(target: url.target, redacted: url.redacted)) does not exist")
        }
        let connection: DatabaseConnection
        do {
            connection = try context.connect()
        } catch let error as MigrateError {
            return .unreachable(error.message)
        } catch {
            return .unreachable(String(describing: error))
        }
        let table = context.versionTable(dialect: connection.dialect)
        let heads = try table.currentHeads(connection)
        try graph.validateDatabaseHeads(heads, versionTable: table.displayName)
        return .reached(heads)
    }

    /// Renders every revision up to `upper` through the runner and lints those in `range`.
    private static func lintRevisions(
        _ context: Context, graph: RevisionGraph, range: Set<String>, upper: String
    ) throws -> LintReport {
        let engine = try context.engine()
        let dialect = engine.dialect
        // Nothing to lint (the database is up to date) needs no history either.
        let steps = range.isEmpty ? [] : try graph.upgradeSteps(from: [], to: upper)
        let sink = try LintSink(engine: engine)
        var runner = context.runner(graph: graph, dialect: dialect)
        runner.onEvent = { _ in }
        _ = try runner.run(sink: sink) { heads in heads.isEmpty ? steps : [] }

        let settings = context.configuration.lint
        var linter = MigrationLinter(dialect: dialect)
        var findings: [LintFinding] = []
        var linted: [String] = []
        var suppressed = 0
        for rendered in sink.steps {
            let step = rendered.step
            guard range.contains(step.revision.id) else {
                linter.record(rendered.statements.map(\.text))
                continue
            }
            linted.append(step.revision.id)
            let raw = linter.lint(rendered.statements.map { LintStatement($0.text, transaction: $0.transaction) })
            let directives = try lintDirectives(step.revision)
            for finding in raw {
                let statement = rendered.statements[finding.statement]
                let location = step.location(ofOperation: statement.operation)
                if settings.disabled.contains(finding.rule.id)
                    || directives.silences(finding.rule.id, line: location?.line)
                {
                    suppressed += 1
                    continue
                }
                findings.append(
                    LintFinding(
                        rule: finding.rule.id,
                        severity: settings.severities[finding.rule.id] ?? LintSettings.Severity(finding.rule.severity),
                        message: finding.message, reason: finding.rule.reason, alternative: finding.rule.alternative,
                        revision: step.revision.id, location: location, statement: statement.text))
            }
        }

        let heads = graph.heads
        if heads.count > 1 {
            let rule = LintRule.multipleHeads
            if settings.disabled.contains(rule.id) {
                suppressed += 1
            } else {
                findings.append(
                    LintFinding(
                        rule: rule.id, severity: settings.severities[rule.id] ?? LintSettings.Severity(rule.severity),
                        message: "the graph has \(heads.count) heads: \(heads.joined(separator: ", "))",
                        reason: rule.reason, alternative: rule.alternative, revision: nil,
                        location: graph.revisions[heads.last!]?.path.map { SourceLocation(path: $0) }, statement: nil))
            }
        }
        return LintReport(findings: findings, revisions: linted, dialect: dialect.name, suppressed: suppressed, note: nil)
    }

    /// The `migrate:lint-ignore` directives of a revision's file.
    private static func lintDirectives(_ revision: Revision) throws -> LintDirectives {
        guard let path = revision.path else { return LintDirectives() }
        let text: String
        do {
            text = try FileText.contents(of: path)
        } catch {
            throw MigrateError(.script, "cannot read the migration file", location: SourceLocation(path: path), cause: error)
        }
        do {
            return try LintDirectives(parsing: text, knownRules: LintSettings.ruleIDs)
        } catch {
            throw MigrateError(.script, error.message, location: SourceLocation(path: path, line: error.line))
        }
    }
}

extension LintSettings.Severity {
    init(_ severity: LintSeverity) {
        switch severity {
        case .error: self = .error
        case .warning: self = .warning
        }
    }
}

/// Collects the statements each step would run, with the operation and transaction of each,
/// instead of running or printing them: the runner renders exactly what `upgrade` runs.
final class LintSink: MigrationSink {
    struct Statement {
        var text: String
        var transaction: Int?
        /// The index of the step's operation that rendered it.
        var operation: Int
    }

    let dialect: SQLDialect
    /// As for scripts: SQLite rebuilds read the schema the statements so far build.
    private let scratch: (any ScratchSchema)?
    var inspector: SchemaInspector? { scratch }
    var recordsDurations: Bool { false }
    private(set) var steps: [(step: MigrationStep, statements: [Statement])] = []
    private var transaction: Int?
    private var transactionCount = 0
    private var operation = 0

    init(engine: any DatabaseEngine) throws {
        self.dialect = engine.dialect
        self.scratch = try engine.makeScratchSchema()
    }

    /// The version and history tables are migrate's own: nothing to lint, and nothing the
    /// scratch schema needs.
    func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> { [] }

    func beginTransaction() throws {
        transactionCount += 1
        transaction = transactionCount
    }

    func commit() throws { transaction = nil }
    func rollback() { transaction = nil }

    func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> { expected }

    func startMigration(_ step: MigrationStep) {
        steps.append((step, []))
        operation = 0
    }

    func startStep(summary: String) {}

    func startOperation(_ index: Int) { operation = index }

    func execute(_ statement: String) throws {
        scratch?.record(statement)
        steps[steps.count - 1].statements.append(Statement(text: statement, transaction: transaction, operation: operation))
    }

    func record(_ changes: [VersionTable.Change], history: [String]) throws {}
    func finish() throws {}
    /// Swift code runs no SQL: there is nothing in it to lint.
    var runsSwiftCode: Bool { false }
    func runSwiftCode(_ code: SwiftCodeCall) throws {}
    /// A backfill is the safe form of a data change: batched, outside the schema change's
    /// transaction. Its loop is migrate's own, with nothing in it to lint.
    func runBackfill(_ backfill: Backfill, statements: BackfillStatements, onProgress: (BackfillProgress) -> Void) throws {}
    func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure { .read(expected) }
    func leftoverObjects() -> Set<LeftoverObject> { [] }
    func checkForLeftovers(before statement: String) throws {}
}
