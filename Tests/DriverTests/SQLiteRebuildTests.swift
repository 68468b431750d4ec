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
            CREATE TABLE t (
                id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT COLLATE NOCASE NOT NULL ON CONFLICT REPLACE,
                total INTEGER GENERATED ALWAYS AS (id * 2));
            """)
        let error = try #require(throws: MigrateError.self) {
            try SQLDialect.sqlite.statements(
                for: .createCheckConstraint(TableName("t"), CheckConstraint(expression: "id > 0")), inspector: connection)
        }
        #expect(!error.message.contains("AUTOINCREMENT"))
        #expect(!error.message.contains("COLLATE"))
        #expect(!error.message.contains("generated column"))
        #expect(error.message.contains("ON CONFLICT REPLACE on name"))
    }

    /// Generated columns reflect with their expressions and storage, and a rebuild recreates them
    /// without inserting into them, so the rows keep their values and the columns compute theirs.
    @Test func rebuildKeepsGeneratedColumnsAndTheirRows() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE t (id INTEGER PRIMARY KEY, qty INT NOT NULL, twice INT GENERATED ALWAYS AS (qty * 2) STORED,
                label TEXT AS ('#' || qty));
            INSERT INTO t (qty) VALUES (1), (4);
            """)
        let table = try #require(try connection.table(TableName("t")))
        #expect(table.column(named: "twice")?.generated == .stored("qty * 2"))
        #expect(table.column(named: "label")?.generated == .virtual("'#' || qty"))
        try connection.beginMigrationSession()
        try connection.beginTransaction()
        for statement in try SQLDialect.sqlite.statements(
            for: .createCheckConstraint(TableName("t"), CheckConstraint(name: "ck_qty", expression: "qty > 0")),
            inspector: connection)
        {
            try connection.execute(statement)
        }
        try connection.commit()
        try connection.endMigrationSession()
        #expect(try connection.query("SELECT id, qty, twice, label FROM t ORDER BY id") == [
            ["1", "1", "2", "#1"], ["2", "4", "8", "#4"],
        ])
        #expect(try connection.table(TableName("t"))?.column(named: "twice")?.generated == .stored("qty * 2"))
    }

    /// A STRICT table with AUTOINCREMENT, a collation and a trigger, and a WITHOUT ROWID table,
    /// come out of a rebuild with all of it, and the autoincrement counter where it was.
    @Test func rebuildKeepsStrictWithoutRowidAutoincrementCollationAndTriggers() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL COLLATE NOCASE,
                payload BLOB,
                amount INT
            ) STRICT;
            CREATE TABLE tags (code TEXT PRIMARY KEY, weight INTEGER) WITHOUT ROWID;
            CREATE TABLE log (what TEXT);
            CREATE TRIGGER events_added AFTER INSERT ON events BEGIN INSERT INTO log VALUES (new.name); END;
            INSERT INTO events (name) VALUES ('a'), ('b'), ('c');
            DELETE FROM events WHERE id = 3;
            INSERT INTO tags VALUES ('x', 1), ('y', 2);
            DELETE FROM log;
            """)
        let operations: [MigrateCore.Operation] = [
            .createCheckConstraint(TableName("events"), CheckConstraint(name: "ck_name", expression: "name <> ''")),
            .createCheckConstraint(TableName("tags"), CheckConstraint(name: "ck_weight", expression: "weight >= 0")),
        ]
        try OperationBehaviourTests.apply(operations, to: connection)

        let events = try #require(try connection.table(TableName("events")))
        #expect(events.sqliteOptions == SQLiteTableOptions(isStrict: true, autoincrement: true))
        #expect(events.column(named: "name")?.collation == "NOCASE")
        #expect(events.column(named: "amount")?.type == .custom("INT"))
        let sql = try connection.query("SELECT sql FROM sqlite_master WHERE name = 'events'")[0][0] ?? ""
        #expect(sql.hasSuffix(") STRICT") && sql.contains("AUTOINCREMENT") && sql.contains(#"COLLATE "NOCASE""#), "\(sql)")
        // Strict still refuses a text in an integer column; NOCASE still compares without case.
        #expect(throws: (any Error).self) { try connection.execute("INSERT INTO events (name, amount) VALUES ('d', 'many')") }
        #expect(try connection.query("SELECT id FROM events WHERE name = 'A'") == [["1"]])
        // AUTOINCREMENT never hands out 3 again, and the trigger still runs.
        try connection.execute("INSERT INTO events (name) VALUES ('d')")
        #expect(try connection.query("SELECT id FROM events WHERE name = 'd'") == [["4"]])
        #expect(try connection.query("SELECT what FROM log") == [["d"]])

        let tags = try #require(try connection.table(TableName("tags")))
        #expect(tags.sqliteOptions == SQLiteTableOptions(isWithoutRowid: true))
        #expect(try connection.query("SELECT code, weight FROM tags ORDER BY code") == [["x", "1"], ["y", "2"]])
        #expect(try connection.query("SELECT sql FROM sqlite_master WHERE name = 'tags'")[0][0]?.hasSuffix(") WITHOUT ROWID") == true)
    }

    /// Declared names whose affinity differs from the portable type's stay as written, and a
    /// rowid table's non-INTEGER key column may hold NULL unless declared NOT NULL.
    @Test func reflectionKeepsAffinityAndKeyNullability() throws {
        let connection = try database()
        try connection.execute(
            """
            CREATE TABLE files (code TEXT PRIMARY KEY, data bytea, body BLOB, flag BOOL, at DATETIME, id UUID);
            CREATE TABLE strictly (code TEXT NOT NULL PRIMARY KEY, n INTEGER);
            CREATE TABLE plain (id INTEGER, other TEXT, PRIMARY KEY (id));
            """)
        let files = try #require(try connection.table(TableName("files")))
        #expect(files.columns.map(\.type) == [.text, .custom("bytea"), .binary, .boolean, .dateTime(timezone: false), .custom("UUID")])
        #expect(files.column(named: "code")?.isNullable == true)
        #expect(files.column(named: "code")?.isPrimaryKey == true)
        #expect(try connection.table(TableName("strictly"))?.column(named: "code")?.isNullable == false)
        // INTEGER PRIMARY KEY is the rowid: never NULL.
        #expect(try connection.table(TableName("plain"))?.column(named: "id")?.isNullable == false)
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
