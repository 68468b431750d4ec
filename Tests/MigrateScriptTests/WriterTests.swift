import Foundation
import MigrateCore
import MigrateScript
import Testing

/// Every operation the writer renders reads back as the same operation: autogenerate writes
/// files through the writer, and the command line reads them through the interpreter.
@Suite struct WriterTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var name: String
        var operation: MigrateCore.Operation
        var testDescription: String { name }
    }

    static let accounts = TableName("accounts")
    static let audit = TableName("events", schema: "audit")

    static let fullTable = Table(
        TableName("memberships", schema: "app"),
        columns: [
            Column("account_id", .bigInteger, isPrimaryKey: true),
            Column("project_id", .integer, isPrimaryKey: true),
            Column("role", .enumeration(name: "role", values: ["owner", "member"]), isNullable: false,
                   defaultValue: .string("member"), comment: "what the account may do"),
            Column("joined_at", .dateTime(timezone: true), isNullable: false, defaultValue: .expression("now()")),
            Column("score", .numeric(precision: 8, scale: 3), defaultValue: .double(-0.25)),
            Column("data", .custom("tsvector")),
        ],
        primaryKeyName: "pk_memberships",
        foreignKeys: [
            ForeignKey(name: "fk_account", columns: ["account_id"], references: TableName("accounts", schema: "auth"),
                       referencedColumns: ["id"], onDelete: .cascade, onUpdate: .noAction),
            ForeignKey(columns: ["project_id"], references: TableName("projects"), referencedColumns: ["id"]),
        ],
        uniqueConstraints: [UniqueConstraint(name: "uq_role", columns: ["project_id", "role"]), UniqueConstraint(columns: ["data"])],
        checkConstraints: [CheckConstraint(name: "ck_score", expression: "score >= 0"), CheckConstraint(expression: "role <> ''")],
        indexes: [
            Index(name: "ix_joined", table: TableName("memberships", schema: "app"), columns: ["joined_at"], isUnique: true,
                  predicate: "role = 'owner'"),
            Index(name: "ix_lower", table: TableName("memberships", schema: "app"), keys: [.expression("lower(role)"), .column("project_id")]),
        ],
        comment: "who belongs where")

    static let examples: [Example] = [
        Example(name: "createTable, plain", operation: .createTable(Table(accounts, columns: [
            Column("id", .integer, isPrimaryKey: true, isIdentity: true),
            Column("email", .string(length: 255), isNullable: false),
            Column("bio", .text), Column("tiny", .smallInteger), Column("flag", .boolean, defaultValue: .boolean(true)),
            Column("born", .date), Column("wake", .time), Column("f", .float), Column("d", .double),
            Column("blob", .binary), Column("key", .uuid), Column("doc", .json), Column("docb", .jsonb),
            Column("name", .string(length: nil), defaultValue: .integer(-3)),
            Column("plain", .dateTime(timezone: false)),
        ]))),
        Example(name: "createTable, every element", operation: .createTable(fullTable)),
        Example(name: "createTable, virtual", operation: .createTable(Table(
            virtual: TableName("search", schema: "app"), using: "fts5(title, body, tokenize='porter')"))),
        Example(name: "dropTable with a virtual definition", operation: .dropTable(
            TableName("search"), definition: Table(virtual: TableName("search"), using: "rtree(id, minX, maxX)"))),
        Example(name: "createTable, SQLite options and a collation", operation: .createTable({
            var table = Table(TableName("events"), columns: [
                Column("id", .integer, isPrimaryKey: true, isIdentity: true), Column("name", .text, isNullable: false),
            ])
            table.columns[1].collation = "NOCASE"
            table.sqliteOptions = SQLiteTableOptions(isStrict: true, autoincrement: true)
            return table
        }())),
        Example(name: "createTable, identity kinds, serial and generated columns", operation: .createTable({
            var table = Table(TableName("orders"), columns: [
                Column("id", .bigInteger, isPrimaryKey: true), Column("number", .integer, isNullable: false),
                Column("legacy", .integer), Column("price", .integer), Column("total", .integer), Column("label", .text),
            ])
            table.columns[0].identity = .always
            table.columns[1].identity = .serial
            table.columns[2].identity = .byDefault
            table.columns[4].generated = .stored("price * 2")
            table.columns[5].generated = .virtual("'#' || number")
            return table
        }())),
        Example(name: "createTable, a key that does not auto-increment", operation: .createTable({
            var table = Table(TableName("codes"), columns: [Column("id", .integer, isPrimaryKey: true)])
            table.columns[0].autoincrement = false
            return table
        }())),
        Example(name: "alterColumn, identity", operation: .alterColumn(TableName("orders"), column: "id", changes: {
            var changes = ColumnChanges()
            changes.identity = .some(.byDefault)
            changes.existingIdentity = .some(.serial)
            return changes
        }())),
        Example(name: "alterColumn, identity dropped", operation: .alterColumn(TableName("orders"), column: "id", changes: {
            var changes = ColumnChanges()
            changes.identity = .some(nil)
            changes.existingIdentity = .some(.always)
            return changes
        }())),
        Example(name: "alterColumn, expression dropped", operation: .alterColumn(TableName("items"), column: "total", changes: {
            var changes = ColumnChanges(existingType: .integer, existingNullable: true)
            changes.generated = .some(nil)
            changes.existingGenerated = .some(.stored("price * 2"))
            return changes
        }())),
        Example(name: "alterColumn, made generated", operation: .alterColumn(TableName("items"), column: "label", changes: {
            var changes = ColumnChanges(existingType: .text)
            changes.generated = .some(.virtual("'#' || number"))
            changes.existingGenerated = .some(nil)
            return changes
        }())),
        Example(name: "createTable, identity and serial sequence options", operation: .createTable({
            var table = Table(TableName("orders"), columns: [
                Column("id", .bigInteger, isPrimaryKey: true), Column("number", .integer, isNullable: false),
            ])
            table.columns[0].identity = .always
            table.columns[0].sequence = SequenceOptions(start: 1000, increment: 10)
            table.columns[1].identity = .serial
            table.columns[1].sequence = SequenceOptions(increment: -1, minValue: -500, maxValue: 0, cache: 20, cycle: true)
            return table
        }())),
        Example(name: "addColumn, identity with sequence options", operation: .addColumn(TableName("orders"), {
            var column = Column("seq", .integer, isNullable: false)
            column.identity = .byDefault
            column.sequence = SequenceOptions(start: 5)
            return column
        }())),
        Example(name: "alterColumn, sequence options", operation: .alterColumn(TableName("orders"), column: "id", changes: {
            var changes = ColumnChanges()
            changes.existingIdentity = .some(.byDefault)
            changes.sequence = SequenceOptions(start: 100, increment: 5)
            changes.existingSequence = SequenceOptions()
            return changes
        }())),
        Example(name: "alterColumn, identity and sequence options", operation: .alterColumn(TableName("orders"), column: "id", changes: {
            var changes = ColumnChanges()
            changes.identity = .some(.serial)
            changes.existingIdentity = .some(nil)
            changes.sequence = SequenceOptions(cache: 50)
            changes.existingSequence = SequenceOptions()
            return changes
        }())),
        Example(name: "alterTableOptions", operation: .alterTableOptions(
            TableName("events"), SQLiteTableOptions(isStrict: true, isWithoutRowid: false, autoincrement: true))),
        Example(name: "alterTableOptions, none", operation: .alterTableOptions(TableName("events"), SQLiteTableOptions())),
        Example(name: "alterColumn, collation", operation: .alterColumn(TableName("events"), column: "name", changes: {
            var changes = ColumnChanges()
            changes.collation = .some("NOCASE")
            changes.existingCollation = .some(nil)
            return changes
        }())),
        Example(name: "alterColumn, drop collation", operation: .alterColumn(TableName("events"), column: "name", changes: {
            var changes = ColumnChanges()
            changes.collation = .some(nil)
            changes.existingCollation = .some("NOCASE")
            return changes
        }())),
        Example(name: "dropTable", operation: .dropTable(accounts)),
        Example(name: "dropTable with definition", operation: .dropTable(fullTable.name, definition: fullTable)),
        Example(name: "renameTable", operation: .renameTable(audit, to: "audit_events")),
        Example(name: "addColumn", operation: .addColumn(accounts, Column("nick", .string(length: 20), comment: "shown"))),
        Example(name: "dropColumn", operation: .dropColumn(audit, column: "payload")),
        Example(name: "dropColumn with definition", operation: .dropColumn(
            accounts, column: "nick", definition: Column("nick", .string(length: 20), isNullable: false))),
        Example(name: "alterColumn, everything set", operation: .alterColumn(audit, column: "kind", changes: ColumnChanges(
            newName: "event_kind", type: .string(length: 40), isNullable: false, defaultValue: .some(.string("x")),
            comment: .some("the kind"), existingType: .text, existingNullable: true,
            existingDefault: .some(.expression("'y'")), existingComment: .some("old")))),
        Example(name: "alterColumn, drops", operation: .alterColumn(accounts, column: "email", changes: ColumnChanges(
            defaultValue: .some(nil), comment: .some(nil), existingDefault: .some(nil), existingComment: .some(nil)))),
        Example(name: "alterColumn, nothing", operation: .alterColumn(accounts, column: "email", changes: ColumnChanges())),
        Example(name: "createIndex", operation: .createIndex(Index(name: "ix_email", table: accounts, columns: ["email", "id"]))),
        Example(name: "createIndex, expressions, partial", operation: .createIndex(Index(
            name: "ix_expr", table: audit, keys: [.expression("lower(kind)"), .column("id")], isUnique: true,
            predicate: "kind IS NOT NULL"))),
        Example(name: "createIndex, method, key options, include", operation: .createIndex(Index(
            name: "ix_search", table: audit,
            keys: [
                .expression("to_tsvector('english', kind)", operatorClass: "tsvector_ops"),
                .column("id", collation: "C", descending: true, nulls: .last), .column("kind", nulls: .first),
            ],
            method: "gin", include: ["a", "b"]))),
        Example(name: "createTable, key out of column order, current timestamp", operation: .createTable({
            var table = Table(audit, columns: [
                Column("id", .integer, isPrimaryKey: true),
                Column("at", .dateTime(timezone: true), isPrimaryKey: true, defaultValue: .currentTimestamp),
            ], indexes: [Index(name: "ix_at", table: audit, keys: [.column("at", descending: true)], method: "brin")])
            table.primaryKeyOrder = ["at", "id"]
            return table
        }())),
        Example(name: "dropIndex", operation: .dropIndex(name: "ix_email", table: accounts)),
        Example(name: "dropIndex with definition", operation: .dropIndex(
            name: "ix_expr", table: audit,
            definition: Index(name: "ix_expr", table: audit, keys: [.expression("lower(kind)")], isUnique: true))),
        Example(name: "createUniqueConstraint", operation: .createUniqueConstraint(
            accounts, UniqueConstraint(name: "uq_email", columns: ["email"]))),
        Example(name: "createUniqueConstraint, unnamed", operation: .createUniqueConstraint(
            audit, UniqueConstraint(columns: ["a", "b"]))),
        Example(name: "createCheckConstraint", operation: .createCheckConstraint(
            accounts, CheckConstraint(name: "ck_email", expression: "email LIKE '%@%'"))),
        Example(name: "createCheckConstraint, unnamed", operation: .createCheckConstraint(
            accounts, CheckConstraint(expression: "id > 0"))),
        Example(name: "createForeignKey", operation: .createForeignKey(audit, ForeignKey(
            name: "fk_events_account", columns: ["account_id"], references: TableName("accounts", schema: "auth"),
            referencedColumns: ["id"], onDelete: .setNull, onUpdate: .restrict))),
        Example(name: "createForeignKey, deferrable, match full", operation: .createForeignKey(audit, ForeignKey(
            name: "fk_later", columns: ["account_id"], references: TableName("accounts"), referencedColumns: ["id"],
            onUpdate: .cascade, deferrable: .deferred, match: .full))),
        Example(name: "createTable, deferrable key inside", operation: .createTable(Table(audit, columns: [Column("a", .integer)],
            foreignKeys: [ForeignKey(columns: ["a"], references: TableName("p"), referencedColumns: ["id"], deferrable: .immediate)]))),
        Example(name: "createForeignKey, unnamed", operation: .createForeignKey(accounts, ForeignKey(
            columns: ["a", "b"], references: TableName("other"), referencedColumns: ["x", "y"], onDelete: .setDefault))),
        Example(name: "createPrimaryKey", operation: .createPrimaryKey(audit, name: "pk_events", columns: ["id"])),
        Example(name: "createPrimaryKey, unnamed", operation: .createPrimaryKey(accounts, name: nil, columns: ["a", "b"])),
        Example(name: "dropConstraint unique", operation: .dropConstraint(accounts, name: "uq_email", kind: .unique)),
        Example(name: "dropConstraint check", operation: .dropConstraint(accounts, name: "ck", kind: .check)),
        Example(name: "dropConstraint foreign key", operation: .dropConstraint(audit, name: "fk", kind: .foreignKey)),
        Example(name: "dropConstraint primary key", operation: .dropConstraint(audit, name: "pk", kind: .primaryKey)),
        Example(name: "setTableComment", operation: .setTableComment(audit, comment: "what happened", previous: "old")),
        Example(name: "setTableComment, remove", operation: .setTableComment(accounts, comment: nil)),
        Example(name: "createView", operation: .createView(View(accounts, definition: "SELECT id, email\nFROM accounts"))),
        Example(name: "createView, materialized", operation: .createView(View(
            audit, definition: "SELECT kind, count(*) AS n FROM audit.events GROUP BY kind", isMaterialized: true))),
        Example(name: "dropView", operation: .dropView(accounts, materialized: false)),
        Example(name: "dropView with definition", operation: .dropView(
            audit, materialized: true, definition: "SELECT 1 AS \"one\"")),
        Example(name: "createTrigger", operation: .createTrigger(Trigger(
            "touch", on: audit, definition: "CREATE TRIGGER touch BEFORE UPDATE ON audit.events FOR EACH ROW EXECUTE FUNCTION touch()"))),
        Example(name: "dropTrigger", operation: .dropTrigger(name: "touch", table: accounts)),
        Example(name: "dropTrigger with definition", operation: .dropTrigger(
            name: "touch", table: audit, definition: "CREATE TRIGGER touch AFTER INSERT ON events BEGIN SELECT 1; END")),
        Example(name: "createSequence", operation: .createSequence(DatabaseSequence(TableName("numbers")))),
        Example(name: "createSequence, every option", operation: .createSequence(DatabaseSequence(
            TableName("numbers", schema: "audit"), start: -5, increment: -1, minValue: -100, maxValue: -1, cache: 10,
            cycles: true, ownerTable: TableName("events", schema: "audit"), ownerColumn: "n"))),
        Example(name: "alterSequence", operation: .alterSequence(
            DatabaseSequence(TableName("numbers"), increment: 2), previous: DatabaseSequence(TableName("numbers"), start: 7))),
        Example(name: "alterSequence, no previous", operation: .alterSequence(DatabaseSequence(TableName("numbers"), cache: 3))),
        Example(name: "dropSequence", operation: .dropSequence(TableName("numbers"))),
        Example(name: "dropSequence with definition", operation: .dropSequence(
            TableName("numbers", schema: "audit"), definition: DatabaseSequence(TableName("numbers", schema: "audit"), start: 3))),
        Example(name: "createDomain", operation: .createDomain(Domain(TableName("year"), baseType: .integer))),
        Example(name: "createDomain, everything", operation: .createDomain(Domain(
            TableName("year", schema: "audit"), baseType: .numeric(precision: 4, scale: 0), isNullable: false,
            defaultValue: .integer(2000),
            checks: [CheckConstraint(name: "year_check", expression: "VALUE >= 1901"), CheckConstraint(expression: "VALUE < 3000")]))),
        Example(name: "alterDomain", operation: .alterDomain(
            Domain(TableName("year"), baseType: .integer, defaultValue: .integer(1)),
            previous: Domain(TableName("year"), baseType: .integer))),
        Example(name: "dropDomain", operation: .dropDomain(TableName("year"))),
        Example(name: "dropDomain with definition", operation: .dropDomain(
            TableName("year"), definition: Domain(TableName("year"), baseType: .text, isNullable: false))),
        Example(name: "createEnumeration", operation: .createEnumeration(TableName("mood_new", schema: "app"), values: ["a", "b"])),
        Example(name: "dropEnumeration", operation: .dropEnumeration(TableName("mood"))),
        Example(name: "dropEnumeration with values", operation: .dropEnumeration(TableName("mood"), values: ["a"])),
        Example(name: "renameEnumeration", operation: .renameEnumeration(TableName("mood_new"), to: "mood")),
        Example(name: "addEnumerationValue", operation: .addEnumerationValue(TableName("mood"), value: "c")),
        Example(name: "addEnumerationValue, before", operation: .addEnumerationValue(
            TableName("mood", schema: "app"), value: "c", before: "a")),
        Example(name: "addEnumerationValue, after", operation: .addEnumerationValue(TableName("mood"), value: "c", after: "b")),
        Example(name: "dropEnumerationValue", operation: .dropEnumerationValue(
            TableName("mood", schema: "app"), value: "c", after: "b")),
        Example(name: "renameEnumerationValue", operation: .renameEnumerationValue(TableName("mood"), from: "a", to: "z")),
        Example(name: "createSchema", operation: .createSchema("audit")),
        Example(name: "dropSchema", operation: .dropSchema("audit")),
        Example(name: "createExtension", operation: .createExtension(DatabaseExtension("citext"))),
        Example(name: "createExtension, everything", operation: .createExtension(
            DatabaseExtension("pg_trgm", schema: "extensions", version: "1.6"))),
        Example(name: "alterExtension", operation: .alterExtension("citext", version: "1.6", previous: "1.5")),
        Example(name: "alterExtension, no previous", operation: .alterExtension("citext", version: "1.6")),
        Example(name: "dropExtension", operation: .dropExtension("citext", definition: DatabaseExtension("citext"))),
        Example(name: "dropExtension, everything", operation: .dropExtension(
            "pg_trgm", definition: DatabaseExtension("pg_trgm", schema: "extensions", version: "1.6"))),
        Example(name: "createFunction", operation: .createFunction(Function(
            TableName("add_one"), arguments: "integer",
            definition: "CREATE FUNCTION add_one(n integer) RETURNS integer\n LANGUAGE sql\nAS $$ SELECT n + 1 $$"))),
        Example(name: "createFunction, procedure in a schema", operation: .createFunction(Function(
            TableName("archive", schema: "audit"), arguments: "text, integer", isProcedure: true,
            definition: "CREATE PROCEDURE audit.archive(IN why text, days int DEFAULT 30, OUT n integer) LANGUAGE plpgsql AS $body$ BEGIN n := days; END $body$"))),
        Example(name: "replaceFunction", operation: .replaceFunction(
            Function(TableName("add_one"), arguments: "integer", definition: "CREATE OR REPLACE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 2'"),
            previous: Function(TableName("add_one"), arguments: "integer", definition: "CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'"))),
        Example(name: "dropFunction", operation: .dropFunction(TableName("add_one"), arguments: "integer")),
        Example(name: "dropFunction, procedure with definition", operation: .dropFunction(
            TableName("archive", schema: "audit"), arguments: "", procedure: true,
            definition: "CREATE PROCEDURE audit.archive() LANGUAGE sql AS $$ SELECT 1 $$")),
        Example(name: "createTable, partitioned", operation: .createTable({
            var table = Table(accounts, columns: [Column("id", .integer, isNullable: false), Column("at", .date, isNullable: false)])
            table.partitionKey = .range("at, (id % 4)")
            return table
        }())),
        Example(name: "createTable, a partition", operation: .createTable({
            var table = Table(
                TableName("accounts_2024", schema: "audit"), columns: [],
                checkConstraints: [CheckConstraint(name: "ck", expression: "id > 0")])
            table.partitionOf = TablePartition(
                of: TableName("accounts", schema: "audit"), bound: "FOR VALUES FROM ('2024-01-01') TO (MAXVALUE)")
            table.partitionKey = .list("id")
            return table
        }())),
        Example(name: "attachPartition", operation: .attachPartition(
            TableName("accounts_old"), TablePartition(of: accounts, bound: "FOR VALUES IN ('a', 'b')"))),
        Example(name: "detachPartition, in a schema", operation: .detachPartition(
            TableName("e_1", schema: "audit"), TablePartition(of: TableName("e", schema: "audit"), bound: "DEFAULT"))),
        Example(name: "execute", operation: .execute("UPDATE \"t\" SET a = 'x\\y' -- \"#\n WHERE b = \"\"\"#")),
        Example(name: "bulkInsert, sorted columns", operation: .bulkInsert(accounts, columns: ["a", "b", "c"], rows: [
            [.integer(1), .string("o'k \"q\""), .null],
            [.integer(-7), .double(2.5), .boolean(false)],
        ])),
        Example(name: "bulkInsert, column order kept", operation: .bulkInsert(audit, columns: ["z", "a"], rows: [
            [.boolean(true), .double(-1e-7)],
        ])),
        Example(name: "bulkInsert, no rows", operation: .bulkInsert(accounts, columns: ["a"], rows: [])),
        Example(name: "backfill", operation: .backfill(Backfill(
            table: accounts, assignments: [.init(column: "z", expression: "lower(email)"), .init(column: "a", expression: "'x'")],
            condition: "z IS NULL"))),
        Example(name: "backfill, key, batch size and schema", operation: .backfill(Backfill(
            table: audit, assignments: [.init(column: "slug", expression: "replace(\"name\", ' ', '-')")],
            condition: "slug IS NULL", key: "uuid", batchSize: 250))),
        Example(name: "run, labelled", operation: .swiftCode(label: "fill in \"slugs\"")),
        Example(name: "run", operation: .swiftCode(label: nil)),
    ]

    @Test(arguments: examples)
    func roundTrip(_ example: Example) throws {
        let text = SwiftMigrationWriter.render(
            revision: "r1", downRevisions: ["r0"], message: example.name, upgrade: [example.operation],
            downgrade: example.operation.reversed.map { [$0] } ?? [])
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "r1.swift")
        #expect(revision.upgrade == [example.operation], "\(text)")
        #expect(revision.downgrade == (example.operation.reversed.map { [$0] } ?? []))
    }

    /// A generated column dropped and added again says why, above the drop, and reads back the same.
    @Test func aReplacedGeneratedColumnIsExplained() throws {
        var old = Column("total", .integer)
        old.generated = .stored("price * 2")
        var new = old
        new.generated = .stored("price * 3")
        let operations: [MigrateCore.Operation] = [
            .dropColumn(TableName("items"), column: "total", definition: old), .addColumn(TableName("items"), new),
        ]
        let text = SwiftMigrationWriter.render(revision: "r1", downRevisions: ["r0"], message: "m", upgrade: operations)
        let note = "\n        // No engine changes a generated column's expression in place: total is dropped and added again.\n"
        #expect(text.contains(note + "        op.dropColumn("), "\(text)")
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "r1.swift")
        #expect(revision.upgrade == operations)
    }

    /// A column that stops being generated is altered in place and keeps its values: the comment
    /// says so, the file spells it `dropExpression: true`, and it reads back the same, with a
    /// downgrade that makes it generated again; one that becomes generated is computed anew.
    @Test func aGeneratedColumnTurningPlainKeepsItsValues() throws {
        let changes: ColumnChanges = {
            var changes = ColumnChanges(existingType: .integer, existingNullable: true)
            changes.generated = .some(nil)
            changes.existingGenerated = .some(.stored("price * 2"))
            return changes
        }()
        let upgrade = MigrateCore.Operation.alterColumn(TableName("items"), column: "total", changes: changes)
        let downgrade = try #require(upgrade.reversed)
        let text = SwiftMigrationWriter.render(
            revision: "r1", downRevisions: ["r0"], message: "m", upgrade: [upgrade], downgrade: [downgrade])
        #expect(text.contains(
            """
                    // total stops being generated: it keeps the values it holds, and inserts and updates may set it.
                    op.alterColumn("items", "total", newName: nil, existingType: .integer, existingNullable: true, dropExpression: true, existingGenerated: .stored("price * 2"))
            """), "\(text)")
        #expect(text.contains(
            """
                    // total becomes generated: it is dropped and added again (SQLite rebuilds the table), its values computed from the expression.
                    op.alterColumn("items", "total", newName: nil, existingType: .integer, existingNullable: true, generated: .stored("price * 2"), existingGenerated: .some(nil))
            """), "\(text)")
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "r1.swift")
        #expect(revision.upgrade == [upgrade])
        #expect(revision.downgrade == [downgrade])

        var generated = Column("total", .integer)
        generated.generated = .stored("price * 2")
        let turningGenerated = SwiftMigrationWriter.render(
            revision: "r1", downRevisions: ["r0"], message: "m",
            upgrade: [.dropColumn(TableName("items"), column: "total", definition: Column("total", .integer)), .addColumn(TableName("items"), generated)])
        #expect(turningGenerated.contains("// total becomes generated: it is dropped and added again, its values computed from the expression.\n"))
    }

    @Test func everyOperationCaseHasAnExample() {
        func caseName(_ operation: MigrateCore.Operation) -> String {
            String(String(describing: operation).prefix { $0 != "(" })
        }
        let covered = Set(Self.examples.map { caseName($0.operation) })
        #expect(covered == [
            "createTable", "dropTable", "renameTable", "addColumn", "dropColumn", "alterColumn", "createIndex",
            "dropIndex", "createUniqueConstraint", "createCheckConstraint", "createForeignKey", "createPrimaryKey",
            "dropConstraint", "setTableComment", "alterTableOptions", "execute", "bulkInsert", "swiftCode",
            "createView", "dropView", "createTrigger", "dropTrigger", "createSequence", "alterSequence", "dropSequence",
            "createDomain", "alterDomain", "dropDomain", "createFunction", "replaceFunction", "dropFunction", "backfill",
            "createEnumeration", "dropEnumeration", "renameEnumeration", "addEnumerationValue", "dropEnumerationValue",
            "renameEnumerationValue", "createSchema", "dropSchema", "createExtension", "alterExtension", "dropExtension",
            "attachPartition", "detachPartition",
        ])
    }

    @Test func newRevisionSkeleton() {
        let text = SwiftMigrationWriter.render(
            revision: "1975ea83b712", downRevisions: ["27c6a30d7c24", "0a1b2c3d4e5f"], branchLabels: ["accounts"],
            dependsOn: ["99aa"], message: "add accounts\n  and \"quotes\"", isTransactional: false)
        #expect(text == """
            import MigrateKit

            /// add accounts and "quotes"
            enum Rev_1975ea83b712: Migration {
                static let revision = "1975ea83b712"
                static let downRevision: [String] = ["27c6a30d7c24", "0a1b2c3d4e5f"]
                static let branchLabels: [String] = ["accounts"]
                static let dependsOn: [String] = ["99aa"]
                static let transactional = false

                static func upgrade(_ op: Operations) {
                }

                static func downgrade(_ op: Operations) {
                }
            }

            """)
        let revision = try? SwiftMigrationFile.revision(parsing: text, path: "x.swift")
        #expect(revision == Revision(
            id: "1975ea83b712", downRevisions: ["27c6a30d7c24", "0a1b2c3d4e5f"], branchLabels: ["accounts"],
            dependsOn: ["99aa"], message: "add accounts and \"quotes\"", path: "x.swift", isTransactional: false))
    }

    @Test func operationsLayout() {
        let text = SwiftMigrationWriter.render(
            revision: "b2", downRevisions: [], message: "labels",
            upgrade: [
                .createTable(Table(TableName("labels"), columns: [
                    Column("id", .integer, isPrimaryKey: true),
                    Column("name", .string(length: 50), isNullable: false),
                ], foreignKeys: [ForeignKey(columns: ["id"], references: TableName("x"), referencedColumns: ["id"], onDelete: .cascade)])),
                .bulkInsert(TableName("labels"), columns: ["id", "name"], rows: [[.integer(1), .string("a")]]),
            ],
            downgrade: [.dropTable(TableName("labels"))])
        #expect(text == """
            import MigrateKit

            /// labels
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = []

                static func upgrade(_ op: Operations) {
                    op.createTable("labels",
                        Column("id", .integer, primaryKey: true),
                        Column("name", .string(length: 50), nullable: false),
                        ForeignKey(["id"], references: "x", ["id"], onDelete: .cascade))
                    op.bulkInsert("labels", rows: [
                            ["id": 1, "name": "a"],
                        ])
                }

                static func downgrade(_ op: Operations) {
                    op.dropTable("labels")
                }
            }

            """)
    }
}

/// The parse cache's encoding restores exactly what the interpreter read.
@Suite struct RevisionCodingTests {
    @Test(arguments: WriterTests.examples)
    func encodingRoundTrips(_ example: WriterTests.Example) {
        var revision = Revision(
            id: "r1", downRevisions: ["a", "b"], branchLabels: ["l"], dependsOn: ["d"], message: "m é",
            isTransactional: false, upgrade: [example.operation], downgrade: [.execute("x"), example.operation])
        revision.upgradeLines = [3]
        revision.downgradeLines = [7, 8000]
        let decoded = RevisionCoding.decode(RevisionCoding.encode(revision), path: "p.swift")
        revision.path = "p.swift"
        #expect(decoded == revision)
    }

    /// Graph commands decode only the header: everything but the operations and their lines.
    @Test func theHeaderDecodesAloneWithoutTheOperations() {
        var revision = Revision(
            id: "r1", downRevisions: ["a", "b"], branchLabels: ["l"], dependsOn: ["d"], message: "m é",
            isTransactional: false, upgrade: [.execute("SELECT 1")], downgrade: [.execute("SELECT 2")])
        revision.upgradeLines = [3]
        revision.downgradeLines = [7]
        let bytes = RevisionCoding.encode(revision)
        let header = RevisionCoding.decode(bytes, path: "p.swift", operations: false)
        #expect(header == Revision(
            id: "r1", downRevisions: ["a", "b"], branchLabels: ["l"], dependsOn: ["d"], message: "m é",
            path: "p.swift", isTransactional: false))
        #expect(RevisionCoding.decode(bytes, path: "p.swift")?.upgrade == [.execute("SELECT 1")])
    }

    @Test func truncatedBytesAreRejected() {
        let bytes = RevisionCoding.encode(Revision(id: "r1", upgrade: [.execute("SELECT 1")]))
        for length in 0..<bytes.count {
            #expect(RevisionCoding.decode(Array(bytes.prefix(length)), path: "p") == nil)
        }
        #expect(RevisionCoding.decode(bytes + [0], path: "p") == nil)
    }

    @Test func cacheStoresAndReturnsByChecksum() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("parse-cache-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = ParseCache(folder: folder)
        #expect(empty.revision(checksum: "abc", path: "x.swift") == nil)
        let nine = Revision(id: "r9", message: "nine", upgrade: [.execute("SELECT 9")])
        empty.update(["abc": RevisionCoding.encode(nine)])

        let cache = ParseCache(folder: folder)
        #expect(cache.revision(checksum: "abc", path: "y.swift")
            == Revision(id: "r9", message: "nine", path: "y.swift", upgrade: [.execute("SELECT 9")]))
        #expect(cache.entry(checksum: "abc") == RevisionCoding.encode(nine))
        #expect(cache.revision(checksum: "abd", path: "y.swift") == nil)

        // A damaged file is an empty cache.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: cache.path))
        #expect(ParseCache(folder: folder).revision(checksum: "abc", path: "y.swift") == nil)
    }

    /// A revision holding every kind of value the model has, encoded once with its digest
    /// recorded: when the model's shape or the coder changes, the digest changes, and
    /// `RevisionCoding.formatVersion` must be bumped with it, so that caches written before are
    /// ignored rather than misread.
    @Test func encodingIsPinnedToTheFormatVersion() {
        let events = TableName("events", schema: "audit")
        let revision = Revision(
            id: "pinned", downRevisions: ["a", "b"], branchLabels: ["l"], dependsOn: ["d"], message: "m",
            longDescription: "why\n\nmore", createDate: "2026-12-06 04:30:00.123456", isTransactional: false,
            upgrade: [
                .createTable(WriterTests.fullTable),
                .dropTable(events, definition: Table(events, columns: [Column("id", .uuid)])),
                .renameTable(events, to: "e"),
                .addColumn(events, Column("n", .string(length: nil), isIdentity: true, defaultValue: .integer(-3))),
                .dropColumn(events, column: "n", definition: Column("n", .json, defaultValue: .boolean(false))),
                .alterColumn(events, column: "k", changes: ColumnChanges(
                    newName: "kind", type: .dateTime(timezone: false), isNullable: false, defaultValue: .some(nil),
                    comment: .some("c"), existingType: .binary, existingNullable: true,
                    existingDefault: .some(.double(0.5)), existingComment: .some(nil))),
                .alterColumn(events, column: "g", changes: {
                    var changes = ColumnChanges(existingType: .integer)
                    changes.generated = .some(nil)
                    changes.existingGenerated = .some(.virtual("a + 1"))
                    return changes
                }()),
                .alterColumn(events, column: "id", changes: {
                    var changes = ColumnChanges()
                    changes.existingIdentity = .some(.always)
                    changes.sequence = SequenceOptions(start: 100, increment: -5, minValue: -9, maxValue: 200, cache: 3, cycle: true)
                    changes.existingSequence = SequenceOptions()
                    return changes
                }()),
                .createIndex(Index(name: "ix", table: events, keys: [.expression("lower(k)"), .column("id")], isUnique: true,
                                   predicate: "id > 0")),
                .dropIndex(name: "ix", table: events, definition: Index(name: "ix", table: events, columns: ["id"])),
                .createUniqueConstraint(events, UniqueConstraint(name: "uq", columns: ["a"])),
                .createCheckConstraint(events, CheckConstraint(expression: "a > 0")),
                .createForeignKey(events, ForeignKey(columns: ["a"], references: TableName("t"), referencedColumns: ["id"],
                                                     onDelete: .setDefault, onUpdate: .noAction)),
                .createPrimaryKey(events, name: nil, columns: ["id"]),
                .createIndex(Index(
                    name: "ix2", table: events,
                    keys: [.column("a", collation: "C", operatorClass: "o", descending: true, nulls: .first)],
                    method: "gin", include: ["b"])),
                .createForeignKey(events, ForeignKey(columns: ["a"], references: TableName("t"), referencedColumns: ["id"],
                                                     deferrable: .deferred, match: .full)),
                .addColumn(events, Column("at", .dateTime(timezone: true), defaultValue: .currentTimestamp)),
                .dropConstraint(events, name: "uq", kind: .unique),
                .setTableComment(events, comment: nil, previous: "p"),
                .createTable({
                    var table = Table(TableName("e_1", schema: "audit"), columns: [])
                    table.partitionOf = TablePartition(of: events, bound: "DEFAULT")
                    table.partitionKey = .hash("id")
                    return table
                }()),
                .attachPartition(TableName("e_2"), TablePartition(of: events, bound: "FOR VALUES IN (2)")),
                .detachPartition(TableName("e_2"), TablePartition(of: events, bound: "FOR VALUES IN (2)")),
                .execute("SELECT 1"),
                .bulkInsert(events, columns: ["a", "b"], rows: [
                    [.null, .integer(-1)], [.double(-1e-7), .string("é")], [.boolean(true), .null],
                ]),
            ],
            downgrade: [.execute("SELECT 2")])
        var withLines = revision
        withLines.upgradeLines = [1, 200]
        withLines.downgradeLines = [70000]
        let digest = SHA256.hex(RevisionCoding.encode(withLines))
        #expect(
            "v\(RevisionCoding.formatVersion) \(digest)"
                == "v11 a9e4214d8c6c605aedb9d204ea92d0198762ea159849c8c6ea79f08ccb91e1b1",
            "the parse cache's encoding changed: bump RevisionCoding.formatVersion, then record the new digest here")
    }

    @Test func aCacheOfAnotherFormatVersionIsNotRead() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("parse-cache-\(UInt64.random(in: 0...UInt64.max))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let nine = Revision(id: "r9", message: "nine", upgrade: [.execute("SELECT 9")])
        ParseCache(folder: folder).update(["abc": RevisionCoding.encode(nine)])
        let current = "swift-v\(RevisionCoding.formatVersion).cache"
        #expect(ParseCache(folder: folder).path.hasSuffix("/" + current))

        // The same entries under an earlier version's name are someone else's format.
        try FileManager.default.moveItem(atPath: folder + "/" + current, toPath: folder + "/swift-v1.cache")
        #expect(ParseCache(folder: folder).revision(checksum: "abc", path: "x.swift") == nil)
    }

    @Test func entriesRoundTrip() {
        let entries = ["b": [UInt8](), "a": [1, 2, 255]]
        #expect(RevisionCoding.decode(entries: RevisionCoding.encode(entries: entries)) == entries)
        #expect(RevisionCoding.decode(entries: Array(RevisionCoding.encode(entries: entries).dropLast())) == nil)
    }
}

/// The checksum an app records for a compiled migration, which the command line recomputes from
/// the file it reads.
@Suite struct OperationChecksumTests {
    @Test func itIsMarkedAndFitsTheHistoryTable() {
        let checksum = OperationChecksum.checksum(upgrade: [.execute("SELECT 1")], downgrade: [])
        #expect(checksum.hasPrefix("ops-") && checksum.utf8.count == 64)
        #expect(OperationChecksum.isOperationChecksum(checksum))
        #expect(!OperationChecksum.isOperationChecksum(SHA256.hex("text".utf8)))
    }

    /// Operations decide it: their order and direction, a label; nothing else.
    @Test func onlyTheOperationsDecideIt() {
        let base = OperationChecksum.checksum(upgrade: [.execute("A"), .swiftCode(label: "x")], downgrade: [.execute("B")])
        #expect(base == OperationChecksum.checksum(upgrade: [.execute("A"), .swiftCode(label: "x")], downgrade: [.execute("B")]))
        #expect(base != OperationChecksum.checksum(upgrade: [.swiftCode(label: "x"), .execute("A")], downgrade: [.execute("B")]))
        #expect(base != OperationChecksum.checksum(upgrade: [.execute("A"), .swiftCode(label: "y")], downgrade: [.execute("B")]))
        #expect(base != OperationChecksum.checksum(upgrade: [.execute("A"), .swiftCode(label: "x"), .execute("B")], downgrade: []))
    }
}
