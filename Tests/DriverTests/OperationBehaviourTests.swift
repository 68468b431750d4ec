import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// Every operation applied to a real database of each engine, its effect read back from the
/// catalog, then its reverse applied and the schema compared with where it started.
@Suite struct OperationBehaviourTests {
    static let mood = ColumnType.enumeration(name: "mood", values: ["happy", "sad"])

    static let teams = Table(
        TableName("teams"),
        columns: [Column("id", .integer, isPrimaryKey: true, isIdentity: true), Column("name", .text, isNullable: false)])

    static let accounts = Table(
        TableName("accounts"),
        columns: [
            Column("id", .integer, isPrimaryKey: true, isIdentity: true),
            Column("email", .string(length: 100), isNullable: false),
            Column("team_id", .integer),
            Column("score", .integer, defaultValue: .integer(0)),
            Column("note", .text),
        ],
        foreignKeys: [
            ForeignKey(
                name: "fk_team", columns: ["team_id"], references: TableName("teams"), referencedColumns: ["id"],
                onDelete: .cascade)
        ],
        uniqueConstraints: [UniqueConstraint(name: "uq_email", columns: ["email"])],
        checkConstraints: [CheckConstraint(name: "ck_score", expression: "score >= 0")],
        indexes: [Index(name: "ix_team", table: TableName("accounts"), columns: ["team_id"])])

    static let pairs = Table(
        TableName("pairs"), columns: [Column("a", .integer, isNullable: false), Column("b", .text, isNullable: false)])

    /// The schema every case starts from, with rows in it so rebuilds have data to keep.
    static func prepare(_ connection: any DatabaseConnection) throws {
        try apply([.createTable(teams), .createTable(accounts), .createTable(pairs)], to: connection)
        try apply(
            [
                .bulkInsert(TableName("teams"), columns: ["id", "name"], rows: [[1, "red"], [2, "blue"]]),
                .bulkInsert(
                    TableName("accounts"), columns: ["id", "email", "team_id", "score"],
                    rows: [[1, "ann@example.com", 1, 3], [2, "bob@example.com", 2, 5], [7, "cy@example.com", nil, 1]]),
            ], to: connection)
    }

