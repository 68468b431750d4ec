import MigrateKit

/// every operation and schema form the interpreter reads, compiled too
enum Rev_everything: Migration {
    static let revision = "everything"
    static let downRevision: [String] = ["a1", "b2"]
    static let branchLabels: [String] = ["all"]
    static let dependsOn: [String] = ["c3"]
    static let transactional = false

    static func upgrade(_ op: Operations) {
        op.createTable("memberships",
            Column("account_id", .bigInteger, nullable: false),
            Column("project_id", .integer, nullable: false, comment: "the project"),
            Column("role", .enumeration(name: "role", values: ["owner", "member"]), default: .string("member")),
            Column("joined_at", .dateTime(timezone: true), nullable: false, default: .expression("now()")),
            Column("score", .numeric(precision: 8, scale: 3), default: .double(-0.5)),
            Column("rank", .smallInteger, default: .integer(-1)),
            Column("active", .boolean, default: .boolean(true)),
            Column("key", .uuid, identity: false),
            Column("seq", .integer, identity: true),
            Column("doc", .custom("tsvector")),
            PrimaryKey(["account_id", "project_id"], name: "pk_memberships"),
            ForeignKey(["account_id"], references: "accounts", ["id"], referencedSchema: "auth", onDelete: .cascade,
                       onUpdate: .restrict, name: "fk_account"),
            ForeignKey(["project_id"], references: "projects", ["id"], onDelete: .setNull),
            UniqueConstraint(["project_id", "role"], name: "uq_role"),
            UniqueConstraint(["key"]),
            CheckConstraint("rank >= -1", name: "ck_rank"),
            Index("ix_joined", columns: ["joined_at"], unique: true, where: "active"),
            Index("ix_lower_role", keys: [.expression("lower(role)"), .column("account_id")]),
            Index("ix_doc", keys: [.column("doc")], using: "gin", include: ["rank"]),
            Index("ix_ordered", keys: [.column("rank", collation: "C", operatorClass: "int2_ops", descending: true, nulls: .last),
                                       .expression("lower(role)", nulls: .first)]),
            schema: "app", comment: "who belongs where")
        op.createTable("payments",
            Column("payment_id", .integer, nullable: false),
            Column("paid_at", .dateTime(timezone: true), nullable: false, default: .currentTimestamp),
            PrimaryKey(["paid_at", "payment_id"]),
            ForeignKey(["payment_id"], references: "plain", ["id"], onUpdate: .cascade, deferrable: .deferred, match: .full))
        op.createTable("plain", Column("id", .integer, primaryKey: true), Column("t", .text))
        op.dropTable("old", schema: "app", definition: Table("old",
            Column("id", .integer, primaryKey: true), Column("b", .binary), Column("j", .json), Column("jb", .jsonb),
            schema: "app", comment: "gone"))
        op.createTable("events", Column("id", .integer, primaryKey: true, identity: true),
            Column("name", .text, collation: "NOCASE"), strict: true, autoincrement: true)
        op.alterTableOptions("events", withoutRowid: false, autoincrement: true)
        op.createTable("orders", Column("id", .bigInteger, primaryKey: true, identity: .always),
            Column("number", .integer, nullable: false, identity: .serial, sequence: SequenceOptions(increment: 10, cycle: true)),
            Column("price", .integer),
            Column("total", .integer, generated: .stored("price * 2")), Column("label", .text, generated: .virtual("'#' || number")))
        op.createTable("codes", Column("id", .integer, primaryKey: true, autoincrement: false))
        op.alterColumn("orders", "id", identity: true, existingIdentity: .always)
        op.alterColumn("orders", "number", identity: false, existingIdentity: .serial)
        op.alterColumn(
            "orders", "id", existingIdentity: true, sequence: SequenceOptions(start: 100, increment: 5),
            existingSequence: SequenceOptions())
        op.alterColumn("events", "name", collation: "BINARY", existingCollation: "NOCASE")
        op.alterColumn("events", "name", dropCollation: true, existingCollation: .some(nil))
        op.alterColumn("orders", "total", dropExpression: true, existingGenerated: .stored("price * 2"))
        op.alterColumn("orders", "total", existingType: .integer, generated: .stored("price * 2"), existingGenerated: .some(nil))
        op.createVirtualTable("search", using: "fts5(title, body, tokenize='porter')")
        op.dropTable("search", definition: Table(virtual: "search", using: "fts5(title, body)"))
        op.renameTable("plain", to: "simple")
        op.setTableComment("simple", "simple things", previous: nil)
        op.setTableComment("simple", nil, previous: "simple things")
        op.addColumn("simple", Column("d", .date))
        op.addColumn("simple", Column("tm", .time), schema: "app")
        op.dropColumn("simple", "tm", schema: "app", definition: Column("tm", .time))
        op.dropColumn("simple", "d")
        op.alterColumn("simple", "t", newName: "body", type: .string(length: nil), nullable: false, default: .string(""),
                       comment: "text", existingType: .text, existingNullable: true, existingDefault: .some(nil),
                       existingComment: .some(nil))
        op.alterColumn("simple", "body", dropDefault: true, dropComment: true, existingDefault: .string(""),
                       existingComment: "text")
        op.alterColumn("simple", "id", type: .float, existingType: .double)
        op.createIndex("ix_body", on: "simple", columns: ["body"])
        op.createIndex("ix_expr", on: "simple", keys: [.expression("lower(body)")], unique: true, where: "id > 0",
                       schema: "app")
        op.createIndex("ix_gin", on: "simple", columns: ["body"], using: "gin", include: ["id"])
        op.createIndex("ix_keys", on: "simple", keys: [.column("body", descending: true)], using: "btree")
        op.dropIndex("ix_body", on: "simple")
        op.dropIndex("ix_expr", on: "simple", schema: "app", definition: Index("ix_expr", keys: [.expression("lower(body)")]))
        op.createUniqueConstraint("uq_body", on: "simple", columns: ["body"])
        op.createUniqueConstraint(nil, on: "simple", columns: ["id", "body"], schema: "app")
        op.createCheckConstraint("ck_id", on: "simple", condition: "id > 0")
        op.createCheckConstraint(nil, on: "simple", condition: "body <> ''")
        op.createForeignKey("fk_simple", on: "simple", columns: ["id"], references: "memberships",
                            referencedColumns: ["seq"], onDelete: .setDefault, onUpdate: .noAction, schema: "app",
                            referencedSchema: "app")
        op.createForeignKey(nil, on: "simple", columns: ["id"], references: "plain", referencedColumns: ["id"])
        op.createForeignKey("fk_later", on: "simple", columns: ["id"], references: "plain", referencedColumns: ["id"],
                            deferrable: .immediate, match: .full)
        op.createPrimaryKey("pk_simple", on: "simple", columns: ["id"])
        op.createPrimaryKey(nil, on: "simple", columns: ["id"], schema: "app")
        op.dropConstraint("uq_body", on: "simple", kind: .unique)
        op.dropConstraint("ck_id", on: "simple", kind: .check)
        op.dropConstraint("fk_simple", on: "simple", kind: .foreignKey, schema: "app")
        op.dropConstraint("pk_simple", on: "simple", kind: .primaryKey)
        op.createSequence(DatabaseSequence("simple_numbers", start: 10, increment: 5, cycle: true))
        op.createSequence(DatabaseSequence("simple_owned", schema: "app", ownedByTable: "simple", ownedByColumn: "id"))
        op.alterSequence(DatabaseSequence("simple_numbers", increment: 1), previous: DatabaseSequence("simple_numbers", start: 10))
        op.dropSequence("simple_owned", schema: "app", definition: DatabaseSequence("simple_owned", schema: "app"))
        op.dropSequence("simple_numbers")
        op.createDomain(Domain("year", .integer, checks: [CheckConstraint("VALUE >= 1901", name: "year_check")]))
        op.createDomain(Domain("code", .string(length: 3), schema: "app", nullable: false, default: .string("abc")))
        op.alterDomain(Domain("year", .integer, default: .integer(2000)), previous: Domain("year", .integer))
        op.dropDomain("code", schema: "app", definition: Domain("code", .text, schema: "app"))
        op.dropDomain("year")
        op.createEnumeration("mood_new", values: ["happy", "calm"], schema: "app")
        op.dropEnumeration("mood", values: ["happy", "sad"])
        op.renameEnumeration("mood_new", to: "mood", schema: "app")
        op.addEnumerationValue("mood", "curious", after: "happy")
        op.addEnumerationValue("mood", "calm", before: "happy", schema: "app")
        op.renameEnumerationValue("mood", from: "sad", to: "blue")
        op.dropEnumerationValue("mood", "curious", after: "happy", schema: "app")
        op.createSchema("audit")
        op.dropSchema("audit")
        op.createExtension("citext")
        op.createExtension("pg_trgm", schema: "extensions", version: "1.6")
        op.alterExtension("citext", version: "1.6", previous: "1.5")
        op.dropExtension("pg_trgm", schema: "extensions", version: "1.6")
        op.createFunction("CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'")
        op.replaceFunction(
            "CREATE OR REPLACE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 2'",
            previous: "CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'")
        op.dropFunction("add_one", arguments: "integer", definition: "CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'")
        op.dropFunction("archive", arguments: "text", schema: "app", procedure: true)
        op.createTable("parted", Column("id", .integer, nullable: false), Column("at", .date, nullable: false),
                       partitionBy: .range("at"))
        op.createTable("parted_2024", UniqueConstraint(["id", "at"], name: "uq_parted_2024"), schema: "app",
                       partitionOf: "parted", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
        op.createTable("parted_other", partitionOf: "parted", bound: "DEFAULT")
        op.attachPartition("parted_2023", to: "parted", bound: "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')")
        op.detachPartition("parted_2023", from: "parted", bound: "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')", schema: "app")
        op.createView("simple_ids", as: "SELECT id FROM simple")
        op.createView("simple_counts", as: "SELECT count(*) AS n FROM simple", materialized: true, schema: "app")
        op.dropView("simple_ids")
        op.dropView("simple_counts", materialized: true, schema: "app", definition: "SELECT count(*) AS n FROM simple")
        op.createTrigger("simple_touch", on: "simple", "CREATE TRIGGER simple_touch AFTER INSERT ON simple BEGIN SELECT 1; END")
        op.dropTrigger("simple_touch", on: "simple", schema: "app", definition: "CREATE TRIGGER simple_touch AFTER INSERT ON simple BEGIN SELECT 1; END")
        op.execute("UPDATE simple SET body = 'a\\b \"c\"'")
        op.execute(#"SELECT '\d'"#)
        op.execute("""
            INSERT INTO simple (id, body)
            VALUES (1, 'x')
            """)
        op.bulkInsert("simple", rows: [
            ["id": 1, "body": "a", "ratio": 0.5, "flag": true, "none": nil],
            ["id": -2, "body": "b"],
        ])
        op.bulkInsert("simple", columns: ["body", "id"], rows: [["c", 3], [nil, 4]], schema: "app")
        op.backfill("simple", set: ["body": "upper(body)", "ratio": "0"], where: "body <> upper(body)")
        op.backfill("simple", set: ["body": "'x'"], where: "body IS NULL", key: "seq", batchSize: 50, schema: "app")
    }

    static func downgrade(_ op: Operations) {
        op.dropTable("memberships", schema: "app")
    }
}
