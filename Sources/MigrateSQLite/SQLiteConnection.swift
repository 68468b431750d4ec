import CSQLite
import MigrateCore
import MigrateSQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connection to one SQLite database file; it owns the `sqlite3` handle and closes it in `deinit`.
///
/// SQLite has no advisory locks, so concurrent migration runs serialize on a lock of the database
/// file itself (``acquireMigrationLock(name:timeout:onWait:)``) and on the database's own write
/// lock: ``beginTransaction()`` is `BEGIN IMMEDIATE`, which takes that lock up front.
///
/// A statement that meets a lock another connection holds waits for it (60 s unless
/// ``waitForLocks(timeout:onWait:)`` says otherwise), telling whoever asked once per wait, and
/// then fails with ``MigrateError`` `.lockTimeout` naming the file.
///
/// ```swift
/// let connection = try SQLiteConnection(path: "migrate.sqlite3")
/// try connection.execute("CREATE TABLE accounts (id integer PRIMARY KEY, name text)")
/// let rows = try connection.query("SELECT name FROM accounts WHERE id = ?", parameters: ["1"])
/// ```
///
/// Not `Sendable`: one owner uses it at a time, synchronously.
package final class SQLiteConnection: DatabaseConnection {
    package var dialect: SQLDialect { .sqlite }

    /// The file path (or `:memory:`) the connection was opened with, for messages.
    package let path: String

    private let handle: OpaquePointer

    /// How statements wait for a lock another connection holds; SQLite's busy handler reads it.
    private let waiting = LockWaiting()

    /// Told when a statement starts waiting for another connection's lock; see ``waitForLocks(timeout:onWait:)``.
    private var onDatabaseWait: (() -> Void)?

    /// Told when `BEGIN IMMEDIATE` waits: it is part of the run's lock, so it is announced as the
    /// migration lock given to ``acquireMigrationLock(name:timeout:onWait:)``.
    private var onTransactionWait: (() -> Void)?

    /// A second descriptor of the database file, which carries the run's lock; -1 until the
    /// first ``acquireMigrationLock(name:timeout:onWait:)``. It is closed only after
    /// `sqlite3_close`: closing any descriptor of a file drops every POSIX lock the process
    /// holds on it, SQLite's included.
    private var runLockDescriptor: Int32 = -1

    /// Whether this connection holds the run's lock.
    private var holdsRunLock = false

    /// The tables the open migration transaction writes, and the foreign key violations they
    /// and the tables referencing them had before it did; see ``verifyBeforeCommit()``.
    private let writes = WriteRecorder()
    private var foreignKeys = ForeignKeyLedger()

    private static let defaultLockTimeout: Duration = .seconds(60)

    /// Where the run's lock lives in the database file: one byte far from the bytes SQLite locks
    /// (0x40000000 to 0x400001FF), so the two never meet. Locks may lie past the end of a file.
    private static let runLockOffset: Int64 = 0x7000_0000

    /// Opens (creating if missing) the database at `path`, or a private in-memory one for `:memory:`.
    ///
    /// Extended result codes are on so errors name e.g. `SQLITE_CONSTRAINT_UNIQUE`, and foreign
    /// keys are enforced, which SQLite leaves off unless each connection asks.
    package init(path: String) throws {
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            // SQLite allocates a handle even when opening fails; it carries the message and must be closed.
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            let extendedCode = opened.map { sqlite3_extended_errcode($0) } ?? code
            sqlite3_close_v2(opened)
            throw MigrateError(
                .database, "cannot open the SQLite database \(path)",
                hint: "Check that the folder exists and that you may write to it; sqlite:///name is relative "
                    + "to the current folder, sqlite:////name is an absolute path.",
                cause: DatabaseError(
                    engine: "SQLite", resultCode: SQLiteResultCode(extendedCode), message: message))
        }
        self.handle = opened
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        waiting.timeout = Self.defaultLockTimeout
        sqlite3_busy_handler(handle, sqliteBusyHandler, Unmanaged.passUnretained(waiting).toOpaque())
        // A pending interruption (Ctrl-C, SIGTERM) stops the running statement with SQLITE_INTERRUPT.
        // SQLite asks every 1000 virtual-machine steps; unlike sqlite3_interrupt from another
        // thread, this also catches a statement that starts just after the signal.
        sqlite3_progress_handler(handle, 1000, { _ in Interruption.pendingSignal != nil ? 1 : 0 }, nil)
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(handle)
        // Only now: see runLockDescriptor.
        if runLockDescriptor >= 0 { close(runLockDescriptor) }
    }

    /// How long a statement waits for a lock another connection (or process) holds on the file
    /// before it fails with ``MigrateError`` `.lockTimeout`, and whom to tell, once per wait, that
    /// it waits: a command that meets a locked file says so instead of hanging silently.
    package func waitForLocks(timeout: Duration, onWait: (() -> Void)?) {
        waiting.timeout = timeout
        onDatabaseWait = onWait
    }

    // MARK: - Statements

    /// Runs every statement in `sql` in order, stopping at the first failure.
    ///
    /// Unlike PostgreSQL's multi-statement `execute`, statements before a failing one stay applied
    /// unless the caller wrapped them in a transaction.
    package func execute(_ sql: String) throws {
        _ = try run(sql)
    }

    /// Runs each element of `statements` like ``execute(_:)`` and returns how many rows each
    /// changed (`sqlite3_changes` after it; 0 for a statement that is not INSERT, UPDATE or DELETE).
    package func executeCountingRows(_ statements: [String]) throws -> [Int] {
        try statements.map { try run($0) }
    }

    /// Runs the statements of `sql` one by one; returns the rows the INSERT, UPDATE and DELETE
    /// statements among them changed.
    private func run(_ sql: String) throws -> Int {
        try rejectNUL(in: sql)
        waiting.begin(announcing: onDatabaseWait)
        return try sql.withCString { start in
            var cursor = start
            var changed = 0
            while cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(handle, cursor, -1, &statement, &tail)
                guard code == SQLITE_OK else {
                    let error = prepareError(code, statementAt: cursor)
                    throw lockTimeout(code, cause: error) ?? error
                }
                let next = tail ?? cursor
                guard let statement else {
                    // An empty statement: only whitespace, comments or a lone `;` were consumed.
                    if next == cursor { return changed }
                    cursor = next
                    continue
                }
                defer { sqlite3_finalize(statement) }
                // Preparing told the authorizer which tables the statement writes: note their
                // foreign key violations before it runs.
                try recordForeignKeyBaseline()
                let totalBefore = sqlite3_total_changes64(handle)
                var stepCode: Int32
                repeat { stepCode = sqlite3_step(statement) } while stepCode == SQLITE_ROW
                try check(stepCode, sql: Self.trimmed(Self.text(from: cursor, to: next)))
                // sqlite3_changes keeps the last INSERT/UPDATE/DELETE's count until the next one,
                // so it counts only when this statement changed something.
                if sqlite3_total_changes64(handle) != totalBefore { changed += Int(sqlite3_changes64(handle)) }
                cursor = next
            }
            return changed
        }
    }

    /// Runs one statement with `?` parameters bound as text and returns its rows as text.
    ///
    /// Values are returned as SQLite renders them as text (integers and reals in decimal), NULL as nil.
    package func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
        try rejectNUL(in: sql)
        waiting.begin(announcing: onDatabaseWait)
        return try sql.withCString { start in
            var prepared: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, start, -1, &prepared, &tail)
            guard code == SQLITE_OK else {
                let error = prepareError(code, statementAt: start)
                throw lockTimeout(code, cause: error) ?? error
            }
            guard let statement = prepared else {
                throw DatabaseError(engine: "SQLite", message: "the query holds no SQL statement", sql: sql)
            }
            defer { sqlite3_finalize(statement) }
            if let tail, holdsStatement(tail) {
                throw DatabaseError(
                    engine: "SQLite", message: "query runs one statement, but the SQL holds more than one",
                    hint: "Use execute for several statements, or split them.", sql: sql)
            }

            let expected = Int(sqlite3_bind_parameter_count(statement))
            guard expected == parameters.count else {
                throw DatabaseError(
                    engine: "SQLite", resultCode: .SQLITE_RANGE,
                    message: "the statement takes \(expected) parameter(s) but \(parameters.count) were given",
                    sql: sql)
            }
            for (offset, value) in parameters.enumerated() {
                let index = Int32(offset + 1)
                let bindCode: Int32
                if let value {
                    // SQLITE_TRANSIENT: SQLite copies the text, since Swift's C string lives only for the call.
                    bindCode = sqlite3_bind_text(
                        statement, index, value, Int32(value.utf8.count),
                        unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                } else {
                    bindCode = sqlite3_bind_null(statement, index)
                }
                try check(bindCode, sql: sql)
            }

            let columnCount = sqlite3_column_count(statement)
            var rows: [[String?]] = []
            while true {
                let stepCode = sqlite3_step(statement)
                if stepCode == SQLITE_DONE { return rows }
                guard stepCode == SQLITE_ROW else {
                    try check(stepCode, sql: sql)
                    return rows
                }
                rows.append((0..<columnCount).map { Self.columnText(statement, $0) })
            }
        }
    }

    // MARK: - Transactions and the migration lock

    /// `BEGIN IMMEDIATE`: takes SQLite's write lock now, so it serializes concurrent migration runs.
    ///
    /// If another connection holds the lock it tells the `onWait` recorded by
    /// ``acquireMigrationLock(name:timeout:onWait:)`` (or, without one, the one given to
    /// ``waitForLocks(timeout:onWait:)``), waits up to the timeout and throws ``MigrateError``
    /// `.lockTimeout` if the lock is still held.
    package func beginTransaction() throws {
        let sql = "BEGIN IMMEDIATE"
        waiting.begin(announcing: onTransactionWait ?? onDatabaseWait)
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        try check(code, sql: sql)
        writes.start()
        foreignKeys = ForeignKeyLedger()
    }

    package func commit() throws {
        try execute("COMMIT")
        writes.stop()
    }

    /// Rolls back the open transaction; does nothing if SQLite already rolled it back itself,
    /// as it does after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, an interrupt).
    package func rollback() throws {
        writes.stop()
        guard sqlite3_get_autocommit(handle) == 0 else { return }
        try execute("ROLLBACK")
    }

    /// Takes the run's lock: a write lock on one byte of the database file itself, polled every
    /// 50 ms until `timeout`; and records how long statements (``beginTransaction()`` among them)
    /// may wait for the database's own locks, and whom to tell when `BEGIN IMMEDIATE` waits.
    ///
    /// `BEGIN IMMEDIATE` alone serializes transactions, not runs: a migration with
    /// `transactional: false` runs outside any transaction, and two runs would both apply it.
    /// The lock is an open-file-description lock (`F_OFD_SETLK`) on a byte far from SQLite's own
    /// lock bytes, held through a second descriptor of the file: it excludes every other run on
    /// the same file, whatever path names it, including runs in the same process; it needs no side
    /// file, so a file deleted, replaced or made unopenable beside the database cannot let a second
    /// run in, and it needs no writable folder; the kernel drops it when the process dies, so a
    /// killed run never leaves it held. When the lock cannot be taken at all (the file cannot be
    /// opened again for writing, or its file system refuses locks), the run refuses: it never
    /// proceeds without the lock. `:memory:` and temporary databases are private to the
    /// connection and need none.
    package func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws {
        waiting.timeout = timeout
        onTransactionWait = onWait
        guard !holdsRunLock, let file = databaseFile else { return }
        if runLockDescriptor < 0 {
            let descriptor = open(file, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw runLockError(file, "cannot open the database file to take the run's lock: \(Self.describeErrno(errno))")
            }
            runLockDescriptor = descriptor
        }
        if try tryRunLock(file) { return }
        onWait()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
            try Interruption.checkpoint("waiting for the migration lock of \(file)")
            if try tryRunLock(file) { return }
        }
        throw MigrateError(
            .lockTimeout,
            "another migration run held the migration lock of the SQLite database \(file) for more than \(Self.describe(timeout))",
            hint: "Wait for the other run to finish and try again; the lock goes away with the process holding it.")
    }

    /// Releases the run's lock and forgets the timeout and callback recorded by
    /// ``acquireMigrationLock(name:timeout:onWait:)``. The descriptor stays open until the
    /// connection closes (see `runLockDescriptor`).
    package func releaseMigrationLock() throws {
        onTransactionWait = nil
        if holdsRunLock {
            _ = migrate_lock_range(runLockDescriptor, Int16(F_UNLCK), Self.runLockOffset, 1)
            holdsRunLock = false
        }
    }

    /// The absolute path of the database file, or nil for an in-memory or temporary database.
    private var databaseFile: String? {
        guard let name = sqlite3_db_filename(handle, "main") else { return nil }
        let file = String(cString: name)
        return file.isEmpty ? nil : file
    }

    /// One attempt at the run's lock: true when taken, false when another run holds it.
    private func tryRunLock(_ file: String) throws -> Bool {
        let result = migrate_lock_range(runLockDescriptor, Int16(F_WRLCK), Self.runLockOffset, 1)
        if result == 0 {
            holdsRunLock = true
            return true
        }
        if result == EAGAIN || result == EACCES || result == EWOULDBLOCK { return false }
        throw runLockError(file, "the file system refused the run's lock: \(Self.describeErrno(result))")
    }

    private func runLockError(_ file: String, _ reason: String) -> MigrateError {
        MigrateError(
            .database, "cannot lock the SQLite database \(file) for the migration run: \(reason)",
            hint: "migrate does not run migrations without the lock that keeps other runs of this database out. "
                + "Run it as a user who may write the database file, on a local file system that supports locks.")
    }

    // MARK: - Migration sessions

    /// Turns foreign key enforcement off for the run (it cannot change inside a transaction),
    /// as SQLite's table-rebuild procedure requires; ``verifyBeforeCommit()`` checks the keys.
    /// From here on each transaction notes which tables it writes.
    package func beginMigrationSession() throws {
        try execute("PRAGMA foreign_keys = OFF")
        sqlite3_set_authorizer(handle, sqliteWriteAuthorizer, Unmanaged.passUnretained(writes).toOpaque())
    }

    /// Fails when the transaction left rows whose foreign keys point nowhere that were not
    /// there before it, naming the first.
    ///
    /// Only the tables the transaction wrote (inserted, updated, deleted, created, altered,
    /// dropped or indexed, a table rebuild's steps included) and the tables whose foreign keys
    /// reference them are checked, each with `PRAGMA foreign_key_check(table)`, and compared with
    /// the same check made inside the transaction before the first statement that wrote them.
    /// SQLite does not enforce foreign keys unless asked, so real databases often hold dangling
    /// rows; they fail no migration that does not add to them, and an unrelated migration does
    /// not scan a large table.
    package func verifyBeforeCommit() throws {
        guard writes.isRecording else { return }
        try recordForeignKeyBaseline()
        let tables = try checkedTables(for: writes.tables)
        for table in tables {
            let after = try foreignKeyViolations(in: table)
            let before = foreignKeys.baseline[table] ?? []
            if let first = ForeignKeyLedger.firstNew(after: after, before: before) {
                let added = ForeignKeyLedger.newCount(after: after, before: before)
                throw DatabaseError(
                    engine: "SQLite", check: "FOREIGN KEY CHECK",
                    message: "the migration left \(added) row(s) whose foreign keys point nowhere, e.g. a row of "
                        + "\(first.table) (rowid \(first.rowid)) references a missing row of \(first.parent)",
                    hint: "make the migration delete or fix those rows, or create the parent rows first",
                    sql: "PRAGMA \(dialect.quoteIdentifier(table.schema)).foreign_key_check(\(dialect.quoteIdentifier(table.name)))")
            }
        }
    }

    /// Turns foreign key enforcement back on and stops noting writes.
    package func endMigrationSession() throws {
        sqlite3_set_authorizer(handle, nil, nil)
        writes.stop()
        try execute("PRAGMA foreign_keys = ON")
    }

    /// For each table the authorizer noted since the last call: the foreign key violations of
    /// it and of the tables referencing it, as they are now (before the statement that writes
    /// it runs), unless already noted in this transaction.
    private func recordForeignKeyBaseline() throws {
        guard writes.isRecording, writes.unnoted < writes.tables.count else { return }
        let fresh = Array(writes.tables[writes.unnoted...])
        writes.unnoted = writes.tables.count
        for table in try checkedTables(for: fresh) where foreignKeys.baseline[table] == nil {
            foreignKeys.baseline[table] = try foreignKeyViolations(in: table)
        }
    }

    /// `tables` that exist, and the tables whose foreign keys reference one of them, in a stable order.
    private func checkedTables(for tables: [WrittenTable]) throws -> [WrittenTable] {
        var result: [WrittenTable] = []
        var seen: Set<WrittenTable> = []
        for schema in Set(tables.map(\.schema)).sorted() {
            let catalog = dialect.quoteQualified("sqlite_master", schema: schema)
            let existing = try query("SELECT name FROM \(catalog) WHERE type = 'table'")
            let edges = try query(
                """
                SELECT m.name, f."table" FROM \(catalog) AS m, pragma_foreign_key_list(m.name, ?) AS f
                WHERE m.type = 'table'
                """, parameters: [schema])
            var names: [String: String] = [:]  // lowercased → as stored
            for row in existing { if let name = row[0] { names[name.lowercased()] = name } }
            var children: [String: [String]] = [:]  // parent (lowercased) → referencing tables
            for row in edges { if let child = row[0], let parent = row[1] { children[parent.lowercased(), default: []].append(child) } }
            for table in tables where table.schema == schema {
                let key = table.name.lowercased()
                var candidates: [String] = []
                if let stored = names[key] { candidates.append(stored) }
                candidates += children[key] ?? []
                for name in candidates {
                    let candidate = WrittenTable(schema: schema, name: name)
                    if seen.insert(candidate).inserted { result.append(candidate) }
                }
            }
        }
        return result
    }

    /// `PRAGMA foreign_key_check` of one table: each row whose key finds no parent row.
    private func foreignKeyViolations(in table: WrittenTable) throws -> [ForeignKeyViolation] {
        let sql = "PRAGMA \(dialect.quoteIdentifier(table.schema)).foreign_key_check(\(dialect.quoteIdentifier(table.name)))"
        return try query(sql).map {
            ForeignKeyViolation(table: $0[0] ?? table.name, rowid: $0[1] ?? "?", parent: $0.count > 2 ? $0[2] ?? "?" : "?")
        }
    }

    // MARK: - Catalog

    /// Whether a table named `name` exists in `schema` (an attached database name; `main` when nil).
    ///
    /// The name compares case-insensitively (ASCII), as SQLite resolves identifiers.
    package func tableExists(_ name: String, schema: String?) throws -> Bool {
        let catalog = dialect.quoteQualified("sqlite_master", schema: schema ?? "main")
        let rows = try query(
            "SELECT 1 FROM \(catalog) WHERE type = 'table' AND name = ? COLLATE NOCASE LIMIT 1",
            parameters: [name])
        return !rows.isEmpty
    }

    // MARK: - Errors

    /// SQLite reads SQL as a C string, which ends at a NUL character: the rest of the statement
    /// would be dropped without a word (`DELETE FROM t\0 WHERE …` would empty the table).
    private func rejectNUL(in sql: String) throws {
        guard let nul = sql.firstIndex(of: "\0") else { return }
        throw DatabaseError(
            engine: "SQLite", message: "the SQL holds a NUL character, which would cut the statement short",
            hint: "Remove the NUL character (a binary byte in a text file); write it as char(0) if a value needs it.",
            position: sql.distance(from: sql.startIndex, to: nul) + 1, sql: String(sql.map { $0 == "\0" ? "␀" : $0 }))
    }

    /// The one return-code checker: anything but OK, ROW or DONE becomes a ``DatabaseError``, or
    /// a ``MigrateError`` `.lockTimeout` when the busy handler gave up waiting for a lock.
    private func check(_ code: Int32, sql: String?) throws {
        guard code != SQLITE_OK, code != SQLITE_ROW, code != SQLITE_DONE else { return }
        let error = DatabaseError(
            engine: "SQLite", resultCode: SQLiteResultCode(code),
            message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        throw lockTimeout(code, cause: error) ?? error
    }

    /// The error for a statement that waited the whole timeout for another connection's lock.
    private func lockTimeout(_ code: Int32, cause: DatabaseError) -> MigrateError? {
        guard SQLiteResultCode(code).primaryResultCode == .SQLITE_BUSY, waiting.gaveUp else { return nil }
        return MigrateError(
            .lockTimeout,
            "another connection held a lock on the SQLite database \(databaseFile ?? path) for more than "
                + "\(Self.describe(waiting.timeout))",
            hint: "Another program or migrate run is using the file (a long write, or a transaction left open); "
                + "let it finish or close it, then try again. `lock_timeout` in migrate.json sets how long to wait.",
            cause: cause)
    }

    /// An error from `sqlite3_prepare_v2`, naming only the failing statement of a script and the
    /// character SQLite points at.
    private func prepareError(_ code: Int32, statementAt start: UnsafePointer<CChar>) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(handle))
        let byteOffset = Int(sqlite3_error_offset(handle))
        let rawStatement = Self.statementText(startingAt: start)
        let leading = rawStatement.utf8.prefix(while: Self.isSpace).count
        let statement = Self.trimmed(rawStatement)
        var position: Int?
        if byteOffset >= leading, byteOffset - leading <= statement.utf8.count {
            let prefix = statement.utf8.prefix(byteOffset - leading)
            position = String(decoding: prefix, as: UTF8.self).count + 1
        }
        return DatabaseError(
            engine: "SQLite", resultCode: SQLiteResultCode(code), message: message,
            position: position, sql: statement)
    }

    /// Whether the SQL after a query's first statement holds another statement (not just comments).
    private func holdsStatement(_ text: UnsafePointer<CChar>) -> Bool {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, text, -1, &statement, nil)
        defer { sqlite3_finalize(statement) }
        return code != SQLITE_OK || statement != nil
    }

    // MARK: - Helpers

    private static func columnText(_ statement: OpaquePointer, _ column: Int32) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        // column_text before column_bytes, as SQLite documents, so the length matches the text form.
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    private static func text(from start: UnsafePointer<CChar>, to end: UnsafePointer<CChar>) -> String {
        let buffer = UnsafeRawBufferPointer(start: start, count: end - start)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The first statement of the script at `start` (up to a `;` that completes it), so an error
    /// that stops preparation names that statement instead of the rest of the script.
    private static func statementText(startingAt start: UnsafePointer<CChar>) -> String {
        let rest = String(cString: start)
        let bytes = Array(rest.utf8)
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: ";") {
            let candidate = String(decoding: bytes[...index], as: UTF8.self)
            if sqlite3_complete(candidate) != 0 { return candidate }
        }
        return rest
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0d).contains(byte)
    }

    private static func trimmed(_ text: String) -> String {
        let bytes = text.utf8
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }

    private static func describeErrno(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }

    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }

    /// "60 s", "0.5 s": how a timeout reads in messages.
    private static func describe(_ duration: Duration) -> String {
        let total = Int(milliseconds(duration))
        if total % 1000 == 0 { return "\(total / 1000) s" }
        return "\(Double(total) / 1000) s"
    }
}

