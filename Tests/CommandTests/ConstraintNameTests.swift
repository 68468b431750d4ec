import Foundation
import Testing
import TestSupport

/// A named and an unnamed constraint on the same columns, through the real command line on both
/// engines: each can be dropped by its name, online, in the downgrade and in an offline script,
/// and `check` and autogenerate tell them apart.
@Suite struct ConstraintNameTests {
    /// aa11 creates users with an unnamed `UNIQUE (email)`; bb22 adds `uq_users_email` on the same
    /// column; cc33 drops the unnamed one by the name PostgreSQL gives it.
    func writeMigrations(_ env: Environment) throws {
        try env.write(
            "versions/aa11_users.swift",
            """
            import MigrateKit

            /// users
            enum Rev_aa11: Migration {
                static let revision = "aa11"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("users",
                        Column("id", .integer, primaryKey: true, identity: true),
                        Column("email", .string(length: 200), nullable: false),
                        UniqueConstraint(["email"]))
                    op.bulkInsert("users", columns: ["email"], rows: [["a@example.com"], ["b@example.com"]])
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("users")
                }
            }

            """)
        try env.write(
            "versions/bb22_named.swift",
            """
            import MigrateKit

            /// named unique email
            enum Rev_bb22: Migration {
                static let revision = "bb22"
                static let downRevision: [String] = ["aa11"]
                static func upgrade(_ op: Operations) {
                    op.createUniqueConstraint("uq_users_email", on: "users", columns: ["email"])
                }
                static func downgrade(_ op: Operations) {
                    op.dropConstraint("uq_users_email", on: "users", kind: .unique)
                }
            }

            """)
        try env.write(
            "versions/cc33_unnamed.swift",
            """
            import MigrateKit

            /// drop the unnamed one
            enum Rev_cc33: Migration {
                static let revision = "cc33"
                static let downRevision: [String] = ["bb22"]
                static func upgrade(_ op: Operations) {
                    op.dropConstraint("users_email_key", on: "users", kind: .unique)
                }
                static func downgrade(_ op: Operations) {
                    op.createUniqueConstraint("users_email_key", on: "users", columns: ["email"])
                }
            }

            """)
    }

    /// The names of the unique constraints on users, as reflection reports them.
    func uniqueNames(_ env: Environment) throws -> [String] {
        try AutogenerateCommandTests.reflect(env).table(.init("users"))?.uniqueConstraints.map { $0.name ?? "(unnamed)" } ?? []
    }

    @Test(arguments: TestEngine.enabled)
    func namedAndUnnamedOnTheSameColumnsUpgradeAndDowngrade(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeMigrations(env)
        let unnamed = engine == .sqlite ? "(unnamed)" : "users_email_key"

        #expect(try env.run("upgrade", "bb22").status == 0)
        #expect(try uniqueNames(env).sorted() == [unnamed, "uq_users_email"].sorted())
        let down = try env.run("downgrade", "aa11")
        #expect(down.status == 0, "\(down)")
        #expect(try uniqueNames(env) == [unnamed])

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try uniqueNames(env) == ["uq_users_email"])
        #expect(throws: (any Error).self) { try env.database().execute("INSERT INTO users (email) VALUES ('a@example.com')") }

        let back = try env.run("downgrade", "aa11")
        #expect(back.status == 0, "\(back)")
        #expect(try uniqueNames(env) == [engine == .sqlite ? "users_email_key" : unnamed])
        #expect(try env.database().column("SELECT email FROM users ORDER BY id") == ["a@example.com", "b@example.com"])
    }

    @Test func offlineScriptDropsEachByItsName() throws {
        let env = try Environment(.sqlite)
        try writeMigrations(env)
        let offline = try env.run("upgrade", "head", "--sql")
        #expect(offline.status == 0, "\(offline)")
        // bb22 keeps both; cc33 keeps only the named one.
        #expect(offline.stdout.contains("UNIQUE (\"email\"),\n    CONSTRAINT \"uq_users_email\" UNIQUE (\"email\")\n);"), "\(offline)")
        #expect(offline.stdout.contains("    \"email\" VARCHAR(200) NOT NULL,\n    CONSTRAINT \"uq_users_email\" UNIQUE (\"email\")\n);"), "\(offline)")
        // The script runs in sqlite3 and leaves only the named constraint.
        let file = try makeTemporaryDirectory().appendingPathComponent("offline.sqlite3").path
        let sqlite3 = Process()
        sqlite3.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite3.arguments = ["sqlite3", "-bail", file]
        let input = Pipe()
        sqlite3.standardInput = input
        try sqlite3.run()
        input.fileHandleForWriting.write(Data(offline.stdout.utf8))
        try input.fileHandleForWriting.close()
        sqlite3.waitUntilExit()
        #expect(sqlite3.terminationStatus == 0)
        let sql = try TestDatabase(url: "sqlite:///" + file).scalar("SELECT sql FROM sqlite_master WHERE name = 'users'") ?? ""
        #expect(sql.hasSuffix("    \"email\" VARCHAR(200) NOT NULL,\n    CONSTRAINT \"uq_users_email\" UNIQUE (\"email\")\n)"), "\(sql)")
    }

    /// Models naming both; then a database that lost one: `check` names the missing one and
    /// autogenerate brings it back.
    @Test(arguments: TestEngine.enabled)
    func checkTellsThemApartAndAutogenerateRestoresTheMissingOne(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeMigrations(env)
        let dropUnnamed = env.directory.appendingPathComponent("versions/cc33_unnamed.swift")
        let dropUnnamedText = try String(contentsOf: dropUnnamed, encoding: .utf8)
        try FileManager.default.removeItem(at: dropUnnamed)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models.swift"]}"#)
        try env.write(
            "models.swift",
            AutogenerateCommandTests.modelsFile([(
                "users",
                [
                    #"Column("id", .integer, primaryKey: true, identity: true)"#,
                    #"Column("email", .string(length: 200), nullable: false)"#,
                    #"UniqueConstraint(["email"])"#,
                    #"UniqueConstraint(["email"], name: "uq_users_email")"#,
                ]
            )]))
        #expect(try env.run("upgrade", "bb22").status == 0)
        let clean = try env.run("check")
        #expect(clean.status == 0, "\(clean)")

        // Drift: cc33 drops the unnamed one the models still declare.
        try env.write("versions/cc33_unnamed.swift", dropUnnamedText)
        #expect(try env.run("upgrade", "head").status == 0)
        let drift = try env.run("check")
        #expect(drift.status == 1, "\(drift)")
        #expect(drift.stdout == "add_unique_constraint users_email_key on users(email)\n", "\(drift)")
        let revision = try env.run("revision", "--autogenerate", "-m", "restore", "--rev-id", "dd44")
        #expect(revision.status == 0, "\(revision)")
        #expect(try env.run("upgrade", "head").status == 0)
        let after = try env.run("check")
        #expect(after.status == 0, "\(after)")
        #expect(try env.run("downgrade", "-1").status == 0)
        #expect(try uniqueNames(env) == ["uq_users_email"])
    }
}
