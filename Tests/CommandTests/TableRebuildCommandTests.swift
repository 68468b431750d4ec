import Foundation
import Testing
import TestSupport

/// Operations SQLite's ALTER TABLE cannot do run through the real command line, online and as
/// an offline script, on both engines.
@Suite struct TableRebuildCommandTests {
    /// aa11 creates notes with two rows; bb22 adds a unique constraint and cc33 a column with an
    /// expression default, both table rebuilds on SQLite.
    func writeMigrations(_ env: Environment) throws {
        try env.write(
            "versions/aa11_notes.swift",
            """
            import MigrateKit

            /// notes
            enum Rev_aa11: Migration {
                static let revision = "aa11"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("notes",
                        Column("id", .integer, primaryKey: true, identity: true),
                        Column("body", .text, nullable: false))
                    op.bulkInsert("notes", columns: ["body"], rows: [["first"], ["second"]])
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("notes")
                }
            }

            """)
        try env.write(
            "versions/bb22_unique_body.swift",
            """
            import MigrateKit

            /// unique body
            enum Rev_bb22: Migration {
                static let revision = "bb22"
                static let downRevision: [String] = ["aa11"]
                static func upgrade(_ op: Operations) {
                    op.createUniqueConstraint("uq_body", on: "notes", columns: ["body"])
                }
                static func downgrade(_ op: Operations) {
                    op.dropConstraint("uq_body", on: "notes", kind: .unique)
                }
            }

            """)
        try env.write(
            "versions/cc33_seen.swift",
            """
            import MigrateKit

            /// seen
            enum Rev_cc33: Migration {
                static let revision = "cc33"
                static let downRevision: [String] = ["bb22"]
                static func upgrade(_ op: Operations) {
                    op.addColumn("notes", Column("seen", .dateTime(timezone: false), default: .expression("CURRENT_TIMESTAMP")))
                }
                static func downgrade(_ op: Operations) {
                    op.dropColumn("notes", "seen")
                }
            }

            """)
    }

    @Test(arguments: TestEngine.enabled)
    func rebuildingMigrationsUpgradeAndDowngradeOnline(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeMigrations(env)
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        let database = try env.database()
        #expect(try database.column("SELECT body FROM notes ORDER BY id") == ["first", "second"])
        #expect(try database.scalar("SELECT count(*) FROM notes WHERE seen IS NOT NULL") == "2")
        #expect(throws: (any Error).self) { try database.execute("INSERT INTO notes (body) VALUES ('first')") }

        let downgrade = try env.run("downgrade", "aa11")
        #expect(downgrade.status == 0, "\(downgrade)")
        try database.execute("INSERT INTO notes (body) VALUES ('first')")
        #expect(try database.column("SELECT body FROM notes ORDER BY id") == ["first", "second", "first"])
    }

    @Test func offlineSQLiteScriptRebuildsFromTheSchemaTheScriptBuilds() throws {
        let env = try Environment(.sqlite)
        try writeMigrations(env)
        let offline = try env.run("upgrade", "head", "--sql")
        #expect(offline.status == 0, "\(offline)")
        let script = offline.stdout
        #expect(script.contains("CREATE TABLE \"_migrate_rebuild_notes\" (\n    \"id\" INTEGER PRIMARY KEY,\n    \"body\" TEXT NOT NULL,\n    CONSTRAINT \"uq_body\" UNIQUE (\"body\")\n);"), "\(script)")
        #expect(script.contains("INSERT INTO \"_migrate_rebuild_notes\" (\"id\", \"body\") SELECT \"id\", \"body\" FROM \"notes\";"))
        // cc33's rebuild starts from the table as bb22 left it, read from the scratch database.
        #expect(script.contains("    \"seen\" TIMESTAMP DEFAULT (CURRENT_TIMESTAMP),\n    CONSTRAINT \"uq_body\" UNIQUE (\"body\")\n);"), "\(script)")

        // The script runs in sqlite3 and leaves the same schema as an online upgrade.
        let file = try makeTemporaryDirectory().appendingPathComponent("offline.sqlite3").path
        let sqlite3 = Process()
        sqlite3.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite3.arguments = ["sqlite3", "-bail", file]
        let input = Pipe()
        sqlite3.standardInput = input
        try sqlite3.run()
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        sqlite3.waitUntilExit()
        #expect(sqlite3.terminationStatus == 0)
        let database = try TestDatabase(url: "sqlite:///" + file)
        #expect(try database.column("SELECT body FROM notes ORDER BY id") == ["first", "second"])
        #expect(try database.versions() == ["cc33"])
        #expect(try database.scalar("SELECT sql FROM sqlite_master WHERE name = 'notes'")?.contains("\"uq_body\"") == true)
    }

    /// The runner renders a whole migration before running any of it, so a rebuild in the same
    /// migration as another change to its table starts from the table as it was before the
    /// migration: the table may not exist yet, or the rebuild drops what the earlier operation
    /// added. Rendering each operation just before it runs fixes both.
    @Test func rebuildsAfterOtherChangesInTheSameMigration() throws {
        let env = try Environment(.sqlite)
        try env.write(
            "versions/dd44_together.swift",
            """
            import MigrateKit

            /// together
            enum Rev_dd44: Migration {
                static let revision = "dd44"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("tags", Column("name", .text))
                    op.addColumn("tags", Column("weight", .integer))
                    op.createUniqueConstraint("uq_name", on: "tags", columns: ["name"])
                    op.createCheckConstraint("ck_weight", on: "tags", condition: "weight >= 0")
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("tags")
                }
            }

            """)
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        let sql = try env.database().scalar("SELECT sql FROM sqlite_master WHERE name = 'tags'") ?? ""
        #expect(sql.contains("\"weight\"") && sql.contains("\"uq_name\"") && sql.contains("\"ck_weight\""), "\(sql)")
    }
}
