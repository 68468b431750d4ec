import Foundation
import Testing
import TestSupport

/// migrate.json's `compare.include_schemas: true` and `compare.include`/`exclude` through
/// `check` and `revision --autogenerate`: the same objects are left alone on the database's side
/// and the models' side, so the two commands agree.
@Suite struct CompareFilterCommandTests {
    static func environment(_ engine: TestEngine, compare: String, baseSQL: String, models: String) throws -> Environment {
        let env = try Environment(engine)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"], "compare": \#(compare)}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write("models/App.swift", """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
            \(models)
                ]
            }

            """)
        try env.migration("base01", message: "base schema", upgrade: baseSQL)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        return env
    }

    static func setCompare(_ env: Environment, _ compare: String) throws {
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"], "compare": \#(compare)}"#)
    }

    static let schemasSQL = """
        CREATE SCHEMA sales;
        CREATE SCHEMA audit;
        CREATE TABLE accounts (id INTEGER PRIMARY KEY);
        CREATE TABLE sales.orders (id INTEGER PRIMARY KEY);
        CREATE TABLE audit.events (id INTEGER PRIMARY KEY);
        """
    static let schemasModels = """
                Table("accounts", Column("id", .integer, primaryKey: true, autoincrement: false)),
                Table("orders", Column("id", .integer, primaryKey: true, autoincrement: false), schema: "sales"),
        """

    /// `include_schemas: true` compares every schema but PostgreSQL's own; a list, `false` and
    /// a `schema:` filter narrow it.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func includeSchemasTrueComparesEverySchema() throws {
        let env = try Self.environment(
            .postgresql, compare: #"{"include_schemas": true}"#, baseSQL: Self.schemasSQL, models: Self.schemasModels)
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        // The schema goes with its last table: the models declare nothing in it.
        #expect(check.stdout == "remove_table audit.events\nremove_schema audit\n", "\(check)")

        let revision = try env.run("revision", "--autogenerate", "-m", "drop audit", "--rev-id", "drop02")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stderr.contains("Detected remove_table audit.events\n"), "\(revision)")
        #expect(!revision.stderr.contains("Detected add_table"), "\(revision)")
        try FileManager.default.removeItem(atPath: revision.stdout.trimmingCharacters(in: .newlines))

        try Self.setCompare(env, #"{"include_schemas": ["sales"]}"#)
        #expect(try env.run("check").stdout == "No new upgrade operations detected.\n")
        try Self.setCompare(env, #"{"include_schemas": true, "exclude": ["schema:aud*"]}"#)
        #expect(try env.run("check").stdout == "No new upgrade operations detected.\n")
        // Without the sales schema, the models' sales.orders is left alone too.
        try Self.setCompare(env, #"{"include_schemas": false}"#)
        #expect(try env.run("check").stdout == "No new upgrade operations detected.\n")
        // A listed schema the models lack is compared: its tables would be dropped.
        try Self.setCompare(env, #"{"include_schemas": ["sales", "audit"]}"#)
        #expect(try env.run("check").stdout == "remove_table audit.events\nremove_schema audit\n")
    }

    static let filteredSQL = """
        CREATE TABLE accounts (id INT NOT NULL PRIMARY KEY, email VARCHAR(200), legacy_code TEXT);
        CREATE INDEX ix_tmp_email ON accounts (email);
        CREATE TABLE audit_2024 (id INTEGER PRIMARY KEY);
        """
    static let filteredModels = """
                Table("accounts",
                    Column("id", .integer, primaryKey: true, autoincrement: false),
                    Column("email", .string(length: 200)),
                    Column("nickname", .text),
                    Index("ix_accounts_email", columns: ["email"])),
        """

    /// Object filters by type and glob leave the same objects alone in `check` and autogenerate,
    /// on the database's side (an extra table, column and index) and the models' (a declared
    /// column and index).
    @Test(arguments: TestEngine.enabled)
    func objectFiltersLeaveTheSameObjectsAloneInCheckAndAutogenerate(engine: TestEngine) throws {
        let env = try Self.environment(
            engine, compare: #"{"exclude_tables": ["audit_*"]}"#, baseSQL: Self.filteredSQL, models: Self.filteredModels)
        let unfiltered = try env.run("check")
        #expect(unfiltered.status == 1, "\(unfiltered)")
        #expect(Set(unfiltered.stdout.split(separator: "\n")) == [
            "add_column accounts.nickname", "remove_column accounts.legacy_code", "remove_index ix_tmp_email on accounts",
            "add_index ix_accounts_email on accounts(email)",
        ], "\(unfiltered)")

        try Self.setCompare(env, """
            {"exclude_tables": ["audit_*"],
             "exclude": ["column:accounts.legacy_*", "index:ix_tmp_*", {"type": "column", "name": "nickname"}],
             "include": [{"type": "index", "name": "ix_tmp_*"}]}
            """)
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout == "No new upgrade operations detected.\n", "\(check)")
        let revision = try env.run("revision", "--autogenerate", "-m", "nothing")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stderr.contains("No changes in schema detected"), "\(revision)")

        // Including only some indexes: the declared one is compared, the temporary one is not.
        try Self.setCompare(env, """
            {"exclude": ["audit_*", "column:accounts.legacy_code", "column:nickname"], "include": ["index:ix_accounts_*"]}
            """)
        let narrowed = try env.run("check")
        #expect(narrowed.stdout == "add_index ix_accounts_email on accounts(email)\n", "\(narrowed)")
        let written = try env.run("revision", "--autogenerate", "-m", "email index", "--rev-id", "idx02")
        #expect(written.status == 0, "\(written)")
        #expect(written.stderr.contains("Detected add_index ix_accounts_email on accounts(email)\n"), "\(written)")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let clean = try env.run("check")
        #expect(clean.stdout == "No new upgrade operations detected.\n", "\(clean)")
    }

    @Test func anUnknownObjectTypeIsALocatedError() throws {
        let env = try Self.environment(.sqlite, compare: "{}", baseSQL: "SELECT 1;", models: "")
        try Self.setCompare(env, #"{"exclude": ["tabel:x"]}"#)
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        let column = #"{"url": "\#(env.url)", "models": ["models"], "compare": {"exclude": ["#.count + 1
        #expect(check.stderr.contains("migrate.json:1:\(column): 'compare.exclude[0]' names the object type 'tabel'"), "\(check)")
        #expect(check.stderr.contains("hint: did you mean 'table'?"), "\(check)")
    }
}
