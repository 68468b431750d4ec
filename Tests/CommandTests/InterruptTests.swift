import Foundation
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C and SIGTERM during `upgrade`: the running statement is cancelled on the server, the
/// migration rolled back, the locks released, and the message says so and where the database
/// is; the exit status is 130 or 143.
@Suite struct InterruptTests {
    struct Case: CustomStringConvertible, Sendable {
        var engine: TestEngine
        var signal: Int32
        var description: String { "\(engine) \(signal == SIGINT ? "SIGINT" : "SIGTERM")" }
    }

    static let cases: [Case] = TestEngine.enabled.flatMap { engine in [SIGINT, SIGTERM].map { Case(engine: engine, signal: $0) } }

    static func signalName(_ signal: Int32) -> String { signal == SIGINT ? "SIGINT" : "SIGTERM" }

    /// A statement that runs for minutes unless cancelled.
    static func endlessStatement(_ engine: TestEngine) -> String {
        switch engine {
        case .postgresql: "SELECT pg_sleep(600);"
        case .sqlite:
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000000000) SELECT count(*) FROM c;"
        }
    }

    /// Waits until the run's backend runs `pg_sleep` (PostgreSQL), or a moment after the step
    /// started (SQLite, whose statement runs inside the process).
    static func waitUntilTheStatementRuns(_ env: Environment, _ run: WatchedCLI, step: String) throws {
        #expect(run.waitForStderr(containing: step, timeout: .seconds(60)), "\(run.stderr)")
        guard env.engine == .postgresql else {
            Thread.sleep(forTimeInterval: 0.3)
            return
        }
        let db = try env.database()
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            if try !runningSleeps(db).isEmpty { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("the run's backend never ran pg_sleep: \(run.stderr)")
    }

    /// Backends of this database other than `db`'s own running `pg_sleep`.
    static func runningSleeps(_ db: TestDatabase) throws -> [String] {
        try db.column(
            """
            SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active'
            AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()
            """)
    }

    /// Locks in this database held by sessions other than `db`'s own (advisory and table locks).
    static func otherSessionsLocks(_ db: TestDatabase) throws -> [String] {
        try db.column(
            """
            SELECT l.locktype || ' ' || l.mode || ' by ' || l.pid FROM pg_locks l
            WHERE l.pid <> pg_backend_pid() AND (l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                OR l.locktype = 'advisory')
            """)
    }

    @Test(arguments: cases)
    func aSignalCancelsTheStatementRollsBackAndSaysWhereTheDatabaseIs(_ testCase: Case) throws {
        let env = try Environment(testCase.engine)
        try env.migration("int1", message: "first", upgrade: "CREATE TABLE int_a (id INTEGER PRIMARY KEY);")
        try env.migration("int2", parent: "int1", message: "endless", upgrade: """
            CREATE TABLE int_b (id INTEGER PRIMARY KEY);
            INSERT INTO int_b VALUES (1);
            \(Self.endlessStatement(testCase.engine))
            INSERT INTO int_b VALUES (2);
            """)
        let run = try env.watch(["upgrade", "head"])
        try Self.waitUntilTheStatementRuns(env, run, step: "int1 -> int2")
        _ = kill(run.process.processIdentifier, testCase.signal)
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(!timedOut, "the interrupted run did not end: \(result)")

        let name = Self.signalName(testCase.signal)
        #expect(result.status == 128 + testCase.signal, "\(result)")
        #expect(result.stderr.contains("upgrade int2 (endless), at operation 3 of 4 (statement 3 of the migration), was interrupted by \(name)"), "\(result)")
        #expect(result.stderr.contains("It was rolled back: the database is at int1."), "\(result)")
        #expect(!result.stderr.contains("Fatal error"), "\(result)")

        let db = try env.database()
        #expect(try db.versions() == ["int1"])
        #expect(try !db.tables().contains("int_b"))
        if testCase.engine == .postgresql {
            #expect(result.stderr.contains("57014"), "the server cancelled the statement: \(result)")
            // The process has ended; its backend must not go on sleeping with its locks.
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline, try !Self.runningSleeps(db).isEmpty || !Self.otherSessionsLocks(db).isEmpty {
                Thread.sleep(forTimeInterval: 0.05)
            }
            #expect(try Self.runningSleeps(db).isEmpty)
            #expect(try Self.otherSessionsLocks(db).isEmpty)
        }
        // Nothing is left locked: the next run proceeds at once to the same statement.
        try env.migration("int2", parent: "int1", message: "endless", upgrade: "CREATE TABLE int_b (id INTEGER PRIMARY KEY);")
        let next = try env.run("upgrade", "head")
        #expect(next.status == 0, "\(next)")
        #expect(!next.stderr.contains("Waiting for the migration lock"), "\(next)")
        #expect(try db.versions() == ["int2"])
    }

    /// A signal while waiting for another run's migration lock stops the wait.
    @Test(arguments: TestEngine.enabled)
    func aSignalStopsTheWaitForTheMigrationLock(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.migration("int1", message: "first", upgrade: "CREATE TABLE int_a (id INTEGER PRIMARY KEY);")
        let holder = try env.database()
        try holder.connection.acquireMigrationLock(name: "migrate_version", timeout: .seconds(5), onWait: {})
        defer { try? holder.connection.releaseMigrationLock() }
        let run = try env.watch(["upgrade", "head"])
        #expect(run.waitForStderr(containing: "Waiting for the migration lock", timeout: .seconds(60)), "\(run.stderr)")
        _ = kill(run.process.processIdentifier, SIGTERM)
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(!timedOut, "\(result)")
        #expect(result.status == 143, "\(result)")
        #expect(result.stderr.contains("was interrupted by SIGTERM"), "\(result)")
        #expect(result.stderr.contains("No migration had started. The database is at base."), "\(result)")
        #expect(try holder.versions() == [])
    }

    /// Another connection holds the SQLite file's write lock: the run waits in its busy handler,
    /// and a signal ends that wait too, instead of the lock timeout.
    @Test func aSignalStopsTheWaitForALockedSQLiteFile() throws {
        let env = try Environment(.sqlite)
        try env.migration("int1", message: "first", upgrade: "CREATE TABLE int_a (id INTEGER PRIMARY KEY);")
        let holder = try env.database()
        try holder.connection.execute("BEGIN EXCLUSIVE")
        defer { try? holder.connection.rollback() }
        let run = try env.watch(["upgrade", "head"])
        #expect(run.waitForStderr(containing: "Waiting for ", timeout: .seconds(60)), "\(run.stderr)")
        _ = kill(run.process.processIdentifier, SIGINT)
        let (result, timedOut) = run.finish(timeout: .seconds(30))
        #expect(!timedOut, "\(result)")
        #expect(result.status == 130, "\(result)")
        #expect(result.stderr.contains("interrupted by SIGINT"), "\(result)")
        try holder.connection.rollback()
        #expect(try holder.tables().contains("int_a") == false)
    }
}
