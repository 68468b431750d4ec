import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import Testing
import TestSupport

/// What only the PostgreSQL driver does: connecting, passwords, notices, lost connections.
@Suite struct PostgresConnectionTests {
    // MARK: - Without a server

    @Test func unreachableServerIsADatabaseErrorWithoutThePassword() throws {
        let url = "postgresql://migrator:s3cret-pw@/postgres?host=/nonexistent/migrate-socket-dir&port=5999"
        let error = try #require(throws: MigrateError.self) { try PostgresConnection(url: url) }
        #expect(error.kind == .database)
        #expect(error.message.hasPrefix("cannot connect to PostgreSQL"))
        #expect(error.message.contains("migrator:***@"))
        #expect(error.hint != nil)
        #expect(error.cause is DatabaseError)
        #expect(!error.description.contains("s3cret-pw"))
        #expect(error.description.contains("/nonexistent/migrate-socket-dir"))
    }

    @Test func malformedPasswordIsNotEchoedFromLibpq() throws {
        // libpq quotes an invalid percent-encoded URI component verbatim in its own message.
        let url = "postgresql://migrator:pa%zzword@/postgres?host=/nonexistent/migrate-socket-dir"
        let error = try #require(throws: MigrateError.self) { try PostgresConnection(url: url) }
        #expect(error.kind == .database)
        #expect(!error.description.contains("pa%zzword"))
        #expect(!error.description.contains("zzword"))
    }

