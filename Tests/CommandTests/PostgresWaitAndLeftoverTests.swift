import Foundation
import MigratePostgres
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a PostgreSQL run says about things outside the migration: a session whose lock it
/// waits for, an INVALID index a failed `CREATE INDEX CONCURRENTLY` left, a server that never
/// answers.
@Suite(.enabled(if: TestEngine.postgresql.isEnabled)) struct PostgresWaitAndLeftoverTests {
    /// The environment's URL with `application_name` set, for a session the messages name.
    static func url(_ env: Environment, application: String) -> String {
        env.url + (env.url.contains("?") ? "&" : "?") + "application_name=" + application
    }

    @Test func aStatementWaitingForAnotherSessionsLockSaysWhoHoldsIt() throws {
        let env = try Environment(.postgresql)
        // Long enough that the statement is still waiting, not retrying, when the holder ends.
        try env.write("migrate.json", #"{"url": "\#(env.url)", "apply": {"lock_timeout": 60}}"#)
        try env.migration("wait1", message: "items", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        #expect(try env.run("upgrade", "head").status == 0)
        try env.migration("wait2", parent: "wait1", message: "add a column", upgrade: "ALTER TABLE items ADD COLUMN note TEXT;")

        let blocker = try PostgresConnection(url: Self.url(env, application: "blocking_session"))
        try blocker.execute("BEGIN")
        try blocker.execute("ALTER TABLE items ADD COLUMN other INTEGER")
        let blockerPID = blocker.backendProcessID

        let run = try env.watch(["upgrade", "head"])
        let reported = run.waitForStderr(containing: "Waiting for a lock on table", timeout: .seconds(60))
        try blocker.execute("ROLLBACK")
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(reported, "\(result)")
        #expect(!timedOut, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stderr.contains(
                "Waiting for a lock on table items (AccessExclusiveLock): held by process \(blockerPID) (user \""),
            "\(result)")
        #expect(
            result.stderr.contains(
                "\", idle in transaction, application \"blocking_session\", transaction open for "),
            "\(result)")
        #expect(result.stderr.contains(" s, \"ALTER TABLE items ADD COLUMN other INTEGER\")."), "\(result)")
        #expect(result.stderr.components(separatedBy: "Waiting for a lock").count == 2, "reported once: \(result)")
        #expect(try env.database().versions() == ["wait2"])
    }

    static func writeDuplicates(_ env: Environment, createIndex: String) throws {
        try env.migration("cic1", message: "items", upgrade: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items VALUES (1, 'same'), (2, 'same');
            """)
        try env.migration(
            "cic2", parent: "cic1", message: "unique names", upgrade: createIndex, extraHeader: "-- transactional: false")
    }

    static let removal = #"DROP INDEX CONCURRENTLY IF EXISTS "public"."items_name_key";"#

    static func invalidIndexes(_ env: Environment) throws -> [String] {
        try env.database().column(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid ORDER BY 1")
    }

    /// The failed index build leaves an INVALID index; the message names it and how to remove
    /// it, and the next run says so before it fails instead of "already exists".
    @Test(arguments: [
        "CREATE UNIQUE INDEX CONCURRENTLY items_name_key ON items (name);",
        "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS items_name_key ON public.items (name);",
    ])
    func aFailedConcurrentIndexBuildNamesTheInvalidIndexItLeft(createIndex: String) throws {
        let env = try Environment(.postgresql)
        try Self.writeDuplicates(env, createIndex: createIndex)
        let first = try env.run("upgrade", "head")
        #expect(first.status == 1, "\(first)")
        #expect(first.stderr.contains("23505"), "\(first)")
        #expect(!first.stderr.contains("Nothing of it ran"), "\(first)")
        #expect(
            first.stderr.contains("The failed statement left the INVALID index public.items_name_key on items behind; remove it with `\(Self.removal)`."),
            "\(first)")
        #expect(first.stderr.contains("The version table still says cic1."), "\(first)")
        #expect(try Self.invalidIndexes(env) == ["items_name_key"])

        // The retry stops before the statement, whether it would fail ("already exists") or,
        // with IF NOT EXISTS, pass over the broken index.
        let retry = try env.run("upgrade", "head")
        #expect(retry.status == 1, "\(retry)")
        #expect(!retry.stderr.contains("already exists"), "\(retry)")
        #expect(retry.stderr.contains("the INVALID index public.items_name_key on items is in the way of CREATE UNIQUE INDEX CONCURRENTLY"), "\(retry)")
        #expect(retry.stderr.contains("remove it with `\(Self.removal)`"), "\(retry)")
        #expect(retry.stderr.contains("Nothing of it ran; the database is still at cic1."), "\(retry)")
        #expect(try env.database().versions() == ["cic1"])

        // Doing what the messages say works.
        let db = try env.database()
        try db.execute(Self.removal)
        try db.execute("UPDATE items SET name = 'other' WHERE id = 2")
        let fixed = try env.run("upgrade", "head")
        #expect(fixed.status == 0, "\(fixed)")
        #expect(try Self.invalidIndexes(env).isEmpty)
        #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'items_name_key'::regclass") == "true")
        #expect(try db.versions() == ["cic2"])
    }

    /// PGCONNECT_TIMEOUT reaches libpq (the default of 10 s is only used without it).
    @Test func theCommandLineGivesUpOnAServerThatNeverAnswers() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                try #require(bind(descriptor, $0, length) == 0)
                try #require(listen(descriptor, 8) == 0)
                try #require(getsockname(descriptor, $0, &length) == 0)
            }
        }
        let env = try Environment(.sqlite)
        let url = "postgresql://nobody@127.0.0.1:\(UInt16(bigEndian: address.sin_port))/db"
        let result = try env.run(["current", "--url", url], environment: ["PGCONNECT_TIMEOUT": "2"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("the server did not answer within 2 s"), "\(result)")
        #expect(result.stderr.contains("connect_timeout=SECONDS"), "\(result)")
    }
}
