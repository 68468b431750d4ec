import MigrateCore

/// What one database engine provides to the rest of `migrate`: its URLs, its dialect,
/// connections, and the scratch schema offline scripts need.
///
/// Each driver module implements it once, and MigrateKit registers the implementations in one
/// list; nothing outside a driver module names a driver type or reads its URLs. A third engine
/// is one new module and one line in that list.
package protocol DatabaseEngine: Sendable {
    /// The URL schemes that name this engine, lowercased (`sqlite`, `postgresql`, …); the first
    /// is the one messages suggest.
    var schemes: [String] { get }
    /// The forms of the engine's URLs, for the hint of an error about any URL
    /// (`sqlite:///relative/path.db`, …).
    var urlForms: [String] { get }
    /// Which of a URL's query parameters redaction hides besides those named like secrets.
    var urlParameterSecrets: URLParameterSecrets { get }
    /// Reads a URL of this engine (`url.scheme` is one of ``schemes``, or nil for text that
    /// ``readsWithoutScheme(_:)`` claims) into the target ``connect(to:)`` takes. Throws
    /// `url.invalid(…)`, saying what is wrong.
    func target(of url: DatabaseURLText) throws -> String
    /// Whether text without a scheme is a connection string of this engine (libpq's
    /// `host=… dbname=…`).
    func readsWithoutScheme(_ text: String) -> Bool
    /// A short name for the database at `target` in a list of several (a fleet's targets): a
    /// file's path relative to `directory`, a server's hosts and database.
    func shortName(target: String, redacted: String, relativeTo directory: String) -> String
    /// How the engine's SQL is written, and what it can do.
    var dialect: SQLDialect { get }
    /// Opens a connection to `target`, what a URL of this engine names (a file path, a libpq
    /// connection string). Errors name the target with any password hidden.
    func connect(to target: String) throws -> DatabaseConnection
    /// How messages name the database at `target`: "the SQLite database /srv/app.db", "the
    /// PostgreSQL database postgresql://app:***@db/app" (`redacted` is the URL as given, with
    /// its secrets hidden).
    func describe(target: String, redacted: String) -> String
    /// Whether connecting to `target` would find a database rather than create one: commands
    /// that only read (`lint`) must not leave an empty SQLite file behind.
    func databaseExists(at target: String) -> Bool
    /// An empty database that an offline script's statements are applied to, so a table rebuild
    /// reads the schema the script has built so far; nil where the dialect never rebuilds tables.
    func makeScratchSchema() throws -> (any ScratchSchema)?
    /// A copy of the database at `target`, taken before a run that may fail, to put back if it
    /// does; nil where the engine keeps no file to copy (PostgreSQL rolls back instead).
    func makeBackup(of target: String) throws -> (any DatabaseBackup)?
}

extension DatabaseEngine {
    package var urlParameterSecrets: URLParameterSecrets { .namedSecrets }
    package func readsWithoutScheme(_ text: String) -> Bool { false }
    package func makeBackup(of target: String) throws -> (any DatabaseBackup)? { nil }
}

/// A database's copy taken by ``DatabaseEngine/makeBackup(of:)``.
package protocol DatabaseBackup: AnyObject {
    /// Where the copy is, for messages when putting it back fails.
    var path: String { get }
    /// Puts the copy back over the database.
    func restore() throws
    /// Deletes the copy.
    func discard()
}

/// The schema an offline script builds, for table rebuilds to inspect.
package protocol ScratchSchema: SchemaInspector {
    /// Notes a statement the script emits; it is applied before the next inspection.
    func record(_ statement: String)
}
