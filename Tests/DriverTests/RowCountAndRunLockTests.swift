import Foundation
import MigrateCore
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// `executeCountingRows` on both engines, and the SQLite run lock's reach.
@Suite struct RowCountAndRunLockTests {
    @Test(arguments: TestEngine.enabled)
    func executeCountingRowsReturnsEachStatementsRowCount(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.execute("CREATE TABLE items (id integer PRIMARY KEY, name varchar(20))")
        let counts = try connection.executeCountingRows([
            "INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            "UPDATE items SET name = 'x' WHERE id < 3",
            "DELETE FROM items WHERE id = 99",
            "CREATE TABLE other (id integer)",
            "DELETE FROM items WHERE id = 3",
        ])
        #expect(counts == [3, 2, 0, 0, 1])
        #expect(try connection.executeCountingRows([]) == [])
    }

    /// A failing statement throws its own error, naming it, and the connection stays usable.
    @Test(arguments: TestEngine.enabled)
    func executeCountingRowsStopsAtTheFailingStatement(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.execute("CREATE TABLE items (id integer PRIMARY KEY)")
        let error = try #require(throws: DatabaseError.self) {
            try connection.executeCountingRows(["INSERT INTO items VALUES (1)", "INSERT INTO missing VALUES (1)", "INSERT INTO items VALUES (2)"])
        }
        #expect(error.sql == "INSERT INTO missing VALUES (1)")
        #expect(try connection.query("SELECT 1") == [["1"]])
    }

    /// The lock is on the file, not on a path: another spelling of the path meets it, and so
    /// does a second connection of the same process.
    @Test func theRunLockExcludesOtherPathsToTheSameFile() throws {
        let path = try freshSQLitePath()
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (id integer)")
        try holder.acquireMigrationLock(name: "migrate_version", timeout: .seconds(5)) {}
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let link = folder.appendingPathComponent("link.sqlite3").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
        for other in [path, link, folder.appendingPathComponent("../\(folder.lastPathComponent)/test.sqlite3").path] {
            let waiter = try SQLiteConnection(path: other)
            var waits = 0
            let error = try #require(throws: MigrateError.self) {
                try waiter.acquireMigrationLock(name: "migrate_version", timeout: .milliseconds(100)) { waits += 1 }
            }
            #expect(error.kind == .lockTimeout)
            #expect(error.message.contains(path))
            #expect(waits == 1)
        }
        try holder.releaseMigrationLock()
        let next = try SQLiteConnection(path: link)
        try next.acquireMigrationLock(name: "migrate_version", timeout: .seconds(5)) { Issue.record("waited for a released lock") }
        // Holding the run's lock leaves SQLite's own locks alone.
        try next.execute("INSERT INTO t VALUES (1)")
        try holder.execute("INSERT INTO t VALUES (2)")
        #expect(!FileManager.default.fileExists(atPath: path + "-migrate-lock"))
    }

    /// In-memory databases are private to their connection: nothing to lock.
    @Test func inMemoryDatabasesNeedNoRunLock() throws {
        let first = try SQLiteConnection(path: ":memory:")
        let second = try SQLiteConnection(path: ":memory:")
        try first.acquireMigrationLock(name: "migrate_version", timeout: .zero) { Issue.record("waited") }
        try second.acquireMigrationLock(name: "migrate_version", timeout: .zero) { Issue.record("waited") }
    }

    /// Releasing the run's lock while a transaction is open keeps SQLite's write lock: the
    /// second descriptor that carries the run's lock is not closed before the connection.
    @Test func releasingTheRunLockKeepsSQLitesOwnLocks() throws {
        let path = try freshSQLitePath()
        let holder = try SQLiteConnection(path: path)
        try holder.execute("CREATE TABLE t (id integer)")
        try holder.acquireMigrationLock(name: "migrate_version", timeout: .seconds(5)) {}
        try holder.beginTransaction()
        try holder.releaseMigrationLock()
        let other = try SQLiteConnection(path: path)
        other.waitForLocks(timeout: .milliseconds(50), onWait: nil)
        let error = try #require(throws: MigrateError.self) { try other.execute("INSERT INTO t VALUES (1)") }
        #expect(error.kind == .lockTimeout)
        try holder.commit()
        try other.execute("INSERT INTO t VALUES (1)")
    }
}
