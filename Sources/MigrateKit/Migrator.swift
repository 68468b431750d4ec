#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL
import MigrateScript

/// Runs an app's migrations from inside the app: a server at start-up, an iOS or macOS app
/// opening its SQLite file.
///
/// It takes the migrations compiled into the app (types conforming to ``Migration``) and,
/// optionally, folders of SQL migration files (a bundle's resources), and moves the database
/// with the very runner the `migrate` command line uses: the same version and history tables,
/// the same run lock (so two processes, or an app and the command line, never apply a migration
/// twice), one transaction per migration, and the same ``RunEvent``s. An app and the command
/// line can take turns on one database.
///
/// ```swift
/// let migrator = try Migrator(
///     database: .sqlite(path: databasePath),
///     migrations: [Rev_1975ea83b712.self, Rev_27c6a30d7c24.self],
///     backup: .beforeMigrating,
///     onEvent: { event in logger.info("\(event)") })
/// try migrator.upgrade()
/// ```
///
/// Every call opens its own connection and closes it before returning.
public struct Migrator: Sendable {
    /// Where the database is.
    public enum Database: Sendable, Hashable {
        /// A URL as `migrate.json` takes it: `postgresql://…`, `sqlite:///relative.db`,
        /// `sqlite:////absolute.db`. `${NAME}` is not expanded: pass the value.
        case url(String)
        /// An SQLite file, created if missing; a relative path is relative to the current folder.
        case sqlite(path: String)
    }

    /// Whether an SQLite file is copied before migrations run, to be put back if they fail.
    public enum Backup: Sendable, Hashable {
        /// No copy: a failed migration is rolled back by its transaction, and earlier ones stay.
        case none
        /// Before a run that has migrations to apply (up or down), the file is copied with
        /// SQLite's online backup API to `<file>-migrate-backup`; if the run fails, the copy is
        /// put back, so the file is as it was before the run, even after migrations that
        /// committed or that run outside a transaction (`transactional: false`). The copy is
        /// deleted afterwards. PostgreSQL databases are not copied.
        case beforeMigrating
    }

    let context: Context

    /// - Parameters:
    ///   - database: where the database is.
    ///   - migrations: the compiled migrations, in any order (the graph orders them).
    ///   - sqlFolders: folders of migration files read as the command line reads `versions`,
    ///     e.g. a bundle's `Bundle.module.path(forResource: "Migrations", ofType: nil)!`.
    ///   - versionTable: the version table's name (`version_table` in migrate.json); its
    ///     history table is `<versionTable>_history`.
    ///   - versionTableSchema: the PostgreSQL schema of the version table.
    ///   - transactionPerMigration: false runs all migrations of a run in one transaction.
    ///   - lockTimeout: how long to wait for another run's lock before giving up.
    ///   - apply: the lock and statement timeouts each migration runs under on PostgreSQL, and
    ///     the retries after a lock timeout (migrate.json `apply`).
    ///   - backup: whether an SQLite file is copied first and put back if the run fails.
    ///   - onEvent: progress, called on the calling thread while a run works.
    public init(
        database: Database,
        migrations: [any Migration.Type],
        sqlFolders: [String] = [],
        versionTable: String = Configuration.defaultVersionTable,
        versionTableSchema: String? = nil,
        transactionPerMigration: Bool = true,
        lockTimeout: Duration = Configuration.defaultLockTimeout,
        apply: ApplySettings = ApplySettings(),
        backup: Backup = .none,
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) throws {
        let currentDirectory = FileManager.default.currentDirectoryPath
        var configuration = Configuration(directory: currentDirectory)
        configuration.versions = sqlFolders.map { Configuration.absolutePath($0, relativeTo: currentDirectory) }
        guard !versionTable.isEmpty, versionTable.utf8.count <= Configuration.maximumVersionTableLength else {
            throw MigrateError(
                .usage, "the version table name '\(versionTable)' must have 1 to \(Configuration.maximumVersionTableLength) bytes",
                hint: "PostgreSQL cuts names at 63 bytes, and the history table's key is named `<versionTable>_history_pkc`")
        }
        configuration.versionTable = versionTable
        configuration.versionTableSchema = versionTableSchema
        configuration.transactionPerMigration = transactionPerMigration
        configuration.lockTimeout = lockTimeout
        configuration.apply = apply
        let url: String
        switch database {
        case .url(let text): url = text
        case .sqlite(let path):
            // Three slashes and a relative path, or four and an absolute one.
            url = "sqlite:///" + Configuration.absolutePath(path, relativeTo: currentDirectory)
        }
        var context = Context(configuration: configuration, urlFlag: url, environment: [:], onEvent: onEvent)
        context.compiled = try CompiledMigrations(migrations)
        context.backup = backup
        _ = try context.databaseURL()
        self.context = context
    }

