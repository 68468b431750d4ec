import Foundation
import MigratePostgres
import Testing
import TestSupport

/// PostgreSQL runs each migration under `lock_timeout`: against a real session holding a lock in
/// an open transaction, a run waits at most the timeout per try, rolls back and tries again, and
/// either succeeds once the session ends or fails naming it, with the version table untouched.
@Suite(.enabled(if: TestEngine.postgresql.isEnabled)) struct LockSafeApplyTests {
    /// A table `items`, applied, and a pending migration that needs an ACCESS EXCLUSIVE lock on it.
    static func environment(apply: String = #"{"lock_timeout": 1, "lock_retries": 2, "retry_delay": 0.5}"#) throws -> Environment {
        let env = try Environment(.postgresql)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "apply": \#(apply)}"#)
        try env.migration("lk1", message: "items", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        #expect(try env.run("upgrade", "head").status == 0)
        try env.migration("lk2", parent: "lk1", message: "add a note", upgrade: "ALTER TABLE items ADD COLUMN note TEXT;")
        return env
    }

    /// A second connection that reads `items` in a transaction it leaves open: its ACCESS SHARE lock
    /// blocks the ALTER TABLE.
    static func blocker(_ env: Environment) throws -> PostgresConnection {
        let blocker = try PostgresConnection(url: PostgresWaitAndLeftoverTests.url(env, application: "report_query"))
        try blocker.execute("BEGIN")
        try blocker.execute("SELECT count(*) FROM items")
        return blocker
    }

    static func noteColumnExists(_ env: Environment) throws -> Bool {
        try env.database().scalar(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'") == "1"
    }

    @Test func aMigrationBlockedByASessionIsRetriedAndSucceedsOnceTheSessionEnds() throws {
        let env = try Self.environment()
        let blocker = try Self.blocker(env)
        let pid = blocker.backendProcessID
        let run = try env.watch(["upgrade", "head"])
        let retried = run.waitForStderr(containing: "Try 1 of 3 of upgrade lk2 gave up waiting", timeout: .seconds(30))
        try blocker.execute("ROLLBACK")
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(retried, "\(result)")
        #expect(!timedOut, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stderr.contains(
                "Try 1 of 3 of upgrade lk2 gave up waiting for a lock (lock_timeout) on table items (AccessExclusiveLock), "
                    + "held by process \(pid) (user \""),
            "\(result)")
        #expect(result.stderr.contains("idle in transaction, application \"report_query\", transaction open for "), "\(result)")
        #expect(result.stderr.contains("\"SELECT count(*) FROM items\"); rolled back, trying again in 0.5 s."), "\(result)")
        #expect(result.stderr.contains("Running upgrade lk1 -> lk2, add a note ("), "\(result)")
        #expect(try env.database().versions() == ["lk2"])
        #expect(try Self.noteColumnExists(env))
    }

    @Test func aMigrationStillBlockedAfterItsLastTryFailsNamingTheSession() throws {
        let env = try Self.environment()
        let blocker = try Self.blocker(env)
        let pid = blocker.backendProcessID
        let started = ContinuousClock.now
        let result = try env.run("upgrade", "head")
        let elapsed = ContinuousClock.now - started
        try blocker.execute("ROLLBACK")

        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("Try 1 of 3 of upgrade lk2"), "\(result)")
        #expect(result.stderr.contains("Try 2 of 3 of upgrade lk2"), "\(result)")
        #expect(result.stderr.contains("trying again in 1 s."), "the pause doubles: \(result)")
        #expect(!result.stderr.contains("Try 3 of 3"), "\(result)")
        #expect(
            result.stderr.contains(
                "upgrade lk2 (add a note) failed at operation 1 of 1 (statement 1 of the migration): it gave up waiting "
                    + "for a lock (lock_timeout) on each of its 3 tries on table items (AccessExclusiveLock), held by process \(pid) ("),
            "\(result)")
        #expect(result.stderr.contains("application \"report_query\""), "\(result)")
        #expect(result.stderr.contains("SELECT pg_terminate_backend(\(pid))"), "\(result)")
        #expect(result.stderr.contains("It was rolled back: the database is at lk1."), "\(result)")
        #expect(result.stderr.contains("55P03"), "\(result)")
        // Three tries of one second and pauses of 0.5 s and 1 s: the run never queued for long.
        #expect(elapsed >= .milliseconds(4500), "\(elapsed)")
        #expect(elapsed < .seconds(20), "\(elapsed)")
        #expect(try env.database().versions() == ["lk1"])
        #expect(try !Self.noteColumnExists(env))
    }

    /// `--lock-timeout` and `--lock-retries` override migrate.json for one run; no retries means
    /// one try.
    @Test func flagsOverrideTheFileForOneRun() throws {
        let env = try Self.environment(apply: #"{"lock_timeout": 30, "lock_retries": 5}"#)
        let blocker = try Self.blocker(env)
        let started = ContinuousClock.now
        let result = try env.run("upgrade", "head", "--lock-timeout", "0.5", "--lock-retries", "0")
        let elapsed = ContinuousClock.now - started
        try blocker.execute("ROLLBACK")
        #expect(result.status == 1, "\(result)")
        #expect(!result.stderr.contains("Try 1"), "\(result)")
        #expect(result.stderr.contains("it gave up waiting for a lock (lock_timeout) on table items"), "\(result)")
        #expect(elapsed < .seconds(20), "lock_timeout 30 s would take longer: \(elapsed)")
        #expect(try env.database().versions() == ["lk1"])
    }

    /// With `lock_timeout` turned off the statement waits as long as the session holds the lock.
    @Test func aZeroLockTimeoutWaitsForTheSession() throws {
        let env = try Self.environment(apply: #"{"lock_timeout": 0}"#)
        let blocker = try Self.blocker(env)
        let run = try env.watch(["upgrade", "head"])
        let reported = run.waitForStderr(containing: "Waiting for a lock on table items", timeout: .seconds(30))
        try blocker.execute("ROLLBACK")
        let (result, _) = run.finish(timeout: .seconds(60))
        #expect(reported, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(!result.stderr.contains("Try 1"), "\(result)")
        #expect(try env.database().versions() == ["lk2"])
    }

    /// Outside a transaction, a first statement that met the lock timeout left nothing behind
    /// and is tried again.
    @Test func aNonTransactionalMigrationWhoseFirstStatementTimedOutIsRetried() throws {
        let env = try Self.environment()
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/lk2_m.sql"))
        try env.migration(
            "lk2", parent: "lk1", message: "index", upgrade: "CREATE INDEX CONCURRENTLY items_id_desc ON items (id DESC);",
            extraHeader: "-- transactional: false")
        let blocker = try PostgresConnection(url: env.url)
        try blocker.execute("BEGIN")
        try blocker.execute("LOCK TABLE items IN SHARE MODE")
        let run = try env.watch(["upgrade", "head"])
        let retried = run.waitForStderr(containing: "Try 1 of 3 of upgrade lk2", timeout: .seconds(30))
        try blocker.execute("ROLLBACK")
        let (result, _) = run.finish(timeout: .seconds(60))
        #expect(retried, "\(result)")
        #expect(result.status == 0, "\(result)")
        #expect(try env.database().versions() == ["lk2"])
        #expect(try env.database().scalar("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0")
    }

    /// Outside a transaction, once a statement has run and stays applied, a later lock timeout
    /// is not retried: the message says what stays applied.
    @Test func aNonTransactionalMigrationIsNotRetriedAfterAStatementRan() throws {
        let env = try Self.environment()
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/lk2_m.sql"))
        try env.migration(
            "lk2", parent: "lk1", message: "two steps",
            upgrade: "CREATE TABLE other (id INTEGER);\nALTER TABLE items ADD COLUMN note TEXT;",
            extraHeader: "-- transactional: false")
        let blocker = try Self.blocker(env)
        let result = try env.run("upgrade", "head")
        try blocker.execute("ROLLBACK")
        #expect(result.status == 1, "\(result)")
        #expect(!result.stderr.contains("Try 1"), "\(result)")
        #expect(result.stderr.contains("it gave up waiting for a lock (lock_timeout) on table items"), "\(result)")
        #expect(result.stderr.contains("statement 1 ran and stays applied") || result.stderr.contains("statement 1 ran and stay applied"), "\(result)")
        #expect(result.stderr.contains("The version table still says lk1."), "\(result)")
        #expect(try env.database().versions() == ["lk1"])
        // The session's own lock_timeout was reset after the failure: a later statement may wait.
    }

    @Test func aStatementRunningPastStatementTimeoutFailsWithoutRetry() throws {
        let env = try Self.environment(apply: #"{"statement_timeout": 0.3}"#)
        try env.migration("lk3", parent: "lk2", message: "slow", upgrade: "SELECT pg_sleep(60);")
        let started = ContinuousClock.now
        let result = try env.run("upgrade", "head")
        #expect(ContinuousClock.now - started < .seconds(30), "stopped long before the sleep would end")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("57014"), "\(result)")
        #expect(result.stderr.contains("statement timeout"), "\(result)")
        #expect(result.stderr.contains("apply.statement_timeout"), "\(result)")
        #expect(!result.stderr.contains("Try 1"), "\(result)")
        #expect(try env.database().versions() == ["lk2"], "the migration before it committed")
    }

    /// A migration's own SET comes after migrate's, so it wins.
    @Test func aMigrationsOwnLockTimeoutWins() throws {
        let env = try Self.environment(apply: #"{"lock_timeout": 30, "lock_retries": 0}"#)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/lk2_m.sql"))
        try env.migration(
            "lk2", parent: "lk1", message: "own timeout",
            upgrade: "SET LOCAL lock_timeout = '300ms';\nALTER TABLE items ADD COLUMN note TEXT;")
        let blocker = try Self.blocker(env)
        let started = ContinuousClock.now
        let result = try env.run("upgrade", "head")
        let elapsed = ContinuousClock.now - started
        try blocker.execute("ROLLBACK")
        #expect(result.status == 1, "\(result)")
        #expect(elapsed < .seconds(20), "lock_timeout 30 s would take longer: \(elapsed)")
        #expect(try env.database().versions() == ["lk1"])
    }

    /// `--sql` sets the same limits, so a script run by `psql` behaves like `upgrade`.
    @Test func offlineScriptsSetTheLimits() throws {
        let env = try Self.environment(apply: #"{"lock_timeout": 2.5, "statement_timeout": 60}"#)
        let script = try env.run("upgrade", "lk1:head", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(
            script.stdout.contains(
                "BEGIN;\n\n-- Running upgrade lk1 -> lk2, add a note\n\nSET LOCAL lock_timeout = '2500ms';\n\nSET LOCAL statement_timeout = '60s';\n\n"
                    + "ALTER TABLE items ADD COLUMN note TEXT;\n\n"),
            "\(script)")
    }
}
