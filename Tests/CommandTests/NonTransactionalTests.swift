import Foundation
import Testing
import TestSupport

/// Migrations with `-- transactional: false`.
@Suite struct NonTransactionalTests {
    static func writeBase(_ env: Environment) throws {
        try env.migration("ntx1", message: "create items", upgrade: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items (id, name) VALUES (1, 'one'), (2, 'two');
            """)
    }

    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func createIndexConcurrentlyRunsOutsideATransaction() throws {
        let env = try Environment(.postgresql)
        try Self.writeBase(env)
        try env.migration(
            "ntx2", parent: "ntx1", message: "index names", upgrade: "CREATE INDEX CONCURRENTLY items_name ON items (name);",
            extraHeader: "-- transactional: false")
        try env.migration("ntx3", parent: "ntx2", upgrade: "CREATE TABLE after_index (id INTEGER);")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let db = try env.database()
        #expect(try db.column("SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY indexname") == ["items_name", "items_pkey"])
        #expect(try db.scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'items_name'::regclass") == "true")
        #expect(try db.versions() == ["ntx3"])
        #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == ["ntx1", "ntx2", "ntx3"])
    }

    /// With one transaction for the whole run, the non-transactional migration ends the run's
    /// transaction before it and a new one starts after it.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func createIndexConcurrentlyInsideARunTransaction() throws {
        let env = try Environment(.postgresql)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "transaction_per_migration": false}"#)
        try Self.writeBase(env)
        try env.migration(
            "ntx2", parent: "ntx1", upgrade: "CREATE INDEX CONCURRENTLY items_name ON items (name);",
            extraHeader: "-- transactional: false")
        try env.migration("ntx3", parent: "ntx2", upgrade: "CREATE TABLE after_index (id INTEGER);")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["ntx3"])
        #expect(try db.tables().contains("after_index"))
    }

    /// The lock holder runs CREATE INDEX CONCURRENTLY, which waits for every other open
    /// transaction, while other deploys wait for the lock: they poll, so nobody deadlocks.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func createIndexConcurrentlyDoesNotDeadlockWithWaitingDeploys() throws {
        let env = try Environment(.postgresql)
        try env.migration("ntx1", message: "create items", upgrade: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL);
            INSERT INTO items (id, name) SELECT g, 'item ' || g FROM generate_series(1, 20000) g;
            SELECT pg_sleep(0.3);
            """)
        try env.migration(
            "ntx2", parent: "ntx1", upgrade: "CREATE INDEX CONCURRENTLY items_name ON items (name);",
            extraHeader: "-- transactional: false")
        let runs = try (0..<4).map { _ in try env.watch(["upgrade", "head"]) }
        let results = runs.map { $0.finish(timeout: .seconds(60)) }
        for (result, timedOut) in results {
            #expect(!timedOut, "a run hung (deadlock?): \(result)")
            #expect(result.status == 0, "\(result)")
        }
        #expect(results.contains { $0.result.stderr.contains("Waiting for the migration lock") })
        #expect(results.map { $0.result.stderr.components(separatedBy: "Running upgrade").count - 1 }.reduce(0, +) == 2)
        #expect(try env.database().versions() == ["ntx2"])
    }

    /// A failure part-way through a non-transactional migration says which statements ran (and
    /// stay), which one failed and which did not run, and leaves the version table alone.
    @Test(arguments: TestEngine.enabled)
    func failurePartWayIsReportedStatementByStatement(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        let index = engine == .postgresql ? "CREATE INDEX CONCURRENTLY items_name ON items (name);" : "CREATE INDEX items_name ON items (name);"
        try env.migration(
            "ntx2", parent: "ntx1", message: "half way", upgrade: """
                CREATE TABLE first_done (id INTEGER);
                \(index)
                INSERT INTO no_such_table (id) VALUES (1);
                CREATE TABLE never_run (id INTEGER);
                """,
            extraHeader: "-- transactional: false")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("upgrade ntx2 (half way) failed at operation 3 of 4 (statement 3 of the migration)"), "\(up)")
        #expect(up.stderr.contains("statements 1–2 ran and stay applied"), "\(up)")
        #expect(up.stderr.contains("operation 4 did not run"), "\(up)")
        #expect(up.stderr.contains("The version table still says ntx1"), "\(up)")
        #expect(up.stderr.contains("INSERT INTO no_such_table"), "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["ntx1"])
        #expect(try db.tables().contains("first_done"))
        #expect(try !db.tables().contains("never_run"))
        #expect(try db.column("SELECT revision FROM migrate_version_history") == ["ntx1"])
    }

    /// A failing first statement: nothing ran.
    @Test(arguments: TestEngine.enabled)
    func failureAtTheFirstStatementSaysNothingRan(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration(
            "ntx2", parent: "ntx1", message: "fails at once",
            upgrade: "INSERT INTO no_such_table (id) VALUES (1);\nCREATE TABLE never_run (id INTEGER);",
            extraHeader: "-- transactional: false")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("failed at operation 1 of 2 (statement 1 of the migration)"), "\(up)")
        #expect(up.stderr.contains("Nothing of it ran; the database is still at ntx1"), "\(up)")
        #expect(try !env.database().tables().contains("never_run"))
    }

    /// SQLite: statements that refuse to run in a transaction (VACUUM) work in a
    /// non-transactional migration, between transactional ones.
    @Test func sqliteRunsANonTransactionalMigration() throws {
        let env = try Environment(.sqlite)
        try Self.writeBase(env)
        try env.migration(
            "ntx2", parent: "ntx1", message: "vacuum", upgrade: "DELETE FROM items WHERE id = 2;\nVACUUM;",
            extraHeader: "-- transactional: false")
        try env.migration("ntx3", parent: "ntx2", upgrade: "CREATE TABLE after_vacuum (id INTEGER);")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["ntx3"])
        #expect(try db.column("SELECT id FROM items") == ["1"])
        #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == ["ntx1", "ntx2", "ntx3"])

        // The same migration inside a transaction fails: the test above proves the difference.
        let other = try Environment(.sqlite)
        try Self.writeBase(other)
        try other.migration("ntx2", parent: "ntx1", upgrade: "VACUUM;")
        let failed = try other.run("upgrade", "head")
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("VACUUM"), "\(failed)")
    }

    /// SQLite has no lock outside a transaction: concurrent deploys must still run a
    /// non-transactional migration once.
    @Test func sqliteConcurrentDeploysRunANonTransactionalMigrationOnce() throws {
        let env = try Environment(.sqlite)
        try env.migration("ntx1", upgrade: """
            CREATE TABLE markers (revision VARCHAR(20) PRIMARY KEY);
            \(slowStatement(.sqlite, seconds: 0, sqliteRows: 500_000))
            INSERT INTO markers VALUES ('ntx1');
            """)
        try env.migration(
            "ntx2", parent: "ntx1", upgrade: "INSERT INTO markers VALUES ('ntx2');\n\(slowStatement(.sqlite, seconds: 0, sqliteRows: 500_000))",
            extraHeader: "-- transactional: false")
        try env.migration("ntx3", parent: "ntx2", upgrade: "INSERT INTO markers VALUES ('ntx3');")
        let runs = try (0..<4).map { _ in try env.watch(["upgrade", "head"]) }
        let results = runs.map { $0.finish(timeout: .seconds(60)).result }
        for result in results { #expect(result.status == 0, "\(result)") }
        let db = try env.database()
        #expect(try db.column("SELECT revision FROM markers ORDER BY revision") == ["ntx1", "ntx2", "ntx3"])
        #expect(try db.versions() == ["ntx3"])
    }
}
