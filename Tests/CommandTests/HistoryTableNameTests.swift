import Foundation
import Testing
import TestSupport

/// `history_table` and `history_table_schema` move the history table (so a team running Alembic
/// beside migrate can keep it out of Alembic's sight), and every command follows them.
@Suite struct HistoryTableNameTests {
    /// On PostgreSQL the history table also moves to its own schema.
    @Test(arguments: TestEngine.enabled)
    func everyCommandUsesTheConfiguredHistoryTable(engine: TestEngine) throws {
        let env = try Environment(engine)
        let schema: String? = engine == .postgresql ? "migrate_meta" : nil
        let qualified = schema.map { "\($0).migrate_applied" } ?? "migrate_applied"
        let quoted = schema.map { "\"\($0)\".\"migrate_applied\"" } ?? "\"migrate_applied\""
        let db = try env.database()
        if let schema { try db.execute("CREATE SCHEMA \(schema)") }
        try env.write("migrate.json", """
            {"url": "\(env.url)", "models": ["models"], "version_table": "alembic_version",
             "history_table": "migrate_applied", "history_table_schema": \(schema.map { "\"\($0)\"" } ?? "null")}
            """)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write(
            "models/App.swift",
            AutogenerateCommandTests.modelsFile([
                ("authors", AutogenerateCommandTests.authors), ("books", AutogenerateCommandTests.books),
            ]))
        try env.migration("base01", message: "base schema", upgrade: AutogenerateCommandTests.baseSQL, downgrade: "DROP TABLE books; DROP TABLE authors;")
        try env.migration("note02", parent: "base01", upgrade: "CREATE TABLE notes (id INTEGER);", downgrade: "DROP TABLE notes;")
        func applied() throws -> [String] {
            try db.column("SELECT revision FROM \(qualified) ORDER BY revision")
        }
        func defaultHistoryTableExists() throws -> Bool {
            try db.connection.tableExists("alembic_version_history", schema: nil)
        }

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try applied() == ["base01", "note02"])
        #expect(try db.versions(table: "alembic_version") == ["note02"])
        #expect(try !defaultHistoryTableExists())

        // verify reads the checksums from there, and sees an edit.
        #expect(try env.run("verify").stdout == "")
        let path = env.directory.appendingPathComponent("versions/note02_m.sql")
        let original = try String(contentsOf: path, encoding: .utf8)
        try (original + "\n-- edited\n").write(to: path, atomically: true, encoding: .utf8)
        let edited = try env.run("verify")
        #expect(edited.status == 1 && edited.stdout.contains("changed: revision note02"), "\(edited)")
        try original.write(to: path, atomically: true, encoding: .utf8)

        // check leaves migrate's own tables out of the comparison: only notes is not modelled.
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("notes") && !check.stdout.contains("migrate_applied"), "\(check)")
        #expect(!check.stdout.contains("alembic_version"), "\(check)")

        // downgrade and stamp keep it in step with the version table.
        #expect(try env.run("downgrade", "-1").status == 0)
        #expect(try applied() == ["base01"])
        let checkAtBase01 = try env.run("check")
        #expect(checkAtBase01.status == 1 && checkAtBase01.stderr.contains("not up to date"), "\(checkAtBase01)")
        #expect(try env.run("stamp", "base").status == 0)
        #expect(try applied() == [])
        #expect(try env.run("stamp", "note02").status == 0)
        #expect(try db.versions(table: "alembic_version") == ["note02"])
        #expect(try env.run("verify").status == 0)
        #expect(try !defaultHistoryTableExists())

        // Offline scripts name it too.
        for command in [["upgrade", "head", "--sql"], ["stamp", "head", "--sql"], ["downgrade", "note02:base", "--sql"]] {
            let script = try env.run(command)
            #expect(script.status == 0, "\(command): \(script)")
            #expect(script.stdout.contains("CREATE TABLE IF NOT EXISTS \(quoted)"), "\(command): \(script)")
            #expect(!script.stdout.contains("alembic_version_history"), "\(command): \(script)")
        }
    }
}
