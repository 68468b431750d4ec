import Foundation
import MigrateCore
import MigratePostgres
import Testing
import TestSupport

/// Partitioned tables and their partitions declared in models, on a real PostgreSQL: created,
/// compared without the keys, indexes, constraints and triggers partitions inherit, attached,
/// detached and re-bounded, and put back when the database drifts.
@Suite struct PartitionCommandTests {
    /// The models; `later` adds a partition, moves one bound, attaches a table and detaches a
    /// partition.
    static func models(later: Bool) -> String {
        let payments2025Bound = later ? "FROM ('2025-01-01') TO ('2025-07-01')" : "FROM ('2025-01-01') TO ('2026-01-01')"
        let payments2023 = later
            ? #"Table("payments_2023", partitionOf: "payments", bound: "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')"),"#
            : """
            Table("payments_2023",
                        Column("id", .integer, nullable: false),
                        Column("customer_id", .integer, nullable: false),
                        Column("paid_on", .date, nullable: false),
                        Column("amount", .numeric(precision: 8, scale: 2)),
                        CheckConstraint("amount >= 0", name: "ck_payments_amount")),
            """
        let eventsLogin = later
            ? #"Table("events_login", Column("id", .integer, nullable: false), Column("kind", .text, nullable: false)),"#
            : #"Table("events_login", partitionOf: "events", bound: "FOR VALUES IN ('login', 'logout')"),"#
        let payments2026 = later
            ? #"Table("payments_2026", partitionOf: "payments", bound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')"),"#
            : ""
        return """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("customers", Column("id", .integer, primaryKey: true)),
                    Table("payments",
                        Column("id", .integer, nullable: false),
                        Column("customer_id", .integer, nullable: false),
                        Column("paid_on", .date, nullable: false),
                        Column("amount", .numeric(precision: 8, scale: 2)),
                        PrimaryKey(["paid_on", "id"]),
                        ForeignKey(["customer_id"], references: "customers", ["id"], name: "fk_payments_customer"),
                        CheckConstraint("amount >= 0", name: "ck_payments_amount"),
                        Index("ix_payments_customer", columns: ["customer_id"]),
                        partitionBy: .range("paid_on")),
                    Table("payments_2024", partitionOf: "payments", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"),
                    Table("payments_2025",
                        Index("ix_payments_2025_amount", columns: ["amount"]),
                        partitionOf: "payments", bound: "FOR VALUES \(payments2025Bound)"),
                    Table("payments_other", partitionOf: "payments", bound: "DEFAULT"),
                    \(payments2023)
                    \(payments2026)
                    Table("events", Column("id", .integer, nullable: false), Column("kind", .text, nullable: false),
                        partitionBy: .list("kind")),
                    \(eventsLogin)
                    Table("buckets", Column("id", .integer, nullable: false), partitionBy: .hash("id")),
                    Table("buckets_0", partitionOf: "buckets", bound: "FOR VALUES WITH (modulus 2, remainder 0)"),
                    Table("buckets_1", partitionOf: "buckets", bound: "FOR VALUES WITH (modulus 2, remainder 1)"),
                ]
                static let triggers: [Trigger] = [
                    Trigger("payments_seen", on: "payments", "CREATE TRIGGER payments_seen AFTER INSERT ON payments FOR EACH ROW EXECUTE FUNCTION seen()"),
                ]
            }

            """
    }

    static func environment() throws -> Environment {
        let env = try Environment(.postgresql)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"]}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        // The trigger's function is written by hand: models do not declare functions.
        try env.migration(
            "func01", message: "trigger function",
            upgrade: "CREATE FUNCTION seen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;",
            downgrade: "DROP FUNCTION seen();")
        return env
    }

    static func reflect(_ env: Environment) throws -> Schema {
        let database = try env.database()
        let reflection = try (database.connection as! PostgresConnection).reflectSchema(
            excluding: [TableName("migrate_version"), TableName("migrate_version_history")])
        #expect(reflection.schema.tables.isEmpty || reflection.queryCount == 10)
        return reflection.schema
    }

    @Test func partitionsRoundTripThroughAutogenerateUpgradeCheckAndDowngrade() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        #expect(try env.run("upgrade", "head").status == 0)
        try env.write("models/App.swift", Self.models(later: false))

