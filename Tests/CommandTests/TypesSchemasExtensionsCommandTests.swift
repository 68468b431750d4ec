import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import Testing
import TestSupport

/// Enumeration values, schemas and extensions declared in models, through autogenerate, upgrade,
/// `check`, a change, and `downgrade base`, on a real PostgreSQL; and drift made in the database.
@Suite struct TypesSchemasExtensionsCommandTests {
    static func environment(compare: String = "") throws -> Environment {
        let env = try Environment(.postgresql)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"]\#(compare)}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        return env
    }

    static func moodModels(_ values: [String]) -> String {
        let list = values.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("entries",
                        Column("id", .integer, primaryKey: true),
                        Column("mood", .enumeration(name: "mood", values: [\(list)]), nullable: false, default: .string("happy"))),
                    Table("journals",
                        Column("id", .integer, primaryKey: true),
                        Column("mood", .enumeration(name: "mood", values: [\(list)]))),
                ]
            }

            """
    }

    static func moodValues(_ env: Environment) throws -> String? {
        try env.database().scalar("SELECT enum_range(NULL::mood)::text")
    }

    static func migrationText(_ env: Environment, _ revision: String) throws -> String {
        try SchemaObjectsCommandTests.migrationText(env, revision)
    }

    static func reflect(_ env: Environment) throws -> Schema {
        let database = try env.database()
        return try (database.connection as! PostgresConnection).reflectSchema(
            includeSchemas: .all, excluding: [TableName("migrate_version"), TableName("migrate_version_history")]
        ).schema
    }

    /// Values added in place at their positions, a value removed by recreating the type, each
    /// reversed, and nothing left after `downgrade base`.
    @Test func enumerationValuesRoundTrip() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.moodModels(["happy", "sad"]))
        var step = try env.run("revision", "--autogenerate", "-m", "moods", "--rev-id", "mood01")
        #expect(step.status == 0, "\(step)")
        step = try env.run("upgrade", "head")
        #expect(step.status == 0, "\(step)")
        #expect(try env.run("check").status == 0)

        // Added before the first, between two and at the end.
        try env.write("models/App.swift", Self.moodModels(["calm", "happy", "curious", "sad", "angry"]))
        step = try env.run("revision", "--autogenerate", "-m", "more moods", "--rev-id", "mood02")
        #expect(step.status == 0, "\(step)")
        for line in [
            "add_enum_value mood 'calm' before 'happy'", "add_enum_value mood 'curious' after 'happy'",
            "add_enum_value mood 'angry' after 'sad'",
        ] {
            #expect(step.stderr.contains(line), "\(line) in \(step)")
        }
        let added = try Self.migrationText(env, "mood02")
        let addedUpgrade = try #require(added.components(separatedBy: "static func downgrade").first)
        #expect(!addedUpgrade.contains("alterColumn"), "\(added)")
        step = try env.run("upgrade", "head")
        #expect(step.status == 0, "\(step)")
        var check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(try Self.moodValues(env) == "{calm,happy,curious,sad,angry}")

        // Removing a value while a row holds it fails, naming the value, and applies nothing.
        let database = try env.database()
        try database.execute("INSERT INTO entries (id, mood) VALUES (1, 'angry'), (2, 'sad')")
        try database.execute("INSERT INTO journals (id, mood) VALUES (1, 'curious')")
        try env.write("models/App.swift", Self.moodModels(["calm", "happy", "curious", "sad"]))
        step = try env.run("revision", "--autogenerate", "-m", "no anger", "--rev-id", "mood03")
        #expect(step.status == 0, "\(step)")
        let removal = try Self.migrationText(env, "mood03")
        let order = try [
            #"op.createEnumeration("mood_new""#, #"op.alterColumn("entries", "mood", newName: nil, dropDefault: true"#,
            #"op.alterColumn("entries", "mood", newName: nil, type: .enumeration(name: "mood_new""#,
            #"op.alterColumn("journals", "mood", newName: nil, type: .enumeration(name: "mood_new""#,
            #"op.dropEnumeration("mood""#, #"op.renameEnumeration("mood_new", to: "mood")"#,
            #"op.alterColumn("entries", "mood", newName: nil, default: .string("happy")"#,
        ].map { try #require(removal.range(of: $0), "\($0) in \(removal)").lowerBound }
        #expect(order == order.sorted(), "\(removal)")
        #expect(removal.contains("this fails, naming them, while rows hold 'angry'."), "\(removal)")
        step = try env.run("upgrade", "head")
        #expect(step.status == 1, "\(step)")
        #expect(step.stderr.contains("rows of entries.mood hold 'angry', which the enumeration mood_new does not have"), "\(step)")
        #expect(try database.versions() == ["mood02"])
        #expect(try Self.moodValues(env) == "{calm,happy,curious,sad,angry}")

        try database.execute("UPDATE entries SET mood = 'sad' WHERE mood = 'angry'")
        step = try env.run("upgrade", "head")
        #expect(step.status == 0, "\(step)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(try Self.moodValues(env) == "{calm,happy,curious,sad}")
        #expect(try database.column("SELECT mood::text FROM entries ORDER BY id") == ["sad", "sad"])
        #expect(try database.scalar("SELECT count(*) FROM pg_type WHERE typname = 'mood_new'") == "0")
        try database.execute("INSERT INTO entries (id) VALUES (3)")
        #expect(try database.scalar("SELECT mood::text FROM entries WHERE id = 3") == "happy")

        // The downgrade puts the value back where it was, the default too.
        step = try env.run("downgrade", "-1")
        #expect(step.status == 0, "\(step)")
        #expect(try Self.moodValues(env) == "{calm,happy,curious,sad,angry}")
        try database.execute("INSERT INTO entries (id) VALUES (4)")
        #expect(try database.scalar("SELECT mood::text FROM entries WHERE id = 4") == "happy")
        step = try env.run("upgrade", "head")
        #expect(step.status == 0, "\(step)")

        // Below mood02, its added values are taken out again, each by recreating the type; not
        // while a row holds one.
        step = try env.run("downgrade", "mood01")
        #expect(step.status == 1, "\(step)")
        #expect(step.stderr.contains("rows of journals.mood hold 'curious', the value taken out of the enumeration"), "\(step)")
        // mood03's downgrade was committed; mood02's rolled back whole.
        #expect(try database.versions() == ["mood02"])
        #expect(try Self.moodValues(env) == "{calm,happy,curious,sad,angry}")
        try database.execute("DELETE FROM journals")
        step = try env.run("downgrade", "mood01")
        #expect(step.status == 0, "\(step)")
        #expect(try Self.moodValues(env) == "{happy,sad}")
        try database.execute("INSERT INTO entries (id) VALUES (5)")
        #expect(try database.scalar("SELECT mood::text FROM entries WHERE id = 5") == "happy")
        #expect(try env.run("check").status == 1)

        try database.execute("DELETE FROM entries; DELETE FROM journals")
        step = try env.run("downgrade", "base")
        #expect(step.status == 0, "\(step)")
        #expect(try database.scalar("SELECT count(*) FROM pg_type WHERE typname IN ('mood', 'mood_new')") == "0")
        #expect(try database.tables().subtracting(["migrate_version", "migrate_version_history"]).isEmpty)
    }

    /// A value added and used by later statements of the same migration, in one transaction per
    /// run too; and the same migration as an offline script run by psql.
    @Test(arguments: [true, false])
    func addedValueIsUsableLaterInTheSameRun(transactionPerMigration: Bool) throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(compare: #", "transaction_per_migration": \#(transactionPerMigration)"#)
        try env.write(
            "versions/a1_moods.swift",
            """
            import MigrateKit

            /// moods
            enum Rev_a1: Migration {
                static let revision = "a1"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("entries",
                        Column("id", .integer, primaryKey: true),
                        Column("mood", .enumeration(name: "mood", values: ["happy", "sad"])))
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("entries")
                    op.dropEnumeration("mood", values: ["happy", "sad"])
                }
            }

            """)
        try env.write(
            "versions/a2_curious.swift",
            """
            import MigrateKit

            /// curious
            enum Rev_a2: Migration {
                static let revision = "a2"
                static let downRevision: [String] = ["a1"]
                static func upgrade(_ op: Operations) {
                    op.bulkInsert("entries", columns: ["id", "mood"], rows: [[1, "sad"]])
                    op.addEnumerationValue("mood", "curious", after: "happy")
                    op.alterColumn("entries", "mood", default: .string("curious"), existingDefault: .some(nil))
                    op.bulkInsert("entries", columns: ["id", "mood"], rows: [[2, "curious"]])
                }
                static func downgrade(_ op: Operations) {
                    op.execute("DELETE FROM entries")
                    op.alterColumn("entries", "mood", dropDefault: true, existingDefault: .string("curious"))
                    op.renameEnumeration("mood", to: "mood_old")
                    op.createEnumeration("mood", values: ["happy", "sad"])
                    op.alterColumn("entries", "mood", type: .enumeration(name: "mood", values: ["happy", "sad"]))
                    op.dropEnumeration("mood_old", values: ["happy", "curious", "sad"])
                }
            }

            """)
        let script = try env.run("upgrade", "head", "--sql")
        #expect(script.status == 0, "\(script)")
        // The value is committed before the rest of its migration's transaction.
        let addition = try #require(script.stdout.range(of: "ALTER TYPE \"mood\" ADD VALUE IF NOT EXISTS 'curious' AFTER 'happy';"))
        let rest = try #require(script.stdout.range(of: "ALTER TABLE \"entries\" ALTER COLUMN \"mood\" SET DEFAULT 'curious'"))
        let between = script.stdout[addition.upperBound..<rest.lowerBound]
        #expect(between.contains("COMMIT;") && between.contains("BEGIN;"), "\(script.stdout)")

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let database = try env.database()
        #expect(try database.column("SELECT mood::text FROM entries ORDER BY id") == ["sad", "curious"])
        #expect(try Self.moodValues(env) == "{happy,curious,sad}")
        let down = try env.run("downgrade", "a1")
        #expect(down.status == 0, "\(down)")
        #expect(try Self.moodValues(env) == "{happy,sad}")
        #expect(try env.run("downgrade", "base").status == 0)

        // The script runs as written under psql.
        let file = env.directory.appendingPathComponent("upgrade.sql")
        try script.stdout.write(to: file, atomically: true, encoding: .utf8)
        try runShellClient(engine: .postgresql, url: env.url, script: file)
        #expect(try database.versions() == ["a2"])
        #expect(try database.column("SELECT mood::text FROM entries ORDER BY id") == ["sad", "curious"])
    }

    /// A failure after the value was committed leaves the database at the previous revision,
    /// with the value (PostgreSQL cannot take it back), says so, and a run after the fix passes.
    @Test func failureAfterAnAddedValueSaysItStays() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.moodModels(["happy", "sad"]))
        #expect(try env.run("revision", "--autogenerate", "-m", "moods", "--rev-id", "m1").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        try env.write(
            "versions/m2_more.swift",
            """
            import MigrateKit

            /// more
            enum Rev_m2: Migration {
                static let revision = "m2"
                static let downRevision: [String] = ["m1"]
                static func upgrade(_ op: Operations) {
                    op.addEnumerationValue("mood", "curious")
                    op.execute("INSERT INTO entries (id, mood) VALUES (1, 'nope')")
                }
                static func downgrade(_ op: Operations) {}
            }

            """)
        let failed = try env.run("upgrade", "head")
        #expect(failed.status == 1, "\(failed)")
        #expect(failed.stderr.contains("The enumeration values it adds were committed before the rest of it and stay"), "\(failed)")
        #expect(try env.database().versions() == ["m1"])
        #expect(try Self.moodValues(env) == "{happy,sad,curious}")
        try env.write(
            "versions/m2_more.swift",
            try String(contentsOf: env.directory.appendingPathComponent("versions/m2_more.swift"), encoding: .utf8)
                .replacingOccurrences(of: "'nope'", with: "'curious'"))
        let again = try env.run("upgrade", "head")
        #expect(again.status == 0, "\(again)")
        #expect(try env.database().versions() == ["m2"])
    }

    /// A renamed value cannot be told from a removed and an added one: autogenerate recreates the
    /// type and says how to rename instead; `renameEnumerationValue` keeps the rows, and reverses.
    @Test func renamedValueIsWrittenAsRecreationWithANote() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.moodModels(["happy", "sad"]))
        #expect(try env.run("revision", "--autogenerate", "-m", "moods", "--rev-id", "r1").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        try env.database().execute("INSERT INTO entries (id, mood) VALUES (1, 'sad')")
        try env.write("models/App.swift", Self.moodModels(["happy", "blue"]))
        let generated = try env.run("revision", "--autogenerate", "-m", "blue", "--rev-id", "r2")
        #expect(generated.status == 0, "\(generated)")
        let text = try Self.migrationText(env, "r2")
        #expect(
            text.contains(#"// If 'sad' was renamed to 'blue', replace these steps with op.renameEnumerationValue("mood", from: "sad", to: "blue"), which keeps those rows."#),
            "\(text)")
        // What it suggests, done.
        let path = try #require(
            try FileManager.default.contentsOfDirectory(atPath: env.directory.appendingPathComponent("versions").path)
                .first { $0.hasPrefix("r2") })
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/\(path)"))
        try env.write(
            "versions/r2_blue.swift",
            """
            import MigrateKit

            /// blue
            enum Rev_r2: Migration {
                static let revision = "r2"
                static let downRevision: [String] = ["r1"]
                static func upgrade(_ op: Operations) {
                    op.renameEnumerationValue("mood", from: "sad", to: "blue")
                }
                static func downgrade(_ op: Operations) {
                    op.renameEnumerationValue("mood", from: "blue", to: "sad")
                }
            }

            """)
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try env.database().scalar("SELECT mood::text FROM entries") == "blue")
        #expect(try env.run("downgrade", "r1").status == 0)
        #expect(try env.database().scalar("SELECT mood::text FROM entries") == "sad")
    }

    /// A value added in the database is drift; autogenerate takes it out again.
    @Test func enumerationDriftIsReportedAndUndone() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.moodModels(["happy", "sad"]))
        #expect(try env.run("revision", "--autogenerate", "-m", "moods", "--rev-id", "d1").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        try env.database().execute("ALTER TYPE mood ADD VALUE 'bored'")
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("add_enum mood_new") && check.stdout.contains("remove_enum mood"), "\(check)")
        #expect(try env.run("revision", "--autogenerate", "-m", "fix", "--rev-id", "d2").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try Self.moodValues(env) == "{happy,sad}")
    }

    static func schemaModels(schemas: [String], reportsTable: Bool) -> String {
        let list = schemas.map { "\"\($0)\"" }.joined(separator: ", ")
        let reports = reportsTable ? "        Table(\"daily\", Column(\"id\", .integer, primaryKey: true), schema: \"reports\"),\n" : ""
        return """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let schemas: [String] = [\(list)]
                static let tables: [Table] = [
                    Table("events", Column("id", .integer, primaryKey: true), schema: "audit"),
            \(reports)    ]
            }

            """
    }

    /// Schemas are created before their tables and dropped after them; one holding a declared
    /// table needs no declaring.
    @Test func schemasRoundTrip() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(compare: #", "compare": {"include_schemas": ["audit", "reports", "archive"]}"#)
        try env.write("models/App.swift", Self.schemaModels(schemas: ["archive"], reportsTable: false))
        var step = try env.run("revision", "--autogenerate", "-m", "schemas", "--rev-id", "s1")
        #expect(step.status == 0, "\(step)")
        #expect(step.stderr.contains("add_schema archive") && step.stderr.contains("add_schema audit"), "\(step)")
        let text = try Self.migrationText(env, "s1")
        let schema = try #require(text.range(of: #"op.createSchema("audit")"#))
        let table = try #require(text.range(of: #"op.createTable("events""#))
        #expect(schema.lowerBound < table.lowerBound, "\(text)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)

        try env.write("models/App.swift", Self.schemaModels(schemas: [], reportsTable: true))
        step = try env.run("revision", "--autogenerate", "-m", "reports", "--rev-id", "s2")
        #expect(step.status == 0, "\(step)")
        #expect(step.stderr.contains("add_schema reports") && step.stderr.contains("remove_schema archive"), "\(step)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(Set(try Self.reflect(env).schemas) == ["audit", "reports"])
        #expect(try env.run("downgrade", "base").status == 0)
        #expect(try Self.reflect(env).schemas.isEmpty)
        #expect(try env.run("upgrade", "head").status == 0)

        // Drift: a schema made by hand, and one dropped by hand; autogenerate undoes both.
        try env.database().execute("CREATE SCHEMA archive; DROP TABLE reports.daily; DROP SCHEMA reports")
        let drift = try env.run("check")
        #expect(drift.status == 1, "\(drift)")
        for line in ["remove_schema archive", "add_schema reports", "add_table reports.daily"] {
            #expect(drift.stdout.contains(line), "\(line) in \(drift)")
        }
        #expect(try env.run("revision", "--autogenerate", "-m", "undo drift", "--rev-id", "s3").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(Set(try Self.reflect(env).schemas) == ["audit", "reports"])
        // Its downgrade gives the database back as it found it.
        #expect(try env.run("downgrade", "s2").status == 0)
        #expect(Set(try Self.reflect(env).schemas) == ["archive", "audit"])
    }

    static func extensionModels(version: String?) -> String {
        """
        import MigrateKit

        enum AppSchema: ModelSchema {
            static let extensions: [DatabaseExtension] = [
                DatabaseExtension("citext"\(version.map { ", version: \"\($0)\"" } ?? "")),
            ]
            static let tables: [Table] = [
                Table("users", Column("id", .integer, primaryKey: true), Column("email", .custom("citext"))),
            ]
        }

        """
    }

    /// An extension is created before the table using its type and dropped last; its functions
    /// and types are never the models' own. A version change is an update in place, whose
    /// reverse needs the extension to ship a path back (contrib's do not).
    @Test func extensionsRoundTrip() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment()
        try env.write("models/App.swift", Self.extensionModels(version: "1.5"))
        var step = try env.run("revision", "--autogenerate", "-m", "citext", "--rev-id", "x1")
        #expect(step.status == 0, "\(step)")
        let text = try Self.migrationText(env, "x1")
        let created = try #require(text.range(of: #"op.createExtension("citext", version: "1.5")"#), "\(text)")
        let table = try #require(text.range(of: #"op.createTable("users""#))
        #expect(created.lowerBound < table.lowerBound, "\(text)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        let database = try env.database()
        try database.execute("INSERT INTO users (id, email) VALUES (1, 'A@example.com')")
        #expect(try database.scalar("SELECT id FROM users WHERE email = 'a@EXAMPLE.com'") == "1")

        // Drift: an extension installed by hand.
        try database.execute("CREATE EXTENSION pg_trgm")
        let drift = try env.run("check")
        #expect(drift.status == 1 && drift.stdout.contains("remove_extension pg_trgm"), "\(drift)")
        #expect(try env.run("revision", "--autogenerate", "-m", "no trgm", "--rev-id", "x2").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)

        try database.execute("DELETE FROM users")
        #expect(try env.run("downgrade", "base").status == 0)
        // The downgrade of x2 puts back the extension it removed; nothing of the models is left.
        #expect(try database.column("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'") == ["pg_trgm"])
        #expect(try database.tables().subtracting(["migrate_version", "migrate_version_history"]).isEmpty)
        #expect(try env.run("upgrade", "head").status == 0)

        try env.write("models/App.swift", Self.extensionModels(version: "1.6"))
        step = try env.run("revision", "--autogenerate", "-m", "citext 1.6", "--rev-id", "x3")
        #expect(step.status == 0, "\(step)")
        #expect(step.stderr.contains("modify_extension citext: 1.5 -> 1.6"), "\(step)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try database.scalar("SELECT extversion FROM pg_extension WHERE extname = 'citext'") == "1.6")
        let back = try env.run("downgrade", "-1")
        #expect(back.status == 1, "\(back)")
        #expect(back.stderr.contains("no update path from version \"1.6\" to version \"1.5\""), "\(back)")
        #expect(try database.versions() == ["x3"])
    }

    /// `inspect` declares the extensions and schemas it finds, and no longer lists them as skipped.
    @Test func inspectDeclaresSchemasAndExtensions() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.environment(compare: #", "compare": {"include_schemas": ["audit"]}"#)
        try env.database().execute(
            "CREATE EXTENSION citext; CREATE SCHEMA audit; CREATE TABLE audit.events (id integer PRIMARY KEY, who citext)")
        let inspected = try env.run("inspect", "--output", "models/App.swift")
        #expect(inspected.status == 0, "\(inspected)")
        let text = try String(contentsOf: env.directory.appendingPathComponent("models/App.swift"), encoding: .utf8)
        #expect(text.contains(#"static let schemas: [String] = ["audit"]"#), "\(text)")
        #expect(text.contains(#"DatabaseExtension("citext", version: "1.6")"#), "\(text)")
        #expect(!inspected.stderr.contains("extension citext"), "\(inspected)")
        #expect(!text.contains("citext(") && !text.contains("extension citext"), "\(text)")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
    }
}
