import Foundation
import Testing
import TestSupport

/// What Alembic users' habits and scripts expect of new revision files: the `Generating …`
/// line and `--json`, the creation date and the `Revision ID:`/`Revises:`/`Create Date:` lines,
/// messages with a description, and revision templates.
@Suite struct RevisionFileCommandTests {
    /// `2026-12-06 04:30:00.123456`.
    static func isCreateDate(_ text: String) -> Bool {
        text.wholeMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}/) != nil
    }

    static func path(_ env: Environment, _ file: String) -> String {
        env.directory.appendingPathComponent("versions/\(file)").path
    }

    @Test(arguments: ["swift", "sql"])
    func revisionAndMergePrintAlembicsGeneratingLine(format: String) throws {
        let env = try Environment(.sqlite)
        let first = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111", "--format", format)
        #expect(first.status == 0, "\(first)")
        let path = Self.path(env, "aaa111_add_accounts.\(format)")
        #expect(first.stdout == "\(path)\n", "\(first)")
        #expect(first.stderr == "Generating \(path) ...  done\n", "\(first)")

        _ = try env.run("revision", "-m", "left", "--rev-id", "bbb222", "--head", "aaa111", "--format", format)
        _ = try env.run("revision", "-m", "right", "--rev-id", "ccc333", "--head", "aaa111", "--splice", "--format", format)
        let merge = try env.run("merge", "-m", "join", "heads", "--rev-id", "ddd444", "--format", format)
        #expect(merge.status == 0, "\(merge)")
        let mergePath = Self.path(env, "ddd444_join.\(format)")
        #expect(merge.stdout == "\(mergePath)\n", "\(merge)")
        #expect(merge.stderr == "Generating \(mergePath) ...  done\n", "\(merge)")
    }

    @Test(arguments: ["swift", "sql"])
    func revisionJSONHasTheNewRevision(format: String) throws {
        let env = try Environment(.sqlite)
        _ = try env.run("revision", "-m", "base", "--rev-id", "aaa111", "--format", format)
        _ = try env.run("revision", "-m", "lookups", "--rev-id", "zzz000", "--head", "base", "--format", format)
        let result = try env.run(
            "revision", "-m", "add tags", "--rev-id", "bbb222", "--branch-label", "tags", "--depends-on", "zzz000",
            "--head", "base", "--format", format, "--json")
        #expect(result.status == 0, "\(result)")
        let path = Self.path(env, "bbb222_add_tags.\(format)")
        #expect(result.stderr == "Generating \(path) ...  done\n", "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["revision", "path", "message", "down_revisions", "branch_labels", "depends_on", "create_date"])
        #expect(object["revision"] as? String == "bbb222")
        #expect(object["path"] as? String == path)
        #expect(object["message"] as? String == "add tags")
        #expect(object["down_revisions"] as? [String] == [])
        #expect(object["branch_labels"] as? [String] == ["tags"])
        #expect(object["depends_on"] as? [String] == ["zzz000"])
        let date = try #require(object["create_date"] as? String)
        #expect(Self.isCreateDate(date), "\(date)")
        // Laid out like the read commands' JSON: sorted keys, one a line, two-space indents.
        #expect(result.stdout.hasPrefix("{\n  \"branch_labels\": [\n    \"tags\"\n  ],\n  \"create_date\": \"\(date)\",\n"), "\(result)")

        let merge = try env.run("merge", "-m", "join", "heads", "--rev-id", "ccc333", "--json")
        #expect(merge.status == 0, "\(merge)")
        let merged = try #require(try JSONSerialization.jsonObject(with: Data(merge.stdout.utf8)) as? [String: Any])
        #expect(merged["revision"] as? String == "ccc333")
        #expect(Set(merged["down_revisions"] as? [String] ?? []) == ["aaa111", "bbb222"])
    }

    /// New files record their creation date; `show` and `history --verbose` print Alembic's
    /// `Revision ID:`, `Revises:` and `Create Date:` lines, and the new files run.
    @Test(arguments: TestEngine.enabled)
    func newFilesRecordTheirCreateDateAndShowPrintsIt(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.migration("old000", message: "from before dates", upgrade: "SELECT 1;")
        let swift = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111")
        #expect(swift.status == 0, "\(swift)")
        let sql = try env.run("revision", "-m", "add tags", "--rev-id", "bbb222", "--format", "sql")
        #expect(sql.status == 0, "\(sql)")
        let swiftText = try String(contentsOfFile: Self.path(env, "aaa111_add_accounts.swift"), encoding: .utf8)
        let swiftDate = try #require(swiftText.firstMatch(of: /static let createDate = "([^"]*)"/)?.1)
        #expect(Self.isCreateDate(String(swiftDate)), "\(swiftText)")
        let sqlText = try String(contentsOfFile: Self.path(env, "bbb222_add_tags.sql"), encoding: .utf8)
        let sqlDate = try #require(sqlText.firstMatch(of: /\n-- create_date: ([^\n]*)\n/)?.1)
        #expect(Self.isCreateDate(String(sqlDate)), "\(sqlText)")

        let show = try env.run("show", "aaa111")
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout == """
            Rev: aaa111
            Parent: old000
            Path: \(Self.path(env, "aaa111_add_accounts.swift"))

                add accounts

                Revision ID: aaa111
                Revises: old000
                Create Date: \(swiftDate)


            """, "\(show)")
        let verbose = try env.run("history", "--verbose")
        #expect(verbose.status == 0, "\(verbose)")
        #expect(verbose.stdout.contains("    add tags\n\n    Revision ID: bbb222\n    Revises: aaa111\n    Create Date: \(sqlDate)\n"), "\(verbose)")
        // A file without a date keeps working, without the line.
        #expect(verbose.stdout.hasSuffix("    from before dates\n\n    Revision ID: old000\n    Revises:\n\n"), "\(verbose)")
        let json = try #require(try env.run("history", "--json").json() as? [[String: Any]])
        #expect(json.map { $0["create_date"] as? String } == [String(sqlDate), String(swiftDate), nil])

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().versions() == ["bbb222"])
    }

    /// The first line of a doc comment is the message, the rest the description; a `//` line
    /// between the doc comment and the type leaves the message alone. SQL headers likewise.
    @Test(arguments: TestEngine.enabled)
    func messageIsTheFirstLineAndTheRestItsDescription(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.write(
            "versions/aaa111_accounts.swift",
            """
            import MigrateKit

            /// add accounts
            ///
            /// Billing needs an owner for each invoice.
            /// See the billing design notes.
            // swiftlint:disable type_name
            enum Rev_aaa111: Migration {
                static let revision = "aaa111"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("accounts", Column("id", .integer, primaryKey: true))
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("accounts")
                }
            }

            """)
        try env.migration(
            "bbb222", parent: "aaa111", message: "add tags", upgrade: "CREATE TABLE tags (id INTEGER PRIMARY KEY);",
            downgrade: "DROP TABLE tags;", extraHeader: "-- Tags group accounts.\n--\n-- Second paragraph.")
        let history = try env.run("history")
        #expect(history.stdout == "aaa111 -> bbb222 (head), add tags\n<base> -> aaa111, add accounts\n", "\(history)")
        let show = try env.run("show", "aaa111")
        #expect(show.stdout.contains("""

                add accounts

                Billing needs an owner for each invoice.
                See the billing design notes.

                Revision ID: aaa111
                Revises:

            """), "\(show)")
        let showSQL = try env.run("show", "bbb222")
        #expect(showSQL.stdout.contains("    add tags\n\n    Tags group accounts.\n\n    Second paragraph.\n\n    Revision ID: bbb222\n"), "\(showSQL)")
        let json = try #require(try env.run("show", "aaa111", "--json").json() as? [[String: Any]])
        #expect(json.first?["message"] as? String == "add accounts")
        #expect(json.first?["description"] as? String == "Billing needs an owner for each invoice.\nSee the billing design notes.")

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(up.stderr.contains("Running upgrade  -> aaa111, add accounts"), "\(up)")
    }

    /// The help of the commands that write files, snapshotted so changes to their options show in
    /// review (`MIGRATE_UPDATE_GOLDEN=1` rewrites the files).
    @Test(arguments: ["revision", "merge"])
    func helpMatchesTheGoldenFile(command: String) throws {
        let env = try Environment(.sqlite)
        let help = try env.run([command, "--help"], environment: ["COLUMNS": "100"])
        #expect(help.status == 0, "\(help)")
        let golden = OfflineGoldenTests.goldenFolder.appendingPathComponent("help-\(command).txt")
        if ProcessInfo.processInfo.environment["MIGRATE_UPDATE_GOLDEN"] == "1" {
            try help.stdout.write(to: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(help.stdout == expected, "\(golden.lastPathComponent) differs; rerun with MIGRATE_UPDATE_GOLDEN=1 if the change is intended")
    }

    // MARK: Revision templates

    static let swiftTemplate = """
        // Reviewed by the data team before merging.
        import MigrateKit

        /// ${message}
        ///
        /// Revision ID: ${revision}
        /// Revises: ${down_revisions}
        /// Create Date: ${create_date}
        enum ${type_name}: Migration {
            static let revision = "${revision}"
            static let downRevision: [String] = ${down_revisions}
            static let branchLabels: [String] = ${branch_labels}
            static let dependsOn: [String] = ${depends_on}
            static let createDate = "${create_date}"

            static func upgrade(_ op: Operations) {
                ${upgrades}
            }

            static func downgrade(_ op: Operations) {
                ${downgrades}
            }
        }

        """

    static let sqlTemplate = """
        -- ${message}
        -- revision: ${revision}
        -- down_revision: ${down_revisions}
        -- branch_labels: ${branch_labels}
        -- depends_on: ${depends_on}
        -- create_date: ${create_date}
        -- Team rule: every table gets a primary key. Literal: $${not_a_placeholder}

        -- migrate:upgrade

        -- migrate:downgrade

        """

    static func templateEnvironment(_ engine: TestEngine, models: Bool = false) throws -> Environment {
        let env = try Environment(engine)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("templates"), withIntermediateDirectories: true)
        try env.write("templates/migration.swift", swiftTemplate)
        try env.write("templates/migration.sql", sqlTemplate)
        try env.write("migrate.json", """
            {"url": "\(env.url)", \(models ? "\"models\": [\"models\"], " : "")
             "revision_template": {"swift": "templates/migration.swift", "sql": "templates/migration.sql"}}
            """)
        return env
    }

    @Test(arguments: TestEngine.enabled)
    func newFilesFollowTheTemplates(engine: TestEngine) throws {
        let env = try Self.templateEnvironment(engine)
        let first = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111")
        #expect(first.status == 0, "\(first)")
        let second = try env.run("revision", "-m", "add tags", "--rev-id", "bbb222", "--format", "sql", "--branch-label", "tags")
        #expect(second.status == 0, "\(second)")
        let swiftText = try String(contentsOfFile: Self.path(env, "aaa111_add_accounts.swift"), encoding: .utf8)
        #expect(swiftText.hasPrefix("// Reviewed by the data team before merging.\nimport MigrateKit\n\n/// add accounts\n///\n/// Revision ID: aaa111\n/// Revises: []\n"), "\(swiftText)")
        #expect(swiftText.contains("enum Rev_aaa111: Migration {\n    static let revision = \"aaa111\"\n    static let downRevision: [String] = []\n"), "\(swiftText)")
        let sqlText = try String(contentsOfFile: Self.path(env, "bbb222_add_tags.sql"), encoding: .utf8)
        #expect(sqlText.hasPrefix("-- add tags\n-- revision: bbb222\n-- down_revision: aaa111\n-- branch_labels: tags\n-- depends_on: \n"), "\(sqlText)")
        #expect(sqlText.contains("Literal: ${not_a_placeholder}\n"), "\(sqlText)")

        let history = try env.run("history")
        // A branch label names its whole line, down to the base.
        #expect(history.stdout == "aaa111 -> bbb222 (tags) (head), add tags\n<base> -> aaa111 (tags), add accounts\n", "\(history)")
        let show = try env.run("show", "aaa111")
        #expect(show.stdout.contains("\n    add accounts\n\n    Revision ID: aaa111\n    Revises:\n    Create Date: "), "\(show)")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().versions() == ["bbb222"])
    }

    /// Autogenerate puts its operations where the template says, indented like the placeholder.
    @Test(arguments: TestEngine.enabled)
    func autogenerateFillsTheTemplatesBodies(engine: TestEngine) throws {
        let env = try Self.templateEnvironment(engine, models: true)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write("models/App.swift", """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("tags", Column("id", .integer, primaryKey: true), Column("label", .string(length: 40), nullable: false)),
                ]
            }

            """)
        let revision = try env.run("revision", "--autogenerate", "-m", "add tags", "--rev-id", "aaa111")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stderr.contains("Detected add_table tags"), "\(revision)")
        let text = try String(contentsOfFile: Self.path(env, "aaa111_add_tags.swift"), encoding: .utf8)
        #expect(text.contains("""
                static func upgrade(_ op: Operations) {
                    op.createTable("tags",
                        Column("id", .integer, primaryKey: true),
                        Column("label", .string(length: 40), nullable: false))
                }
            """), "\(text)")
        #expect(text.contains("    static func downgrade(_ op: Operations) {\n        op.dropTable(\"tags\", definition: Table(\"tags\",\n"), "\(text)")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
    }

    @Test func unknownPlaceholderIsALocatedError() throws {
        let env = try Self.templateEnvironment(.sqlite)
        try env.write("templates/migration.swift", Self.swiftTemplate.replacingOccurrences(
            of: "static let revision = \"${revision}\"", with: "static let revision = \"${revison}\""))
        let result = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111")
        #expect(result.status == 1, "\(result)")
        let template = env.directory.appendingPathComponent("templates/migration.swift").path
        #expect(result.stderr.contains("\(template):10:28: revision template: unknown placeholder '${revison}'"), "\(result)")
        #expect(result.stderr.contains("hint: the placeholders are ${revision}, ${type_name}, ${down_revisions}"), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
        #expect(!FileManager.default.fileExists(atPath: Self.path(env, "aaa111_add_accounts.swift")))
    }

    @Test func templateWhoseFileWouldNotReadBackIsRefused() throws {
        let env = try Self.templateEnvironment(.sqlite)
        // A revision id written out instead of its placeholder.
        try env.write("templates/migration.sql", Self.sqlTemplate.replacingOccurrences(
            of: "-- revision: ${revision}", with: "-- revision: fixed01"))
        let wrongID = try env.run("revision", "-m", "add tags", "--rev-id", "bbb222", "--format", "sql")
        #expect(wrongID.status == 1, "\(wrongID)")
        #expect(wrongID.stderr.contains("would read back with revision fixed01 instead of bbb222, so it was not written"), "\(wrongID)")
        #expect(wrongID.stderr.contains("hint: fix the revision template \(env.directory.path)/templates/migration.sql"), "\(wrongID)")
        #expect(!FileManager.default.fileExists(atPath: Self.path(env, "bbb222_add_tags.sql")))

        // Swift that does not parse.
        try env.write("templates/migration.swift", Self.swiftTemplate.replacingOccurrences(of: "enum ${type_name}", with: "enum ${type_name} ("))
        let broken = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111")
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stderr.contains("would not be readable as a migration, so it was not written"), "\(broken)")
        #expect(broken.stderr.contains("cause: "), "\(broken)")
        #expect(!FileManager.default.fileExists(atPath: Self.path(env, "aaa111_add_accounts.swift")))

        // A template that is not there.
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("templates/migration.swift"))
        let missing = try env.run("revision", "-m", "add accounts", "--rev-id", "aaa111")
        #expect(missing.status == 1, "\(missing)")
        #expect(missing.stderr.contains("templates/migration.swift: cannot read the revision template"), "\(missing)")
        #expect(missing.stderr.contains("hint: fix 'revision_template.swift' in migrate.json, or create the file"), "\(missing)")
    }
}
