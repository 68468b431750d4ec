import CLibPQ
import MigrateCore
import MigrateSQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A connection to a PostgreSQL server through libpq; it owns the `PGconn` and finishes it in `deinit`.
///
/// Everything goes through libpq's text protocol: `execute` sends a script as one simple query,
/// `query` sends one statement with `$1`-style text parameters. Server notices (such as the one
/// `CREATE TABLE IF NOT EXISTS` raises) are swallowed, because library code never prints.
///
/// ```swift
/// let connection = try PostgresConnection(url: "postgresql://app@localhost/app_dev")
/// try connection.acquireMigrationLock(name: "public.migrate_version", timeout: .seconds(60)) {}
/// let rows = try connection.query("SELECT version_num FROM migrate_version")
/// ```
///
/// Not `Sendable`: one owner uses it at a time, synchronously.
package final class PostgresConnection: DatabaseConnection {
    package var dialect: SQLDialect { .postgresql }

    let handle: OpaquePointer

    /// The advisory lock key this session holds, so a release unlocks exactly what was locked.
    private var heldLockKey: Int64?

    /// Connects with a libpq connection string: a `postgresql://` or `postgres://` URI (with
    /// `?host=/socket/dir`, `sslmode=…`), or keyword/value pairs; libpq's `PG*` environment
    /// variables fill in whatever it leaves out.
    ///
    /// The client encoding is forced to UTF-8 because results are decoded as UTF-8.
    /// Throws ``MigrateError`` `.database` naming the server (password shown as `***`) when the
    /// connection fails.
    package init(url: String) throws {
        let keywords = ["dbname", "fallback_application_name", "client_encoding"]
        let values = [url, "migrate", "UTF8"]
        let cKeywords = keywords.map { strdup($0) }
        let cValues = values.map { strdup($0) }
        defer { (cKeywords + cValues).forEach { free($0) } }
        // expand_dbname = 1: the first dbname value is parsed as a whole connection string.
        let connection = PQconnectdbParams(
            cKeywords.map { UnsafePointer($0) } + [nil], cValues.map { UnsafePointer($0) } + [nil], 1)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let libpqMessage = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(connection)
            throw Self.connectionError(url: url, libpqMessage: libpqMessage)
        }
        self.handle = connection
        // libpq prints notices to stderr unless told otherwise; a library must stay quiet.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    // MARK: - Statements

    /// Sends `sql` as one simple query, so several `;`-separated statements run in order.
    ///
    /// Outside an explicit transaction PostgreSQL runs such a script in one implicit transaction.
    package func execute(_ sql: String) throws {
        try rejectNUL(in: sql)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with `$1`… parameters sent as text; returns each value as text, NULL as nil.
    package func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
        try rejectNUL(in: sql)
        for case let value? in parameters { try rejectNUL(in: value) }
        let cValues = parameters.map { $0.flatMap { strdup($0) } }
        defer { cValues.forEach { free($0) } }
        let result = PQexecParams(
            handle, sql, Int32(parameters.count), nil, cValues.map { $0.map { UnsafePointer($0) } },
            nil, nil, 0)
        defer { PQclear(result) }
        try check(result, sql: sql)

        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return rows
    }

    // MARK: - Transactions

    package func beginTransaction() throws {
        try execute("BEGIN")
    }

    /// Commits, and throws if PostgreSQL rolled back instead: `COMMIT` of a transaction in which a
    /// statement failed answers `ROLLBACK` without an error, which must not pass for success.
    package func commit() throws {
        let sql = "COMMIT"
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
        if let tag = PQcmdStatus(result), String(cString: tag) == "ROLLBACK" {
            throw DatabaseError(
                engine: "PostgreSQL",
                message: "COMMIT rolled the transaction back because a statement in it had failed",
                sql: sql)
        }
    }

    package func rollback() throws {
        try execute("ROLLBACK")
    }

    // MARK: - The migration lock

    /// Takes a session advisory lock keyed by a hash of `name`, polling `pg_try_advisory_lock`
    /// every 100 ms until `timeout` passes.
    ///
    /// It never blocks inside `pg_advisory_lock`: a session blocked there would deadlock against
    /// a `CREATE INDEX CONCURRENTLY` run by the lock holder, which waits for every open transaction.
    package func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws {
        let key = Self.lockKey(for: name)
        if heldLockKey == key { return }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        if try tryAdvisoryLock(key) {
            heldLockKey = key
            return
        }
        onWait()
        while clock.now < deadline {
            Self.sleep(for: min(.milliseconds(100), deadline - clock.now))
            if try tryAdvisoryLock(key) {
                heldLockKey = key
                return
            }
        }
        let classID = UInt32(truncatingIfNeeded: UInt64(bitPattern: key) >> 32)
        let objectID = UInt32(truncatingIfNeeded: UInt64(bitPattern: key))
        throw MigrateError(
            .lockTimeout,
            "another migration run held the migration lock \"\(name)\" for more than \(Self.describe(timeout))",
            hint: "Wait for the other run to finish and try again. If none is running, find the session holding "
                + "the lock with SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = \(classID) "
                + "AND objid = \(objectID); and end it with pg_terminate_backend(pid).")
    }

    /// Releases the advisory lock taken by ``acquireMigrationLock(name:timeout:onWait:)``, if any.
    package func releaseMigrationLock() throws {
        guard let key = heldLockKey else { return }
        heldLockKey = nil
        _ = try query("SELECT pg_catalog.pg_advisory_unlock($1::bigint)", parameters: [String(key)])
    }

    private func tryAdvisoryLock(_ key: Int64) throws -> Bool {
        let rows = try query("SELECT pg_catalog.pg_try_advisory_lock($1::bigint)", parameters: [String(key)])
        return rows.first?.first == "t"
    }

    /// The advisory lock key for `name`: 64-bit FNV-1a of its UTF-8 bytes, stable across runs,
    /// machines and versions (Swift's `hashValue` is seeded per process, so it would not do).
    package static func lockKey(for name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    // MARK: - Catalog

    /// Whether an ordinary or partitioned table exists: in `schema` when given, else the first
    /// one the search path finds. The names are exact (quoted), not case-folded.
    /// PostgreSQL checks constraints as statements run; a migration session needs nothing extra.
    package func beginMigrationSession() throws {}
    package func verifyBeforeCommit() throws {}
    package func endMigrationSession() throws {}

    package func tableExists(_ name: String, schema: String?) throws -> Bool {
        let rows = try query(
            """
            SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class
            WHERE oid = pg_catalog.to_regclass($1) AND relkind IN ('r', 'p'))
            """,
            parameters: [dialect.quoteQualified(name, schema: schema)])
        return rows.first?.first == "t"
    }

    package func existingTables(_ names: [String], schema: String?) throws -> Set<String> {
        guard !names.isEmpty else { return [] }
        let values = names.indices.map { "($\($0 + 1)::text)" }.joined(separator: ", ")
        let rows = try query(
            """
            SELECT candidate.name FROM (VALUES \(values)) AS candidate (name)
            WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_class
                WHERE oid = pg_catalog.to_regclass(candidate.name) AND relkind IN ('r', 'p'))
            """,
            parameters: names.map { dialect.quoteQualified($0, schema: schema) })
        let found = Set(rows.compactMap { $0.first ?? nil })
        return Set(names.filter { found.contains(dialect.quoteQualified($0, schema: schema)) })
    }

    // MARK: - Errors

    /// libpq sends SQL and parameters as C strings, which end at a NUL character: the rest of a
    /// statement would be dropped without a word (`DELETE FROM t\0 WHERE …` would empty the table).
    func rejectNUL(in sql: String) throws {
        guard let nul = sql.firstIndex(of: "\0") else { return }
        throw DatabaseError(
            engine: "PostgreSQL", code: "22021",
            message: "the SQL holds a NUL character, which would cut the statement short",
            hint: "Remove the NUL character (a binary byte in a text file); PostgreSQL text cannot hold it.",
            position: sql.distance(from: sql.startIndex, to: nul) + 1, sql: String(sql.map { $0 == "\0" ? "␀" : $0 }))
    }

    /// The one result checker: success statuses pass, anything else becomes a ``DatabaseError``.
    func check(_ result: OpaquePointer?, sql: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            abandonCopy(PQresultStatus(result))
            throw DatabaseError(
                engine: "PostgreSQL", message: "COPY from the client or to the client is not supported here",
                hint: "Use INSERT statements, or COPY from a file on the server.", sql: sql)
        default:
            throw error(from: result, sql: sql)
        }
    }

    /// The server's error fields (SQLSTATE, message, detail, hint, position), or libpq's own
    /// message when there is no result, saying so plainly when the connection is gone.
    func error(from result: OpaquePointer?, sql: String) -> DatabaseError {
        func field(_ code: Character) -> String? {
            PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) }
        }
        var message =
            field("M")
            ?? result.flatMap { PQresultErrorMessage($0) }.map { Self.trimmed(String(cString: $0)) }
            ?? ""
        if message.isEmpty { message = Self.trimmed(String(cString: PQerrorMessage(handle))) }
        let lost = PQstatus(handle) == CONNECTION_BAD
        if lost {
            message = "the connection to the server was lost: \(message)"
        }
        var error = DatabaseError(
            engine: "PostgreSQL", code: field("C"), message: message, detail: field("D"),
            hint: field("H"), position: field("P").flatMap { Int($0) }, sql: sql)
        error.isConnectionLost = lost
        return error
    }

    /// Ends a COPY the server started, so the connection is usable again after the error.
    private func abandonCopy(_ status: ExecStatusType) {
        if status == PGRES_COPY_IN {
            _ = PQputCopyEnd(handle, "COPY from the client is not supported by migrate")
        } else {
            var buffer: UnsafeMutablePointer<CChar>?
            while PQgetCopyData(handle, &buffer, 0) > 0 {
                PQfreemem(buffer)
            }
        }
        while let pending = PQgetResult(handle) {
            PQclear(pending)
        }
    }

    private static func connectionError(url: String, libpqMessage: String) -> MigrateError {
        var message = trimmed(libpqMessage)
        // libpq quotes a malformed URI component verbatim, which may be the password.
        for password in ConnectionStringRedaction.passwords(in: url) {
            message = message.split(separator: password, omittingEmptySubsequences: false).joined(separator: "***")
        }
        let server =
            url.isEmpty
            ? "the server named by the PG* environment variables" : ConnectionStringRedaction.redacted(url)
        return MigrateError(
            .database, "cannot connect to PostgreSQL at \(server)",
            hint: "Check that the server is running and that the URL's host, port, user and database are right; "
                + "libpq's PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE fill in what the URL leaves out.",
            cause: DatabaseError(engine: "PostgreSQL", message: message))
    }

    // MARK: - Helpers

    /// libpq's own message without its trailing newline and with its "\n\t" continuation lines
    /// joined, so it reads as one line per problem inside a larger message.
    private static func trimmed(_ text: String) -> String {
        let joined = text.split(separator: "\n\t", omittingEmptySubsequences: false).joined(separator: " ")
        return String(joined.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private static func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR {
            request = remaining
        }
    }

    /// "60 s", "0.5 s": how a timeout reads in messages.
    private static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}
