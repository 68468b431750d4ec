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
    package var urlForms: [String] { ["sqlite:///relative/path.db", "sqlite:////absolute/path.db", "sqlite::memory:"] }
    package var dialect: SQLDialect { .sqlite }

    /// The path SQLite uses for an in-memory database.
    static let memoryPath = ":memory:"

    /// `sqlite:///relative/path.db` (against the URL's base folder), `sqlite:////absolute.db`,
    /// `sqlite::memory:` (or `sqlite:///:memory:`, or `sqlite://`); the path is percent-decoded.
    package func target(of url: DatabaseURLText) throws -> String {
        let rest = url.rest
        if rest == Self.memoryPath || rest == "//" || rest == "///" + Self.memoryPath { return Self.memoryPath }
        guard rest.hasPrefix("//") else {
            throw url.invalid("a SQLite URL starts with sqlite:/// (three slashes) followed by the path")
        }
        let afterSlashes = rest.dropFirst(2)
        guard afterSlashes.hasPrefix("/") else {
            throw url.invalid(
                "a SQLite URL has no host; write three slashes before a relative path and four before an absolute one")
        }
        if afterSlashes.contains("?") || afterSlashes.contains("#") {
            throw url.invalid("a SQLite URL takes no parameters (percent-encode '?' as %3F and '#' as %23 in a file name)")
        }
        // sqlite:///a.db → "a.db" (relative); sqlite:////a.db → "/a.db" (absolute).
        let encoded = afterSlashes.dropFirst()
        guard !encoded.isEmpty else { throw url.invalid("the path is empty") }
        guard let path = ConnectionString.percentDecoded(encoded) else {
            throw url.invalid("the path has an invalid percent-encoding")
        }
        if path == Self.memoryPath { return Self.memoryPath }
        return url.absolutePath(path)
    }

    /// The file's path, relative to `directory` when inside it.
    package func shortName(target: String, redacted: String, relativeTo directory: String) -> String {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return target.hasPrefix(prefix) ? String(target.dropFirst(prefix.count)) : target
    }

    /// `target` is an absolute file path, or `:memory:`.
    package func connect(to target: String) throws -> DatabaseConnection {
        try SQLiteConnection(path: target)
    }

    package func describe(target: String, redacted: String) -> String {
        "the SQLite database \(target)"
    }

    /// An in-memory database never exists before it is opened; a file does when it is there.
    package func databaseExists(at target: String) -> Bool {
        target != Self.memoryPath && access(target, F_OK) == 0
    }

    package func makeScratchSchema() throws -> (any ScratchSchema)? {
        SQLiteScratchSchema()
    }

    /// A copy of the file beside it (`<file>-migrate-backup`); none for an in-memory database.
    package func makeBackup(of target: String) throws -> (any DatabaseBackup)? {
        target == Self.memoryPath ? nil : try SQLiteBackup(database: target)
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
