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
/// SQLite has no advisory locks, so concurrent migration runs serialize on a file lock beside the
/// database (``acquireMigrationLock(name:timeout:onWait:)``) and on the database's own write
/// lock: ``beginTransaction()`` is `BEGIN IMMEDIATE`, which takes that lock up front and waits
/// for another writer as long as ``acquireMigrationLock(name:timeout:onWait:)`` allows.
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

    /// How long `BEGIN IMMEDIATE` (and any statement meeting a locked database) waits; 60 s until
    /// ``acquireMigrationLock(name:timeout:onWait:)`` says otherwise.
    private var lockTimeout: Duration = SQLiteConnection.defaultLockTimeout

    /// Called once each time `BEGIN IMMEDIATE` finds another writer holding the lock.
    private var onLockWait: (() -> Void)?

    private static let defaultLockTimeout: Duration = .seconds(60)

    /// The descriptor of the `-migrate-lock` file while this connection holds the run's lock, else -1.
    private var runLockDescriptor: Int32 = -1

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
                    engine: "SQLite", code: SQLiteResultCode.describe(extendedCode), message: message))
        }
        self.handle = opened
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Self.milliseconds(lockTimeout))
        // A pending interruption (Ctrl-C, SIGTERM) stops the running statement with SQLITE_INTERRUPT.
        // SQLite asks every 1000 virtual-machine steps; unlike sqlite3_interrupt from another
        // thread, this also catches a statement that starts just after the signal.
        sqlite3_progress_handler(handle, 1000, { _ in Interruption.pendingSignal != nil ? 1 : 0 }, nil)
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit {
        sqlite3_close_v2(handle)
        if runLockDescriptor >= 0 { close(runLockDescriptor) }
    }

    // MARK: - Statements

    /// Runs every statement in `sql` in order, stopping at the first failure.
    ///
    /// Unlike PostgreSQL's multi-statement `execute`, statements before a failing one stay applied
    /// unless the caller wrapped them in a transaction.
    package func execute(_ sql: String) throws {
        try rejectNUL(in: sql)
        try sql.withCString { start in
            var cursor = start
            while cursor.pointee != 0 {
                var statement: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                let code = sqlite3_prepare_v2(handle, cursor, -1, &statement, &tail)
                guard code == SQLITE_OK else {
                    throw prepareError(code, statementAt: cursor)
                }
                let next = tail ?? cursor
                guard let statement else {
                    // An empty statement: only whitespace, comments or a lone `;` were consumed.
                    if next == cursor { return }
                    cursor = next
                    continue
                }
                defer { sqlite3_finalize(statement) }
                var stepCode: Int32
                repeat { stepCode = sqlite3_step(statement) } while stepCode == SQLITE_ROW
                try check(stepCode, sql: Self.trimmed(Self.text(from: cursor, to: next)))
                cursor = next
            }
        }
    }

    /// Runs one statement with `?` parameters bound as text and returns its rows as text.
    ///
    /// Values are returned as SQLite renders them as text (integers and reals in decimal), NULL as nil.
    package func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
        try rejectNUL(in: sql)
        return try sql.withCString { start in
            var prepared: OpaquePointer?
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, start, -1, &prepared, &tail)
            guard code == SQLITE_OK else { throw prepareError(code, statementAt: start) }
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
                    engine: "SQLite", code: SQLiteResultCode.describe(SQLITE_RANGE),
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
    /// It tries once without waiting; if another connection holds the lock it calls the `onWait`
    /// recorded by ``acquireMigrationLock(name:timeout:onWait:)``, then waits up to the recorded
    /// timeout and throws ``MigrateError`` `.lockTimeout` if the lock is still held.
    package func beginTransaction() throws {
        let sql = "BEGIN IMMEDIATE"
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.milliseconds(lockTimeout)) }
        var code = sqlite3_exec(handle, sql, nil, nil, nil)
        if code & 0xff == SQLITE_BUSY {
            onLockWait?()
            sqlite3_busy_timeout(handle, Self.milliseconds(lockTimeout))
            code = sqlite3_exec(handle, sql, nil, nil, nil)
            if code & 0xff == SQLITE_BUSY {
                throw MigrateError(
                    .lockTimeout,
                    "another connection held the write lock of the SQLite database \(path) for more than "
                        + "\(Self.describe(lockTimeout)) (BEGIN IMMEDIATE)",
                    hint: "Another migration run (or a program writing to the file) is still working; wait for it "
                        + "to finish and try again.",
                    cause: DatabaseError(
                        engine: "SQLite", code: SQLiteResultCode.describe(code),
                        message: String(cString: sqlite3_errmsg(handle)), sql: sql))
            }
        }
        try check(code, sql: sql)
    }

    package func commit() throws {
        try execute("COMMIT")
    }

    /// Rolls back the open transaction; does nothing if SQLite already rolled it back itself,
    /// as it does after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, an interrupt).
    package func rollback() throws {
        guard sqlite3_get_autocommit(handle) == 0 else { return }
        try execute("ROLLBACK")
    }

    /// Takes the run's lock: an exclusive `flock` on `<database>-migrate-lock` beside the file,
    /// polled every 50 ms until `timeout`; and records how long ``beginTransaction()`` may wait for
    /// the write lock and whom to tell when either waits.
    ///
    /// `BEGIN IMMEDIATE` alone serializes transactions, not runs: a migration with
    /// `transactional: false` runs outside any transaction, and two runs would both apply it.
    /// The kernel drops the file lock when the process dies, so a killed run never leaves it held.
    /// Where the file cannot be created (a read-only folder, `:memory:`), runs rely on
    /// `BEGIN IMMEDIATE` alone.
    package func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws {
        lockTimeout = timeout
        onLockWait = onWait
        sqlite3_busy_timeout(handle, Self.milliseconds(timeout))
        guard runLockDescriptor < 0, path != ":memory:", !path.isEmpty else { return }
        let lockPath = path + "-migrate-lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            runLockDescriptor = descriptor
            return
        }
        onWait()
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            var pause = timespec(tv_sec: 0, tv_nsec: 50_000_000)
            nanosleep(&pause, nil)
            do {
                try Interruption.checkpoint("waiting for the migration lock of \(path)")
            } catch {
                close(descriptor)
                throw error
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                runLockDescriptor = descriptor
                return
            }
        }
        close(descriptor)
        throw MigrateError(
            .lockTimeout,
            "another migration run held the migration lock of the SQLite database \(path) (\(lockPath)) for more than \(Self.describe(timeout))",
            hint: "Wait for the other run to finish and try again; the lock goes away with the process holding it.")
    }

    /// Releases the run's file lock and forgets the timeout and callback recorded by
    /// ``acquireMigrationLock(name:timeout:onWait:)``.
    package func releaseMigrationLock() throws {
        lockTimeout = Self.defaultLockTimeout
        onLockWait = nil
        sqlite3_busy_timeout(handle, Self.milliseconds(lockTimeout))
        if runLockDescriptor >= 0 {
            close(runLockDescriptor)  // closing the descriptor releases its flock
            runLockDescriptor = -1
        }
    }

    // MARK: - Migration sessions

    /// Turns foreign key enforcement off for the run (it cannot change inside a transaction),
    /// as SQLite's table-rebuild procedure requires; ``verifyBeforeCommit()`` checks the keys.
    package func beginMigrationSession() throws {
        try execute("PRAGMA foreign_keys = OFF")
    }

    /// Fails when the transaction left rows whose foreign keys point nowhere, naming the first.
    package func verifyBeforeCommit() throws {
        let violations = try query("PRAGMA foreign_key_check")
        guard let first = violations.first else { return }
        let table = first[0] ?? "?"
        let parent = first.count > 2 ? first[2] ?? "?" : "?"
        throw DatabaseError(
            engine: "SQLite", code: "FOREIGN KEY CHECK",
            message: "\(violations.count) row(s) violate foreign keys, e.g. a row of \(table) (rowid \(first[1] ?? "?")) references a missing row of \(parent)",
            hint: "make the migration delete or fix those rows, or create the parent rows first",
            sql: "PRAGMA foreign_key_check")
    }

    /// Turns foreign key enforcement back on.
    package func endMigrationSession() throws {
        try execute("PRAGMA foreign_keys = ON")
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

    /// The one return-code checker: anything but OK, ROW or DONE becomes a ``DatabaseError``.
    private func check(_ code: Int32, sql: String?) throws {
        guard code != SQLITE_OK, code != SQLITE_ROW, code != SQLITE_DONE else { return }
        throw DatabaseError(
            engine: "SQLite", code: SQLiteResultCode.describe(code),
            message: String(cString: sqlite3_errmsg(handle)), sql: sql)
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
            engine: "SQLite", code: SQLiteResultCode.describe(code), message: message,
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
