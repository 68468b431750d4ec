import Foundation
import MigrateCore
import Testing
import TestSupport

/// SQLite's own parts of a table through the real command line: `STRICT`, `WITHOUT ROWID`,
/// `AUTOINCREMENT`, `COLLATE`, declared type names whose affinity differs from the portable
/// type's, and key columns that may hold NULL. Models → autogenerate → upgrade → check is clean;
/// each changed in the database is reported and brought back.
@Suite struct SQLiteTableOptionsTests {
    static func environment() throws -> Environment {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models.swift"]}"#)
        return env
    }

    static func models(_ tables: [String]) -> String {
        """
        import MigrateKit

        enum AppSchema: ModelSchema {
            static let tables: [Table] = [
        \(tables.map { "        " + $0 + "," }.joined(separator: "\n"))
            ]
        }

        """
    }

    static let events = #"""
        Table("events",
                    Column("id", .integer, primaryKey: true, identity: true),
                    Column("name", .text, nullable: false, collation: "NOCASE"),
                    Column("payload", .binary),
                    strict: true, autoincrement: true)
        """#
    static let tags = #"""
        Table("tags", Column("code", .text, primaryKey: true), Column("weight", .integer), withoutRowid: true)
        """#
    static let files = #"""
        Table("files", Column("id", .integer, primaryKey: true, identity: true), Column("data", .custom("bytea")), Column("body", .binary))
        """#

    @Test func modelsRoundTripThroughAutogenerate() throws {
        let env = try Self.environment()
        try env.write("models.swift", Self.models([Self.events, Self.tags, Self.files]))
        let revision = try env.run("revision", "--autogenerate", "-m", "initial", "--rev-id", "base01")
        #expect(revision.status == 0, "\(revision)")
        let text = try String(contentsOfFile: revision.stdout.trimmingCharacters(in: .newlines), encoding: .utf8)
        #expect(text.contains("strict: true,") && text.contains("autoincrement: true") && text.contains("withoutRowid: true"), "\(text)")
        #expect(text.contains(#"collation: "NOCASE""#), "\(text)")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        let database = try env.database()
        let events = try database.scalar("SELECT sql FROM sqlite_master WHERE name = 'events'") ?? ""
        #expect(events.contains("PRIMARY KEY AUTOINCREMENT") && events.contains(#"COLLATE "NOCASE""#) && events.hasSuffix(") STRICT"), "\(events)")
        #expect(try database.scalar("SELECT sql FROM sqlite_master WHERE name = 'tags'")?.hasSuffix(") WITHOUT ROWID") == true)
        #expect(try database.scalar("SELECT sql FROM sqlite_master WHERE name = 'files'")?.contains(#""data" bytea"#) == true)
        #expect(try env.run("downgrade", "base").status == 0)
        #expect(try database.tables() == ["migrate_version", "migrate_version_history"])
    }

    /// One thing changed in the database (by the base migration's SQL) against models that say otherwise.
    struct Drift: CustomStringConvertible, Sendable {
        var name: String
        var sql: String
        var model: String
        var expected: String
        var description: String { name }
    }

    static let drifts: [Drift] = [
        Drift(
            name: "STRICT", sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
            model: #"Table("t", Column("id", .integer, primaryKey: true, identity: true), Column("name", .text), strict: true)"#,
            expected: "modify_table_options t: STRICT"),
        Drift(
            name: "WITHOUT ROWID", sql: "CREATE TABLE t (code TEXT NOT NULL PRIMARY KEY, n INTEGER)",
            model: #"Table("t", Column("code", .text, primaryKey: true), Column("n", .integer), withoutRowid: true)"#,
            expected: "modify_table_options t: WITHOUT ROWID"),
        Drift(
            name: "AUTOINCREMENT", sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
            model: #"Table("t", Column("id", .integer, primaryKey: true, identity: true), Column("name", .text), autoincrement: true)"#,
            expected: "modify_table_options t: AUTOINCREMENT"),
        Drift(
            name: "COLLATE", sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)",
            model: #"Table("t", Column("id", .integer, primaryKey: true, identity: true), Column("name", .text, collation: "NOCASE"))"#,
            expected: "modify_collation t.name: default -> NOCASE"),
        Drift(
            name: "affinity", sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, data bytea)",
            model: #"Table("t", Column("id", .integer, primaryKey: true, identity: true), Column("data", .binary))"#,
            expected: "modify_type t.data: custom(bytea) -> binary"),
        Drift(
            name: "nullable key", sql: "CREATE TABLE t (code TEXT PRIMARY KEY, n INTEGER)",
            model: #"Table("t", Column("code", .text, primaryKey: true), Column("n", .integer))"#,
            expected: "modify_nullable t.code: true -> false"),
    ]

    @Test(arguments: drifts)
    func driftIsReportedAndBroughtBack(_ drift: Drift) throws {
        let env = try Self.environment()
        try env.migration("base01", upgrade: drift.sql + ";\nINSERT INTO t VALUES (1, NULL);")
        #expect(try env.run("upgrade", "head").status == 0)
        let before = try AutogenerateCommandTests.reflect(env)
        try env.write("models.swift", Self.models([drift.model]))
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout == drift.expected + "\n", "\(check)")

        let revision = try env.run("revision", "--autogenerate", "-m", "fix", "--rev-id", "fix01")
        #expect(revision.status == 0, "\(revision)")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let after = try env.run("check")
        #expect(after.status == 0, "\(after)")
        #expect(try env.database().column("SELECT count(*) FROM t") == ["1"])

        let down = try env.run("downgrade", "-1")
        #expect(down.status == 0, "\(down)")
        #expect(AutogenerateCommandTests.difference(before, try AutogenerateCommandTests.reflect(env), .sqlite).isEmpty)
    }

    /// `alterTableOptions` and the collation of `alterColumn` in an offline script.
    @Test func offlineScriptRebuildsWithTheNewOptions() throws {
        let env = try Self.environment()
        try env.write("models.swift", Self.models([Self.events]))
        try env.migration("base01", upgrade: "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL, payload BLOB)")
        try env.write(
            "versions/fix01_options.swift",
            """
            import MigrateKit

            /// options
            enum Rev_fix01: Migration {
                static let revision = "fix01"
                static let downRevision: [String] = ["base01"]
                static func upgrade(_ op: Operations) {
                    op.alterTableOptions("events", strict: true, autoincrement: true)
                    op.alterColumn("events", "name", collation: "NOCASE", existingCollation: .some(nil))
                }
                static func downgrade(_ op: Operations) {
                    op.alterColumn("events", "name", dropCollation: true, existingCollation: "NOCASE")
                    op.alterTableOptions("events")
                }
            }

            """)
        let offline = try env.run("upgrade", "head", "--sql")
        #expect(offline.status == 0, "\(offline)")
        #expect(offline.stdout.contains("\"id\" INTEGER PRIMARY KEY AUTOINCREMENT,"), "\(offline)")
        #expect(offline.stdout.contains("\"name\" TEXT COLLATE \"NOCASE\" NOT NULL,"), "\(offline)")
        #expect(offline.stdout.contains(") STRICT;"), "\(offline)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try env.run("downgrade", "base01").status == 0)
        let sql = try env.database().scalar("SELECT sql FROM sqlite_master WHERE name = 'events'") ?? ""
        #expect(!sql.contains("STRICT") && !sql.contains("NOCASE"), "\(sql)")
    }
}
