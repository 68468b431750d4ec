import Foundation
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// What only SQLite files do: foreign keys the database already broke, the run's lock on the
/// file, and commands that meet a file another connection holds locked.
@Suite struct SQLiteFileTests {
    /// The environment's database file.
    static func file(_ env: Environment) -> String {
        String(env.url.dropFirst("sqlite:///".count))
    }

    /// A database whose `orders` table already holds two rows pointing at missing customers,
    /// as real SQLite databases often do (SQLite does not enforce foreign keys unless asked).
    static func writeDanglingRows(_ env: Environment) throws {
        try env.migration("fk1", message: "customers and orders", upgrade: """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id), note TEXT);
            INSERT INTO customers (id, name) VALUES (1, 'one'), (2, 'two');
            INSERT INTO orders (id, customer_id, note) VALUES (10, 1, 'a'), (11, 2, 'b');
            """)
        #expect(try env.run("upgrade", "head").status == 0)
        let db = try env.database()
        try db.execute("PRAGMA foreign_keys = OFF; INSERT INTO orders (id, customer_id, note) VALUES (12, 98, 'c'), (13, 99, 'd')")
        #expect(try db.column("SELECT rowid FROM pragma_foreign_key_check('orders')") == ["12", "13"])
    }

    // MARK: Foreign keys that were already broken

    /// An unrelated migration succeeds on a database with dangling rows, as the same script
    /// does through `sqlite3`.
    @Test func danglingRowsTheDatabaseAlreadyHadFailNoUnrelatedMigration() throws {
        let env = try Environment(.sqlite)
        try Self.writeDanglingRows(env)
        try env.migration("fk2", parent: "fk1", message: "tags", upgrade: "CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().versions() == ["fk2"])
    }

    /// Writing the tables involved is fine too, as long as the migration adds no dangling row;
    /// the same goes for table rebuilds, which copy the dangling rows into a new table.
    @Test func writesAndRebuildsThatAddNoDanglingRowPass() throws {
        let env = try Environment(.sqlite)
        try Self.writeDanglingRows(env)
        try env.migration("fk2", parent: "fk1", message: "more rows", upgrade: """
            INSERT INTO customers (id, name) VALUES (3, 'three');
            INSERT INTO orders (id, customer_id, note) VALUES (14, 3, 'e');
            UPDATE orders SET note = 'changed' WHERE id = 12;
            DELETE FROM customers WHERE id = 2 AND 0;
            """)
        try env.write(
            "versions/fk3_rebuild.swift",
            """
            import MigrateKit

            /// unique notes and names
            enum Rev_fk3: Migration {
                static let revision = "fk3"
                static let downRevision: [String] = ["fk2"]
                static func upgrade(_ op: Operations) {
                    op.createUniqueConstraint("uq_orders_note", on: "orders", columns: ["note"])
                    op.createUniqueConstraint("uq_customers_name", on: "customers", columns: ["name"])
                }
                static func downgrade(_ op: Operations) {
                    op.dropConstraint("uq_customers_name", on: "customers", kind: .unique)
                    op.dropConstraint("uq_orders_note", on: "orders", kind: .unique)
                }
            }

            """)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["fk3"])
        #expect(try db.column("SELECT rowid FROM pragma_foreign_key_check('orders') ORDER BY rowid") == ["12", "13"])
        #expect(try env.run("downgrade", "fk1").status == 0)
    }