// MARK: - Waiting for locks

/// What SQLite's busy handler needs: how long to wait, whom to tell, and whether it gave up.
private final class LockWaiting {
    var timeout: Duration = .seconds(60)
    /// Told once at the start of each wait of the statement running now.
    var announce: (() -> Void)?
    var deadline: ContinuousClock.Instant?
    /// Whether the last wait ended because the timeout passed, so the SQLITE_BUSY that follows
    /// is reported as a lock timeout.
    var gaveUp = false

    /// Called before each statement runs.
    func begin(announcing announce: (() -> Void)?) {
        self.announce = announce
        gaveUp = false
    }

    /// Whether to try again after the `attempt`-th failure to get a lock (0 first), having
    /// slept a little; false once the timeout has passed.
    func retry(attempt: Int32) -> Bool {
        let clock = ContinuousClock()
        let now = clock.now
        if attempt == 0 {
            deadline = now.advanced(by: timeout)
            gaveUp = false
            announce?()
        }
        // A pending interruption (Ctrl-C, SIGTERM) ends the wait: the statement fails with
        // SQLITE_BUSY and the run reports the signal.
        guard Interruption.pendingSignal == nil else { return false }
        guard let deadline, now < deadline else {
            gaveUp = true
            return false
        }
        // Short pauses first, as SQLite's own busy timeout does, so a brief lock costs little.
        let pauses: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20)]
        let pause = min(Int(attempt) < pauses.count ? pauses[Int(attempt)] : .milliseconds(50), deadline - now)
        let (seconds, attoseconds) = pause.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        nanosleep(&request, nil)
        return true
    }
}

