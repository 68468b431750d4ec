import MigrateCore
import MigrateSQL
import Testing

/// One operation and the exact statements each dialect renders for it.
struct RenderingCase: Sendable, CustomTestStringConvertible {
    let label: String
    let operation: Operation
    let postgresql: [String]
    /// nil: SQLite refuses the operation (tested apart); statements rendered against ``Fixtures/inspector``.
    let sqlite: [String]?

    var testDescription: String { label }
}

/// A fixed schema for the rebuilds SQLite renders, standing in for a database.
final class FixtureInspector: SchemaInspector {
    var sources: [String: TableRebuildSource]

    init(_ sources: [TableRebuildSource]) {
        self.sources = Dictionary(uniqueKeysWithValues: sources.map { ($0.table.name.name, $0) })
    }

    func table(_ name: TableName) throws -> Table? { sources[name.name]?.table }
    func rebuildSource(for name: TableName) throws -> TableRebuildSource? { sources[name.name] }
}

enum Fixtures {
    static let accountsName = TableName("accounts")

    /// accounts(id identity, email unique, team_id → teams, an index, a check), with a view on it.
    static let accounts = Table(
        accountsName,
        columns: [
            Column("id", .integer, isPrimaryKey: true, isIdentity: true),
            Column("email", .string(length: 100), isNullable: false),
            Column("team_id", .integer),
            Column("score", .integer, defaultValue: .integer(0)),
        ],
        foreignKeys: [
            ForeignKey(
                name: "fk_team", columns: ["team_id"], references: TableName("teams"), referencedColumns: ["id"],
                onDelete: .cascade)
        ],
        uniqueConstraints: [UniqueConstraint(name: "uq_email", columns: ["email"])],
        checkConstraints: [CheckConstraint(name: "ck_score", expression: "\"score\" >= 0")],
        indexes: [Index(name: "ix_team", table: accountsName, columns: ["team_id"])])

    static let view = SchemaObjectDefinition(kind: .view, name: "account_emails", sql: "CREATE VIEW account_emails AS SELECT email FROM accounts")

    static var inspector: FixtureInspector {
        FixtureInspector([TableRebuildSource(table: accounts, dependents: [view])])
    }

    static let rebuildHead = "DROP VIEW \"account_emails\""
    static func rebuildBody(columns: [String], constraints: [String] = defaultConstraints) -> String {
        "CREATE TABLE \"_migrate_rebuild_accounts\" (\n    " + (columns + constraints).joined(separator: ",\n    ") + "\n)"
    }
    static let defaultColumns = [
        "\"id\" INTEGER PRIMARY KEY", "\"email\" VARCHAR(100) NOT NULL", "\"team_id\" INTEGER",
        "\"score\" INTEGER DEFAULT 0",
    ]
    static let defaultConstraints = [
        "CONSTRAINT \"uq_email\" UNIQUE (\"email\")", "CONSTRAINT \"ck_score\" CHECK (\"score\" >= 0)",
        "CONSTRAINT \"fk_team\" FOREIGN KEY (\"team_id\") REFERENCES \"teams\" (\"id\") ON DELETE CASCADE",
    ]
    static func rebuildTail(copy: String = "\"id\", \"email\", \"team_id\", \"score\"", index: Bool = true) -> [String] {
        [
            "INSERT INTO \"_migrate_rebuild_accounts\" (\(copy)) SELECT \(copy) FROM \"accounts\"",
            "DROP TABLE \"accounts\"",
            "ALTER TABLE \"_migrate_rebuild_accounts\" RENAME TO \"accounts\"",
        ] + (index ? ["CREATE INDEX \"ix_team\" ON \"accounts\" (\"team_id\")"] : []) + [view.sql]
    }
    static func rebuild(columns: [String] = defaultColumns, constraints: [String] = defaultConstraints, copy: String = "\"id\", \"email\", \"team_id\", \"score\"", index: Bool = true) -> [String] {
        [rebuildHead, rebuildBody(columns: columns, constraints: constraints)] + rebuildTail(copy: copy, index: index)
    }
}

@Suite struct OperationRenderingTests {
    static let mood = ColumnType.enumeration(name: "mood", values: ["happy", "it's ok"])

