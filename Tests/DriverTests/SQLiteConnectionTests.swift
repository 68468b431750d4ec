import Foundation
import MigrateCore
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// What only the SQLite driver does: files, extended codes, statement positions.
@Suite struct SQLiteConnectionTests {
    @Test func createsTheFileWhenMissing() throws {
        let path = try freshSQLitePath()
        #expect(!FileManager.default.fileExists(atPath: path))
        let connection = try SQLiteConnection(path: path)
        try connection.execute("CREATE TABLE t (id integer)")
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(connection.path == path)
    }

    @Test func inMemoryDatabasesWork() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        try connection.execute("CREATE TABLE t (id integer); INSERT INTO t VALUES (7)")
        #expect(try connection.query("SELECT id FROM t") == [["7"]])
    }

    @Test func openingInAMissingFolderIsADatabaseError() throws {
        let folder = try makeTemporaryDirectory().appendingPathComponent("missing")
        let path = folder.appendingPathComponent("db.sqlite3").path
        let error = try #require(throws: MigrateError.self) { try SQLiteConnection(path: path) }
        #expect(error.kind == .database)
        #expect(error.message.contains(path))
        let cause = try #require(error.cause as? DatabaseError)
        #expect(cause.primaryResultCode == .SQLITE_CANTOPEN)
        #expect(cause.code?.hasPrefix("SQLITE_CANTOPEN") == true)
    }

    @Test func foreignKeysAreEnforced() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        try connection.execute(
            """
            CREATE TABLE parent (id integer PRIMARY KEY);
            CREATE TABLE child (parent_id integer REFERENCES parent (id));
            """)
        do {
            try connection.execute("INSERT INTO child VALUES (42)")
            Issue.record("the insert succeeded")
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
            #expect(error.code == "SQLITE_CONSTRAINT_FOREIGNKEY (787)")
        }
    }

    @Test func syntaxErrorNamesTheStatementAndPosition() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let error = try #require(throws: DatabaseError.self) {
            try connection.execute("CREATE TABLE a (id integer);\n  SELEKT 1;\nCREATE TABLE b (id integer);")
        }
        #expect(error.code == "SQLITE_ERROR (1)")
        #expect(error.message.contains("SELEKT"))
        #expect(error.sql == "SELEKT 1;")
        #expect(error.position == 1)
        // Statements before the failing one ran; the ones after did not.
        #expect(try connection.tableExists("a", schema: nil))
        #expect(try !connection.tableExists("b", schema: nil))
    }

    @Test func positionCountsCharactersNotBytes() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let sql = "SELECT 'é' FROM WHERE"
        let error = try #require(throws: DatabaseError.self) { try connection.query(sql) }
        #expect(error.sql == sql)
        #expect(error.position == 17)
    }

    @Test func queryRefusesSeveralStatements() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        #expect(throws: DatabaseError.self) { try connection.query("SELECT 1; SELECT 2") }
        #expect(try connection.query("SELECT 1; -- only a comment after") == [["1"]])
    }

    @Test func valuesOfEveryTypeComeBackAsText() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        let rows = try connection.query("SELECT 42, 2.5, 'text', NULL, x'414243'")
        #expect(rows == [["42", "2.5", "text", nil, "ABC"]])
    }

    @Test func rollbackWithoutATransactionDoesNothing() throws {
        let connection = try SQLiteConnection(path: ":memory:")
        try connection.rollback()
    }

    @Test func readersWaitForACommittingWriterInsteadOfFailing() throws {
        let path = try freshSQLitePath()
        let writer = try SQLiteConnection(path: path)
        let reader = try SQLiteConnection(path: path)
        try writer.execute("CREATE TABLE t (id integer)")
        try writer.beginTransaction()
        try writer.execute("INSERT INTO t VALUES (1)")
        // A reserved lock still lets readers read the last committed state.
        #expect(try reader.query("SELECT count(*) FROM t") == [["0"]])
        try writer.commit()
        #expect(try reader.query("SELECT count(*) FROM t") == [["1"]])
    }
}