/// SQLite's busy handler: called when a statement meets a lock another connection holds.
private let sqliteBusyHandler: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { context, attempt in
    guard let context else { return 0 }
    return Unmanaged<LockWaiting>.fromOpaque(context).takeUnretainedValue().retry(attempt: attempt) ? 1 : 0
}

// MARK: - Which tables a migration writes

/// A table of an attached database (`main` unless the statement named another).
private struct WrittenTable: Hashable {
    var schema: String
    var name: String

    init(schema: String, name: String) {
        self.schema = schema
        self.name = name
    }
}

/// The tables the statements of a migration transaction write, as SQLite's authorizer reports
/// them while each statement is prepared (triggers' writes included).
private final class WriteRecorder {
    /// Between ``start()`` (a transaction began) and ``stop()``.
    private(set) var isRecording = false
    /// In the order first written; names compare case-insensitively, as SQLite's do.
    private(set) var tables: [WrittenTable] = []
    private var seen: Set<WrittenTable> = []
    /// How many of `tables` have had their foreign key violations noted.
    var unnoted = 0

    func start() {
        stop()
        isRecording = true
    }

    func stop() {
        isRecording = false
        tables = []
        seen = []
        unnoted = 0
    }

    func note(schema: String, name: String) {
        guard isRecording, !name.lowercased().hasPrefix("sqlite_") else { return }
        let key = WrittenTable(schema: schema.lowercased(), name: name.lowercased())
        if seen.insert(key).inserted { tables.append(WrittenTable(schema: schema, name: name)) }
    }
}

