import MigrateCore
import MigrateSQL

/// Runs one thing `migrate` does with a database, so that a failure says what that was.
///
/// A driver's ``DatabaseError`` knows the statement and the engine's code, but not why migrate
/// ran the statement nor against which database. Any error `body` throws other than a
/// ``MigrateError`` (which already says what failed) becomes one of kind `.database`: "cannot
/// `action` in `database`", the error as its cause, and a hint that fits the cause — the
/// classification's remedy, or `statementHint` when the engine blames the SQL itself.
///
/// ```swift
/// let heads = try performDatabaseAction(
///     "read the version table migrate_version", in: "the SQLite database /srv/app.sqlite3"
/// ) { try table.readHeads(connection) }
/// // error: cannot read the version table migrate_version in the SQLite database /srv/app.sqlite3
/// ```
func performDatabaseAction<T>(
    _ action: String, in database: String, statementHint: String? = nil, _ body: () throws -> T
) throws -> T {
    do {
        return try body()
    } catch let error as MigrateError {
        throw error
    } catch {
        var hint = "Deal with the cause above, then run the command again."
        if let underlying = DatabaseError.underlying(error) { hint = underlying.remedy ?? statementHint ?? hint }
        throw MigrateError(.database, "cannot \(action) in \(database)", hint: hint, cause: error)
    }
}

extension Context {
    /// How messages name the configured database: the SQLite file's path, or the PostgreSQL URL
    /// with its password replaced by `***`.
    public var databaseName: String {
        guard let url = try? databaseURL() else { return "the configured database" }
        let database = url.engine.describe(target: url.target, redacted: url.redacted)
        if let schema = target?.schema { return "the schema \(schema) of \(database)" }
        return database
    }

    /// ``performDatabaseAction(_:in:statementHint:_:)`` on the configured database.
    func performing<T>(_ action: String, statementHint: String? = nil, _ body: () throws -> T) throws -> T {
        try performDatabaseAction(action, in: databaseName, statementHint: statementHint, body)
    }

    /// ``RecordedState/read(_:versionTable:historyTable:history:)``, naming the table and database if it fails.
    func readRecordedState(
        _ connection: DatabaseConnection, versionTable table: VersionTable, history: Bool = true
    ) throws -> RecordedState {
        try performing("read the version table \(table.displayName)", statementHint: table.readHint) {
            try RecordedState.read(
                connection, versionTable: table, historyTable: historyTable(dialect: connection.dialect), history: history)
        }
    }

    /// The heads the version table names (none when it does not exist), naming the table and
    /// database if reading it fails.
    func readCurrentHeads(_ connection: DatabaseConnection, versionTable table: VersionTable) throws -> Set<String> {
        try performing("read the version table \(table.displayName)", statementHint: table.readHint) {
            try table.currentHeads(connection)
        }
    }
}

extension VersionTable {
    /// What reading the version (and history) table tells when the engine refuses the query:
    /// the table is not the one migrate created.
    var readHint: String {
        "Check that \(displayName) and its history table are tables migrate created (version_num is the version "
            + "table's column); if another program owns a table of that name, set version_table in migrate.json to "
            + "another name."
    }
}
