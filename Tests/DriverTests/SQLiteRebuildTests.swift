import Foundation
import MigrateCore
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// SQLite's table rebuilds keep everything the table had, and its reflection reads hand-written
/// schemas back into the vocabulary.
@Suite struct SQLiteRebuildTests {
    func database() throws -> SQLiteConnection {
        try SQLiteConnection(path: try freshSQLitePath())
    }

    @Test func rebuildKeepsRowsRowidsForeignKeysIndexesTriggersAndViews() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL, rank INTEGER);
            CREATE INDEX ix_parent_name ON parent (name DESC) WHERE rank > 0;
            CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
            CREATE TABLE log (what TEXT);
            CREATE TRIGGER parent_added AFTER INSERT ON parent BEGIN INSERT INTO log VALUES ('added ' || new.name); END;
            CREATE VIEW parent_names AS SELECT name FROM parent;
            CREATE VIEW parent_names_upper AS SELECT upper(name) AS loud FROM parent_names;
            CREATE TABLE notes (body TEXT, at TEXT);
            INSERT INTO parent VALUES (1, 'a', 1), (5, 'b', 2);
            INSERT INTO child VALUES (10, 1), (11, 5);
            INSERT INTO notes (rowid, body) VALUES (1, 'one'), (2, 'two'), (3, 'three');
            DELETE FROM notes WHERE rowid = 2;
            DELETE FROM log;
            """)
        let operations: [MigrateCore.Operation] = [
            .alterColumn(TableName("parent"), column: "rank", changes: ColumnChanges(type: .bigInteger, defaultValue: .some(.integer(0)))),
            .createCheckConstraint(TableName("parent"), CheckConstraint(name: "ck_name", expression: "name <> ''")),
            .alterColumn(TableName("notes"), column: "body", changes: ColumnChanges(isNullable: false)),
        ]
        try OperationBehaviourTests.apply(operations, to: connection)

        #expect(try connection.query("SELECT id, name, rank FROM parent ORDER BY id") == [["1", "a", "1"], ["5", "b", "2"]])
        #expect(try connection.query("SELECT rowid, body FROM notes ORDER BY rowid") == [["1", "one"], ["3", "three"]])
        let parent = try #require(try connection.table(TableName("parent")))
        #expect(parent.column(named: "rank")?.type == .bigInteger)
        #expect(parent.column(named: "rank")?.defaultValue == .integer(0))
        #expect(parent.column(named: "id")?.isIdentity == true)
        #expect(parent.checkConstraints == [CheckConstraint(name: "ck_name", expression: "name <> ''")])
        #expect(
            parent.indexes == [
                Index(name: "ix_parent_name", table: TableName("parent"), keys: [.column("name", descending: true)], predicate: "rank > 0")
            ])
        // The child's key still points at the rebuilt parent and still cascades.
        #expect(try connection.query("SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list('child')") == [["parent", "parent_id", "id", "CASCADE"]])
        #expect(try connection.query("PRAGMA foreign_key_check").isEmpty)
        try connection.execute("DELETE FROM parent WHERE id = 1")
        #expect(try connection.query("SELECT id FROM child") == [["11"]])
        // The trigger and both views came back.
        try connection.execute("INSERT INTO parent (name, rank) VALUES ('c', 3)")
        #expect(try connection.query("SELECT what FROM log") == [["added c"]])
        #expect(try connection.query("SELECT loud FROM parent_names_upper ORDER BY loud") == [["B"], ["C"]])
        #expect(try connection.query("SELECT name FROM sqlite_master WHERE name LIKE '_migrate_rebuild%'").isEmpty)
    }

    @Test func rebuildRolledBackLeavesTheTableIntact() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT CONSTRAINT uq_v UNIQUE);
            CREATE INDEX ix_v ON t (v);
            INSERT INTO t VALUES (1, 'x'), (2, 'y');
            """)
        let before = try connection.reflectSchema()
        let master = try connection.query("SELECT type, name, sql FROM sqlite_master ORDER BY name")
        try connection.beginMigrationSession()
        try connection.beginTransaction()
        for statement in try SQLDialect.sqlite.statements(
            for: .dropConstraint(TableName("t"), name: "uq_v", kind: .unique), inspector: connection)
        {
            try connection.execute(statement)
        }
        #expect(try connection.table(TableName("t"))?.uniqueConstraints == [])
        try connection.rollback()
        try connection.endMigrationSession()
        #expect(try connection.reflectSchema() == before)
        #expect(try connection.query("SELECT type, name, sql FROM sqlite_master ORDER BY name") == master)
        #expect(try connection.query("SELECT id, v FROM t ORDER BY id") == [["1", "x"], ["2", "y"]])
    }

    @Test func rebuildRefusesWhatTheVocabularyCannotKeep() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT COLLATE NOCASE, total INTEGER GENERATED ALWAYS AS (id * 2));
            """)
        let error = try #require(throws: MigrateError.self) {
            try SQLDialect.sqlite.statements(
                for: .createCheckConstraint(TableName("t"), CheckConstraint(expression: "id > 0")), inspector: connection)
        }
        #expect(error.message.contains("AUTOINCREMENT on column id"))
        #expect(error.message.contains("COLLATE NOCASE on column name"))
        #expect(error.message.contains("generated column total"))
    }

    @Test func reflectionReadsAHandWrittenSchema() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE "Teams" ("Id" INTEGER PRIMARY KEY, code CHAR(36) NOT NULL, UNIQUE (code));
            CREATE TABLE members (
                id integer NOT NULL,
                team_id INTEGER CONSTRAINT fk_team REFERENCES "Teams" ("Id") ON DELETE SET NULL ON UPDATE CASCADE,
                email VARCHAR(200) CONSTRAINT uq_email UNIQUE,
                status VARCHAR(8) DEFAULT 'active' CONSTRAINT status_kind CHECK (status IN ('active', 'gone')),
                joined TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                score NUMERIC(10, 2) DEFAULT -1.5,
                flag BOOLEAN DEFAULT 1,
                sum INTEGER DEFAULT (1 + 2),
                shape geometry,
                untyped,
                CONSTRAINT pk_members PRIMARY KEY (id),
                CONSTRAINT [positive score] CHECK (score >= -1.5),
                CHECK (email LIKE '%@%'),
                FOREIGN KEY (team_id, id) REFERENCES other
            );
            CREATE UNIQUE INDEX ix_lower ON members (lower(email)) WHERE status = 'active';
            CREATE INDEX ix_pair ON members (team_id, "email");
            """)
        let schema = try connection.reflectSchema()
        #expect(schema.tables.map(\.name.name) == ["Teams", "members"])
        let teams = try #require(schema.table(TableName("Teams")))
        #expect(
            teams
                == Table(
                    TableName("Teams"),
                    columns: [Column("Id", .integer, isPrimaryKey: true, isIdentity: true), Column("code", .uuid, isNullable: false)],
                    uniqueConstraints: [UniqueConstraint(columns: ["code"])]))
        let members = try #require(schema.table(TableName("members")))
        let expected = Table(
            TableName("members"),
            columns: [
                Column("id", .integer, isPrimaryKey: true),
                Column("team_id", .integer),
                Column("email", .string(length: 200)),
                Column("status", .enumeration(name: "status_kind", values: ["active", "gone"]), defaultValue: .string("active")),
                Column("joined", .dateTime(timezone: false), defaultValue: .currentTimestamp),
                Column("score", .numeric(precision: 10, scale: 2), defaultValue: .double(-1.5)),
                Column("flag", .boolean, defaultValue: .boolean(true)),
                Column("sum", .integer, defaultValue: .expression("1 + 2")),
                Column("shape", .custom("geometry")),
                Column("untyped", .custom("")),
            ],
            primaryKeyName: "pk_members",
            foreignKeys: [
                ForeignKey(
                    name: "fk_team", columns: ["team_id"], references: TableName("Teams"), referencedColumns: ["Id"],
                    onDelete: .setNull, onUpdate: .cascade),
                ForeignKey(columns: ["team_id", "id"], references: TableName("other"), referencedColumns: []),
            ],
            uniqueConstraints: [UniqueConstraint(name: "uq_email", columns: ["email"])],
            checkConstraints: [
                CheckConstraint(name: "positive score", expression: "score >= -1.5"),
                CheckConstraint(expression: "email LIKE '%@%'"),
            ],
            indexes: [
                Index(
                    name: "ix_lower", table: TableName("members"), keys: [.expression("lower(email)")], isUnique: true,
                    predicate: "status = 'active'"),
                Index(name: "ix_pair", table: TableName("members"), columns: ["team_id", "email"]),
            ])
        #expect(members.columns == expected.columns)
        #expect(members.foreignKeys == expected.foreignKeys)
        #expect(members == expected)
        #expect(try connection.table(TableName("MEMBERS")) == members)
        #expect(try connection.table(TableName("nothing")) == nil)
    }

    @Test func renderedTablesReflectBackUnchanged() throws {
        let connection = try database()
        let table = Table(
            TableName("every \"thing\""),
            columns: [
                Column("id", .integer, isPrimaryKey: true, isIdentity: true),
                Column("a", .bigInteger, isNullable: false, defaultValue: .integer(-3)),
                Column("b", .smallInteger), Column("c", .string(length: 5), defaultValue: .string("it's")),
                Column("d", .string(length: nil)), Column("e", .text), Column("f", .boolean, defaultValue: .boolean(false)),
                Column("g", .date), Column("h", .dateTime(timezone: true), defaultValue: .currentTimestamp),
                Column("i", .time), Column("j", .numeric(precision: 8, scale: 3)), Column("k", .float),
                Column("l", .double, defaultValue: .double(2.5)), Column("m", .binary), Column("n", .uuid), Column("o", .json),
                Column("p", .jsonb), Column("q", .enumeration(name: "mood", values: ["ok", "not ok"])),
                Column("r", .custom("MONEY")),
            ],
            primaryKeyName: "pk",
            foreignKeys: [ForeignKey(name: "fk", columns: ["a"], references: TableName("every \"thing\""), referencedColumns: ["id"], onDelete: .restrict)],
            uniqueConstraints: [UniqueConstraint(name: "uq", columns: ["b", "c"]), UniqueConstraint(columns: ["d"])],
            checkConstraints: [CheckConstraint(name: "ck", expression: "b > 0"), CheckConstraint(expression: "length(c) < 9")],
            indexes: [
                Index(name: "ix", table: TableName("every \"thing\""), keys: [.column("e"), .expression("lower(d)")], predicate: "b IS NOT NULL")
            ])
        try OperationBehaviourTests.apply([.createTable(table)], to: connection)
        #expect(try connection.table(table.name) == table)
    }
}
