import Foundation
import MigrateCore
import Testing
import TestSupport

/// SQLite virtual tables through the real command line, on Shiori's schema (an FTS5 table beside
/// ordinary ones; `Tests/Fixtures/schemas/shiori`): reflection shows the virtual table and never
/// the shadow tables it keeps its data in, models declare it, and autogenerate creates and drops it.
@Suite struct VirtualTableTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schemas/shiori")

    static func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: fixture.appendingPathComponent(name), encoding: .utf8)
    }

    /// An SQLite environment whose models are Shiori's.
    static func environment(models: String? = nil) throws -> Environment {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models.swift"]}"#)
        try env.write("models.swift", try models ?? fixtureText("models.swift"))
        return env
    }

    /// Shiori's own DDL applied as a migration: `check` against its models is clean, so neither
    /// the FTS5 table nor its five shadow tables are reported.
    @Test func shioriSchemaChecksCleanAgainstItsModels() throws {
        let env = try Self.environment()
        try env.migration("shiori", upgrade: try Self.fixtureText("schema.sql"))
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().tables().contains("bookmark_content_data"))
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout == "No new upgrade operations detected.\n", "\(check)")
        let names = try AutogenerateCommandTests.reflect(env).tables.map(\.name.name).sorted()
        #expect(names == ["account", "bookmark", "bookmark_content", "bookmark_tag", "tag"])
    }

    /// Models → autogenerate on an empty database → upgrade → check clean; full-text search works;
    /// downgrade base leaves only the version tables.
    @Test func shioriModelsRoundTripFromAnEmptyDatabase() throws {
        let env = try Self.environment()
        let revision = try env.run("revision", "--autogenerate", "-m", "shiori", "--rev-id", "base01")
        #expect(revision.status == 0, "\(revision)")
        #expect(
            revision.stderr.contains("Detected add_table bookmark_content using fts5(title, content, html, docid)\n"),
            "\(revision)")
        let text = try String(contentsOfFile: revision.stdout.trimmingCharacters(in: .newlines), encoding: .utf8)
        #expect(text.contains(#"op.createVirtualTable("bookmark_content", using: "fts5(title, content, html, docid)")"#), "\(text)")
        #expect(text.contains(#"op.dropTable("bookmark_content", definition: Table(virtual: "bookmark_content", using: "fts5(title, content, html, docid)"))"#), "\(text)")

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let database = try env.database()
        try database.execute("INSERT INTO bookmark_content (title, content, html, docid) VALUES ('Swift migrations', 'schema drift', '', 1)")
        #expect(try database.column("SELECT docid FROM bookmark_content WHERE bookmark_content MATCH 'drift'") == ["1"])

        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        #expect(try env.database().tables() == ["migrate_version", "migrate_version_history"])
    }

    /// Drift: the virtual table dropped in the database is reported and brought back; its
    /// arguments changed in the models replace it.
    @Test func droppedOrChangedVirtualTableIsDetectedAndRestored() throws {
        let env = try Self.environment()
        try env.migration("shiori", upgrade: try Self.fixtureText("schema.sql"))
        #expect(try env.run("upgrade", "head").status == 0)
        try env.database().execute("DROP TABLE bookmark_content")
        let drift = try env.run("check")
        #expect(drift.status == 1, "\(drift)")
        #expect(drift.stdout == "add_table bookmark_content using fts5(title, content, html, docid)\n", "\(drift)")
        let revision = try env.run("revision", "--autogenerate", "-m", "restore", "--rev-id", "fix01")
        #expect(revision.status == 0, "\(revision)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)

        // Same table, other spelling: not a change.
        let models = try Self.fixtureText("models.swift")
        try env.write(
            "models.swift",
            models.replacingOccurrences(of: "fts5(title, content, html, docid)", with: "FTS5( title,content , html,docid )"))
        #expect(try env.run("check").status == 0)

        // Another tokenizer: the table is replaced.
        try env.write(
            "models.swift",
            models.replacingOccurrences(
                of: "fts5(title, content, html, docid)", with: "fts5(title, content, html, docid, tokenize='porter')"))
        let changed = try env.run("check")
        #expect(changed.status == 1, "\(changed)")
        #expect(
            changed.stdout == "remove_table bookmark_content\n"
                + "add_table bookmark_content using fts5(title, content, html, docid, tokenize='porter')\n",
            "\(changed)")
        let replace = try env.run("revision", "--autogenerate", "-m", "porter", "--rev-id", "fix02")
        #expect(replace.status == 0, "\(replace)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        let sql = try env.database().scalar("SELECT sql FROM sqlite_master WHERE name = 'bookmark_content'") ?? ""
        #expect(sql.contains("porter"), "\(sql)")
        let down = try env.run("downgrade", "-1")
        #expect(down.status == 0, "\(down)")
        let restored = try env.database().scalar("SELECT sql FROM sqlite_master WHERE name = 'bookmark_content'") ?? ""
        #expect(!restored.contains("porter"), "\(restored)")
    }

    /// The offline script creates the virtual table, and runs in sqlite3.
    @Test func offlineScriptCreatesTheVirtualTable() throws {
        let env = try Self.environment()
        #expect(try env.run("revision", "--autogenerate", "-m", "shiori", "--rev-id", "base01").status == 0)
        let offline = try env.run("upgrade", "head", "--sql")
        #expect(offline.status == 0, "\(offline)")
        #expect(offline.stdout.contains("CREATE VIRTUAL TABLE \"bookmark_content\" USING fts5(title, content, html, docid);"), "\(offline)")
    }

    /// A virtual table in a PostgreSQL migration is an error naming it.
    @Test func postgresRefusesAVirtualTable() throws {
        let env = try Environment(.sqlite)
        try env.write(
            "versions/aa11_search.swift",
            """
            import MigrateKit

            /// search
            enum Rev_aa11: Migration {
                static let revision = "aa11"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createVirtualTable("search", using: "fts5(body)")
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("search")
                }
            }

            """)
        let offline = try env.run("upgrade", "head", "--sql", "--url", "postgresql://localhost/none")
        #expect(offline.status != 0, "\(offline)")
        #expect(offline.stderr.contains("PostgreSQL has no virtual tables (search uses fts5(body))"), "\(offline)")
    }
}
