import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// Views, materialized views, triggers and sequences declared in models, through autogenerate,
/// upgrade, `check` and `downgrade base`, on real databases.
@Suite struct SchemaObjectsCommandTests {
    static func models(amountType: String, positiveOnly: String, engine: TestEngine, extraView: Bool = true) -> String {
        let materialized = engine == .postgresql
            ? """
                    View("amount_totals", "SELECT id, sum(amount) AS total FROM payments GROUP BY id", materialized: true,
                         indexes: [Index("ix_amount_totals_id", columns: ["id"], unique: true)]),

            """
            : ""
        let trigger = engine == .sqlite
            ? """
                static let triggers: [Trigger] = [
                    Trigger("payments_log", on: "payments", "CREATE TRIGGER payments_log AFTER INSERT ON payments BEGIN INSERT INTO payment_log (payment_id) VALUES (new.id); END"),
                ]

            """
            : ""
        return """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("payments",
                        Column("id", .integer, primaryKey: true),
                        Column("amount", \(amountType), nullable: false),
                        Column("note", .text)),
                    Table("payment_log",
                        Column("id", .integer, primaryKey: true),
                        Column("payment_id", .integer, nullable: false)),
                ]
                static let views: [View] = [
                    View("positive_payments", "SELECT id, amount FROM payment_amounts WHERE amount > \(positiveOnly)"),
            \(extraView ? "        View(\"payment_amounts\", \"SELECT id, amount FROM payments\"),\n" : "")\(materialized)    ]
            \(trigger)}

            """
    }

    static func environment(_ engine: TestEngine) throws -> Environment {
        let env = try Environment(engine)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"]}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        return env
    }

    static func reflect(_ env: Environment) throws -> Schema {
        let database = try env.database()
        let excluded = [TableName("migrate_version"), TableName("migrate_version_history")]
        if let sqlite = database.connection as? SQLiteConnection {
            return try sqlite.reflectSchema(excluding: excluded).schema
        }
        return try (database.connection as! PostgresConnection).reflectSchema(excluding: excluded).schema
    }