    /// Applies the migrations up to `target` (`heads`, every branch's head, by default; also any
    /// revision id or the command line's `head`, `+N`, `LABEL@head`) and returns the steps run.
    @discardableResult
    public func upgrade(to target: String = "heads") throws -> [MigrationStep] {
        try Commands.upgrade(context, to: target)
    }

    /// Reverts migrations down to `target` (a revision id, `-N`, or `base`) and returns the steps run.
    @discardableResult
    public func downgrade(to target: String) throws -> [MigrationStep] {
        try Commands.downgrade(context, to: target)
    }

    /// The revisions the database is at, as `migrate current` lists them (its version table's
    /// rows, and revisions applied because a row depends on them); empty for a database that was
    /// never migrated.
    public func current() throws -> [String] {
        try Commands.current(context).map(\.revision)
    }

    /// The revisions ``upgrade(to:)`` would apply, in the order it would apply them.
    public func pending(to target: String = "heads") throws -> [Revision] {
        let graph = try context.revisionGraph(.graph)
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        let heads = try context.readCurrentHeads(connection, versionTable: table)
        try graph.validateDatabaseHeads(heads, versionTable: table.displayName)
        return try graph.upgradeSteps(from: heads, to: target).map(\.revision)
    }

    /// Records the revisions that stand for the migrations Fluent or GRDB recorded as run, without
    /// running anything (`migrate stamp --from`); returns how each recorded migration was matched.
    @discardableResult
    public func adoptHistory(
        from library: Commands.AdoptedLibrary, mapping: [String: String] = [:]
    ) throws -> Commands.Adoption {
        try Commands.adoptHistory(context, from: library, mapping: mapping)
    }
}

/// Compiled migrations as revisions, with their `op.run` closures.
struct CompiledMigrations: Sendable {
    var revisions: [Revision]
    var swiftCode: [SwiftCodeKey: SwiftCode]

    init(_ migrations: [any Migration.Type]) throws {
        revisions = []
        swiftCode = [:]
        var seen: [String: String] = [:]
        for migration in migrations {
            let type = String(reflecting: migration)
            if let other = seen.updateValue(type, forKey: migration.revision) {
                throw MigrateError(
                    .graph, "\(other) and \(type) both declare revision \(migration.revision)",
                    hint: "give each migration its own revision id, and list each type once")
            }
            let compiled = migration.compile()
            var revision = compiled.revision
            revision.checksum = OperationChecksum.checksum(of: revision)
            revisions.append(revision)
            for (index, code) in compiled.upgrade {
                swiftCode[SwiftCodeKey(revision: revision.id, direction: .upgrade, operation: index)] = code
            }
            for (index, code) in compiled.downgrade {
                swiftCode[SwiftCodeKey(revision: revision.id, direction: .downgrade, operation: index)] = code
            }
        }
    }
}

extension Context {
    /// Runs `body`; with `enabled` and an engine that keeps a file, first copies the database
    /// and, if `body` throws, puts the copy back before rethrowing.
    /// `start` names the revisions the database was at, for the message.
    func withBackup<T>(if enabled: Bool, start: String, _ body: () throws -> T) throws -> T {
        guard enabled else { return try body() }
        let url = try databaseURL()
        guard let backup = try url.engine.makeBackup(of: url.target) else { return try body() }
        let result: T
        do {
            result = try body()
        } catch {
            try backup.restore()
            backup.discard()
            var failure = error as? MigrateError
                ?? MigrateError(.migration, "the migration run failed", cause: error)
            failure.hint = [
                failure.hint,
                "The database file was then restored from the backup taken before the run: it is back at \(start), as it was.",
            ]
                .compactMap { $0 }.joined(separator: " ")
            throw failure
        }
        backup.discard()
        return result
    }
}