    /// One operation and what must be true after it.
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let operation: MigrateCore.Operation
        /// Lines (or parts of lines) of ``snapshot(_:engine:)`` that must be there afterwards.
        let sqlite: [String]
        let postgresql: [String]
        /// Only for engines with comments.
        var needsComments = false
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "createTable with an enumeration",
            operation: .createTable(
                Table(
                    TableName("Projects"),
                    columns: [
                        Column("id", .bigInteger, isPrimaryKey: true, isIdentity: true),
                        Column("feeling", mood, isNullable: false, defaultValue: .string("happy")),
                        Column("select", .string(length: 10)),
                    ],
                    uniqueConstraints: [UniqueConstraint(name: "uq_select", columns: ["select"])],
                    indexes: [Index(name: "ix_feeling", table: TableName("Projects"), columns: ["feeling"])])),
            // A bigInteger identity is SQLite's INTEGER rowid alias (64-bit), read back as .integer.
            sqlite: [
                "column Projects.feeling enumeration(name: \"mood\", values: [\"happy\", \"sad\"]) NOT NULL default=string(\"happy\")",
                "column Projects.id integer NOT NULL pk identity", "unique Projects.uq_select (select)", "index Projects.ix_feeling",
            ],
            postgresql: [
                "column Projects.feeling mood NOT NULL default='happy'::mood", "column Projects.id bigint NOT NULL identity=d",
                "type mood (happy,sad)", "constraint Projects.uq_select u UNIQUE (\"select\")", "index Projects.ix_feeling",
            ]),
        Case(
            label: "renameTable",
            operation: .renameTable(TableName("accounts"), to: "Members"),
            sqlite: ["table Members", "foreign key Members.fk_team (team_id) -> teams (id)"],
            postgresql: ["table Members", "constraint Members.fk_team f"]),
        Case(
            label: "addColumn with a literal default",
            operation: .addColumn(TableName("accounts"), Column("nick", .string(length: 20), defaultValue: .string("x"))),
            sqlite: ["column accounts.nick string(length: Optional(20)) NULL default=string(\"x\")"],
            postgresql: ["column accounts.nick character varying(20) NULL default='x'::character varying"]),
        Case(
            label: "addColumn with an expression default (a rebuild on SQLite)",
            operation: .addColumn(
                TableName("accounts"), Column("seen", .dateTime(timezone: false), defaultValue: .expression("CURRENT_TIMESTAMP"))),
            sqlite: ["column accounts.seen dateTime(timezone: false) NULL default=currentTimestamp"],
            postgresql: ["column accounts.seen timestamp without time zone NULL default=CURRENT_TIMESTAMP"]),
        Case(
            label: "addColumn NOT NULL with a default",
            operation: .addColumn(TableName("accounts"), Column("active", .boolean, isNullable: false, defaultValue: .boolean(true))),
            sqlite: ["column accounts.active boolean NOT NULL default=boolean(true)"],
            postgresql: ["column accounts.active boolean NOT NULL default=true"]),
        Case(
            label: "addColumn with an enumeration",
            operation: .addColumn(TableName("accounts"), Column("feeling", mood)),
            sqlite: ["column accounts.feeling enumeration(name: \"mood\", values: [\"happy\", \"sad\"]) NULL"],
            postgresql: ["column accounts.feeling mood NULL", "type mood (happy,sad)"]),
        Case(
            label: "dropColumn without dependents",
            operation: .dropColumn(TableName("accounts"), column: "note", definition: Column("note", .text)),
            sqlite: ["column accounts.score"], postgresql: ["column accounts.score"]),
        Case(
            label: "alterColumn type (a rebuild on SQLite)",
            operation: .alterColumn(
                TableName("accounts"), column: "score", changes: ColumnChanges(type: .bigInteger, existingType: .integer)),
            sqlite: ["column accounts.score bigInteger NULL default=integer(0)", "check accounts.ck_score score >= 0"],
            postgresql: ["column accounts.score bigint NULL default=0"]),
        Case(
            label: "alterColumn nullability",
            operation: .alterColumn(
                TableName("accounts"), column: "email", changes: ColumnChanges(isNullable: true, existingNullable: false)),
            sqlite: ["column accounts.email string(length: Optional(100)) NULL"],
            postgresql: ["column accounts.email character varying(100) NULL"]),
        Case(
            label: "alterColumn default",
            operation: .alterColumn(
                TableName("accounts"), column: "score",
                changes: ColumnChanges(defaultValue: .some(.integer(5)), existingDefault: .some(.integer(0)))),
            sqlite: ["column accounts.score integer NULL default=integer(5)"],
            postgresql: ["column accounts.score integer NULL default=5"]),
        Case(
            label: "alterColumn rename",
            operation: .alterColumn(TableName("accounts"), column: "email", changes: ColumnChanges(newName: "e-mail")),
            sqlite: ["column accounts.e-mail", "unique accounts.uq_email (e-mail)"],
            postgresql: ["column accounts.e-mail", "constraint accounts.uq_email u UNIQUE (\"e-mail\")"]),
        Case(
            label: "alterColumn rename and type together",
            operation: .alterColumn(
                TableName("accounts"), column: "note",
                changes: ColumnChanges(newName: "remark", type: .string(length: 200), existingType: .text)),
            sqlite: ["column accounts.remark string(length: Optional(200)) NULL"],
            postgresql: ["column accounts.remark character varying(200) NULL"]),
        Case(
            label: "createIndex unique, partial, on an expression",
            operation: .createIndex(
                Index(
                    name: "ix_lower_email", table: TableName("accounts"), keys: [.expression("lower(email)")], isUnique: true,
                    predicate: "score > 0")),
            sqlite: ["index accounts.ix_lower_email unique [MigrateCore.IndexKey.expression(\"lower(email)\")] where score > 0"],
            postgresql: ["index accounts.ix_lower_email CREATE UNIQUE INDEX ix_lower_email ON public.accounts USING btree (lower((email)::text)) WHERE (score > 0)"]),
        Case(
            label: "createUniqueConstraint (a rebuild on SQLite)",
            operation: .createUniqueConstraint(TableName("accounts"), UniqueConstraint(name: "uq_pair", columns: ["team_id", "score"])),
            sqlite: ["unique accounts.uq_pair (team_id, score)", "index accounts.ix_team"],
            postgresql: ["constraint accounts.uq_pair u UNIQUE (team_id, score)"]),
        Case(
            label: "createCheckConstraint (a rebuild on SQLite)",
            operation: .createCheckConstraint(TableName("accounts"), CheckConstraint(name: "ck_email", expression: "length(email) > 3")),
            sqlite: ["check accounts.ck_email length(email) > 3"],
            postgresql: ["constraint accounts.ck_email c CHECK ((length((email)::text) > 3))"]),
        Case(
            label: "createForeignKey (a rebuild on SQLite)",
            operation: .createForeignKey(
                TableName("accounts"),
                ForeignKey(name: "fk_team_again", columns: ["team_id"], references: TableName("teams"), referencedColumns: ["id"], onUpdate: .restrict)),
            sqlite: ["foreign key accounts.fk_team_again (team_id) -> teams (id) delete=nil update=Optional(MigrateCore.ReferentialAction.restrict)"],
            postgresql: ["constraint accounts.fk_team_again f FOREIGN KEY (team_id) REFERENCES teams(id) ON UPDATE RESTRICT"]),
        Case(
            label: "createPrimaryKey (a rebuild on SQLite)",
            operation: .createPrimaryKey(TableName("pairs"), name: "pk_pairs", columns: ["a", "b"]),
            sqlite: ["primary key pairs.pk_pairs (a, b)"],
            postgresql: ["constraint pairs.pk_pairs p PRIMARY KEY (a, b)"]),
        Case(
            label: "dropTable with its definition",
            operation: .dropTable(TableName("pairs"), definition: pairs),
            sqlite: ["table accounts"], postgresql: ["table accounts"]),
        Case(
            label: "setTableComment", operation: .setTableComment(TableName("accounts"), comment: "who's who"),
            sqlite: [], postgresql: ["comment accounts who's who"], needsComments: true),
        Case(
            label: "alterColumn comment",
            operation: .alterColumn(
                TableName("accounts"), column: "email", changes: ColumnChanges(comment: .some("primary"), existingComment: .some(nil))),
            sqlite: [], postgresql: ["column accounts.email character varying(100) NOT NULL comment=primary"], needsComments: true),
    ]

    static let arguments: [(TestEngine, Case)] = TestEngine.enabled.flatMap { engine in
        cases.filter { !$0.needsComments || engine.dialect.supportsComments }.map { (engine, $0) }
    }

    @Test(arguments: arguments)
    func appliesAndReverses(engine: TestEngine, testCase: Case) throws {
        let connection = try FreshDatabase(engine).connect()
        try Self.prepare(connection)
        let before = try Self.snapshot(connection, engine: engine)
        let rowsBefore = try connection.query("SELECT id, email, team_id FROM accounts ORDER BY id")

        try Self.apply([testCase.operation], to: connection)
        let after = try Self.snapshot(connection, engine: engine)
        #expect(after != before)
        for expected in engine == .sqlite ? testCase.sqlite : testCase.postgresql {
            #expect(after.contains { $0.contains(expected) }, "missing \(expected) in\n\(after.joined(separator: "\n"))")
        }

        let reverse = try #require(testCase.operation.reversed)
        try Self.apply([reverse], to: connection)
        let restored = try Self.snapshot(connection, engine: engine)
        #expect(restored == before, "\(Set(restored).symmetricDifference(before))")
        #expect(try connection.query("SELECT id, email, team_id FROM accounts ORDER BY id") == rowsBefore)
    }

    @Test(arguments: TestEngine.enabled)
    func dropColumnTakesItsIndexesAndConstraintsAlong(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try Self.prepare(connection)
        try Self.apply([.dropColumn(TableName("accounts"), column: "team_id")], to: connection)
        let after = try Self.snapshot(connection, engine: engine)
        #expect(!after.contains { $0.contains("team_id") })
        #expect(!after.contains { $0.contains("ix_team") || $0.contains("fk_team") })
        #expect(after.contains { $0.contains("uq_email") })
        #expect(try connection.query("SELECT id, email FROM accounts ORDER BY id").count == 3)
    }

    @Test(arguments: TestEngine.enabled)
    func bulkInsertAndExecuteKeepHostileText(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try Self.apply(
            [
                .createTable(
                    Table(
                        TableName("weird \"name\""),
                        columns: [
                            Column("order", .text), Column("Ünï ✓", .boolean), Column("n", .double), Column("i", .bigInteger),
                        ])),
                .bulkInsert(
                    TableName("weird \"name\""), columns: ["order", "Ünï ✓", "n", "i"],
                    rows: [["it's; -- \"x\"", true, 1.5, .integer(Int.max)], [nil, false, nil, -1]]),
                .execute("UPDATE \"weird \"\"name\"\"\" SET \"n\" = 2.5 WHERE \"i\" = -1"),
            ], to: connection)
        let rows = try connection.query("SELECT \"order\", \"Ünï ✓\", n, i FROM \"weird \"\"name\"\"\" ORDER BY i")
        let (yes, no) = engine == .sqlite ? ("1", "0") : ("t", "f")
        #expect(rows == [[nil, no, "2.5", "-1"], ["it's; -- \"x\"", yes, "1.5", String(Int.max)]])
    }

    @Test(arguments: TestEngine.enabled)
    func tablesShareAnEnumerationUntilTheLastIsDropped(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        let first = Table(TableName("first"), columns: [Column("m", Self.mood, defaultValue: .string("sad"))])
        let second = Table(TableName("second"), columns: [Column("m", Self.mood)])
        try Self.apply([.createTable(first), .createTable(second)], to: connection)
        try Self.apply([.bulkInsert(TableName("second"), columns: ["m"], rows: [["happy"]])], to: connection)
        #expect(throws: DatabaseError.self) {
            try Self.apply([.bulkInsert(TableName("second"), columns: ["m"], rows: [["angry"]])], to: connection)
        }
        let types = "SELECT count(*) FROM pg_type WHERE typname = 'mood'"
        try Self.apply([.dropTable(TableName("first"), definition: first)], to: connection)
        if engine == .postgresql { #expect(try connection.query(types) == [["1"]]) }
        try Self.apply([.dropTable(TableName("second"), definition: second)], to: connection)
        if engine == .postgresql { #expect(try connection.query(types) == [["0"]]) }

        // The same name with other values is an error, not a silent reuse.
        try Self.apply([.createTable(first)], to: connection)
        let other = Table(TableName("other"), columns: [Column("m", .enumeration(name: "mood", values: ["meh"]))])
        if engine == .postgresql {
            let error = try #require(throws: DatabaseError.self) { try Self.apply([.createTable(other)], to: connection) }
            #expect(error.message.contains("enumeration type \"mood\" already exists with other values"))
        }
    }

    // MARK: - Helpers

    /// Runs operations the way the runner does: in a migration session and one transaction,
    /// rendered one at a time so each rebuild sees the schema the previous ones left.
    static func apply(_ operations: [MigrateCore.Operation], to connection: any DatabaseConnection) throws {
        let dialect = connection.dialect
        let inspector = dialect.canRebuildTables ? connection as? SchemaInspector : nil
        try connection.beginMigrationSession()
        defer { try? connection.endMigrationSession() }
        try connection.beginTransaction()
        do {
            for operation in operations {
                for statement in try dialect.statements(for: operation, inspector: inspector) {
                    try connection.execute(statement)
                }
            }
            try connection.verifyBeforeCommit()
            try connection.commit()
        } catch {
            try? connection.rollback()
            throw error
        }
    }

    /// The schema as sorted lines: from reflection on SQLite, from `pg_catalog` on PostgreSQL.
    static func snapshot(_ connection: any DatabaseConnection, engine: TestEngine) throws -> [String] {
        switch engine {
        case .sqlite:
            let schema = try #require(connection as? SQLiteConnection).reflectSchema()
            return schema.tables.flatMap(lines).sorted()
        case .postgresql:
            return try postgresSnapshot(connection)
        }
    }

    static func lines(_ table: Table) -> [String] {
        let name = table.name.name
        var lines = ["table \(name)"]
        for column in table.columns {
            var line = "column \(name).\(column.name) \(column.type) \(column.isNullable ? "NULL" : "NOT NULL")"
            if let value = column.defaultValue { line += " default=\(value)" }
            if column.isPrimaryKey { line += " pk" }
            if column.isIdentity { line += " identity" }
            lines.append(line)
        }
        if !table.primaryKey.isEmpty {
            lines.append("primary key \(name).\(table.primaryKeyName ?? "-") (\(table.primaryKey.joined(separator: ", ")))")
        }
        for unique in table.uniqueConstraints {
            lines.append("unique \(name).\(unique.name ?? "-") (\(unique.columns.joined(separator: ", ")))")
        }
        for check in table.checkConstraints {
            lines.append("check \(name).\(check.name ?? "-") \(check.expression)")
        }
        for key in table.foreignKeys {
            lines.append(
                "foreign key \(name).\(key.name ?? "-") (\(key.columns.joined(separator: ", "))) -> \(key.referencedTable) "
                    + "(\(key.referencedColumns.joined(separator: ", "))) delete=\(String(describing: key.onDelete)) "
                    + "update=\(String(describing: key.onUpdate))")
        }
        for index in table.indexes {
            lines.append(
                "index \(name).\(index.name)\(index.isUnique ? " unique" : "") \(index.keys)"
                    + (index.predicate.map { " where \($0)" } ?? ""))
        }
        return lines
    }

    static func postgresSnapshot(_ connection: any DatabaseConnection) throws -> [String] {
        var lines: [String] = []
        for row in try connection.query(
            """
            SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'
            """)
        {
            lines.append("table \(row[0] ?? "")")
            if let comment = row[1] { lines.append("comment \(row[0] ?? "") \(comment)") }
        }
        for row in try connection.query(
            """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity, col_description(c.oid, a.attnum)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
            WHERE n.nspname = 'public' AND c.relkind = 'r'
            """)
        {
            var line = "column \(row[0] ?? "").\(row[1] ?? "") \(row[2] ?? "") \(row[3] == "t" ? "NOT NULL" : "NULL")"
            if let value = row[4] { line += " default=\(value)" }
            if let identity = row[5], !identity.isEmpty { line += " identity=\(identity)" }
            if let comment = row[6] { line += " comment=\(comment)" }
            lines.append(line)
        }
        for row in try connection.query(
            """
            SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) FROM pg_constraint co
            JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace
            WHERE n.nspname = 'public'
            """)
        {
            lines.append("constraint \(row[0] ?? "").\(row[1] ?? "") \(row[2] ?? "") \(row[3] ?? "")")
        }
        for row in try connection.query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'") {
            lines.append("index \(row[0] ?? "").\(row[1] ?? "") \(row[2] ?? "")")
        }
        for row in try connection.query(
            """
            SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text FROM pg_type t
            JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
            """)
        {
            // array_agg's text is {a,b}: shown as (a,b).
            lines.append("type \(row[0] ?? "") (\(row[1].map { String($0.dropFirst().dropLast()) } ?? ""))")
        }
        return lines.sorted()
    }
}
