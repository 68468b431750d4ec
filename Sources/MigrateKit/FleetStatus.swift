import Dispatch
import MigrateCore
import MigrateSQL

/// Where one target is relative to the migration graph, as `migrate status` shows it.
public struct TargetStatus: Sendable {
    public enum State: String, Sendable, Codable {
        /// At the graph's heads.
        case atHead = "at_head"
        /// Migrations are pending (``TargetStatus/pending`` of them).
        case behind
        /// The database records revisions no migration file declares: newer code migrated it.
        case ahead
        /// The version table could not be read.
        case failed
        /// No connection could be opened.
        case unreachable
    }

    public var target: FleetTarget
    public var state: State
    /// The revisions the version table names (empty at base), in the graph's order where known.
    public var heads: [String]
    /// How many revisions of the graph are not applied.
    public var pending: Int
    /// Why the state is failed or unreachable.
    public var error: MigrateError?
}

extension Fleet {
    /// The status of each target, in the order of `targets`, read without writing anything (a
    /// read-only standby answers too) and without the migration lock.
    ///
    /// Tenant schemas of one database are read together on one connection: one catalog query
    /// finds which schemas have a version table, and one `UNION ALL` query (per 500 schemas)
    /// reads them all. Databases are read `jobs` at a time.
    public static func status(_ context: Context, targets: [FleetTarget], jobs: Int = 4) throws -> [TargetStatus] {
        let graph = try context.scripts(.graph).graph
        let summary = HeadsSummary(graph: graph)
        // Work units: all schema targets of one database, or one database target.
        var units: [[Int]] = []
        var unitOfDatabase: [DatabaseURL: Int] = [:]
        for (index, target) in targets.enumerated() {
            if target.schema != nil, let unit = unitOfDatabase[target.url] {
                units[unit].append(index)
            } else {
                if target.schema != nil { unitOfDatabase[target.url] = units.count }
                units.append([index])
            }
        }
        let unitTargets = units.map { $0.map { targets[$0] } }
        let results = run(
            context, targets: unitTargets.map { $0[0] }, options: FleetRunOptions(jobs: jobs, continueOnError: true, takesLocks: false)
        ) { targetContext -> [TargetStatus] in
            let members = unitTargets.first { $0[0] == targetContext.target! }!
            return readStatus(targetContext, members, summary: summary)
        }
        var statuses = [TargetStatus?](repeating: nil, count: targets.count)
        for (unit, result) in zip(units, results) {
            guard case .succeeded(let read) = result else { continue }
            for (index, status) in zip(unit, read) { statuses[index] = status }
        }
        return statuses.map { $0! }
    }

    /// Reads the heads of `members` (one database target, or schema targets of one database).
    private static func readStatus(_ context: Context, _ members: [FleetTarget], summary: HeadsSummary) -> [TargetStatus] {
        // No search_path is needed: every table is named with its schema.
        var plain = context
        plain.target = FleetTarget(name: members[0].name, url: members[0].url)
        let connection: DatabaseConnection
        do {
            connection = try plain.connect()
        } catch {
            return members.map { TargetStatus(target: $0, state: .unreachable, heads: [], pending: 0, error: Self.migrateError(error)) }
        }
        do {
            let heads: [Set<String>]
            if members[0].schema == nil {
                let table = context.versionTable(dialect: connection.dialect)
                heads = [try context.readCurrentHeads(connection, versionTable: table)]
            } else {
                heads = try schemaHeads(plain, connection, schemas: members.map { $0.schema! })
            }
            return zip(members, heads).map { summary.status($0, heads: $1) }
        } catch {
            return members.map { TargetStatus(target: $0, state: .failed, heads: [], pending: 0, error: Self.migrateError(error)) }
        }
    }

    /// The heads of each schema's version table (none where it does not exist), in a constant
    /// number of queries on one connection.
    private static func schemaHeads(_ context: Context, _ connection: DatabaseConnection, schemas: [String]) throws -> [Set<String>] {
        let dialect = connection.dialect
        let name = context.configuration.versionTable
        let database = context.databaseName
        let withTable = try performDatabaseAction("find the version tables of \(schemas.count) schemas", in: database) {
            let list = "{" + schemas.map { "\"" + $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"" }
                .joined(separator: ",") + "}"
            return Set(
                try connection.query(
                    """
                    SELECT n.nspname FROM pg_catalog.pg_class c
                    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND n.nspname = ANY ($2::text[])
                    """, parameters: [name, list]
                ).compactMap { $0.first ?? nil })
        }
        var heads: [String: Set<String>] = [:]
        let present = schemas.filter { withTable.contains($0) }
        var start = 0
        while start < present.count {
            let chunk = present[start..<min(start + 500, present.count)]
            start += 500
            let sql = chunk.map {
                "SELECT \(dialect.quoteString($0)), version_num FROM \(dialect.quoteQualified(name, schema: $0))"
            }.joined(separator: "\nUNION ALL ")
            let rows = try performDatabaseAction(
                "read the version tables of \(chunk.count) schemas", in: database,
                statementHint: VersionTable(name: name, schema: chunk.first, dialect: dialect).readHint
            ) { try connection.query(sql) }
            for row in rows {
                guard let schema = row[0], let revision = row[1] else { continue }
                heads[schema, default: []].insert(revision)
            }
        }
        return schemas.map { heads[$0] ?? [] }
    }

    static func migrateError(_ error: any Error) -> MigrateError {
        if let error = error as? MigrateError { return error }
        return MigrateError(.database, "the status could not be read", cause: error)
    }
}

/// Turns a set of heads into a status; sets of heads repeat across a fleet (most tenants are at
/// the same revision), so each is worked out once.
private final class HeadsSummary: @unchecked Sendable {
    private let graph: RevisionGraph
    private let lock = DispatchQueue(label: "migrate.fleet.status")
    private var known: [Set<String>: (TargetStatus.State, [String], Int)] = [:]

    init(graph: RevisionGraph) { self.graph = graph }

    func status(_ target: FleetTarget, heads: Set<String>) -> TargetStatus {
        let (state, sorted, pending) = lock.sync {
            if let cached = known[heads] { return cached }
            let result: (TargetStatus.State, [String], Int)
            let unknown = heads.filter { graph.revisions[$0] == nil }
            if !unknown.isEmpty {
                result = (.ahead, graph.topologicallySorted(heads.subtracting(unknown)) + unknown.sorted(), 0)
            } else {
                let pending = graph.revisions.count - graph.appliedRevisions(heads: heads).count
                result = (pending == 0 ? .atHead : .behind, graph.topologicallySorted(heads), pending)
            }
            known[heads] = result
            return result
        }
        return TargetStatus(target: target, state: state, heads: sorted, pending: pending, error: nil)
    }
}