/// SQLite's authorizer: notes the table each write, schema change or index change targets,
/// and allows everything.
private let sqliteWriteAuthorizer: @convention(c) (
    UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
    UnsafePointer<CChar>?
) -> Int32 = { context, action, first, second, database, _ in
    guard let context else { return SQLITE_OK }
    let table: UnsafePointer<CChar>?
    switch action {
    case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE, SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_TABLE,
        SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_TABLE:
        table = first
    case SQLITE_ALTER_TABLE, SQLITE_CREATE_INDEX, SQLITE_CREATE_TEMP_INDEX, SQLITE_DROP_INDEX, SQLITE_DROP_TEMP_INDEX:
        // ALTER TABLE passes the database as the first argument, the table as the second.
        table = second
    default:
        return SQLITE_OK
    }
    guard let table else { return SQLITE_OK }
    let schema = action == SQLITE_ALTER_TABLE ? first : database
    Unmanaged<WriteRecorder>.fromOpaque(context).takeUnretainedValue()
        .note(schema: schema.map { String(cString: $0) } ?? "main", name: String(cString: table))
    return SQLITE_OK
}

// MARK: - Foreign key violations

/// One row `PRAGMA foreign_key_check` reports.
private struct ForeignKeyViolation: Hashable {
    var table: String
    var rowid: String
    var parent: String
}

