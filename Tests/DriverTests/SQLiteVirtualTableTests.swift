import MigrateCore
import MigrateSQL
@testable import MigrateSQLite
import Testing
import TestSupport

/// Reflection of SQLite virtual tables: each is reflected by its `USING` clause, and the shadow
/// tables its module keeps data in are never reflected as tables.
@Suite struct SQLiteVirtualTableTests {
    @Test func virtualTablesAreReflectedAndTheirShadowTablesNever() throws {
        let connection = try SQLiteConnection(path: try freshSQLitePath())
        try connection.execute(
            """
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
            CREATE VIRTUAL TABLE notes_fts5 USING fts5(body, content='notes', content_rowid='id');
            CREATE VIRTUAL TABLE notes_fts4 USING fts4(body);
            CREATE VIRTUAL TABLE notes_fts3 USING fts3(body);
            CREATE VIRTUAL TABLE places USING rtree(id, min_x, max_x, min_y, max_y);
            CREATE TABLE notes_fts5_archive (id INTEGER PRIMARY KEY)
            """)
        let shadowCount = try connection.query(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'",
            parameters: [])
        #expect(Int(shadowCount[0][0] ?? "0")! > 10)

        let schema = try connection.reflectSchema(excluding: []).schema
        #expect(schema.tables.map(\.name.name) == ["notes", "notes_fts3", "notes_fts4", "notes_fts5", "notes_fts5_archive", "places"])
        #expect(schema.table(TableName("notes_fts5"))?.virtualTableModule == "fts5(body, content='notes', content_rowid='id')")
        #expect(schema.table(TableName("places"))?.virtualTableModule == "rtree(id, min_x, max_x, min_y, max_y)")
        #expect(schema.table(TableName("notes_fts5"))?.columns.isEmpty == true)
        #expect(schema.table(TableName("notes_fts5_archive"))?.virtualTableModule == nil)
    }

    /// A statement is a virtual table's by its tokens, whatever their case, and a name holding
    /// the word does not make one.
    @Test func virtualTableStatementsAreToldByTheirTokens() {
        #expect(SQLiteTableDefinition.virtualTable(sql: "create Virtual table t using fts5(a)") == "fts5(a)")
        #expect(SQLiteTableDefinition.virtualTable(sql: "CREATE TABLE virtual_things (id INTEGER)") == nil)
        #expect(SQLiteTableDefinition.virtualTable(sql: "CREATE TABLE \"VIRTUAL\" (id INTEGER)") == nil)
        #expect(SQLiteTableDefinition.virtualTable(sql: "CREATE TABLE notes (id INTEGER)") == nil)
        #expect(SQLiteTableDefinition.virtualTable(sql: "virtua") == nil)
    }

    /// Before SQLite 3.37 (no `PRAGMA table_list`) the modules' suffixes tell shadow tables.
    @Test func shadowTablesByModuleSuffix() {
        let virtualTables = [("docs", "fts5(title)"), ("Legacy", "FTS4(body)"), ("boxes", "rtree(id, a, b)")]
        for name in ["docs_data", "docs_idx", "docs_content", "docs_docsize", "docs_config", "legacy_segdir",
            "Legacy_segments", "legacy_stat", "boxes_node", "boxes_rowid", "boxes_parent"]
        {
            #expect(SQLiteConnection.isShadowTable(name, of: virtualTables), "\(name)")
        }
        for name in ["docs", "docs_archive", "docs_segdir", "boxes_data", "other_node"] {
            #expect(!SQLiteConnection.isShadowTable(name, of: virtualTables), "\(name)")
        }
    }

    /// A table with a named and an unnamed unique constraint on one column, which SQLite backs
    /// with a single index, reflects with both.
    @Test func namedAndUnnamedUniqueOnOneColumnReflectBoth() throws {
        let connection = try SQLiteConnection(path: try freshSQLitePath())
        try connection.execute(
            #"CREATE TABLE users (id INTEGER PRIMARY KEY, Email TEXT UNIQUE, CONSTRAINT "uq_users_email" UNIQUE (email))"#)
        let table = try #require(try connection.table(TableName("users")))
        #expect(table.uniqueConstraints == [
            UniqueConstraint(columns: ["Email"]), UniqueConstraint(name: "uq_users_email", columns: ["Email"]),
        ])
    }
}
