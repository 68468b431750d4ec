import MigrateCore
import MigrateSQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SQLite as `migrate` sees it: `sqlite:` URLs, files opened through ``SQLiteConnection``, and
/// an in-memory scratch database for offline scripts whose table rebuilds must inspect a schema.
package struct SQLiteEngine: DatabaseEngine {
    package init() {}

    package var schemes: [String] { ["sqlite", "sqlite3"] }
    package var dialect: SQLDialect { .sqlite }

    /// `target` is an absolute file path, or `:memory:`.
    package func connect(to target: String) throws -> DatabaseConnection {
        try SQLiteConnection(path: target)
    }

    package func describe(target: String, redacted: String) -> String {
        "the SQLite database \(target)"
    }

    /// An in-memory database never exists before it is opened; a file does when it is there.
    package func databaseExists(at target: String) -> Bool {
        target != ":memory:" && access(target, F_OK) == 0
    }

    package func makeScratchSchema() throws -> (any ScratchSchema)? {
        SQLiteScratchSchema()
    }

    /// A copy of the file beside it (`<file>-migrate-backup`); none for an in-memory database.
    package func makeBackup(of target: String) throws -> (any DatabaseBackup)? {
        target == ":memory:" ? nil : try SQLiteBackup(database: target)
    }
}

/// The schema an offline SQLite script builds, for table rebuilds to inspect.
///
/// Statements are only recorded as the script is written, and replayed into an in-memory
/// database when a rebuild first asks: most scripts never rebuild, and replaying every statement
/// of a long history was most of an offline run's time.
final class SQLiteScratchSchema: ScratchSchema {
    private var pending: [String] = []
    private var database: SQLiteConnection?

    func record(_ statement: String) {
        pending.append(statement)
    }

    func table(_ name: TableName) throws -> Table? {
        try replayed().table(name)
    }

    func rebuildSource(for name: TableName) throws -> TableRebuildSource? {
        try replayed().rebuildSource(for: name)
    }

    /// The scratch database with every recorded statement applied.
    private func replayed() throws -> SQLiteConnection {
        let database = try self.database ?? {
            let opened = try SQLiteConnection(path: ":memory:")
            // As in online runs, foreign keys are off so a rebuild's DROP TABLE fires no actions.
            try opened.beginMigrationSession()
            return opened
        }()
        self.database = database
        // The scratch database only models the schema: a statement it cannot run (one that needs
        // tables created before the script's range) is skipped, and a later rebuild of such a
        // table reports that the table is unknown.
        for statement in pending { try? database.execute(statement) }
        pending.removeAll()
        return database
    }
}