    static func migrationText(_ env: Environment, _ revision: String) throws -> String {
        let folder = env.directory.appendingPathComponent("versions")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder.path).first { $0.hasPrefix(revision) })
        return try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test(arguments: TestEngine.enabled)
    func viewsRoundTripThroughAutogenerateUpgradeCheckAndDowngrade(engine: TestEngine) throws {
        let env = try Self.environment(engine)
        try env.write("models/App.swift", Self.models(amountType: ".integer", positiveOnly: "0", engine: engine))

        let first = try env.run("revision", "--autogenerate", "-m", "views", "--rev-id", "views01")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("add_view payment_amounts"), "\(first)")
        // The view read by another is created first, whatever the declaration order.
        let firstText = try Self.migrationText(env, "views01")
        let reader = try #require(firstText.range(of: #"op.createView("positive_payments""#))
        let read = try #require(firstText.range(of: #"op.createView("payment_amounts""#))
        #expect(read.lowerBound < reader.lowerBound, "\(firstText)")
        var up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        var check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        let schema = try Self.reflect(env)
        #expect(Set(schema.views.map(\.name.name)).isSuperset(of: ["payment_amounts", "positive_payments"]))
        if engine == .postgresql {
            let totals = try #require(schema.views.first { $0.name.name == "amount_totals" })
            #expect(totals.isMaterialized)
            #expect(totals.indexes.map(\.name) == ["ix_amount_totals_id"])
        } else {
            #expect(schema.triggers.map(\.name) == ["payments_log"])
            let database = try env.database()
            try database.execute("INSERT INTO payments (id, amount) VALUES (7, 5)")
            #expect(try database.scalar("SELECT payment_id FROM payment_log") == "7")
        }

        // The column under both views changes type, and the outer view's query changes.
        try env.write("models/App.swift", Self.models(amountType: ".bigInteger", positiveOnly: "10", engine: engine))
        let second = try env.run("revision", "--autogenerate", "-m", "wider", "--rev-id", "views02")
        #expect(second.status == 0, "\(second)")
        let secondText = try Self.migrationText(env, "views02")
        if engine == .postgresql {
            // PostgreSQL refuses to change a column's type under a view: both views go and come back.
            let positions = try [
                #"op.dropView("positive_payments""#, #"op.dropView("payment_amounts""#, #"op.alterColumn("payments", "amount""#,
                #"op.createView("payment_amounts""#, #"op.createView("positive_payments""#,
            ].map { try #require(secondText.range(of: $0), "\($0) in \(secondText)").lowerBound }
            #expect(positions == positions.sorted(), "\(secondText)")
        } else {
            #expect(secondText.contains(#"op.createView("positive_payments""#), "\(secondText)")
        }
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        // Removing a view drops it; the downgrade puts it back.
        try env.write(
            "models/App.swift",
            Self.models(amountType: ".bigInteger", positiveOnly: "10", engine: engine)
                .replacingOccurrences(of: "payment_amounts WHERE", with: "payments WHERE")
                .replacingOccurrences(of: "        View(\"payment_amounts\", \"SELECT id, amount FROM payments\"),\n", with: ""))
        let third = try env.run("revision", "--autogenerate", "-m", "one view", "--rev-id", "views03")
        #expect(third.status == 0, "\(third)")
        #expect(third.stderr.contains("remove_view payment_amounts"), "\(third)")
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try Self.reflect(env)
        #expect(left.tables.isEmpty && left.views.isEmpty && left.triggers.isEmpty, "\(left)")
    }

    @Test func postgresTriggersReflectAndCompare() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(.postgresql)
        try env.migration(
            "func01", message: "function",
            upgrade: """
                CREATE TABLE notes (id INTEGER PRIMARY KEY, touched TIMESTAMP);
                CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;
                """)
        #expect(try env.run("upgrade", "head").status == 0)
        try env.write(
            "models/App.swift",
            """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("notes", Column("id", .integer, primaryKey: true), Column("touched", .dateTime(timezone: false))),
                ]
                static let triggers: [Trigger] = [
                    Trigger("notes_touch", on: "notes", "CREATE TRIGGER notes_touch BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION touch()"),
                ]
                static let functions: [Function] = [
                    Function("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$"),
                ]
            }

            """)
        let revision = try env.run("revision", "--autogenerate", "-m", "trigger", "--rev-id", "trig01")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stderr.contains("add_trigger notes_touch on notes"), "\(revision)")
        // The function the earlier migration made is the declared one: nothing to do for it.
        #expect(!revision.stderr.contains("function"), "\(revision)")
        #expect(try env.run("upgrade", "head").status == 0)
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let schema = try Self.reflect(env)
        #expect(schema.triggers.map(\.name) == ["notes_touch"])
        let down = try env.run("downgrade", "func01")
        #expect(down.status == 0, "\(down)")
        #expect(try Self.reflect(env).triggers.isEmpty)
    }

    static func sequenceModels(increment: Int) -> String {
        """
        import MigrateKit

        enum AppSchema: ModelSchema {
            static let tables: [Table] = [
                Table("invoices",
                    Column("id", .integer, primaryKey: true, default: .expression("nextval('invoice_numbers'::regclass)")),
                    Column("position", .integer)),
            ]
            static let sequences: [DatabaseSequence] = [
                DatabaseSequence("invoice_numbers", start: 1000, increment: \(increment)),
                DatabaseSequence("invoices_position_seq", ownedByTable: "invoices", ownedByColumn: "position"),
            ]
        }

        """
    }

    /// A column whose default draws from a standalone sequence: the sequence is created first.
    @Test func sequencesRoundTripOnPostgreSQL() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(.postgresql)
        try env.write("models/App.swift", Self.sequenceModels(increment: 1))
        let first = try env.run("revision", "--autogenerate", "-m", "sequences", "--rev-id", "seq01")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("add_sequence invoice_numbers"), "\(first)")
        var up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        var check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let database = try env.database()
        try database.execute("INSERT INTO invoices (position) VALUES (1)")
        #expect(try database.scalar("SELECT id FROM invoices") == "1000")
        let schema = try Self.reflect(env)
        let owned = try #require(schema.sequences.first { $0.name.name == "invoices_position_seq" })
        #expect(owned.ownerTable == TableName("invoices") && owned.ownerColumn == "position")

        try env.write("models/App.swift", Self.sequenceModels(increment: 10))
        let second = try env.run("revision", "--autogenerate", "-m", "step", "--rev-id", "seq02")
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.contains("modify_sequence invoice_numbers"), "\(second)")
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try Self.reflect(env)
        #expect(left.tables.isEmpty && left.sequences.isEmpty, "\(left)")
    }

    static func domainModels(defaultYear: String) -> String {
        """
        import MigrateKit

        enum AppSchema: ModelSchema {
            static let tables: [Table] = [
                Table("films",
                    Column("id", .integer, primaryKey: true),
                    Column("release_year", .custom("year"))),
            ]
            static let domains: [Domain] = [
                Domain("year", .integer, default: \(defaultYear),
                       checks: [CheckConstraint("VALUE >= 1901 AND VALUE <= 2155", name: "year_check")]),
            ]
        }

        """
    }

    /// A column of a domain type: the domain is created before the table, and altered in place.
    @Test func domainsRoundTripOnPostgreSQL() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(.postgresql)
        try env.write("models/App.swift", Self.domainModels(defaultYear: "nil"))
        let first = try env.run("revision", "--autogenerate", "-m", "domains", "--rev-id", "dom01")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("add_domain year"), "\(first)")
        var up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        var check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let database = try env.database()
        #expect(throws: (any Error).self) { try database.execute("INSERT INTO films (id, release_year) VALUES (1, 1800)") }

        try env.write("models/App.swift", Self.domainModels(defaultYear: ".integer(2000)"))
        let second = try env.run("revision", "--autogenerate", "-m", "default", "--rev-id", "dom02")
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.contains("modify_domain year"), "\(second)")
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        try database.execute("INSERT INTO films (id) VALUES (2)")
        #expect(try database.scalar("SELECT release_year FROM films WHERE id = 2") == "2000")
        try database.execute("DELETE FROM films")

        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try Self.reflect(env)
        #expect(left.tables.isEmpty && left.domains.isEmpty, "\(left)")
    }
}