        let first = try env.run("revision", "--autogenerate", "-m", "partitions", "--rev-id", "part01")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("add_table payments_2024 partition of payments"), "\(first)")
        var up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        var check = try env.run("check")
        #expect(check.status == 0 && check.stdout == "No new upgrade operations detected.\n", "\(check)")

        // Reflection: keys and bounds as the database prints them; what partitions inherit is the
        // parent's alone, what they have of their own is theirs.
        var schema = try Self.reflect(env)
        let payments = try #require(schema.table(TableName("payments")))
        #expect(payments.partitionKey == .range("paid_on"))
        #expect(payments.indexes.map(\.name) == ["ix_payments_customer"])
        #expect(payments.foreignKeys.map(\.name) == ["fk_payments_customer"])
        let p2024 = try #require(schema.table(TableName("payments_2024")))
        #expect(p2024.partitionOf == TablePartition(of: TableName("payments"), bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"))
        #expect(p2024.columns.isEmpty && p2024.indexes.isEmpty && p2024.foreignKeys.isEmpty)
        #expect(p2024.checkConstraints.isEmpty && p2024.primaryKeyName == nil)
        #expect(schema.table(TableName("payments_2025"))?.indexes.map(\.name) == ["ix_payments_2025_amount"])
        #expect(schema.table(TableName("payments_other"))?.partitionOf?.bound == "DEFAULT")
        #expect(schema.table(TableName("events"))?.partitionKey == .list("kind"))
        #expect(schema.table(TableName("buckets_1"))?.partitionOf?.bound == "FOR VALUES WITH (modulus 2, remainder 1)")
        #expect(schema.triggers.map(\.name) == ["payments_seen"], "the partitions' copies of the trigger are the parent's")
        // Rows land in their partitions, and the parent's key holds across them.
        let database = try env.database()
        try database.execute("INSERT INTO customers VALUES (1)")
        try database.execute("INSERT INTO payments VALUES (1, 1, '2024-03-01', 5), (2, 1, '2030-01-01', 7)")
        #expect(try database.scalar("SELECT count(*) FROM payments_2024") == "1")
        #expect(try database.scalar("SELECT count(*) FROM payments_other") == "1")
        #expect(throws: (any Error).self) { try database.execute("INSERT INTO payments VALUES (1, 1, '2024-03-01', 5)") }

        // A new partition, a moved bound, an attached table and a detached partition.
        try env.write("models/App.swift", Self.models(later: true))
        let second = try env.run("revision", "--autogenerate", "-m", "more partitions", "--rev-id", "part02")
        #expect(second.status == 0, "\(second)")
        for line in [
            "add_table payments_2026 partition of payments",
            "detach_partition payments_2025 from payments",
            "attach_partition payments_2025 to payments FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')",
            "attach_partition payments_2023 to payments",
            "detach_partition events_login from events",
        ] {
            #expect(second.stderr.contains(line), "\(line) in \(second)")
        }
        let text = try SchemaObjectsCommandTests.migrationText(env, "part02")
        #expect(text.contains(#"op.detachPartition("events_login", from: "events", bound: "FOR VALUES IN ('login', 'logout')")"#), "\(text)")
        // The offline script says the same in SQL.
        let script = try env.run("upgrade", "part01:part02", "--sql")
        #expect(script.status == 0, "\(script)")
        for statement in [
            #"CREATE TABLE "payments_2026" PARTITION OF "payments" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"#,
            #"ALTER TABLE "payments" DETACH PARTITION "payments_2025";"#,
            #"ALTER TABLE "payments" ATTACH PARTITION "payments_2025" FOR VALUES FROM ('2025-01-01') TO ('2025-07-01');"#,
            #"ALTER TABLE "events" DETACH PARTITION "events_login";"#,
        ] {
            #expect(script.stdout.contains(statement), "\(statement) in \(script.stdout)")
        }
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0 && check.stdout == "No new upgrade operations detected.\n", "\(check)")
        schema = try Self.reflect(env)
        #expect(schema.table(TableName("payments_2023"))?.partitionOf?.parent == TableName("payments"))
        #expect(schema.table(TableName("events_login"))?.partitionOf == nil)
        #expect(schema.table(TableName("events_login"))?.columns.map(\.name) == ["id", "kind"])
        #expect(schema.table(TableName("payments_2025"))?.partitionOf?.bound == "FOR VALUES FROM ('2025-01-01') TO ('2025-07-01')")

        // Back one step, then all the way: each reverse runs as generated.
        let back = try env.run("downgrade", "part01")
        #expect(back.status == 0, "\(back)")
        schema = try Self.reflect(env)
        #expect(schema.table(TableName("payments_2023"))?.partitionOf == nil)
        #expect(schema.table(TableName("events_login"))?.partitionOf?.parent == TableName("events"))
        #expect(schema.table(TableName("payments_2026")) == nil)
        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try Self.reflect(env)
        #expect(left.tables.isEmpty && left.triggers.isEmpty, "\(left)")
    }

    @Test func aPartitionDetachedInTheDatabaseIsReportedAndAttachedAgain() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.models(later: false))
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("revision", "--autogenerate", "-m", "partitions", "--rev-id", "part01").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)

        try env.database().execute("ALTER TABLE payments DETACH PARTITION payments_2024")
        let drift = try env.run("check")
        #expect(drift.status != 0, "\(drift)")
        #expect(
            drift.stdout.contains("attach_partition payments_2024 to payments FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"),
            "\(drift)")

        let repair = try env.run("revision", "--autogenerate", "-m", "attach again", "--rev-id", "part02")
        #expect(repair.status == 0, "\(repair)")
        #expect(try env.run("upgrade", "head").status == 0)
        let check = try env.run("check")
        #expect(check.status == 0 && check.stdout == "No new upgrade operations detected.\n", "\(check)")
        #expect(try Self.reflect(env).table(TableName("payments_2024"))?.partitionOf?.parent == TableName("payments"))
    }

    @Test func inspectWritesPartitionsThatCheckFindsClean() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.models(later: false))
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("revision", "--autogenerate", "-m", "partitions", "--rev-id", "part01").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("models/App.swift"))

        let inspected = try env.run("inspect", "--output", "models/Inspected.swift")
        #expect(inspected.status == 0, "\(inspected)")
        #expect(!inspected.stderr.contains("partition"), "partitions are declared, not listed as skipped: \(inspected)")
        let models = try String(contentsOf: env.directory.appendingPathComponent("models/Inspected.swift"), encoding: .utf8)
        #expect(models.contains(#"partitionBy: .range("paid_on")"#), "\(models)")
        #expect(
            models.contains(
                """
                        Table("payments_2024",
                            partitionOf: "payments",
                            bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"),
                """),
            "\(models)")
        let check = try env.run("check")
        #expect(check.status == 0 && check.stdout == "No new upgrade operations detected.\n", "\(check)")
    }
}