    @Test func lockKeyIsAStableFNV1aHash() {
        #expect(PostgresConnection.lockKey(for: "") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(PostgresConnection.lockKey(for: "a") == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
        #expect(
            PostgresConnection.lockKey(for: "public.migrate_version")
                != PostgresConnection.lockKey(for: "migrate_version"))
    }

    @Test func freshDatabaseURLKeepsServerAndUser() {
        #expect(TestPostgres.url("postgresql://postgres@/postgres?host=/tmp/x&port=5432", database: "t1")
            == "postgresql://postgres@/t1?host=/tmp/x&port=5432")
        #expect(TestPostgres.url("postgres://u:p@h:5/admin", database: "t1") == "postgres://u:p@h:5/t1")
        #expect(TestPostgres.url("postgresql://h?sslmode=disable", database: "t1")
            == "postgresql://h/t1?sslmode=disable")
        #expect(TestPostgres.url("host=/tmp user=u", database: "t1") == "host=/tmp user=u dbname=t1")
    }

    // MARK: - With a server

    @Test(.enabled(if: TestPostgres.isEnabled))
    func noticesAreNotPrinted() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute("CREATE TABLE t (id integer)")
        let marker = "migrate-driver-test-marker-\(UUID().uuidString)"
        let printed = try capturingStandardError {
            try connection.execute("CREATE TABLE IF NOT EXISTS t (id integer)")
            try connection.execute("DO $$ BEGIN RAISE NOTICE 'a notice from a DO block'; END $$")
            try connection.rollback()  // outside a transaction: a WARNING
            FileHandle.standardError.write(Data((marker + "\n").utf8))
        }
        #expect(printed.contains(marker), "the capture of stderr works")
        #expect(!printed.contains("NOTICE"))
        #expect(!printed.contains("WARNING"))
        #expect(!printed.contains("a notice from a DO block"))
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func lostConnectionIsSaidPlainly() throws {
        let url = try TestPostgres.freshDatabase()
        let victim = try PostgresConnection(url: url)
        let killer = try PostgresConnection(url: url)
        let pid = try #require(try victim.query("SELECT pg_backend_pid()").first?.first ?? nil)
        #expect(try killer.query("SELECT pg_terminate_backend($1::integer)", parameters: [pid]) == [["t"]])

        let error = try #require(throws: DatabaseError.self) { try victim.query("SELECT 1") }
        #expect(error.message.contains("the connection to the server was lost"))
        #expect(error.sql == "SELECT 1")
        let again = try #require(throws: DatabaseError.self) { try victim.execute("SELECT 1") }
        #expect(again.message.contains("the connection to the server was lost"))
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func commitOfAFailedTransactionIsAnError() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.beginTransaction()
        try connection.execute("CREATE TABLE t (id integer)")
        #expect(throws: DatabaseError.self) { try connection.execute("SELECT * FROM missing") }
        let error = try #require(throws: DatabaseError.self) { try connection.commit() }
        #expect(error.message.contains("rolled the transaction back"))
        #expect(try !connection.tableExists("t", schema: nil))
    }

    /// A caller matches a lock wait that ran out by its SQLSTATE, not by the code's text.
    @Test(.enabled(if: TestPostgres.isEnabled))
    func aLockTimeoutIsMatchedByItsSQLState() throws {
        let url = try TestPostgres.freshDatabase()
        let holder = try PostgresConnection(url: url)
        let waiter = try PostgresConnection(url: url)
        try holder.execute("CREATE TABLE t (id integer)")
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE t IN ACCESS EXCLUSIVE MODE")
        try waiter.execute("SET lock_timeout = '50ms'")
        do {
            _ = try waiter.query("SELECT * FROM t")
            Issue.record("the query did not wait for the lock")
        } catch let error as DatabaseError where error.sqlState == .lockNotAvailable {
            #expect(error.failureCause == .lockConflict)
            #expect(error.code == "55P03")
        }
        try holder.execute("ROLLBACK")
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func errorsCarryDetailHintAndPosition() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute("CREATE TABLE t (id integer PRIMARY KEY); INSERT INTO t VALUES (1)")
        let duplicate = try #require(throws: DatabaseError.self) { try connection.execute("INSERT INTO t VALUES (1)") }
        #expect(duplicate.sqlState == .uniqueViolation)
        #expect(duplicate.detail == "Key (id)=(1) already exists.")

        let syntax = try #require(throws: DatabaseError.self) { try connection.execute("SELECT 1 FROM t WHER id = 1") }
        #expect(syntax.sqlState == .syntaxError)
        #expect(syntax.position == 22)

        let hinted = try #require(throws: DatabaseError.self) { try connection.query("SELECT lenght('x')") }
        #expect(hinted.sqlState == .undefinedFunction)
        #expect(hinted.hint != nil)
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func locksWithDifferentNamesAreIndependent() throws {
        let url = try TestPostgres.freshDatabase()
        let first = try PostgresConnection(url: url)
        let second = try PostgresConnection(url: url)
        try first.acquireMigrationLock(name: "one.migrate_version", timeout: .seconds(1)) {}
        let waits = CallCounter()
        try second.acquireMigrationLock(name: "two.migrate_version", timeout: .milliseconds(200)) { waits.record() }
        #expect(waits.count == 0)
        // Taking the lock again on the session that holds it does not wait or stack.
        try first.acquireMigrationLock(name: "one.migrate_version", timeout: .milliseconds(200)) { waits.record() }
        #expect(waits.count == 0)
        try first.releaseMigrationLock()
        try second.releaseMigrationLock()
        // pg_locks covers the whole cluster, where other tests take their own locks meanwhile:
        // count only these two sessions'.
        let secondPID = try #require(try second.query("SELECT pg_backend_pid()").first?.first ?? nil)
        let held = try first.query(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid IN (pg_backend_pid(), $1::integer)",
            parameters: [secondPID])
        #expect(held == [["0"]])
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func copyFromTheClientIsRefusedAndTheConnectionStaysUsable() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute("CREATE TABLE t (id integer)")
        let error = try #require(throws: DatabaseError.self) { try connection.execute("COPY t FROM STDIN") }
        #expect(error.message.contains("COPY"))
        #expect(throws: DatabaseError.self) { try connection.execute("COPY t TO STDOUT") }
        #expect(try connection.query("SELECT count(*) FROM t") == [["0"]])
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func urlFormsReachTheServer() throws {
        let url = try TestPostgres.freshDatabase()
        let postgresScheme = "postgres://" + url.dropFirst("postgresql://".count)
        let connection = try PostgresConnection(url: postgresScheme)
        #expect(try connection.query("SELECT current_setting('client_encoding')") == [["UTF8"]])
        #expect(try connection.query("SELECT current_setting('application_name')") == [["migrate"]])
    }
}
