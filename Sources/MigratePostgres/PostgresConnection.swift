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
/// `query` sends one statement with `$1`-style text parameters. Results are awaited on the
/// socket rather than inside libpq, so a pending ``Interruption`` cancels the statement on the
/// server and a statement stuck behind another session's lock can be reported
/// (``reportLockWaits(to:)``). Server notices (such as the one `CREATE TABLE IF NOT EXISTS`
/// raises) are swallowed, because library code never prints.
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

    /// The connection string, for the side connection that looks up who holds a lock.
    private let url: String

    /// The advisory lock key this connection holds, so a release unlocks exactly what was locked.
    private var heldLockKey: Int64?

    /// Told once per statement that waits longer than ``lockWaitReportDelay`` for another
    /// session's lock (see ``reportLockWaits(to:)``).
    private var onLockWait: ((LockWait) -> Void)?

    /// How long a statement waits for another session's lock before that is reported.
    private static let lockWaitReportDelay: Duration = .seconds(3)
    /// How long a statement runs before the connection first looks, from a side connection,
    /// whether it waits for another session; it looks again every ``lockCheckInterval``, so the
    /// holders are known when the statement gives up on its `lock_timeout`.
    private static let firstLockCheck: Duration = .milliseconds(200)
    private static let lockCheckInterval: Duration = .milliseconds(500)

    /// The sessions the last failed statement was last seen waiting for (``lockWaitOfLastFailure``).
    private var lastFailureLockWait: LockWait?
    /// Whether long statements look for sessions blocking them: not on the side connection
    /// that does the looking.
    private var looksForBlockers = true

    /// Seconds libpq waits for a server to answer when neither the URL (`connect_timeout`) nor
    /// `PGCONNECT_TIMEOUT` says: without it a server that accepts the connection and never
    /// answers hangs the tool forever.
    package static let defaultConnectTimeout = 10

    /// Connects with a libpq connection string: a `postgresql://` or `postgres://` URI (with
    /// `?host=/socket/dir`, `sslmode=…`), or keyword/value pairs; libpq's `PG*` environment
    /// variables fill in whatever it leaves out.
    ///
    /// The client encoding is forced to UTF-8 because results are decoded as UTF-8. Connecting
    /// gives up after ``defaultConnectTimeout`` seconds unless the URL or `PGCONNECT_TIMEOUT`
    /// says otherwise.
    /// Throws ``MigrateError`` `.database` naming the server (password shown as `***`) when the
    /// connection fails.
    package init(url: String) throws {
        let environmentTimeout = getenv("PGCONNECT_TIMEOUT").map { String(cString: $0) }
        let parameters = Self.connectionParameters(url: url, environmentConnectTimeout: environmentTimeout)
        let keywords = parameters.map(\.keyword)
        let values = parameters.map(\.value)
        let cKeywords = keywords.map { strdup($0) }
        let cValues = values.map { strdup($0) }
        defer { (cKeywords + cValues).forEach { free($0) } }
        // expand_dbname = 1: the first dbname value is parsed as a whole connection string.
        let connection = PQconnectdbParams(
            cKeywords.map { UnsafePointer($0) } + [nil], cValues.map { UnsafePointer($0) } + [nil], 1)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            let libpqMessage = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            let timeout = connection.flatMap { Self.option("connect_timeout", of: $0) }
            PQfinish(connection)
            throw Self.connectionError(url: url, libpqMessage: libpqMessage, connectTimeout: timeout)
        }
        self.handle = connection
        self.url = url
        // libpq prints notices to stderr unless told otherwise; a library must stay quiet.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    deinit {
        PQfinish(handle)
    }

    /// The keyword/value pairs given to libpq: the URL expands in place of `dbname`, so it wins
    /// over the default timeout before it; `PGCONNECT_TIMEOUT` is only read by libpq for a
    /// keyword left out, so the default is left out when that variable is set.
    package static func connectionParameters(
        url: String, environmentConnectTimeout: String?
    ) -> [(keyword: String, value: String)] {
        var parameters: [(keyword: String, value: String)] = []
        if (environmentConnectTimeout ?? "").isEmpty {
            parameters.append(("connect_timeout", String(defaultConnectTimeout)))
        }
        parameters += [("dbname", url), ("fallback_application_name", "migrate"), ("client_encoding", "UTF8")]
        return parameters
    }

    /// The value libpq uses for a connection option (`PQconninfo`), e.g. "10" for `connect_timeout`.
    package func option(_ keyword: String) -> String? {
        Self.option(keyword, of: handle)
    }

    private static func option(_ keyword: String, of connection: OpaquePointer) -> String? {
        guard let options = PQconninfo(connection) else { return nil }
        defer { PQconninfoFree(options) }
        var index = 0
        while let name = options[index].keyword {
            if String(cString: name) == keyword { return options[index].val.map { String(cString: $0) } }
            index += 1
        }
        return nil
    }

    /// The server process serving this connection (`pg_backend_pid()`).
    package var backendProcessID: Int32 { PQbackendPID(handle) }

    // MARK: - Statements

    /// Sends `sql` as one simple query, so several `;`-separated statements run in order.
    ///
    /// Outside an explicit transaction PostgreSQL runs such a script in one implicit transaction.
    package func execute(_ sql: String) throws {
        try rejectNUL(in: sql)
        let sent = PQsendQuery(handle, sql)
        let result = awaitResult(sent: sent == 1, sql: sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// Runs one statement with `$1`… parameters sent as text; returns each value as text, NULL as nil.
    package func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
        try rejectNUL(in: sql)
        for case let value? in parameters { try rejectNUL(in: value) }
        let cValues = parameters.map { $0.flatMap { strdup($0) } }
        defer { cValues.forEach { free($0) } }
        let sent = PQsendQueryParams(
            handle, sql, Int32(parameters.count), nil, cValues.map { $0.map { UnsafePointer($0) } },
            nil, nil, 0)
        let result = awaitResult(sent: sent == 1, sql: sql)
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

    // MARK: - Waiting for results

    /// Waits for the results of the query just sent and returns the one `PQexec` would: the
    /// first error, else the last result (nil when nothing could be sent or read: the
    /// connection's error message then says why).
    ///
    /// The wait is a loop on the socket rather than a blocking call, so the run can cancel the
    /// statement when it is interrupted (libpq's cancel request, which the server honours by
    /// failing the statement with SQLSTATE 57014), and can say who holds a lock the statement
    /// has waited for for a while.
    private func awaitResult(sent: Bool, sql: String) -> OpaquePointer? {
        guard sent else { return nil }
        var wait = StatementWait(started: ContinuousClock.now, firstLockCheck: Self.firstLockCheck)
        defer {
            if let kept = wait.result, PQresultStatus(kept) == PGRES_FATAL_ERROR { lastFailureLockWait = wait.observed }
        }
        var kept: OpaquePointer?
        while true {
            waitUntilReadable(&wait)
            guard let result = PQgetResult(handle) else { break }
            let status = PQresultStatus(result)
            if let previous = kept, PQresultStatus(previous) == PGRES_FATAL_ERROR {
                PQclear(result)  // the first error is the one to report; drain the rest
                continue
            }
            PQclear(kept)
            kept = result
            wait.result = result
            if status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH { break }
            if PQstatus(handle) == CONNECTION_BAD { break }  // reading on would only add libpq's "invalid socket" 
        }
        return kept
    }

    /// What one statement's wait has done so far.
    private struct StatementWait {
        var started: ContinuousClock.Instant
        /// How long after the start to look again for sessions blocking this one.
        var nextLockCheck: Duration
        /// The sessions it was last seen waiting for.
        var observed: LockWait?
        /// Whether the wait was reported (once per statement).
        var reported = false
        /// The result kept so far, to tell a failure.
        var result: OpaquePointer?
        var cancelSent = false
        /// Opened on the first look, closed with the statement.
        var sideConnection: PostgresConnection?

        init(started: ContinuousClock.Instant, firstLockCheck: Duration) {
            self.started = started
            self.nextLockCheck = firstLockCheck
        }
    }

    /// Returns once `PQgetResult` will not block: a result is complete, or the connection failed.
    private func waitUntilReadable(_ wait: inout StatementWait) {
        let socket = PQsocket(handle)
        while PQisBusy(handle) == 1 {
            if !wait.cancelSent, Interruption.pendingSignal != nil {
                wait.cancelSent = true
                sendCancelRequest()
            }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)  // wakes at least every 100 ms to look at the signal and the clock
            if PQconsumeInput(handle) == 0 { return }  // the connection failed; PQgetResult says how
            let elapsed = ContinuousClock.now - wait.started
            if looksForBlockers, elapsed >= wait.nextLockCheck {
                wait.observed = blockingSessions(&wait)
                wait.nextLockCheck = elapsed + Self.lockCheckInterval
            }
            if !wait.reported, elapsed >= Self.lockWaitReportDelay, let lockWait = wait.observed, let onLockWait {
                wait.reported = true
                onLockWait(lockWait)
            }
        }
    }

    /// Asks the server to cancel the running statement (harmless when it has just finished).
    private func sendCancelRequest() {
        guard let cancel = PQgetCancel(handle) else { return }
        defer { PQfreeCancel(cancel) }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &message, Int32(message.count))
    }

    package func reportLockWaits(to handler: @escaping (LockWait) -> Void) {
        onLockWait = handler
    }

    /// The sessions the last failed statement was waiting for when last looked at, so a lock
    /// timeout can name them (nil when it failed before the first look, or waited for none).
    package var lockWaitOfLastFailure: LockWait? { lastFailureLockWait }

    /// Which lock this connection's statement waits for and who holds it, read from a side
    /// connection (the run's own is busy); nil when it waits for no other session.
    private func blockingSessions(_ wait: inout StatementWait) -> LockWait? {
        do {
            let side = try wait.sideConnection ?? PostgresConnection(url: url)
            side.looksForBlockers = false
            wait.sideConnection = side
            let pid = String(backendProcessID)
            let holders = try side.query(
                """
                SELECT pid::text, state, application_name, query, usename::text,
                    (extract(epoch FROM pg_catalog.clock_timestamp() - xact_start) * 1000)::bigint::text
                FROM pg_catalog.pg_stat_activity
                WHERE pid = ANY (pg_catalog.pg_blocking_pids($1::integer)) ORDER BY pid
                """, parameters: [pid])
            guard !holders.isEmpty else { return nil }
            let lock = try side.query(
                """
                SELECT l.locktype, l.mode, l.transactionid::text, c.oid::regclass::text,
                    CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'i' THEN 'index'
                        WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        ELSE 'relation' END
                FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation
                WHERE l.pid = $1::integer AND NOT l.granted LIMIT 1
                """, parameters: [pid]
            ).first
            return LockWait(
                lock: Self.describeLock(lock),
                holders: holders.map { row in
                    LockWait.Holder(
                        processID: Int(row[0] ?? "") ?? 0, state: row[1], application: row[2], query: row[3],
                        user: row[4], transactionAge: row[5].flatMap { Int64($0) }.map { .milliseconds($0) })
                })
        } catch {
            return nil  // saying who blocks is a courtesy; the statement goes on waiting either way
        }
    }

    /// `table public.items (AccessExclusiveLock)`, `a row locked by transaction 1234 (ShareLock)`.
    private static func describeLock(_ row: [String?]?) -> String {
        guard let row, let type = row[0] else { return "a lock" }
        let mode = row[1].map { " (\($0))" } ?? ""
        switch type {
        case "relation": return "\(row[4] ?? "relation") \(row[3] ?? "?")\(mode)"
        case "transactionid": return "a row locked by transaction \(row[2] ?? "?")\(mode)"
        default: return "a \(type) lock\(mode)"
        }
    }

    // MARK: - Transactions

    package func beginTransaction() throws {
        try execute("BEGIN")
    }

    /// Commits, and throws if PostgreSQL rolled back instead: `COMMIT` of a transaction in which a
    /// statement failed answers `ROLLBACK` without an error, which must not pass for success.
    package func commit() throws {
        let sql = "COMMIT"
        let result = awaitResult(sent: PQsendQuery(handle, sql) == 1, sql: sql)
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
            try Interruption.checkpoint("waiting for the migration lock \"\(name)\"")
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

    // MARK: - What failed statements leave behind

    /// Every INVALID index: what a failed (or still running) `CREATE INDEX CONCURRENTLY` leaves.
    package func leftoverObjects() throws -> Set<LeftoverObject> {
        Set(try query(Self.invalidIndexQuery).map(Self.invalidIndex))
    }

    /// Refuses a `CREATE INDEX CONCURRENTLY` whose index already exists as INVALID.
    ///
    /// It does not drop the index itself: an INVALID index may also be one another session is
    /// building right now, and only the user can tell. The message says how to remove it.
    package func checkForLeftovers(before statement: String) throws {
        guard let target = Self.concurrentIndexTarget(statement) else { return }
        let rows = try query(
            Self.invalidIndexQuery + " AND c.relname = $1 AND t.oid = pg_catalog.to_regclass($2)",
            parameters: [target.index, target.table])
        guard let row = rows.first else { return }
        let leftover = Self.invalidIndex(row)
        throw MigrateError(
            .migration,
            "\(leftover.description) is in the way of \(statement.prefix(while: { $0 != "\n" }))",
            hint: "An earlier CREATE INDEX CONCURRENTLY failed and left it (or another session is building it right now). "
                + "Once it is not being built, remove it with `\(leftover.removal)`, then run the command again.")
    }

    private static let invalidIndexQuery = """
        SELECT n.nspname, c.relname, t.oid::regclass::text
        FROM pg_catalog.pg_index i
        JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_class t ON t.oid = i.indrelid
        WHERE NOT i.indisvalid
        """

    /// A row of ``invalidIndexQuery``: schema, index name, table.
    private static func invalidIndex(_ row: [String?]) -> LeftoverObject {
        let (schema, name, table) = (row[0] ?? "", row[1] ?? "", row[2] ?? "")
        return LeftoverObject(
            description: "the INVALID index \(schema).\(name) on \(table)",
            removal: "DROP INDEX CONCURRENTLY IF EXISTS \(SQLDialect.postgresql.quoteQualified(name, schema: schema));")
    }

    /// The index name (case-folded as PostgreSQL does) and the table text of
    /// `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table …`; nil for any
    /// other statement, or one that leaves the name to the server.
    package static func concurrentIndexTarget(_ statement: String) -> (index: String, table: String)? {
        let tokens = SQLTokenizer.tokenize(statement)
        var index = 0
        func keyword(_ word: String) -> Bool {
            guard index < tokens.count, tokens[index].isKeyword(word) else { return false }
            index += 1
            return true
        }
        guard keyword("CREATE") else { return nil }
        _ = keyword("UNIQUE")
        guard keyword("INDEX"), keyword("CONCURRENTLY") else { return nil }
        if keyword("IF") { guard keyword("NOT"), keyword("EXISTS") else { return nil } }
        guard index < tokens.count, tokens[index].isIdentifier, !tokens[index].isKeyword("ON") else { return nil }
        let name = tokens[index].kind == .word ? tokens[index].text.lowercased() : tokens[index].value
        index += 1
        guard keyword("ON") else { return nil }
        _ = keyword("ONLY")
        guard index < tokens.count, tokens[index].isIdentifier else { return nil }
        var last = index
        while last + 2 < tokens.count, tokens[last + 1].isSymbol("."), tokens[last + 2].isIdentifier { last += 2 }
        return (name, SQLTokenizer.text(statement, from: tokens[index], through: tokens[last]))
    }

    // MARK: - Errors

    /// libpq sends SQL and parameters as C strings, which end at a NUL character: the rest of a
    /// statement would be dropped without a word (`DELETE FROM t\0 WHERE …` would empty the table).
    func rejectNUL(in sql: String) throws {
        guard let nul = sql.firstIndex(of: "\0") else { return }
        throw DatabaseError(
            engine: "PostgreSQL", sqlState: .characterNotInRepertoire,
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
            engine: "PostgreSQL", sqlState: field("C").map(SQLState.init(rawValue:)), message: message, detail: field("D"),
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

    private static func connectionError(url: String, libpqMessage: String, connectTimeout: String?) -> MigrateError {
        var message = trimmed(libpqMessage)
        // libpq quotes a malformed URI component verbatim, which may be the password.
        for password in ConnectionString.secrets(in: url) {
            message = message.split(separator: password, omittingEmptySubsequences: false).joined(separator: "***")
        }
        let server =
            url.isEmpty
            ? "the server named by the PG* environment variables" : ConnectionString.redacted(url)
        if message.contains("timeout expired") {
            // libpq waits at least 2 s, whatever smaller value it is given.
            let seconds = connectTimeout.flatMap { Int($0) }.map { " within \(max($0, 2)) s" } ?? ""
            return MigrateError(
                .database, "cannot connect to PostgreSQL at \(server): the server did not answer\(seconds)",
                hint: "Check that the host and port are those of a PostgreSQL server and that it is not overloaded; "
                    + "to wait longer, set connect_timeout=SECONDS in the URL, or PGCONNECT_TIMEOUT.",
                cause: DatabaseError(engine: "PostgreSQL", message: message))
        }
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