/// The violations each checked table had before the transaction first wrote it (or a table it
/// references), to tell the violations a migration adds from those the database already had.
private struct ForeignKeyLedger {
    var baseline: [WrittenTable: [ForeignKeyViolation]] = [:]

    /// Violations are compared as counts per (table, parent table): a table rebuild may give the
    /// same dangling rows new rowids, which must not read as new violations.
    private static func counts(_ violations: [ForeignKeyViolation]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for violation in violations { counts[pair(violation), default: 0] += 1 }
        return counts
    }

    private static func pair(_ violation: ForeignKeyViolation) -> String {
        violation.table.lowercased() + "\u{0}" + violation.parent.lowercased()
    }

    /// How many more violations `after` has than `before`, over the pairs that grew.
    static func newCount(after: [ForeignKeyViolation], before: [ForeignKeyViolation]) -> Int {
        let old = counts(before)
        return counts(after).reduce(0) { $0 + max(0, $1.value - (old[$1.key] ?? 0)) }
    }

    /// A violation of a pair that grew, preferring a row that was not reported before.
    static func firstNew(after: [ForeignKeyViolation], before: [ForeignKeyViolation]) -> ForeignKeyViolation? {
        let old = counts(before)
        let grown = Set(counts(after).filter { $0.value > (old[$0.key] ?? 0) }.keys)
        guard !grown.isEmpty else { return nil }
        let candidates = after.filter { grown.contains(pair($0)) }
        let previous = Set(before)
        return candidates.first { !previous.contains($0) } ?? candidates.first
    }
}
