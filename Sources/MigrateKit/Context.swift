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
        return try performing("open a connection") {
            try url.engine.connect(to: url.target)
        }
    }

    /// The engine of the configured database, without connecting (for offline scripts).
    func engine() throws -> any DatabaseEngine {
        try databaseURL().engine
    }

    func versionTable(dialect: SQLDialect) -> VersionTable {
        VersionTable(
            name: configuration.versionTable, schema: configuration.versionTableSchema, dialect: dialect)
    }

    /// The history table of the configuration: `history_table` and `history_table_schema`, or
    /// `<version_table>_history` beside the version table.
    func historyTable(dialect: SQLDialect) -> HistoryTable {
        let (name, schema) = configuration.resolvedHistoryTable
        return HistoryTable(name: name, schema: schema, dialect: dialect)
    }

    func runner(graph: RevisionGraph, dialect: SQLDialect) -> Runner {
        Runner(
            graph: graph, versionTable: versionTable(dialect: dialect), historyTable: historyTable(dialect: dialect),
            transactionPerMigration: configuration.transactionPerMigration, onEvent: onEvent,
            databaseName: databaseName)
    }

    /// Runs `body` holding the migration lock of the configured database.
    func withMigrationLock<T>(
        _ connection: DatabaseConnection, table: VersionTable, _ body: () throws -> T
    ) throws -> T {
        try performing("take the migration lock") {
            try connection.acquireMigrationLock(
                name: table.displayName, timeout: configuration.lockTimeout,
                onWait: { [onEvent] in onEvent(.waitingForLock(table: table.displayName)) })
        }
        defer { try? connection.releaseMigrationLock() }
        return try body()
    }
}
