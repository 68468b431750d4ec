#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL
import MigratePostgres
import MigrateSQLite

/// Everything a command needs: the configuration, where the database is, and where progress goes.
public struct Context: Sendable {
    public var configuration: Configuration
    /// The `--url` flag, which wins over the environment and the file.
    public var urlFlag: String?
    /// The environment `${VAR}` and `MIGRATE_DATABASE_URL` are read from.
    public var environment: [String: String]
    /// Receives progress while migrations run; the command line prints it to stderr.
    public var onEvent: @Sendable (RunEvent) -> Void

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
        try configuration.resolveURL(flag: urlFlag, environment: environment)
    }

    /// Reads the migration files; `.graph` for commands that only read the graph.
    public func scripts(_ detail: ScriptDirectory.Detail = .full) throws -> ScriptDirectory {
        try ScriptDirectory.load(folders: configuration.versions, detail: detail)
    }

    /// Opens a connection to the configured database.
    func connect() throws -> DatabaseConnection {
        let url = try databaseURL()
        switch url.kind {
        case .sqlite(let path):
            let connection = try SQLiteConnection(path: path)
            // A file another program holds locked makes any command wait: say so, and give up
            // after the same timeout as the migration lock.
            connection.waitForLocks(timeout: configuration.lockTimeout) { [onEvent] in
                onEvent(.waitingForDatabase(path: path))
            }
            return connection
        case .postgresql(let url):
            return try PostgresConnection(url: url)
        }
    }

    /// The dialect of the configured database, without connecting (for offline scripts).
    func dialect() throws -> SQLDialect {
        switch try databaseURL().kind {
        case .sqlite: return .sqlite
        case .postgresql: return .postgresql
        }
    }

    func versionTable(dialect: SQLDialect) -> VersionTable {
        VersionTable(
            name: configuration.versionTable, schema: configuration.versionTableSchema, dialect: dialect)
    }

    func runner(graph: RevisionGraph, dialect: SQLDialect) -> Runner {
        Runner(
            graph: graph, versionTable: versionTable(dialect: dialect),
            transactionPerMigration: configuration.transactionPerMigration, onEvent: onEvent)
    }

    /// Runs `body` holding the migration lock of the configured database.
    func withMigrationLock<T>(
        _ connection: DatabaseConnection, table: VersionTable, _ body: () throws -> T
    ) throws -> T {
        try connection.acquireMigrationLock(
            name: table.displayName, timeout: configuration.lockTimeout,
            onWait: { [onEvent] in onEvent(.waitingForLock(table: table.displayName)) })
        defer { try? connection.releaseMigrationLock() }
        return try body()
    }
}