    static let cases: [RenderingCase] = [
        RenderingCase(
            label: "createTable with identity, types, defaults, constraints and an index",
            operation: .createTable(
                Table(
                    TableName("user"),
                    columns: [
                        Column("id", .bigInteger, isPrimaryKey: true, isIdentity: true),
                        Column("Name", .string(length: 50), isNullable: false, defaultValue: .string("it's")),
                        Column("active", .boolean, isNullable: false, defaultValue: .boolean(true)),
                        Column("created", .dateTime(timezone: true), defaultValue: .expression("CURRENT_TIMESTAMP")),
                        Column("price", .numeric(precision: 10, scale: 2), defaultValue: .double(1.5)),
                        Column("team id", .integer),
                    ],
                    foreignKeys: [
                        ForeignKey(
                            columns: ["team id"], references: TableName("team"), referencedColumns: ["id"],
                            onDelete: .setNull, onUpdate: .cascade)
                    ],
                    uniqueConstraints: [UniqueConstraint(columns: ["Name"])],
                    checkConstraints: [CheckConstraint(name: "price_positive", expression: "price > 0")],
                    indexes: [
                        Index(name: "ix_user_created", table: TableName("user"), columns: ["created"])
                    ])),
            postgresql: [
                """
                CREATE TABLE "user" (
                    "id" BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL,
                    "Name" VARCHAR(50) NOT NULL DEFAULT 'it''s',
                    "active" BOOLEAN NOT NULL DEFAULT TRUE,
                    "created" TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
                    "price" NUMERIC(10, 2) DEFAULT 1.5,
                    "team id" INTEGER,
                    PRIMARY KEY ("id"),
                    UNIQUE ("Name"),
                    CONSTRAINT "price_positive" CHECK (price > 0),
                    FOREIGN KEY ("team id") REFERENCES "team" ("id") ON DELETE SET NULL ON UPDATE CASCADE
                )
                """,
                "CREATE INDEX \"ix_user_created\" ON \"user\" (\"created\")",
            ],
            sqlite: [
                """
                CREATE TABLE "user" (
                    "id" INTEGER PRIMARY KEY,
                    "Name" VARCHAR(50) NOT NULL DEFAULT 'it''s',
                    "active" BOOLEAN NOT NULL DEFAULT 1,
                    "created" TIMESTAMP WITH TIME ZONE DEFAULT (CURRENT_TIMESTAMP),
                    "price" NUMERIC(10, 2) DEFAULT 1.5,
                    "team id" INTEGER,
                    UNIQUE ("Name"),
                    CONSTRAINT "price_positive" CHECK (price > 0),
                    FOREIGN KEY ("team id") REFERENCES "team" ("id") ON DELETE SET NULL ON UPDATE CASCADE
                )
                """,
                "CREATE INDEX \"ix_user_created\" ON \"user\" (\"created\")",
            ]),
        RenderingCase(
            label: "createTable with every portable type",
            operation: .createTable(
                Table(
                    TableName("types"),
                    columns: [
                        Column("a", .integer), Column("b", .bigInteger), Column("c", .smallInteger),
                        Column("d", .string(length: nil)), Column("e", .text), Column("f", .date),
                        Column("g", .dateTime(timezone: false)), Column("h", .time),
                        Column("i", .numeric(precision: 5, scale: nil)), Column("j", .numeric(precision: nil, scale: nil)),
                        Column("k", .float), Column("l", .double), Column("m", .binary), Column("n", .uuid),
                        Column("o", .json), Column("p", .jsonb), Column("q", .custom("int4range")),
                    ])),
            postgresql: [
                """
                CREATE TABLE "types" (
                    "a" INTEGER,
                    "b" BIGINT,
                    "c" SMALLINT,
                    "d" VARCHAR,
                    "e" TEXT,
                    "f" DATE,
                    "g" TIMESTAMP,
                    "h" TIME,
                    "i" NUMERIC(5),
                    "j" NUMERIC,
                    "k" REAL,
                    "l" DOUBLE PRECISION,
                    "m" BYTEA,
                    "n" UUID,
                    "o" JSON,
                    "p" JSONB,
                    "q" int4range
                )
                """
            ],
            sqlite: [
                """
                CREATE TABLE "types" (
                    "a" INTEGER,
                    "b" BIGINT,
                    "c" SMALLINT,
                    "d" VARCHAR,
                    "e" TEXT,
                    "f" DATE,
                    "g" TIMESTAMP,
                    "h" TIME,
                    "i" NUMERIC(5),
                    "j" NUMERIC,
                    "k" REAL,
                    "l" DOUBLE PRECISION,
                    "m" BLOB,
                    "n" CHAR(36),
                    "o" JSON,
                    "p" JSONB,
                    "q" int4range
                )
                """
            ]),
        RenderingCase(
            label: "createTable with an enumeration, a named composite key and hostile names",
            operation: .createTable(
                Table(
                    TableName("weird \"name\""),
                    columns: [
                        Column("select", .integer, isPrimaryKey: true),
                        Column("Ünïcode ✓", .integer, isPrimaryKey: true),
                        Column("feeling", mood, isNullable: false, defaultValue: .string("happy")),
                    ],
                    primaryKeyName: "pk \"weird\"")),
            postgresql: [
                """
                DO $migrate$
                BEGIN
                    IF to_regtype('"mood"') IS NULL THEN
                        CREATE TYPE "mood" AS ENUM ('happy', 'it''s ok');
                    ELSIF enum_range(NULL::"mood")::text[] <> ARRAY['happy', 'it''s ok']::text[] THEN
                        RAISE EXCEPTION 'enumeration type % already exists with other values', '"mood"';
                    END IF;
                END
                $migrate$
                """,
                #"""
                CREATE TABLE "weird ""name""" (
                    "select" INTEGER NOT NULL,
                    "Ünïcode ✓" INTEGER NOT NULL,
                    "feeling" "mood" NOT NULL DEFAULT 'happy',
                    CONSTRAINT "pk ""weird""" PRIMARY KEY ("select", "Ünïcode ✓")
                )
                """#,
            ],
            sqlite: [
                #"""
                CREATE TABLE "weird ""name""" (
                    "select" INTEGER NOT NULL,
                    "Ünïcode ✓" INTEGER NOT NULL,
                    "feeling" VARCHAR(7) NOT NULL DEFAULT 'happy' CONSTRAINT "mood" CHECK ("feeling" IN ('happy', 'it''s ok')),
                    CONSTRAINT "pk ""weird""" PRIMARY KEY ("select", "Ünïcode ✓")
                )
                """#
            ]),
        RenderingCase(
            label: "createTable in a schema (PostgreSQL) with comments",
            operation: .createTable(
                Table(
                    TableName("notes", schema: "App"),
                    columns: [Column("body", .text, comment: "what's said")], comment: "the notes")),
            postgresql: [
                "CREATE TABLE \"App\".\"notes\" (\n    \"body\" TEXT\n)",
                "COMMENT ON TABLE \"App\".\"notes\" IS 'the notes'",
                "COMMENT ON COLUMN \"App\".\"notes\".\"body\" IS 'what''s said'",
            ],
            sqlite: nil),
        RenderingCase(
            label: "dropTable without a definition",
            operation: .dropTable(TableName("order")),
            postgresql: ["DROP TABLE \"order\""], sqlite: ["DROP TABLE \"order\""]),
        RenderingCase(
            label: "dropTable with an enumeration drops the type when unused",
            operation: .dropTable(TableName("t"), definition: Table(TableName("t"), columns: [Column("m", mood)])),
            postgresql: [
                "DROP TABLE \"t\"",
                """
                DO $migrate$
                BEGIN
                    IF to_regtype('"mood"') IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM pg_attribute
                        WHERE atttypid = to_regtype('"mood"') AND NOT attisdropped
                    ) THEN
                        DROP TYPE "mood";
                    END IF;
                END
                $migrate$
                """,
            ],
            sqlite: ["DROP TABLE \"t\""]),
        RenderingCase(
            label: "renameTable",
            operation: .renameTable(TableName("group"), to: "Groups"),
            postgresql: ["ALTER TABLE \"group\" RENAME TO \"Groups\""],
            sqlite: ["ALTER TABLE \"group\" RENAME TO \"Groups\""]),
        RenderingCase(
            label: "addColumn nullable with a literal default",
            operation: .addColumn(Fixtures.accountsName, Column("nick", .string(length: 20), defaultValue: .string("x"))),
            postgresql: ["ALTER TABLE \"accounts\" ADD COLUMN \"nick\" VARCHAR(20) DEFAULT 'x'"],
            sqlite: ["ALTER TABLE \"accounts\" ADD COLUMN \"nick\" VARCHAR(20) DEFAULT 'x'"]),
        RenderingCase(
            label: "addColumn NOT NULL with a default",
            operation: .addColumn(Fixtures.accountsName, Column("flag", .boolean, isNullable: false, defaultValue: .boolean(false))),
            postgresql: ["ALTER TABLE \"accounts\" ADD COLUMN \"flag\" BOOLEAN NOT NULL DEFAULT FALSE"],
            sqlite: ["ALTER TABLE \"accounts\" ADD COLUMN \"flag\" BOOLEAN NOT NULL DEFAULT 0"]),
        RenderingCase(
            label: "addColumn with an enumeration",
            operation: .addColumn(Fixtures.accountsName, Column("feeling", mood)),
            postgresql: [
                """
                DO $migrate$
                BEGIN
                    IF to_regtype('"mood"') IS NULL THEN
                        CREATE TYPE "mood" AS ENUM ('happy', 'it''s ok');
                    ELSIF enum_range(NULL::"mood")::text[] <> ARRAY['happy', 'it''s ok']::text[] THEN
                        RAISE EXCEPTION 'enumeration type % already exists with other values', '"mood"';
                    END IF;
                END
                $migrate$
                """,
                "ALTER TABLE \"accounts\" ADD COLUMN \"feeling\" \"mood\"",
            ],
            sqlite: [
                "ALTER TABLE \"accounts\" ADD COLUMN \"feeling\" VARCHAR(7) CONSTRAINT \"mood\" CHECK (\"feeling\" IN ('happy', 'it''s ok'))"
            ]),
        RenderingCase(
            label: "addColumn with an expression default rebuilds on SQLite",
            operation: .addColumn(
                Fixtures.accountsName, Column("seen", .dateTime(timezone: false), defaultValue: .expression("CURRENT_TIMESTAMP"))),
            postgresql: ["ALTER TABLE \"accounts\" ADD COLUMN \"seen\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP"],
            sqlite: Fixtures.rebuild(columns: Fixtures.defaultColumns + ["\"seen\" TIMESTAMP DEFAULT (CURRENT_TIMESTAMP)"])),
        RenderingCase(
            label: "addColumn NOT NULL without a default rebuilds on SQLite",
            operation: .addColumn(Fixtures.accountsName, Column("code", .text, isNullable: false)),
            postgresql: ["ALTER TABLE \"accounts\" ADD COLUMN \"code\" TEXT NOT NULL"],
            sqlite: Fixtures.rebuild(columns: Fixtures.defaultColumns + ["\"code\" TEXT NOT NULL"])),
        RenderingCase(
            label: "dropColumn of the primary key rebuilds on SQLite and copies the rowid",
            operation: .dropColumn(Fixtures.accountsName, column: "id"),
            postgresql: ["ALTER TABLE \"accounts\" DROP COLUMN \"id\""],
            sqlite: Fixtures.rebuild(
                columns: Array(Fixtures.defaultColumns.dropFirst()), copy: "rowid, \"email\", \"team_id\", \"score\"")),
        RenderingCase(
            label: "dropColumn used by a foreign key and an index rebuilds on SQLite",
            operation: .dropColumn(Fixtures.accountsName, column: "team_id"),
            postgresql: ["ALTER TABLE \"accounts\" DROP COLUMN \"team_id\""],
            sqlite: Fixtures.rebuild(
                columns: ["\"id\" INTEGER PRIMARY KEY", "\"email\" VARCHAR(100) NOT NULL", "\"score\" INTEGER DEFAULT 0"],
                constraints: Array(Fixtures.defaultConstraints.dropLast()), copy: "\"id\", \"email\", \"score\"",
                index: false)),
        RenderingCase(
            label: "dropColumn used by a check rebuilds on SQLite and drops the check",
            operation: .dropColumn(Fixtures.accountsName, column: "score"),
            postgresql: ["ALTER TABLE \"accounts\" DROP COLUMN \"score\""],
            sqlite: Fixtures.rebuild(
                columns: Array(Fixtures.defaultColumns.dropLast()),
                constraints: [Fixtures.defaultConstraints[0], Fixtures.defaultConstraints[2]],
                copy: "\"id\", \"email\", \"team_id\"")),
        RenderingCase(
            label: "alterColumn rename only",
            operation: .alterColumn(Fixtures.accountsName, column: "email", changes: ColumnChanges(newName: "e-mail")),
            postgresql: ["ALTER TABLE \"accounts\" RENAME COLUMN \"email\" TO \"e-mail\""],
            sqlite: ["ALTER TABLE \"accounts\" RENAME COLUMN \"email\" TO \"e-mail\""]),
        RenderingCase(
            label: "alterColumn type, nullability and default, with a rename",
            operation: .alterColumn(
                Fixtures.accountsName, column: "score",
                changes: ColumnChanges(newName: "points", type: .bigInteger, isNullable: false, defaultValue: .some(.integer(1)))),
            postgresql: [
                "ALTER TABLE \"accounts\" RENAME COLUMN \"score\" TO \"points\"",
                "ALTER TABLE \"accounts\" ALTER COLUMN \"points\" TYPE BIGINT USING \"points\"::BIGINT",
                "ALTER TABLE \"accounts\" ALTER COLUMN \"points\" SET NOT NULL",
                "ALTER TABLE \"accounts\" ALTER COLUMN \"points\" SET DEFAULT 1",
            ],
            sqlite: Fixtures.rebuild(columns: Array(Fixtures.defaultColumns.dropLast()) + ["\"score\" BIGINT NOT NULL DEFAULT 1"])
                + ["ALTER TABLE \"accounts\" RENAME COLUMN \"score\" TO \"points\""]),
        RenderingCase(
            label: "alterColumn drops the default and NOT NULL",
            operation: .alterColumn(
                Fixtures.accountsName, column: "email", changes: ColumnChanges(isNullable: true, defaultValue: .some(nil))),
            postgresql: [
                "ALTER TABLE \"accounts\" ALTER COLUMN \"email\" DROP NOT NULL",
                "ALTER TABLE \"accounts\" ALTER COLUMN \"email\" DROP DEFAULT",
            ],
            sqlite: Fixtures.rebuild(
                columns: ["\"id\" INTEGER PRIMARY KEY", "\"email\" VARCHAR(100)", "\"team_id\" INTEGER", "\"score\" INTEGER DEFAULT 0"])),
        RenderingCase(
            label: "alterColumn to an enumeration",
            operation: .alterColumn(Fixtures.accountsName, column: "email", changes: ColumnChanges(type: mood)),
            postgresql: [
                """
                DO $migrate$
                BEGIN
                    IF to_regtype('"mood"') IS NULL THEN
                        CREATE TYPE "mood" AS ENUM ('happy', 'it''s ok');
                    ELSIF enum_range(NULL::"mood")::text[] <> ARRAY['happy', 'it''s ok']::text[] THEN
                        RAISE EXCEPTION 'enumeration type % already exists with other values', '"mood"';
                    END IF;
                END
                $migrate$
                """,
                """
                DO $migrate$
                BEGIN
                    IF EXISTS (SELECT 1 FROM "accounts" WHERE "email" IS NOT NULL AND "email"::text <> ALL (ARRAY['happy', 'it''s ok']::text[])) THEN
                        RAISE EXCEPTION 'rows of % hold %, which the enumeration % does not have', 'accounts.email',
                            (SELECT string_agg(DISTINCT quote_literal("email"::text), ', ') FROM "accounts" WHERE "email" IS NOT NULL AND "email"::text <> ALL (ARRAY['happy', 'it''s ok']::text[])),
                            'mood'
                            USING HINT = 'Change those rows to one of its values (' || 'happy, it''s ok' || ') first.';
                    END IF;
                END
                $migrate$
                """,
                "ALTER TABLE \"accounts\" ALTER COLUMN \"email\" TYPE \"mood\" USING \"email\"::text::\"mood\"",
            ],
            sqlite: Fixtures.rebuild(
                columns: [
                    "\"id\" INTEGER PRIMARY KEY",
                    "\"email\" VARCHAR(7) NOT NULL CONSTRAINT \"mood\" CHECK (\"email\" IN ('happy', 'it''s ok'))",
                    "\"team_id\" INTEGER", "\"score\" INTEGER DEFAULT 0",
                ])),
        RenderingCase(
            label: "createIndex unique, partial, with an expression",
            operation: .createIndex(
                Index(
                    name: "ix lower", table: Fixtures.accountsName, keys: [.expression("lower(\"email\")"), .column("team_id")],
                    isUnique: true, predicate: "\"score\" > 0")),
            postgresql: ["CREATE UNIQUE INDEX \"ix lower\" ON \"accounts\" (lower(\"email\"), \"team_id\") WHERE \"score\" > 0"],
            sqlite: ["CREATE UNIQUE INDEX \"ix lower\" ON \"accounts\" (lower(\"email\"), \"team_id\") WHERE \"score\" > 0"]),
        RenderingCase(
            label: "createIndex with an access method, an operator class and INCLUDE columns",
            operation: .createIndex(
                Index(
                    name: "ix_search", table: Fixtures.accountsName,
                    keys: [.expression("to_tsvector('english', email)")], method: "gin")),
            postgresql: ["CREATE INDEX \"ix_search\" ON \"accounts\" USING gin (to_tsvector('english', email))"],
            sqlite: nil),
        RenderingCase(
            label: "createIndex with per-key collation, operator class, DESC, NULLS and INCLUDE",
            operation: .createIndex(
                Index(
                    name: "ix_keys", table: Fixtures.accountsName,
                    keys: [
                        .column("score", descending: true, nulls: .last),
                        .column("email", collation: "C", operatorClass: "text_pattern_ops"),
                        .expression("lower(email)", nulls: .first),
                    ],
                    include: ["team_id"])),
            postgresql: [
                "CREATE INDEX \"ix_keys\" ON \"accounts\" (\"score\" DESC NULLS LAST, \"email\" COLLATE \"C\" text_pattern_ops, lower(email) NULLS FIRST) INCLUDE (\"team_id\")"
            ],
            sqlite: nil),
        RenderingCase(
            label: "createIndex with a descending key and a collation (both engines)",
            operation: .createIndex(
                Index(
                    name: "ix_email", table: Fixtures.accountsName,
                    keys: [.column("email", collation: "NOCASE", descending: true), .column("score")], method: "btree")),
            postgresql: ["CREATE INDEX \"ix_email\" ON \"accounts\" USING btree (\"email\" COLLATE \"NOCASE\" DESC, \"score\")"],
            sqlite: ["CREATE INDEX \"ix_email\" ON \"accounts\" (\"email\" COLLATE \"NOCASE\" DESC, \"score\")"]),
        RenderingCase(
            label: "createForeignKey deferrable, MATCH FULL, ON UPDATE",
            operation: .createForeignKey(
                Fixtures.accountsName,
                ForeignKey(
                    name: "fk_owner", columns: ["team_id"], references: TableName("teams"), referencedColumns: ["id"],
                    onDelete: .setNull, onUpdate: .cascade, deferrable: .deferred, match: .full)),
            postgresql: [
                "ALTER TABLE \"accounts\" ADD CONSTRAINT \"fk_owner\" FOREIGN KEY (\"team_id\") REFERENCES \"teams\" (\"id\") MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED"
            ],
            sqlite: nil),
        RenderingCase(
            label: "createTable with a primary key out of column order and a current-timestamp default",
            operation: .createTable({
                var table = Table(
                    TableName("payments"),
                    columns: [
                        Column("payment_id", .integer, isPrimaryKey: true),
                        Column("paid_at", .dateTime(timezone: false), isPrimaryKey: true, defaultValue: .currentTimestamp),
                    ])
                table.primaryKeyOrder = ["paid_at", "payment_id"]
                return table
            }()),
            postgresql: [
                "CREATE TABLE \"payments\" (\n    \"payment_id\" INTEGER NOT NULL,\n    \"paid_at\" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    PRIMARY KEY (\"paid_at\", \"payment_id\")\n)"
            ],
            sqlite: [
                "CREATE TABLE \"payments\" (\n    \"payment_id\" INTEGER NOT NULL,\n    \"paid_at\" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    PRIMARY KEY (\"paid_at\", \"payment_id\")\n)"
            ]),
        RenderingCase(
            label: "dropIndex",
            operation: .dropIndex(name: "ix_team", table: Fixtures.accountsName),
            postgresql: ["DROP INDEX \"ix_team\""], sqlite: ["DROP INDEX \"ix_team\""]),
        RenderingCase(
            label: "dropIndex in a schema",
            operation: .dropIndex(name: "ix", table: TableName("t", schema: "s")),
            postgresql: ["DROP INDEX \"s\".\"ix\""], sqlite: nil),
        RenderingCase(
            label: "createUniqueConstraint",
            operation: .createUniqueConstraint(Fixtures.accountsName, UniqueConstraint(name: "uq_pair", columns: ["team_id", "score"])),
            postgresql: ["ALTER TABLE \"accounts\" ADD CONSTRAINT \"uq_pair\" UNIQUE (\"team_id\", \"score\")"],
            sqlite: Fixtures.rebuild(
                constraints: [Fixtures.defaultConstraints[0], "CONSTRAINT \"uq_pair\" UNIQUE (\"team_id\", \"score\")"]
                    + Fixtures.defaultConstraints.dropFirst())),
        RenderingCase(
            label: "createCheckConstraint unnamed",
            operation: .createCheckConstraint(Fixtures.accountsName, CheckConstraint(expression: "length(email) > 3")),
            postgresql: ["ALTER TABLE \"accounts\" ADD CHECK (length(email) > 3)"],
            sqlite: Fixtures.rebuild(
                constraints: Array(Fixtures.defaultConstraints.prefix(2)) + ["CHECK (length(email) > 3)", Fixtures.defaultConstraints[2]])),
        RenderingCase(
            label: "createForeignKey",
            operation: .createForeignKey(
                Fixtures.accountsName,
                ForeignKey(name: "fk_self", columns: ["score"], references: Fixtures.accountsName, referencedColumns: ["id"], onUpdate: .restrict)),
            postgresql: [
                "ALTER TABLE \"accounts\" ADD CONSTRAINT \"fk_self\" FOREIGN KEY (\"score\") REFERENCES \"accounts\" (\"id\") ON UPDATE RESTRICT"
            ],
            sqlite: Fixtures.rebuild(
                constraints: Fixtures.defaultConstraints
                    + ["CONSTRAINT \"fk_self\" FOREIGN KEY (\"score\") REFERENCES \"accounts\" (\"id\") ON UPDATE RESTRICT"])),
        RenderingCase(
            label: "createPrimaryKey",
            operation: .createPrimaryKey(TableName("pairs"), name: "pk_pairs", columns: ["a", "b"]),
            postgresql: ["ALTER TABLE \"pairs\" ADD CONSTRAINT \"pk_pairs\" PRIMARY KEY (\"a\", \"b\")"],
            sqlite: nil),
        RenderingCase(
            label: "dropConstraint",
            operation: .dropConstraint(Fixtures.accountsName, name: "uq_email", kind: .unique),
            postgresql: ["ALTER TABLE \"accounts\" DROP CONSTRAINT \"uq_email\""],
            sqlite: Fixtures.rebuild(constraints: Array(Fixtures.defaultConstraints.dropFirst()))),
        RenderingCase(
            label: "dropConstraint of a foreign key",
            operation: .dropConstraint(Fixtures.accountsName, name: "fk_team", kind: .foreignKey),
            postgresql: ["ALTER TABLE \"accounts\" DROP CONSTRAINT \"fk_team\""],
            sqlite: Fixtures.rebuild(constraints: Array(Fixtures.defaultConstraints.dropLast()))),
        RenderingCase(
            label: "setTableComment",
            operation: .setTableComment(Fixtures.accountsName, comment: "people's accounts"),
            postgresql: ["COMMENT ON TABLE \"accounts\" IS 'people''s accounts'"], sqlite: nil),
        RenderingCase(
            label: "setTableComment removing it",
            operation: .setTableComment(Fixtures.accountsName, comment: nil, previous: "x"),
            postgresql: ["COMMENT ON TABLE \"accounts\" IS NULL"], sqlite: nil),
        RenderingCase(
            label: "createSequence",
            operation: .createSequence(DatabaseSequence(TableName("numbers"))),
            postgresql: ["CREATE SEQUENCE \"numbers\""], sqlite: nil),
        RenderingCase(
            label: "createSequence with options and an owner",
            operation: .createSequence(DatabaseSequence(
                TableName("numbers", schema: "app"), start: 10, increment: 5, minValue: 1, maxValue: 1000, cache: 20,
                cycles: true, ownerTable: TableName("accounts", schema: "app"), ownerColumn: "score")),
            postgresql: [
                "CREATE SEQUENCE \"app\".\"numbers\" INCREMENT BY 5 MINVALUE 1 MAXVALUE 1000 START WITH 10 CACHE 20 CYCLE",
                "ALTER SEQUENCE \"app\".\"numbers\" OWNED BY \"app\".\"accounts\".\"score\"",
            ],
            sqlite: nil),
        RenderingCase(
            label: "alterSequence states every option",
            operation: .alterSequence(DatabaseSequence(TableName("numbers"), increment: 2), previous: nil),
            postgresql: [
                "ALTER SEQUENCE \"numbers\" INCREMENT BY 2 NO MINVALUE NO MAXVALUE CACHE 1 NO CYCLE OWNED BY NONE"
            ],
            sqlite: nil),
        RenderingCase(
            label: "dropSequence",
            operation: .dropSequence(TableName("numbers")),
            postgresql: ["DROP SEQUENCE \"numbers\""], sqlite: nil),
        RenderingCase(
            label: "createDomain",
            operation: .createDomain(Domain(
                TableName("year"), baseType: .integer, isNullable: false, defaultValue: .integer(2000),
                checks: [CheckConstraint(name: "year_check", expression: "VALUE >= 1901 AND VALUE <= 2155")])),
            postgresql: [
                "CREATE DOMAIN \"year\" AS INTEGER DEFAULT 2000 NOT NULL CONSTRAINT \"year_check\" CHECK (VALUE >= 1901 AND VALUE <= 2155)"
            ],
            sqlite: nil),
        RenderingCase(
            label: "alterDomain",
            operation: .alterDomain(
                Domain(TableName("year"), baseType: .integer, checks: [CheckConstraint(name: "new_check", expression: "VALUE > 0")]),
                previous: Domain(
                    TableName("year"), baseType: .integer, isNullable: false,
                    checks: [CheckConstraint(name: "year_check", expression: "VALUE >= 1901")])),
            postgresql: [
                "ALTER DOMAIN \"year\" DROP DEFAULT", "ALTER DOMAIN \"year\" DROP NOT NULL",
                "ALTER DOMAIN \"year\" DROP CONSTRAINT \"year_check\"",
                "ALTER DOMAIN \"year\" ADD CONSTRAINT \"new_check\" CHECK (VALUE > 0)",
            ],
            sqlite: nil),
        RenderingCase(
            label: "dropDomain",
            operation: .dropDomain(TableName("year")),
            postgresql: ["DROP DOMAIN \"year\""], sqlite: nil),
        RenderingCase(
            label: "createEnumeration",
            operation: .createEnumeration(TableName("mood_new", schema: "app"), values: ["happy", "it's"]),
            postgresql: ["CREATE TYPE \"app\".\"mood_new\" AS ENUM ('happy', 'it''s')"], sqlite: nil),
        RenderingCase(
            label: "dropEnumeration",
            operation: .dropEnumeration(TableName("mood"), values: ["happy"]),
            postgresql: ["DROP TYPE \"mood\""], sqlite: nil),
        RenderingCase(
            label: "renameEnumeration",
            operation: .renameEnumeration(TableName("mood_new"), to: "mood"),
            postgresql: ["ALTER TYPE \"mood_new\" RENAME TO \"mood\""], sqlite: nil),
        RenderingCase(
            label: "addEnumerationValue, after",
            operation: .addEnumerationValue(TableName("mood"), value: "curious", after: "happy"),
            postgresql: ["ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'curious' AFTER 'happy'"], sqlite: nil),
        RenderingCase(
            label: "addEnumerationValue, before",
            operation: .addEnumerationValue(TableName("mood"), value: "calm", before: "happy"),
            postgresql: ["ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'calm' BEFORE 'happy'"], sqlite: nil),
        RenderingCase(
            label: "addEnumerationValue, last",
            operation: .addEnumerationValue(TableName("mood"), value: "angry"),
            postgresql: ["ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'angry'"], sqlite: nil),
        RenderingCase(
            label: "renameEnumerationValue",
            operation: .renameEnumerationValue(TableName("mood"), from: "sad", to: "blue"),
            postgresql: ["ALTER TYPE \"mood\" RENAME VALUE 'sad' TO 'blue'"], sqlite: nil),
        RenderingCase(
            label: "createSchema",
            operation: .createSchema("audit"),
            postgresql: ["CREATE SCHEMA \"audit\""], sqlite: nil),
        RenderingCase(
            label: "dropSchema",
            operation: .dropSchema("audit"),
            postgresql: ["DROP SCHEMA \"audit\""], sqlite: nil),
        RenderingCase(
            label: "createExtension",
            operation: .createExtension(DatabaseExtension("citext")),
            postgresql: ["CREATE EXTENSION IF NOT EXISTS \"citext\""], sqlite: nil),
        RenderingCase(
            label: "createExtension, schema and version",
            operation: .createExtension(DatabaseExtension("pg_trgm", schema: "extensions", version: "1.6")),
            postgresql: ["CREATE EXTENSION IF NOT EXISTS \"pg_trgm\" WITH SCHEMA \"extensions\" VERSION '1.6'"], sqlite: nil),
        RenderingCase(
            label: "alterExtension",
            operation: .alterExtension("citext", version: "1.6", previous: "1.5"),
            postgresql: ["ALTER EXTENSION \"citext\" UPDATE TO '1.6'"], sqlite: nil),
        RenderingCase(
            label: "dropExtension",
            operation: .dropExtension("citext"),
            postgresql: ["DROP EXTENSION IF EXISTS \"citext\""], sqlite: nil),
        RenderingCase(
            label: "createTable partitioned by range",
            operation: .createTable({
                var table = Table(
                    TableName("payments"),
                    columns: [Column("id", .integer, isNullable: false), Column("paid_on", .date, isNullable: false)])
                table.partitionKey = .range("paid_on")
                return table
            }()),
            postgresql: [
                "CREATE TABLE \"payments\" (\n    \"id\" INTEGER NOT NULL,\n    \"paid_on\" DATE NOT NULL\n) PARTITION BY RANGE (paid_on)"
            ],
            sqlite: nil),
        RenderingCase(
            label: "createTable of a partition with a key of its own",
            operation: .createTable({
                var table = Table(
                    TableName("payments_2024"), columns: [],
                    foreignKeys: [
                        ForeignKey(name: "fk_2024_customer", columns: ["customer_id"], references: TableName("customers"), referencedColumns: ["id"])
                    ],
                    indexes: [Index(name: "ix_2024_amount", table: TableName("payments_2024"), columns: ["amount"])])
                table.partitionOf = TablePartition(
                    of: TableName("payments"), bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
                return table
            }()),
            postgresql: [
                "CREATE TABLE \"payments_2024\" PARTITION OF \"payments\" (\n    CONSTRAINT \"fk_2024_customer\" FOREIGN KEY (\"customer_id\") REFERENCES \"customers\" (\"id\")\n) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE INDEX \"ix_2024_amount\" ON \"payments_2024\" (\"amount\")",
            ],
            sqlite: nil),
        RenderingCase(
            label: "createTable of a default partition partitioned in turn",
            operation: .createTable({
                var table = Table(TableName("events_other"), columns: [])
                table.partitionOf = TablePartition(of: TableName("events", schema: "audit"), bound: "DEFAULT")
                table.partitionKey = .hash("id")
                return table
            }()),
            postgresql: ["CREATE TABLE \"events_other\" PARTITION OF \"audit\".\"events\" DEFAULT PARTITION BY HASH (id)"],
            sqlite: nil),
        RenderingCase(
            label: "attachPartition",
            operation: .attachPartition(
                TableName("payments_2023"), TablePartition(of: TableName("payments"), bound: "FOR VALUES IN (1, 2)")),
            postgresql: ["ALTER TABLE \"payments\" ATTACH PARTITION \"payments_2023\" FOR VALUES IN (1, 2)"],
            sqlite: nil),
        RenderingCase(
            label: "detachPartition",
            operation: .detachPartition(
                TableName("payments_2023"), TablePartition(of: TableName("payments"), bound: "FOR VALUES IN (1, 2)")),
            postgresql: ["ALTER TABLE \"payments\" DETACH PARTITION \"payments_2023\""],
            sqlite: nil),
        RenderingCase(
            label: "createView",
            operation: .createView(View(TableName("open_accounts"), definition: " SELECT id FROM accounts WHERE score > 0;\n")),
            postgresql: ["CREATE VIEW \"open_accounts\" AS SELECT id FROM accounts WHERE score > 0"],
            sqlite: ["CREATE VIEW \"open_accounts\" AS SELECT id FROM accounts WHERE score > 0"]),
        RenderingCase(
            label: "createView, materialized with an index",
            operation: .createView(View(
                TableName("totals", schema: "app"), definition: "SELECT team_id, sum(score) AS total FROM accounts GROUP BY team_id",
                isMaterialized: true, indexes: [Index(name: "ix_totals", table: TableName("x"), columns: ["team_id"], isUnique: true)])),
            postgresql: [
                "CREATE MATERIALIZED VIEW \"app\".\"totals\" AS SELECT team_id, sum(score) AS total FROM accounts GROUP BY team_id",
                "CREATE UNIQUE INDEX \"ix_totals\" ON \"app\".\"totals\" (\"team_id\")",
            ],
            sqlite: nil),
        RenderingCase(
            label: "dropView",
            operation: .dropView(TableName("open_accounts"), materialized: false, definition: "SELECT 1"),
            postgresql: ["DROP VIEW \"open_accounts\""], sqlite: ["DROP VIEW \"open_accounts\""]),
        RenderingCase(
            label: "dropView, materialized",
            operation: .dropView(TableName("totals"), materialized: true),
            postgresql: ["DROP MATERIALIZED VIEW \"totals\""], sqlite: nil),
        RenderingCase(
            label: "createTrigger",
            operation: .createTrigger(Trigger("t1", on: TableName("accounts"), definition: "CREATE TRIGGER t1 AFTER INSERT ON accounts BEGIN SELECT 1; END")),
            postgresql: ["CREATE TRIGGER t1 AFTER INSERT ON accounts BEGIN SELECT 1; END"],
            sqlite: ["CREATE TRIGGER t1 AFTER INSERT ON accounts BEGIN SELECT 1; END"]),
        RenderingCase(
            label: "dropTrigger",
            operation: .dropTrigger(name: "t1", table: TableName("accounts")),
            postgresql: ["DROP TRIGGER \"t1\" ON \"accounts\""], sqlite: ["DROP TRIGGER \"t1\""]),
        RenderingCase(
            label: "execute",
            operation: .execute("UPDATE accounts SET score = 1"),
            postgresql: ["UPDATE accounts SET score = 1"], sqlite: ["UPDATE accounts SET score = 1"]),
        RenderingCase(
            label: "bulkInsert with every literal",
            operation: .bulkInsert(
                Fixtures.accountsName, columns: ["id", "email", "ok", "ratio"],
                rows: [[.integer(1), .string("o'brien; --"), .boolean(true), .double(0.25)], [.integer(-2), .null, .boolean(false), .null]]),
            postgresql: [
                "INSERT INTO \"accounts\" (\"id\", \"email\", \"ok\", \"ratio\") VALUES (1, 'o''brien; --', TRUE, 0.25), (-2, NULL, FALSE, NULL)"
            ],
            sqlite: [
                "INSERT INTO \"accounts\" (\"id\", \"email\", \"ok\", \"ratio\") VALUES (1, 'o''brien; --', 1, 0.25), (-2, NULL, 0, NULL)"
            ]),
        RenderingCase(
            label: "bulkInsert of no rows",
            operation: .bulkInsert(Fixtures.accountsName, columns: ["id"], rows: []),
            postgresql: [], sqlite: []),
    ]

    @Test(arguments: cases)
    func postgresql(_ rendering: RenderingCase) throws {
        #expect(try SQLDialect.postgresql.statements(for: rendering.operation, inspector: nil) == rendering.postgresql)
    }

    @Test(arguments: cases.filter { $0.sqlite != nil })
    func sqlite(_ rendering: RenderingCase) throws {
        let statements = try SQLDialect.sqlite.statements(for: rendering.operation, inspector: Fixtures.inspector)
        #expect(statements == rendering.sqlite)
    }

    @Test func bulkInsertSplitsLargeDataIntoChunks() throws {
        let rows = (0..<1201).map { [SQLValue.integer($0)] }
        let statements = try SQLDialect.sqlite.statements(for: .bulkInsert(TableName("n"), columns: ["v"], rows: rows), inspector: nil)
        #expect(statements.count == 3)
        #expect(statements[2].hasPrefix("INSERT INTO \"n\" (\"v\") VALUES (1000), (1001), "))
        #expect(statements[2].hasSuffix(", (1200)"))
    }

    /// Swift code is never turned into SQL: the runner hands it to its sink, and a caller that
    /// asks for statements gets an error rather than an empty list.
    @Test func swiftCodeHasNoSQL() {
        for dialect in [SQLDialect.sqlite, .postgresql] {
            #expect {
                try dialect.statements(for: .swiftCode(label: "fill in"), inspector: nil)
            } throws: { error in
                (error as? MigrateError)?.message == "run \"fill in\": Swift code (`op.run`) has no SQL form"
            }
        }
    }

    /// Enumeration operations: a value placed both before and after another, and SQLite, which
    /// keeps enumerations as checks, are refused with what to do instead.
    @Test func enumerationValueRefusals() {
        #expect {
            try SQLDialect.postgresql.statements(
                for: .addEnumerationValue(TableName("mood"), value: "x", before: "a", after: "b"), inspector: nil)
        } throws: { error in
            (error as? MigrateError)?.message
                == "addEnumerationValue 'x' to mood: the value 'x' is placed both before and after another value"
        }
        #expect {
            try SQLDialect.sqlite.statements(for: .renameEnumerationValue(TableName("mood"), from: "a", to: "b"), inspector: nil)
        } throws: { error in
            (error as? MigrateError)?.hint?.contains("alterColumn") == true
        }
    }

    /// Taking a value out finds the columns of the type when it runs, in one block.
    @Test func droppingAnEnumerationValueIsOneBlock() throws {
        let statements = try SQLDialect.postgresql.statements(
            for: .dropEnumerationValue(TableName("mood", schema: "app"), value: "it's", after: "happy"), inspector: nil)
        #expect(statements.count == 1)
        #expect(statements[0].hasPrefix("DO $migrate$\nDECLARE\n    old_type regtype := to_regtype('\"app\".\"mood\"');"), "\(statements)")
        #expect(statements[0].contains("WHERE enumtypid = old_type AND enumlabel <> 'it''s';"), "\(statements)")
    }

    /// A column converted to an enumeration goes through text, after a check naming the values
    /// that have no place in the new type.
    @Test func alteringAColumnToAnEnumerationChecksItsValuesFirst() throws {
        let statements = try SQLDialect.postgresql.statements(
            for: .alterColumn(
                TableName("entries"), column: "mood",
                changes: ColumnChanges(
                    type: .enumeration(name: "mood_new", values: ["happy", "sad"]),
                    existingType: .enumeration(name: "mood", values: ["happy", "sad", "angry"]))),
            inspector: nil)
        #expect(statements.count == 3)
        #expect(statements[1].contains(
            #"IF EXISTS (SELECT 1 FROM "entries" WHERE "mood" IS NOT NULL AND "mood"::text <> ALL (ARRAY['happy', 'sad']::text[])) THEN"#),
            "\(statements[1])")
        #expect(statements[1].contains("RAISE EXCEPTION 'rows of % hold %, which the enumeration % does not have'"))
        #expect(statements[2] == #"ALTER TABLE "entries" ALTER COLUMN "mood" TYPE "mood_new" USING "mood"::text::"mood_new""#)
    }

    static let backfill = Backfill(
        table: TableName("accounts", schema: "app"),
        assignments: [.init(column: "email_lower", expression: "lower(email)"), .init(column: "checked", expression: "TRUE")],
        condition: "email_lower IS NULL", batchSize: 500)

    /// A backfill's batches: the next keys after the last one done, then the rows up to the
    /// last of them that the condition still selects.
    @Test func backfillBatchesOnPostgreSQL() throws {
        let statements = try SQLDialect.postgresql.backfillStatements(for: Self.backfill)
        let table = #""app"."accounts""#
        #expect(statements.count == #"SELECT count(*) FROM "app"."accounts" WHERE (email_lower IS NULL)"#)
        #expect(statements.selectFirstBatch == #"SELECT "id" FROM \#(table) WHERE (email_lower IS NULL) ORDER BY "id" LIMIT 500"#)
        #expect(statements.selectNextBatch == #"SELECT "id" FROM \#(table) WHERE "id" > $1 AND (email_lower IS NULL) ORDER BY "id" LIMIT 500"#)
        #expect(statements.updateFirstBatch == #"UPDATE \#(table) SET "email_lower" = lower(email), "checked" = TRUE WHERE "id" <= $1 AND (email_lower IS NULL)"#)
        #expect(statements.updateNextBatch == #"UPDATE \#(table) SET "email_lower" = lower(email), "checked" = TRUE WHERE "id" > $1 AND "id" <= $2 AND (email_lower IS NULL)"#)
        #expect(statements.script == #"""
            DO $backfill$
            DECLARE
                migrate_last_key "app"."accounts"."id"%TYPE;
                migrate_batch_last "app"."accounts"."id"%TYPE;
                migrate_rows bigint := 0;
                migrate_batch_rows bigint;
            BEGIN
                LOOP
                    IF migrate_last_key IS NULL THEN
                        SELECT "id" INTO migrate_batch_last FROM (SELECT "id" FROM "app"."accounts" WHERE (email_lower IS NULL) ORDER BY "id" LIMIT 500) AS batch ORDER BY "id" DESC LIMIT 1;
                    ELSE
                        SELECT "id" INTO migrate_batch_last FROM (SELECT "id" FROM "app"."accounts" WHERE "id" > migrate_last_key AND (email_lower IS NULL) ORDER BY "id" LIMIT 500) AS batch ORDER BY "id" DESC LIMIT 1;
                    END IF;
                    EXIT WHEN migrate_batch_last IS NULL;
                    IF migrate_last_key IS NULL THEN
                        UPDATE "app"."accounts" SET "email_lower" = lower(email), "checked" = TRUE WHERE "id" <= migrate_batch_last AND (email_lower IS NULL);
                    ELSE
                        UPDATE "app"."accounts" SET "email_lower" = lower(email), "checked" = TRUE WHERE "id" > migrate_last_key AND "id" <= migrate_batch_last AND (email_lower IS NULL);
                    END IF;
                    GET DIAGNOSTICS migrate_batch_rows = ROW_COUNT;
                    COMMIT;
                    migrate_rows := migrate_rows + migrate_batch_rows;
                    migrate_last_key := migrate_batch_last;
                    RAISE NOTICE 'backfill app.accounts: % rows', migrate_rows;
                END LOOP;
            END
            $backfill$
            """#)
    }

    /// SQLite numbers its parameters `?1`; a script cannot loop, so it holds one UPDATE and says so.
    @Test func backfillBatchesOnSQLite() throws {
        var backfill = Self.backfill
        backfill.table.schema = nil
        let statements = try SQLDialect.sqlite.backfillStatements(for: backfill)
        #expect(statements.updateNextBatch == #"UPDATE "accounts" SET "email_lower" = lower(email), "checked" = TRUE WHERE "id" > ?1 AND "id" <= ?2 AND (email_lower IS NULL)"#)
        #expect(statements.script == """
            -- backfill accounts in batches of 500 rows is what `migrate upgrade` runs; a script cannot loop,
            -- so this is one UPDATE of every row still to update.
            UPDATE "accounts" SET "email_lower" = lower(email), "checked" = TRUE WHERE (email_lower IS NULL)
            """)
    }

    @Test func backfillRefusals() {
        var empty = Self.backfill
        empty.condition = "  "
        var noBatch = Self.backfill
        noBatch.batchSize = 0
        for (backfill, message) in [
            (empty, "backfill app.accounts: the condition is empty"),
            (noBatch, "backfill app.accounts: batchSize must be 1 or more, found 0"),
        ] {
            #expect { try SQLDialect.postgresql.backfillStatements(for: backfill) } throws: { error in
                (error as? MigrateError)?.message == message
            }
        }
        #expect { try SQLDialect.postgresql.statements(for: .backfill(Self.backfill), inspector: nil) } throws: { error in
            (error as? MigrateError)?.message == "backfill app.accounts: a backfill runs in batches and has no single SQL form"
        }
    }

    @Test func sessionTimeoutsAreSetLocallyInATransactionAndResetOutsideOne() {
        let timeouts = SessionTimeouts(lockTimeout: .seconds(5), statementTimeout: .milliseconds(1500))
        #expect(timeouts.setStatements(dialect: .postgresql, inTransaction: true) == [
            "SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '1500ms'",
        ])
        #expect(timeouts.setStatements(dialect: .postgresql, inTransaction: false) == [
            "SET lock_timeout = '5s'", "SET statement_timeout = '1500ms'",
        ])
        #expect(timeouts.resetStatements(dialect: .postgresql) == ["RESET lock_timeout", "RESET statement_timeout"])
        #expect(SessionTimeouts(lockTimeout: .seconds(5)).setStatements(dialect: .postgresql, inTransaction: true) == [
            "SET LOCAL lock_timeout = '5s'",
        ])
        #expect(timeouts.setStatements(dialect: .sqlite, inTransaction: true).isEmpty)
        #expect(timeouts.resetStatements(dialect: .sqlite).isEmpty)
    }

    @Test func identifiersAreQuotedWithDoubledQuotes() {
        #expect(SQLDialect.postgresql.quoteIdentifier("weird \"name\"") == "\"weird \"\"name\"\"\"")
        #expect(SQLDialect.sqlite.quoteQualified("t", schema: "my schema") == "\"my schema\".\"t\"")
    }

    @Test func sqliteRebuildWithoutAnIdentityCopiesTheRowid() throws {
        let plain = Table(TableName("plain"), columns: [Column("a", .text), Column("b", .integer)])
        let inspector = FixtureInspector([TableRebuildSource(table: plain)])
        let statements = try SQLDialect.sqlite.statements(
            for: .alterColumn(TableName("plain"), column: "b", changes: ColumnChanges(type: .text)), inspector: inspector)
        #expect(
            statements == [
                "CREATE TABLE \"_migrate_rebuild_plain\" (\n    \"a\" TEXT,\n    \"b\" TEXT\n)",
                "INSERT INTO \"_migrate_rebuild_plain\" (rowid, \"a\", \"b\") SELECT rowid, \"a\", \"b\" FROM \"plain\"",
                "DROP TABLE \"plain\"",
                "ALTER TABLE \"_migrate_rebuild_plain\" RENAME TO \"plain\"",
            ])
    }

    @Test func sqliteDropsAColumnWithoutDependentsNatively() throws {
        let plain = Table(TableName("plain"), columns: [Column("a", .text), Column("b", .integer)])
        let statements = try SQLDialect.sqlite.statements(
            for: .dropColumn(TableName("plain"), column: "b"), inspector: FixtureInspector([TableRebuildSource(table: plain)]))
        #expect(statements == ["ALTER TABLE \"plain\" DROP COLUMN \"b\""])
    }

    @Test func sqliteAddsAPrimaryKeyByRebuilding() throws {
        let pairs = Table(TableName("pairs"), columns: [Column("a", .integer, isNullable: false), Column("b", .text)])
        let inspector = FixtureInspector([TableRebuildSource(table: pairs)])
        let statements = try SQLDialect.sqlite.statements(
            for: .createPrimaryKey(TableName("pairs"), name: "pk_pairs", columns: ["a", "b"]), inspector: inspector)
        #expect(
            statements.first
                == "CREATE TABLE \"_migrate_rebuild_pairs\" (\n    \"a\" INTEGER NOT NULL,\n    \"b\" TEXT NOT NULL,\n    CONSTRAINT \"pk_pairs\" PRIMARY KEY (\"a\", \"b\")\n)"
        )
    }

    // MARK: - What a dialect cannot express

    struct Refusal: Sendable, CustomTestStringConvertible {
        let label: String
        let dialect: SQLDialect
        let operation: Operation
        /// Words the message must contain.
        let message: [String]
        var testDescription: String { label }
    }

    static let refusals: [Refusal] = [
        Refusal(
            label: "table comment on SQLite", dialect: .sqlite,
            operation: .setTableComment(Fixtures.accountsName, comment: "x"),
            message: ["setTableComment accounts", "SQLite cannot store a table comment"]),
        Refusal(
            label: "column comment in createTable on SQLite", dialect: .sqlite,
            operation: .createTable(Table(TableName("t"), columns: [Column("c", .text, comment: "x")])),
            message: ["createTable t", "a comment on column c"]),
        Refusal(
            label: "column comment in addColumn on SQLite", dialect: .sqlite,
            operation: .addColumn(TableName("t"), Column("c", .text, comment: "x")),
            message: ["addColumn t.c", "column comment"]),
        Refusal(
            label: "column comment in alterColumn on SQLite", dialect: .sqlite,
            operation: .alterColumn(TableName("t"), column: "c", changes: ColumnChanges(comment: .some("x"))),
            message: ["alterColumn t.c", "column comment"]),
        Refusal(
            label: "schema on SQLite", dialect: .sqlite,
            operation: .dropTable(TableName("t", schema: "s")),
            message: ["SQLite has no schemas", "schema s"]),
        Refusal(
            label: "identity on a text column", dialect: .postgresql,
            operation: .createTable(Table(TableName("t"), columns: [Column("id", .text, isPrimaryKey: true, isIdentity: true)])),
            message: ["identity column id must be an integer"]),
        Refusal(
            label: "identity outside the primary key on SQLite", dialect: .sqlite,
            operation: .createTable(Table(TableName("t"), columns: [Column("id", .integer, isIdentity: true)])),
            message: ["not the primary key"]),
        Refusal(
            label: "identity in a composite key on SQLite", dialect: .sqlite,
            operation: .createTable(
                Table(
                    TableName("t"),
                    columns: [Column("id", .integer, isPrimaryKey: true, isIdentity: true), Column("b", .integer, isPrimaryKey: true)])),
            message: ["part of a composite primary key"]),
        Refusal(
            label: "identity with a default", dialect: .postgresql,
            operation: .createTable(
                Table(TableName("t"), columns: [Column("id", .integer, isIdentity: true, defaultValue: .integer(1))])),
            message: ["also has a default"]),
        Refusal(
            label: "scale without precision", dialect: .postgresql,
            operation: .addColumn(TableName("t"), Column("n", .numeric(precision: nil, scale: 2))),
            message: ["scale needs a precision"]),
        Refusal(
            label: "enumeration without values", dialect: .sqlite,
            operation: .addColumn(TableName("t"), Column("e", .enumeration(name: "e", values: []))),
            message: ["has no values"]),
        Refusal(
            label: "domain on SQLite", dialect: .sqlite,
            operation: .createDomain(Domain(TableName("d"), baseType: .integer)),
            message: ["has no domains"]),
        Refusal(
            label: "partitioned table on SQLite", dialect: .sqlite,
            operation: .createTable({
                var table = Table(TableName("t"), columns: [Column("id", .integer)])
                table.partitionKey = .list("id")
                return table
            }()),
            message: ["has no partitioned tables"]),
        Refusal(
            label: "attachPartition on SQLite", dialect: .sqlite,
            operation: .attachPartition(TableName("p"), TablePartition(of: TableName("t"), bound: "DEFAULT")),
            message: ["has no partitioned tables"]),
        Refusal(
            label: "partition without a bound", dialect: .postgresql,
            operation: .createTable({
                var table = Table(TableName("p"), columns: [])
                table.partitionOf = TablePartition(of: TableName("t"), bound: "")
                return table
            }()),
            message: ["the partition p has no bound"]),
        Refusal(
            label: "partition with columns of its own", dialect: .postgresql,
            operation: .createTable({
                var table = Table(TableName("p"), columns: [Column("id", .integer)])
                table.partitionOf = TablePartition(of: TableName("t"), bound: "DEFAULT")
                return table
            }()),
            message: ["declares the column id"]),
        Refusal(
            label: "sequence on SQLite", dialect: .sqlite,
            operation: .createSequence(DatabaseSequence(TableName("s"))),
            message: ["has no sequences"]),
        Refusal(
            label: "sequence owner without a column", dialect: .postgresql,
            operation: .createSequence(DatabaseSequence(TableName("s"), ownerTable: TableName("t"))),
            message: ["names an owner table or column, not both"]),
        Refusal(
            label: "materialized view on SQLite", dialect: .sqlite,
            operation: .createView(View(TableName("m"), definition: "SELECT 1", isMaterialized: true)),
            message: ["has no materialized views"]),
        Refusal(
            label: "view without a query", dialect: .postgresql,
            operation: .createView(View(TableName("v"), definition: " ; ")),
            message: ["has no query"]),
        Refusal(
            label: "non-finite double", dialect: .postgresql,
            operation: .bulkInsert(TableName("t"), columns: ["x"], rows: [[.double(.nan)]]),
            message: ["nan has no SQL literal"]),
        Refusal(
            label: "bulkInsert row of the wrong width", dialect: .sqlite,
            operation: .bulkInsert(TableName("t"), columns: ["a", "b"], rows: [[.integer(1)]]),
            message: ["row 1 has 1 value(s) for 2 column(s)"]),
        Refusal(
            label: "virtual table on PostgreSQL", dialect: .postgresql,
            operation: .createTable(Table(virtual: TableName("search"), using: "fts5(body)")),
            message: ["PostgreSQL has no virtual tables", "search uses fts5(body)"]),
        Refusal(
            label: "virtual table with columns", dialect: .sqlite,
            operation: .createTable({
                var table = Table(virtual: TableName("search"), using: "fts5(body)")
                table.columns = [Column("body", .text)]
                return table
            }()),
            message: ["virtual table search also declares columns"]),
        Refusal(
            label: "virtual table without a module", dialect: .sqlite,
            operation: .createTable(Table(virtual: TableName("search"), using: "(body)")),
            message: ["names no module"]),
        Refusal(
            label: "rebuild without an inspector", dialect: .sqlite,
            operation: .createCheckConstraint(TableName("t"), CheckConstraint(expression: "1")),
            message: ["rebuilds the table", "no schema inspector"]),
        Refusal(
            label: "access method on SQLite", dialect: .sqlite,
            operation: .createIndex(Index(name: "ix", table: TableName("t"), keys: [.column("a")], method: "gin")),
            message: ["index ix uses the access method gin"]),
        Refusal(
            label: "INCLUDE on SQLite", dialect: .sqlite,
            operation: .createIndex(Index(name: "ix", table: TableName("t"), keys: [.column("a")], include: ["b"])),
            message: ["index ix has INCLUDE columns"]),
        Refusal(
            label: "operator class on SQLite", dialect: .sqlite,
            operation: .createIndex(Index(name: "ix", table: TableName("t"), keys: [.column("a", operatorClass: "text_pattern_ops")])),
            message: ["operator class text_pattern_ops"]),
        Refusal(
            label: "NULLS order on SQLite", dialect: .sqlite,
            operation: .createIndex(Index(name: "ix", table: TableName("t"), keys: [.column("a", nulls: .first)])),
            message: ["NULLS FIRST"]),
        Refusal(
            label: "MATCH FULL on SQLite", dialect: .sqlite,
            operation: .createTable(
                Table(
                    TableName("t"), columns: [Column("a", .integer)],
                    foreignKeys: [ForeignKey(columns: ["a"], references: TableName("p"), referencedColumns: ["id"], match: .full)])),
            message: ["MATCH FULL", "does not enforce"]),
        Refusal(
            label: "foreign key column count mismatch", dialect: .postgresql,
            operation: .createForeignKey(
                TableName("t"), ForeignKey(columns: ["a", "b"], references: TableName("p"), referencedColumns: ["id"])),
            message: ["references 1 column(s) of p"]),
    ]

    @Test(arguments: refusals)
    func refuses(_ refusal: Refusal) throws {
        let error = try #require(throws: MigrateError.self) {
            try refusal.dialect.statements(for: refusal.operation, inspector: nil)
        }
        #expect(error.kind == .script)
        #expect(error.hint != nil)
        for part in refusal.message {
            #expect(error.message.contains(part), "\(error.message)")
        }
    }

    @Test func virtualTablesRenderOnSQLite() throws {
        let search = Table(virtual: TableName("search"), using: "fts5(title, body, tokenize='porter')")
        #expect(
            try SQLDialect.sqlite.statements(for: .createTable(search), inspector: nil)
                == [#"CREATE VIRTUAL TABLE "search" USING fts5(title, body, tokenize='porter')"#])
        #expect(
            try SQLDialect.sqlite.statements(for: .dropTable(TableName("search"), definition: search), inspector: nil)
                == [#"DROP TABLE "search""#])
        // A rebuild of a virtual table is refused, naming its module.
        let inspector = FixtureInspector([
            TableRebuildSource(table: search, unrepresentable: ["being a virtual table (fts5(title, body))"])
        ])
        let error = try #require(throws: MigrateError.self) {
            try SQLDialect.sqlite.statements(
                for: .createCheckConstraint(TableName("search"), CheckConstraint(expression: "1")), inspector: inspector)
        }
        #expect(error.message.contains("would lose being a virtual table (fts5(title, body))"), "\(error.message)")
    }

    /// On SQLite an unnamed unique constraint or foreign key answers to PostgreSQL's name for it,
    /// and a name picks the named one of two constraints on the same columns.
    @Test func sqliteDropsNamedAndUnnamedConstraintsByName() throws {
        let users = Table(
            TableName("users"), columns: [Column("id", .integer, isPrimaryKey: true), Column("email", .text)],
            uniqueConstraints: [UniqueConstraint(columns: ["email"]), UniqueConstraint(name: "uq_users_email", columns: ["email"])])
        let inspector = FixtureInspector([TableRebuildSource(table: users)])
        let named = try SQLDialect.sqlite.statements(
            for: .dropConstraint(TableName("users"), name: "uq_users_email", kind: .unique), inspector: inspector)
        #expect(named[0].hasSuffix("PRIMARY KEY (\"id\"),\n    UNIQUE (\"email\")\n)"), "\(named)")
        let unnamed = try SQLDialect.sqlite.statements(
            for: .dropConstraint(TableName("users"), name: "users_email_key", kind: .unique), inspector: inspector)
        #expect(unnamed[0].hasSuffix("PRIMARY KEY (\"id\"),\n    CONSTRAINT \"uq_users_email\" UNIQUE (\"email\")\n)"), "\(unnamed)")
        let error = try #require(throws: MigrateError.self) {
            try SQLDialect.sqlite.statements(
                for: .dropConstraint(TableName("users"), name: "uq_other", kind: .unique), inspector: inspector)
        }
        #expect(error.hint?.contains("users_email_key, uq_users_email") == true, "\(error.hint ?? "")")
    }

    @Test func sqliteRebuildRefusals() throws {
        let inspector = Fixtures.inspector
        let cases: [(Operation, String)] = [
            (.dropConstraint(Fixtures.accountsName, name: "nope", kind: .check), "no check constraint named nope"),
            (.dropConstraint(Fixtures.accountsName, name: "accounts_pkey", kind: .primaryKey), "its identity column id"),
            (.createPrimaryKey(Fixtures.accountsName, name: nil, columns: ["email"]), "already has a primary key"),
            (.alterColumn(Fixtures.accountsName, column: "id", changes: ColumnChanges(isNullable: true)), "cannot allow NULL"),
            (.alterColumn(Fixtures.accountsName, column: "nope", changes: ColumnChanges(type: .text)), "has no column nope"),
            (.createUniqueConstraint(Fixtures.accountsName, UniqueConstraint(columns: ["nope"])), "names column nope"),
            (.addColumn(TableName("missing"), Column("a", .integer, isNullable: false)), "table missing does not exist"),
        ]
        for (operation, message) in cases {
            let error = try #require(throws: MigrateError.self) {
                try SQLDialect.sqlite.statements(for: operation, inspector: inspector)
            }
            #expect(error.message.contains(message), "\(operation.title): \(error.message)")
        }
        let lossy = FixtureInspector([
            TableRebuildSource(table: Table(TableName("t"), columns: [Column("a", .text)]), unrepresentable: ["COLLATE NOCASE on column a"])
        ])
        let error = try #require(throws: MigrateError.self) {
            try SQLDialect.sqlite.statements(for: .createCheckConstraint(TableName("t"), CheckConstraint(expression: "a <> ''")), inspector: lossy)
        }
        #expect(error.message.contains("would lose COLLATE NOCASE on column a"))
    }

    // MARK: - Types read back

    @Test func declaredTypesReadBackAsPortableTypes() {
        let sqlite = SQLDialect.sqlite
        #expect(sqlite.columnType(declared: "CHAR(36)") == .uuid)
        #expect(sqlite.columnType(declared: "varchar(20)") == .string(length: 20))
        #expect(sqlite.columnType(declared: "NUMERIC(10, 2)") == .numeric(precision: 10, scale: 2))
        #expect(sqlite.columnType(declared: "timestamp with time zone") == .dateTime(timezone: true))
        #expect(sqlite.columnType(declared: "JSONB") == .jsonb)
        #expect(sqlite.columnType(declared: "geometry(Point)") == .custom("geometry(Point)"))
        #expect(SQLDialect.postgresql.columnType(declared: "CHAR(36)") == .custom("CHAR(36)"))
        #expect(SQLDialect.postgresql.columnType(declared: "character varying(5)") == .string(length: 5))
        for type: ColumnType in [.integer, .bigInteger, .smallInteger, .text, .boolean, .date, .time, .float, .double, .binary, .uuid, .json, .jsonb, .dateTime(timezone: false)] {
            for dialect in [SQLDialect.sqlite, .postgresql] {
                #expect(dialect.columnType(declared: (try? dialect.typeSQL(type)) ?? "") == type, "\(dialect.name) \(type)")
            }
        }
    }

    @Test func tokenizerRespectsQuotesCommentsAndNesting() {
        let sql = "CHECK (\"a \"\"b\"\" c\" IN ('x'',y', 'z')) -- (not this\n/* nor ( this */ [br]"
        let tokens = SQLTokenizer.tokenize(sql)
        #expect(tokens.map(\.text) == ["CHECK", "(", "\"a \"\"b\"\" c\"", "IN", "(", "'x'',y'", ",", "'z'", ")", ")", "[br]"])
        #expect(tokens[2].value == "a \"b\" c")
        #expect(tokens[5].value == "x',y")
        #expect(SQLTokenizer.closingParenthesis(tokens[...], from: 1) == 9)
        #expect(SQLTokenizer.mentions("lower(\"Email\") || x", identifier: "email"))
        #expect(!SQLTokenizer.mentions("'email'", identifier: "email"))
    }
}
