import Foundation
import MigrateCore
import MigrateSQL
import MigrateScript

/// One function per command of the command line (Alembic's `command.py`): each takes a
/// ``Context``, does its work and returns what the caller should show. None prints.
public enum Commands {
    // MARK: init

    /// Writes a new environment into `directory`: migrate.json and an empty versions folder.
    /// Returns the paths it created. Refuses to overwrite an existing migrate.json.
    public static func initialize(directory: String) throws -> [String] {
        let fileManager = FileManager.default
        let configPath = (directory as NSString).appendingPathComponent("migrate.json")
        let versionsPath = (directory as NSString).appendingPathComponent("versions")
        if fileManager.fileExists(atPath: configPath) {
            throw MigrateError(
                .usage, "\(configPath) already exists", hint: "init writes a new environment; edit the existing migrate.json instead")
        }
        do {
            try fileManager.createDirectory(atPath: versionsPath, withIntermediateDirectories: true)
            try Configuration.renderFile().write(toFile: configPath, atomically: true, encoding: .utf8)
        } catch {
            throw MigrateError(.configuration, "cannot write the new environment in \(directory)", cause: error)
        }
        return [configPath, versionsPath]
    }

    // MARK: revision

    public enum FileFormat: String, Sendable, CaseIterable {
        case sql, swift
    }

    /// Options of `migrate revision`.
    public struct RevisionOptions: Sendable {
        public var message: String
        /// Swift by default (operations that render for every dialect); `.sql` for raw SQL.
        public var format: FileFormat = .swift
        public var revisionID: String?
        /// The parent: a revision, or `head` (the only head) by default.
        public var head: String = "head"
        /// Start a new base (`--head base`) even though heads exist... or splice onto a non-head.
        public var splice: Bool = false
        public var branchLabels: [String] = []
        public var dependsOn: [String] = []
        public var versionPath: String?

        public init(message: String) { self.message = message }
    }

    /// Writes a new migration file whose parent is the current head (or `options.head`) and
    /// returns its path.
    public static func revision(_ context: Context, _ options: RevisionOptions) throws -> String {
        let scripts = try context.scripts()
        let graph = scripts.graph
        let parents = try graph.resolve(options.head)
        for parent in parents where !graph.isHead(parent) && !options.splice {
            throw MigrateError(
                .usage, "revision \(parent) is not a head; a new revision on it would start a new branch",
                hint: "pass --splice to branch from it on purpose, or --head with a head (`migrate heads`)")
        }
        let dependencies = try options.dependsOn.map { try graph.resolveID($0) }
        let id = options.revisionID ?? newRevisionID()
        guard id.range(of: "^[A-Za-z0-9_]+$", options: .regularExpression) != nil else {
            throw MigrateError(.usage, "revision id '\(id)' may hold only letters, digits and underscores")
        }
        if graph.revisions[id] != nil {
            throw MigrateError(.usage, "revision id \(id) is already used by \(graph.revisions[id]!.path ?? "another file")")
        }
        for label in options.branchLabels where graph.labelOwner(label) != nil {
            throw MigrateError(.usage, "branch label '\(label)' is already used by \(graph.labelOwner(label)!)")
        }
        let folder = options.versionPath.map { Configuration.absolutePath($0, relativeTo: context.configuration.directory) }
            ?? scripts.folders[0]
        if !scripts.folders.contains(folder) {
            throw MigrateError(
                .usage, "\(folder) is not one of the configured version folders (\(scripts.folders.joined(separator: ", ")))",
                hint: "add it to `versions` in migrate.json")
        }
        let path = (folder as NSString).appendingPathComponent("\(id)_\(slug(options.message)).\(options.format.rawValue)")
        let text: String
        switch options.format {
        case .sql:
            text = SQLMigrationFile.render(
                revision: id, downRevisions: parents, branchLabels: options.branchLabels,
                dependsOn: dependencies, message: options.message, upgradeSQL: "", downgradeSQL: "")
        case .swift:
            text = SwiftMigrationWriter.render(
                revision: id, downRevisions: parents, branchLabels: options.branchLabels,
                dependsOn: dependencies, message: options.message)
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw MigrateError(.script, "cannot write \(path)", hint: "check that the folder is writable")
        }
        return path
    }

