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

    /// Runs `statements` in order, in one round trip where the engine has round trips, and
    /// returns how many rows each INSERT, UPDATE or DELETE changed (0 for other statements).
    ///
    /// A step records itself in the version table with an UPDATE or DELETE naming the head it
    /// replaces; one that changes no row means another run moved the database meanwhile.
    /// Stops at the first failing statement and throws its ``DatabaseError``.
    func executeCountingRows(_ statements: [String]) throws -> [Int]

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
    /// deadlock against `CREATE INDEX CONCURRENTLY` run by the holder). SQLite locks a byte of
    /// the database file itself, and each transaction's `BEGIN IMMEDIATE` waits as long.
    /// Throws ``MigrateError`` of kind `.lockTimeout` when the timeout passes, and refuses
    /// (never proceeds without the lock) when the lock cannot be taken at all.
    func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws
    func releaseMigrationLock() throws

    /// Whether a table exists (in `schema` when given, else in the search path / main database).
    func tableExists(_ name: String, schema: String?) throws -> Bool

    /// Which of `names` exist as tables, like ``tableExists(_:schema:)`` for each. PostgreSQL
    /// asks in one query: a run starts by checking its version and history tables, and each
    /// query is a round trip to the server.
    func existingTables(_ names: [String], schema: String?) throws -> Set<String>

    /// Called once before a migration run. SQLite turns foreign key enforcement off, as its
    /// documented table-rebuild procedure requires (a rebuild's DROP TABLE would otherwise fire
    /// ON DELETE actions), and checks the keys before each commit instead.
    func beginMigrationSession() throws

    /// Called inside each migration's transaction just before it commits; throws if the
    /// migration left the database inconsistent (SQLite: foreign key violations it added).
    func verifyBeforeCommit() throws

    /// Undoes ``beginMigrationSession()``.
    func endMigrationSession() throws

    /// Reads every table of the default schema (and of `includeSchemas`, where the engine has
    /// schemas) but `excluded`, in a number of catalog queries that does not grow with the schema.
    func reflectSchema(includeSchemas: SchemaSelection, excluding excluded: [TableName]) throws -> SchemaReflection

    /// Declared views' queries as this database would print them back once created, by the
    /// names given, so a declared view compares with a reflected one by meaning rather than by
    /// spelling. Views the database cannot create yet (their tables do not exist) are left out.
    /// Changes nothing. Engines that keep a view's text as written return nothing.
    func normalizedViewDefinitions(_ views: [View]) throws -> [TableName: String]

    /// Declared functions as this database prints them back once created (definition and
    /// argument types), in the order given, so they compare with reflected ones by meaning
    /// rather than by spelling; one the database cannot create yet is returned as declared.
    /// Changes nothing. Engines without stored functions return them as given.
    func normalizedFunctions(_ functions: [Function]) throws -> [Function]

    /// What the schema model cannot express in the same schemas (views, functions, triggers…),
    /// in one catalog query, sorted; `migrate inspect` lists it rather than drop it unsaid.
    func unmodeledObjects(includeSchemas: SchemaSelection) throws -> [UnmodeledObject]

    /// Where table rebuilds read a table's current definition: the connection itself on an engine
    /// whose dialect rebuilds tables, nil elsewhere.
    var schemaInspector: SchemaInspector? { get }

    /// How long a statement waits for a lock another connection holds on the database before it
    /// fails, and whom to tell, once per wait, that it waits (SQLite, whose locks cover the whole
    /// file); engines whose waits are the migration lock's and the server's ignore it.
    func waitForLocks(timeout: Duration, onWait: (() -> Void)?)

    /// Asks to be told, once per statement, when a statement has waited a few seconds for a lock
    /// another session holds (PostgreSQL); engines that cannot tell ignore it.
    func reportLockWaits(to handler: @escaping (LockWait) -> Void)

    /// The sessions the last failed statement was seen waiting for (PostgreSQL), so a lock
    /// timeout can name who held the lock; nil where the engine cannot tell.
    var lockWaitOfLastFailure: LockWait? { get }

    /// What failed statements outside a transaction left behind (PostgreSQL: INVALID indexes of
    /// a failed `CREATE INDEX CONCURRENTLY`), so a failure after a snapshot can name what is new.
    func leftoverObjects() throws -> Set<LeftoverObject>

    /// Throws when `statement`, about to run outside a transaction, would meet what an earlier
    /// failed run left behind (an INVALID index of the same name), instead of failing with
    /// "already exists" or, with `IF NOT EXISTS`, passing over an index that does not work.
    func checkForLeftovers(before statement: String) throws

    /// The conditions of `checks` as this engine prints a check it stores, so a declared
    /// condition compares with a reflected one whatever its spelling (SQLite keeps the text as
    /// written): nil for one the engine could not read back, which then differs; nil for all
    /// when the engine could not say, and then conditions are not compared.
    func normalizedCheckConditions(_ checks: [(table: TableName, condition: String)]) -> [String?]?

    /// The expressions of stored generated columns as this engine prints one it stores (each
    /// computed in the context of its table, as a column of `type`), so a declared expression
    /// compares with a reflected one whatever its spelling; nil for an expression the engine
    /// could not read back (it names a column the table lacks, say), which is then compared as written.
    func normalizedGenerationExpressions(
        _ columns: [(table: TableName, type: ColumnType, expression: String)]
    ) -> [String?]
}

extension DatabaseConnection {
    package func waitForLocks(timeout: Duration, onWait: (() -> Void)?) {}
    package func reportLockWaits(to handler: @escaping (LockWait) -> Void) {}
    package var lockWaitOfLastFailure: LockWait? { nil }
    package func leftoverObjects() throws -> Set<LeftoverObject> { [] }
    package func checkForLeftovers(before statement: String) throws {}
    /// As written: an engine that keeps a check's text prints it back unchanged.
    package func normalizedCheckConditions(_ checks: [(table: TableName, condition: String)]) -> [String?]? {
        checks.map(\.condition)
    }

    /// As written: an engine that keeps a generated column's text prints it back unchanged.
    package func normalizedGenerationExpressions(
        _ columns: [(table: TableName, type: ColumnType, expression: String)]
    ) -> [String?] {
        columns.map(\.expression)
    }

    package func normalizedViewDefinitions(_ views: [View]) throws -> [TableName: String] { [:] }

    package func normalizedFunctions(_ functions: [Function]) throws -> [Function] { functions }

    package func existingTables(_ names: [String], schema: String?) throws -> Set<String> {
        Set(try names.filter { try tableExists($0, schema: schema) })
    }

    package func query(_ sql: String) throws -> [[String?]] {
        try query(sql, parameters: [])
    }
}
