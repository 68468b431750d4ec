import MigrateCore

/// A synchronous connection to one database, owned and used by one caller at a time.
///
/// The runner talks to SQLite and PostgreSQL through this protocol only, so online runs share
/// one code path. Connections are deliberately not `Sendable`: each is closed when released.
package protocol DatabaseConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs SQL that returns no rows. Several statements separated by `;` are allowed.
    /// Throws ``DatabaseError`` carrying the engine's code, message and the SQL.
    func execute(_ sql: String) throws

    /// Runs one statement with `$1`-style (PostgreSQL) or `?` (SQLite) parameters and returns
    /// every row, each value as text (nil for NULL).
    func query(_ sql: String, parameters: [String?]) throws -> [[String?]]

    /// Starts a transaction. On SQLite this is `BEGIN IMMEDIATE`, which is also the lock that
    /// serializes concurrent runs; it waits as ``acquireMigrationLock(name:timeout:onWait:)`` said.
    func beginTransaction() throws
    func commit() throws
    func rollback() throws

    /// Takes the lock that serializes migration runs against this database, waiting at most
    /// `timeout` and calling `onWait` once if it has to wait. `name` identifies the lock (the
    /// qualified version table name), so two environments sharing a server do not block each other.
    ///
    /// PostgreSQL polls `pg_try_advisory_lock` (never a blocking `pg_advisory_lock`, which would
    /// deadlock against `CREATE INDEX CONCURRENTLY` run by the holder). SQLite takes its lock per
    /// transaction with `BEGIN IMMEDIATE`, so here it only records the timeout and callback.
    /// Throws ``MigrateError`` of kind `.lockTimeout` when the timeout passes.
    func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws
    func releaseMigrationLock() throws

    /// Whether a table exists (in `schema` when given, else in the search path / main database).
    func tableExists(_ name: String, schema: String?) throws -> Bool
}

extension DatabaseConnection {
    package func query(_ sql: String) throws -> [[String?]] {
        try query(sql, parameters: [])
    }
}