    /// Twelve random hex digits, like Alembic's ids.
    static func newRevisionID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in "0123456789abcdef".randomElement(using: &generator)! })
    }

    /// A file-name fragment from a message: lowercase words joined by `_`, at most 40 characters.
    static func slug(_ message: String) -> String {
        let words = message.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? String(word) : slug + "_" + word
            if next.count > 40 { break }
            slug = next
        }
        return slug.isEmpty ? "migration" : slug
    }

    // MARK: upgrade / downgrade

    /// Applies migrations up to `target` on the database; returns the steps that ran.
    @discardableResult
    public static func upgrade(_ context: Context, to target: String) throws -> [MigrationStep] {
        try migrateOnline(context) { graph, heads in
            try graph.upgradeSteps(from: heads, to: graph.resolve(target, current: heads))
        }
    }

    /// Reverts migrations down to `target` on the database; returns the steps that ran.
    @discardableResult
    public static func downgrade(_ context: Context, to target: String) throws -> [MigrationStep] {
        try migrateOnline(context) { graph, heads in
            try graph.downgradeSteps(from: heads, to: graph.resolveTarget(target, current: heads))
        }
    }

    /// The script `upgrade --sql` prints: `target` is a revision (from base) or a range `A:B`.
    public static func upgradeSQL(_ context: Context, to target: String) throws -> String {
        try migrateOffline(context) { graph in
            let (lower, upper) = try offlineRange(graph, target, defaultLower: [])
            let start = graph.minimalHeads(lower)
            return (start, try graph.upgradeSteps(from: start, to: upper))
        }
    }

    /// The script `downgrade --sql` prints: `target` must be a range `A:B` (from A down to B),
    /// since offline mode cannot know where the database is.
    public static func downgradeSQL(_ context: Context, to target: String) throws -> String {
        guard target.contains(":") else {
            throw MigrateError(
                .usage, "offline downgrade needs a range: where the database is and where to go, e.g. head:base",
                hint: "write `migrate downgrade FROM:TO --sql`")
        }
        return try migrateOffline(context) { graph in
            let (from, to) = try graph.resolveRangeTargets(target)
            let start = graph.minimalHeads(from.revisions)
            return (start, try graph.downgradeSteps(from: start, to: to))
        }
    }

    private static func offlineRange(
        _ graph: RevisionGraph, _ target: String, defaultLower: [String]
    ) throws -> ([String], [String]) {
        if target.contains(":") { return try graph.resolveRange(target) }
        return (defaultLower, try graph.resolve(target))
    }

    private static func migrateOnline(
        _ context: Context, plan: @escaping (RevisionGraph, Set<String>) throws -> [MigrationStep]
    ) throws -> [MigrationStep] {
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        return try context.withMigrationLock(connection, table: table) {
            for problem in try verificationProblems(graph: graph, connection: connection, table: table) {
                context.onEvent(.verificationProblem(problem))
            }
            try connection.beginMigrationSession()
            defer { try? connection.endMigrationSession() }
            return try context.runner(graph: graph, dialect: connection.dialect)
                .run(sink: DatabaseSink(connection: connection)) { try plan(graph, $0) }
        }
    }

    private static func migrateOffline(
        _ context: Context, plan: (RevisionGraph) throws -> (start: Set<String>, steps: [MigrationStep])
    ) throws -> String {
        let graph = try context.scripts().graph
        let dialect = try context.dialect()
        let (start, steps) = try plan(graph)
        let sink = ScriptSink(dialect: dialect, startHeads: start)
        var runner = context.runner(graph: graph, dialect: dialect)
        runner.onEvent = { _ in }  // timings of a script that is only printed mean nothing
        _ = try runner.run(sink: sink) { heads in
            heads == start ? steps : []
        }
        return sink.text
    }

    // MARK: current / stamp

    /// A revision the database is at, and whether it is also a head of the graph.
    public struct CurrentRevision: Sendable {
        public var revision: Revision
        public var isHead: Bool
    }

    /// The revisions the database's version table names (its heads), in topological order.
    /// The version table is not created if missing.
    public static func current(_ context: Context) throws -> [CurrentRevision] {
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        let heads = try table.currentHeads(connection)
        try graph.validateDatabaseHeads(heads, versionTable: table.displayName)
        return graph.topologicallySorted(heads).map {
            CurrentRevision(revision: graph.revisions[$0]!, isHead: graph.isHead($0))
        }
    }

    /// Sets the version table to `targets` without running migrations. Heads on branches the
    /// targets do not touch stay, unless `purge` empties the table first.
    /// Returns the heads recorded.
    @discardableResult
    public static func stamp(_ context: Context, to targets: [String], purge: Bool) throws -> [String] {
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        return try context.withMigrationLock(connection, table: table) {
            let sink = DatabaseSink(connection: connection)
            var heads = try sink.prepare(versionTable: table, historyTable: HistoryTable(for: table))
            if !purge { try graph.validateDatabaseHeads(heads, versionTable: table.displayName) }
            try connection.beginTransaction()
            do {
                if !purge { heads = try table.readHeads(connection) }
                let statements = try stampStatements(graph, table: table, current: heads, targets: targets, purge: purge)
                for statement in statements { try connection.execute(statement) }
                try connection.commit()
            } catch {
                try? connection.rollback()
                throw error
            }
            return graph.topologicallySorted(try table.readHeads(connection))
        }
    }

    /// The script `stamp --sql` prints, assuming the database is at base (or purged).
    public static func stampSQL(_ context: Context, to targets: [String], purge: Bool) throws -> String {
        let graph = try context.scripts().graph
        let table = context.versionTable(dialect: try context.dialect())
        var text = ""
        for statement in [table.createStatement, HistoryTable(for: table).createStatement, "BEGIN"]
            + (try stampStatements(graph, table: table, current: [], targets: targets, purge: purge)) + ["COMMIT"]
        {
            text += statement + ";\n\n"
        }
        return text
    }

    private static func stampStatements(
        _ graph: RevisionGraph, table: VersionTable, current: Set<String>, targets: [String], purge: Bool
    ) throws -> [String] {
        var resolved: [String] = []
        var kept = current
        var clearsAll = false
        for target in targets {
            let named = try graph.resolveTarget(target, current: purge ? nil : current)
            if named.revisions.isEmpty, named.branch != nil, !purge {
                // LABEL@base stamps that branch away and keeps the other branches' rows.
                kept = try graph.downgradeSteps(from: kept, to: named).last?.headsAfter ?? kept
            } else if named.revisions.isEmpty {
                clearsAll = true
            }
            resolved += named.revisions
        }
        let before: Set<String>
        let after: Set<String>
        var statements: [String] = []
        if purge {
            statements.append(table.deleteAllStatement)
            before = []
            after = graph.minimalHeads(resolved)
        } else {
            // Heads on the same line of history as a target are replaced; others stay.
            let related = kept.filter { head in
                clearsAll
                    || resolved.contains { $0 == head || graph.ancestors(of: [$0]).contains(head) || graph.ancestors(of: [head]).contains($0) }
            }
            before = current
            after = graph.minimalHeads(Array(kept.subtracting(related)) + resolved)
        }
        statements += table.changeStatements(from: before, to: after, order: graph.topologicallySorted)
        // The history keeps only revisions that are still applied, so `verify` does not report
        // files that were deliberately stamped away.
        let history = HistoryTable(for: table)
        let applied = graph.topologicallySorted(graph.appliedRevisions(heads: after))
        statements.append(
            applied.isEmpty
                ? "DELETE FROM \(history.qualifiedName)"
                : "DELETE FROM \(history.qualifiedName) WHERE revision NOT IN (\(applied.map(table.dialect.quoteString).joined(separator: ", ")))")
        return statements
    }
}
