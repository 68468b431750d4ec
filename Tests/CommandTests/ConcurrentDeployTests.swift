import Foundation
import Testing
import TestSupport
import MigratePostgres

/// Several deploys at once against one database, and a server that drops the connection
/// mid-migration.
@Suite struct ConcurrentDeployTests {
    static let processes = 8
    static let revisions = ["dep1", "dep2", "dep3", "dep4", "dep5"]

    /// Five migrations that each fail if run twice: a plain CREATE TABLE and a marker row whose
    /// primary key rejects a second insert. The first is slow, so the other runs arrive while
    /// one holds the lock.
    static func writeHistory(_ env: Environment) throws {
        for (offset, id) in revisions.enumerated() {
            let slow = offset == 0 || offset == 3 ? slowStatement(env.engine, seconds: 0.3, sqliteRows: 1_000_000) : ""
            try env.migration(
                id, parent: offset == 0 ? nil : revisions[offset - 1],
                upgrade: """
                    \(offset == 0 ? "CREATE TABLE applied_markers (revision VARCHAR(20) PRIMARY KEY);" : "")
                    CREATE TABLE dep_t\(offset) (id INTEGER PRIMARY KEY);
                    \(slow)
                    INSERT INTO applied_markers (revision) VALUES ('\(id)');
                    """)
        }
    }

    static func expectAppliedOnce(_ env: Environment, _ results: [CLIResult]) throws {
        let db = try env.database()
        #expect(try db.column("SELECT revision FROM applied_markers ORDER BY revision") == revisions, "\(results)")
        #expect(try db.versions() == [revisions.last!])
        #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == revisions)
        let applied = results.map { $0.stderr.components(separatedBy: "Running upgrade").count - 1 }
        #expect(applied.reduce(0, +) == revisions.count, "each migration is reported by exactly one run: \(applied)")
    }

    /// Eight deploys started together: they race for the lock on their own.
    @Test(arguments: TestEngine.enabled)
    func eightConcurrentUpgradesApplyEachMigrationOnce(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeHistory(env)
        let runs = try (0..<Self.processes).map { _ in try env.watch(["upgrade", "head"]) }
        let results = runs.map { $0.finish(timeout: .seconds(120)) }
        for (result, timedOut) in results {
            #expect(!timedOut, "a run hung: \(result)")
            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("error"), "\(result)")
        }
        try Self.expectAppliedOnce(env, results.map(\.result))
        // The ones that found the lock taken said so.
        #expect(results.contains { $0.result.stderr.contains("Waiting for the migration lock") }, "\(results)")
    }

    /// Eight deploys that all find the lock taken (the test holds it until each of them has
    /// said it waits), then all proceed at the moment it is released.
    @Test(arguments: TestEngine.enabled)
    func deploysThatWaitSaySoAndApplyEachMigrationOnce(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeHistory(env)
        let holder = try env.database()
        // Create the version tables first, so the waiting runs block on the lock itself.
        #expect(try env.run("stamp", "base").status == 0)
        switch engine {
        case .postgresql:
            let key = PostgresConnection.lockKey(for: "migrate_version")
            #expect(try holder.scalar("SELECT pg_try_advisory_lock(\(key))") == "t")
        case .sqlite:
            try holder.execute("BEGIN IMMEDIATE")
        }
        let runs = try (0..<Self.processes).map { _ in try env.watch(["upgrade", "head"]) }
        for (index, run) in runs.enumerated() {
            #expect(
                run.waitForStderr(containing: "Waiting for the migration lock", timeout: .seconds(60)),
                "run \(index) never said it waits: \(run.stderr)")
        }
        switch engine {
        case .postgresql:
            let key = PostgresConnection.lockKey(for: "migrate_version")
            #expect(try holder.scalar("SELECT pg_advisory_unlock(\(key))") == "t")
        case .sqlite: try holder.execute("ROLLBACK")
        }
        let results = runs.map { $0.finish(timeout: .seconds(120)) }
        for (result, timedOut) in results {
            #expect(!timedOut, "a run hung: \(result)")
            #expect(result.status == 0, "\(result)")
        }
        try Self.expectAppliedOnce(env, results.map(\.result))
    }

    /// The server ends the backend in the middle of a migration: the run exits 1 naming the
    /// revision and the lost connection, nothing of the migration stays, and the next run
    /// applies it.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func terminatedBackendIsAClearErrorAndLeavesNothingHalfApplied() throws {
        let env = try Environment(.postgresql)
        try env.migration("lost1", message: "first", upgrade: "CREATE TABLE lost_a (id INTEGER PRIMARY KEY);")
        func writeSecond(sleep: Double) throws {
            try env.migration("lost2", parent: "lost1", message: "slow second", upgrade: """
                CREATE TABLE lost_b (id INTEGER PRIMARY KEY);
                INSERT INTO lost_b VALUES (1);
                SELECT pg_sleep(\(sleep));
                INSERT INTO lost_b VALUES (2);
                """)
        }
        try writeSecond(sleep: 60)
        let db = try env.database()
        let run = try env.watch(["upgrade", "head"])
        #expect(run.waitForStderr(containing: "lost1 -> lost2", timeout: .seconds(30)), "\(run.stderr)")
        var terminated = false
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !terminated && ContinuousClock.now < deadline {
            let pids = try db.column("""
                SELECT pid FROM pg_stat_activity
                WHERE application_name = 'migrate' AND datname = current_database() AND state = 'active'
                AND query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()
                """)
            for pid in pids where try db.scalar("SELECT pg_terminate_backend(\(pid))::text") == "true" {
                terminated = true
            }
            if !terminated { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(terminated, "no backend of migrate ran pg_sleep")
        let (result, timedOut) = run.finish(timeout: .seconds(30))
        #expect(!timedOut)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("Running upgrade") || result.stderr.contains("\nerror: "), "\(result)")
        #expect(result.stderr.contains("upgrade lost2 (slow second) failed at operation 3 of 4 (statement 3 of the migration)"), "\(result)")
        #expect(result.stderr.contains("the connection to the server was lost"), "\(result)")
        #expect(result.stderr.contains("the server ended the connection. Check the server"), "\(result)")
        #expect(result.stderr.contains("statement: SELECT pg_sleep(60.0)"), "\(result)")
        #expect(!result.stderr.contains("Fatal error"), "\(result)")

        #expect(try db.versions() == ["lost1"])
        #expect(try !db.tables().contains("lost_b"))
        #expect(try db.column("SELECT revision FROM migrate_version_history") == ["lost1"])

        try writeSecond(sleep: 0)
        let next = try env.run("upgrade", "head")
        #expect(next.status == 0, "\(next)")
        #expect(try db.versions() == ["lost2"])
        #expect(try db.column("SELECT id FROM lost_b ORDER BY id") == ["1", "2"])
    }
}