    /// A migration that adds dangling rows still fails and is rolled back, naming a new one
    /// and counting only what it added.
    @Test func newDanglingRowsFailTheMigrationAndOnlyThoseAreCounted() throws {
        let env = try Environment(.sqlite)
        try Self.writeDanglingRows(env)
        try env.migration("fk2", parent: "fk1", message: "drop a customer", upgrade: """
            CREATE TABLE tags (id INTEGER PRIMARY KEY);
            DELETE FROM customers WHERE id = 2;
            """)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("the migration left 1 row(s) whose foreign keys point nowhere"), "\(up)")
        #expect(up.stderr.contains("a row of orders (rowid 11) references a missing row of customers"), "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["fk1"])
        #expect(try db.column("SELECT id FROM customers ORDER BY id") == ["1", "2"])
        #expect(try !db.tables().contains("tags"))
    }

    /// New child rows that point nowhere, in a table the migration creates, fail too.
    @Test func aNewTableWithDanglingRowsFails() throws {
        let env = try Environment(.sqlite)
        try Self.writeDanglingRows(env)
        try env.migration("fk2", parent: "fk1", message: "invoices", upgrade: """
            CREATE TABLE invoices (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));
            INSERT INTO invoices (id, order_id) VALUES (1, 10), (2, 500);
            """)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("a row of invoices (rowid 2) references a missing row of orders"), "\(up)")
        #expect(try !env.database().tables().contains("invoices"))
    }

    // MARK: The run's lock

    /// Holds the run's lock of the environment's database from this process, as a run does.
    static func holdRunLock(_ env: Environment) throws -> SQLiteConnection {
        let holder = try SQLiteConnection(path: file(env))
        try holder.acquireMigrationLock(name: "migrate_version", timeout: .seconds(5)) {}
        return holder
    }

    /// A migration outside a transaction that records itself in `markers`.
    static func writeNonTransactional(_ env: Environment) throws {
        try env.migration("lk1", upgrade: "CREATE TABLE markers (revision VARCHAR(20));")
        try env.migration(
            "lk2", parent: "lk1", upgrade: "INSERT INTO markers VALUES ('lk2');", extraHeader: "-- transactional: false")
    }

    /// A run waits for the lock, then applies the non-transactional migration once.
    static func expectWaitsThenRunsOnce(_ env: Environment, holder: SQLiteConnection) throws {
        let run = try env.watch(["upgrade", "head"])
        #expect(
            run.waitForStderr(containing: "Waiting for the migration lock", timeout: .seconds(60)),
            "the run did not wait for the lock: \(run.stderr)")
        #expect(try !env.database().tables().contains("markers"), "the run went ahead while the lock was held")
        try holder.releaseMigrationLock()
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(!timedOut && result.status == 0, "\(result)")
        #expect(try env.database().column("SELECT revision FROM markers") == ["lk2"])
    }

    /// Something at `<db>-migrate-lock` that cannot be opened as a file (a folder here; a
    /// read-only folder or another user's file in real life) does not let a run in without the lock.
    @Test func anUnopenableLockFileBesideTheDatabaseDoesNotDisableTheLock() throws {
        let env = try Environment(.sqlite)
        try Self.writeNonTransactional(env)
        try FileManager.default.createDirectory(atPath: Self.file(env) + "-migrate-lock", withIntermediateDirectories: false)
        #expect(try env.run("stamp", "base").status == 0)
        let holder = try Self.holdRunLock(env)
        try Self.expectWaitsThenRunsOnce(env, holder: holder)
    }

    /// Deleting files beside the database while a run holds the lock does not let a second run in.
    @Test func deletingFilesBesideTheDatabaseDoesNotReleaseTheLock() throws {
        let env = try Environment(.sqlite)
        try Self.writeNonTransactional(env)
        #expect(try env.run("stamp", "base").status == 0)
        let holder = try Self.holdRunLock(env)
        let folder = URL(fileURLWithPath: Self.file(env)).deletingLastPathComponent()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix("-migrate-lock") {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
        try Self.expectWaitsThenRunsOnce(env, holder: holder)
        #expect(!FileManager.default.fileExists(atPath: Self.file(env) + "-migrate-lock"))
    }

    // MARK: Waiting for a locked file

    /// Writes an environment with `lock_timeout` seconds and applies its first migration.
    static func lockedEnvironment(timeout: Double) throws -> Environment {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lock_timeout": \#(timeout)}"#)
        try env.migration("wt1", upgrade: "CREATE TABLE first (id INTEGER);")
        try env.migration("wt2", parent: "wt1", upgrade: "CREATE TABLE second (id INTEGER);")
        #expect(try env.run("upgrade", "wt1").status == 0)
        return env
    }

    /// `current` on a file another connection holds with `BEGIN EXCLUSIVE` says it waits, then
    /// fails clearly after `lock_timeout` instead of hanging silently.
    @Test func currentOnALockedFileSaysItWaitsThenFailsAfterTheTimeout() throws {
        let env = try Self.lockedEnvironment(timeout: 1)
        let holder = try env.database()
        try holder.execute("BEGIN EXCLUSIVE")
        let run = try env.watch(["current"])
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        try holder.execute("ROLLBACK")
        #expect(!timedOut, "current hung: \(result)")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("Waiting for the lock on the SQLite database \(Self.file(env))"), "\(result)")
        #expect(result.stderr.contains("another connection held a lock on the SQLite database"), "\(result)")
        #expect(result.stderr.contains("for more than 1 s"), "\(result)")
    }

    /// `upgrade` on a locked file says it waits and goes on when the other connection lets go.
    @Test func upgradeOnALockedFileSaysItWaitsThenProceeds() throws {
        let env = try Self.lockedEnvironment(timeout: 60)
        let holder = try env.database()
        try holder.execute("BEGIN EXCLUSIVE")
        let run = try env.watch(["upgrade", "head"])
        let waited = run.waitForStderr(containing: "Waiting for the lock on the SQLite database", timeout: .seconds(60))
        try holder.execute("ROLLBACK")
        #expect(waited, "no waiting line: \(run.stderr)")
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(!timedOut && result.status == 0, "\(result)")
        #expect(try env.database().versions() == ["wt2"])
    }
}
