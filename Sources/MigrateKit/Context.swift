#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL
import Synchronization

/// Everything a command needs: the configuration, where the database is, and where progress goes.
public struct Context: Sendable {
    public var configuration: Configuration
    /// The `--url` flag, which wins over the environment and the file.
    public var urlFlag: String?
    /// The environment `${VAR}` and `MIGRATE_DATABASE_URL` are read from.
    public var environment: [String: String]
    /// Receives progress while migrations run; the command line prints it to stderr.
    public var onEvent: @Sendable (RunEvent) -> Void
    /// Whether this command already said it waits for a locked database.
    let lockWaits = Announcement()
    /// Migrations compiled into an app (``Migrator``), read beside the files of `versions`.
    var compiled: CompiledMigrations?
    /// Whether an SQLite file is copied before an upgrade and put back if it fails (``Migrator``).
    var backup: Migrator.Backup = .none
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

    /// The database URL: `--url`, else `MIGRATE_DATABASE_URL`, else migrate.json's `url`.
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
            if let connection = workerConnection?.reuse(for: url) {
                if let searchPath = target?.searchPathStatement(connection.dialect) {
                    try connection.execute(searchPath)
                } else if connection.dialect == .postgresql {
                    try connection.execute("RESET search_path")
                }
                return connection
            }
            let connection = try url.engine.connect(to: url.target)
            // A database another program holds locked makes any command wait: say so, and give up
            // after the same timeout as the migration lock.
            connection.waitForLocks(timeout: configuration.lockTimeout) { [onEvent, databaseName, lockWaits] in
                if lockWaits.once() { onEvent(.waitingForDatabase(name: databaseName)) }
            }
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
            databaseName: databaseName, swiftCode: compiled?.swiftCode ?? [:], apply: configuration.apply)
    }

    /// Runs `body` holding the migration lock of the configured database, as a run that a
    /// signal interrupts (``Interruption``): the lock is released, and a failure after a signal
    /// says where the database is.
    func withMigrationLock<T>(
        _ connection: DatabaseConnection, table: VersionTable, _ body: () throws -> T
    ) throws -> T {
        try requireOneServerSession(connection)
        return try Interruption.withRun {
            do {
                try connection.acquireMigrationLock(
                    name: table.lockName, timeout: configuration.lockTimeout,
                    onWait: { [onEvent] in onEvent(.waitingForLock(table: table.displayName)) })
                try createTenantSchemaIfMissing(connection)
                let value = try body()
                try? connection.releaseMigrationLock()
                return value
            } catch {
                // Stop cancelling statements, so the unlock and the re-read below run.
                let signal = Interruption.acknowledge()
                try? connection.releaseMigrationLock()
                let found = readHeadsBack(table, on: connection, reconnect: { try self.connect() })
                if let signal { throw Self.interrupted(error, signal: signal, found: found) }
                if let error = error as? DatabaseError {
                    // Taking the lock or reading the version table failed (the connection died).
                    throw MigrateError(
                        .database, "the run stopped before any migration ran on \(databaseName)",
                        hint: "Nothing was changed. \(Self.describe(found)) Check the cause, then run the command again.",
                        cause: error)
                }
                throw error
            }
        }
    }

    /// "The database is at X." or why that could not be determined.
    private static func describe(_ found: HeadsAfterFailure) -> String {
        switch found {
        case .read(let heads): "The database is at \(heads.isEmpty ? "base" : heads.sorted().joined(separator: ", "))."
        case .unknown(let reason): Runner.undetermined(reason)
        }
    }

    /// An interruption outside the runner (waiting for the lock, reading the version table)
    /// with where the database is; the runner's own reports pass through unchanged.
    private static func interrupted(_ error: any Error, signal: Int32, found: HeadsAfterFailure) -> MigrateError {
        if let error = error as? MigrateError, error.kind == .interrupted, error.hint != nil { return error }
        var interrupted = error as? MigrateError ?? .interrupted(signal: signal, "the run")
        if interrupted.kind != .interrupted {
            interrupted = .interrupted(signal: signal, "the run")
            interrupted.cause = error
        }
        interrupted.hint = "No migration had started. \(describe(found))"
        return interrupted
    }
}

/// Whether something was already said: a command that meets a locked database in several
/// statements, or again on the connection that reads back where a failed run left the database,
/// says it waits once.
final class Announcement: Sendable {
    private let made = Mutex(false)

    /// True the first time only.
    func once() -> Bool {
        made.withLock { made in
            defer { made = true }
            return !made
        }
    }
}
