#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL

/// Everything a command needs: the configuration, where the database is, and where progress goes.
public struct Context: Sendable {
    public var configuration: Configuration
    /// The `--url` flag, which wins over the environment and the file.
    public var urlFlag: String?
    /// The environment `${VAR}` and `MIGRATE_DATABASE_URL` are read from.
    public var environment: [String: String]
    /// Receives progress while migrations run; the command line prints it to stderr.
    public var onEvent: @Sendable (RunEvent) -> Void
    /// The fleet target a command runs on (migrate.json `targets`), or nil for the configured
    /// database: its URL replaces the configured one, and a tenant schema holds the version
    /// table and is the connection's `search_path`.
    public var target: FleetTarget? = nil
    /// The databases already shown to keep one server session per connection (no pooler in
    /// transaction mode), shared by the targets of a fleet run so each database is probed once.
    var verifiedSessions: VerifiedSessions? = nil
    /// The connection a fleet worker keeps between its targets, so the tenant schemas of one
    /// database share one session instead of opening one each.
    var workerConnection: WorkerConnection? = nil

    public init(
        configuration: Configuration,
        urlFlag: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.urlFlag = urlFlag
        self.environment = environment
        self.onEvent = onEvent
    }

    /// The database URL after the precedence of DESIGN §1.
    public func databaseURL() throws -> DatabaseURL {
        if let target { return target.url }
        if urlFlag == nil, !configuration.targets.isEmpty {
            // With a fleet configured, falling back to `url` would quietly run on a database
            // nobody chose (the one holding the tenant schemas, say).
            throw MigrateError(
                .usage, "migrate.json lists targets, and this command was not told which one to use",
                hint: "choose with --target NAME or --all (upgrade, downgrade, stamp, current, check, verify, status), "
                    + "or name one database with --url URL")
        }
        return try configuration.resolveURL(flag: urlFlag, environment: environment)
    }

    /// Reads the migration files; `.graph` for commands that only read the graph.
    public func scripts(_ detail: ScriptDirectory.Detail = .full) throws -> ScriptDirectory {
        try ScriptDirectory.load(folders: configuration.versions, detail: detail)
    }

    /// Opens a connection to the configured database.
    func connect() throws -> DatabaseConnection {
        let url = try databaseURL()
        return try performing("open a connection") {
            if let connection = workerConnection?.reuse(for: url) {
                if let searchPath = target?.searchPathStatement(connection.dialect) {
                    try connection.execute(searchPath)
                } else if connection.dialect == .postgresql {
                    try connection.execute("RESET search_path")
                }
                return connection
            }
            let connection = try url.engine.connect(to: url.target)
            if let searchPath = target?.searchPathStatement(connection.dialect) { try connection.execute(searchPath) }
            workerConnection?.keep(connection, for: url)
            return connection
        }
    }

    /// The engine of the configured database, without connecting (for offline scripts).
    func engine() throws -> any DatabaseEngine {
        try databaseURL().engine
    }

    func versionTable(dialect: SQLDialect) -> VersionTable {
        VersionTable(
            name: configuration.versionTable, schema: target?.schema ?? configuration.versionTableSchema, dialect: dialect)
    }

    func runner(graph: RevisionGraph, dialect: SQLDialect) -> Runner {
        Runner(
            graph: graph, versionTable: versionTable(dialect: dialect),
            transactionPerMigration: configuration.transactionPerMigration, onEvent: onEvent,
            databaseName: databaseName)
    }

    /// Runs `body` holding the migration lock of the configured database.
    func withMigrationLock<T>(
        _ connection: DatabaseConnection, table: VersionTable, _ body: () throws -> T
    ) throws -> T {
        try requireOneServerSession(connection)
        try performing("take the migration lock") {
            try connection.acquireMigrationLock(
                name: table.lockName, timeout: configuration.lockTimeout,
                onWait: { [onEvent] in onEvent(.waitingForLock(table: table.displayName)) })
        }
        defer { try? connection.releaseMigrationLock() }
        try createTenantSchemaIfMissing(connection)
        return try body()
    }
}
