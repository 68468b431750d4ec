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
    /// Migrations compiled into an app (``Migrator``), read beside the files of `versions`.
    var compiled: CompiledMigrations?
    /// Whether an SQLite file is copied before an upgrade and put back if it fails (``Migrator``).
    var backup: Migrator.Backup = .none

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

    /// The revision graph of the migration files and of any compiled migrations.
    func revisionGraph(_ detail: ScriptDirectory.Detail = .full) throws -> RevisionGraph {
        guard let compiled else { return try scripts(detail).graph }
        // An app's folders may be read-only (a bundle): no parse cache is written beside them.
        let files = configuration.versions.isEmpty
            ? [] : try ScriptDirectory.readRevisions(folders: configuration.versions, useCache: false, detail: detail)
        return try RevisionGraph(files + compiled.revisions)
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

    func runner(graph: RevisionGraph, dialect: SQLDialect) -> Runner {
        Runner(
            graph: graph, versionTable: versionTable(dialect: dialect),
            transactionPerMigration: configuration.transactionPerMigration, onEvent: onEvent,
            databaseName: databaseName, swiftCode: compiled?.swiftCode ?? [:])
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
