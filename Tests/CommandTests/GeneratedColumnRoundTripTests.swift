import Foundation
import Testing
import TestSupport

/// A generated column the models declare plain: `check` reports it, autogenerate alters it in
/// place (its values stay, inserts may set it), and the downgrade makes it generated again with
/// its values computed anew; on PostgreSQL, on SQLite (a stored and a virtual column), and offline.
@Suite struct GeneratedColumnRoundTripTests {
    /// The generated columns of `items` per engine, and the SQL that says whether one is generated.
    struct Setup {
        var generated: [String]
        var plain: [String]
        var reported: [String]
        var isGenerated: (String) -> String
        var generatedAnswer: String

        static func of(_ engine: TestEngine) -> Setup {
            switch engine {
            case .postgresql:
                return Setup(
                    generated: [#"Column("doubled", .integer, generated: .stored("quantity * 2"))"#],
                    plain: [#"Column("doubled", .integer)"#],
                    reported: ["modify_generated items.doubled: stored (quantity * 2) -> none"],
                    isGenerated: {
                        "SELECT attgenerated FROM pg_attribute WHERE attrelid = 'items'::regclass AND attname = '\($0)'"
                    },
                    generatedAnswer: "s")
            case .sqlite:
                return Setup(
                    generated: [
                        #"Column("doubled", .integer, generated: .stored("quantity * 2"))"#,
                        #"Column("tripled", .integer, generated: .virtual("quantity * 3"))"#,
                    ],
                    plain: [#"Column("doubled", .integer)"#, #"Column("tripled", .integer)"#],
                    reported: [
                        "modify_generated items.doubled: stored (quantity * 2) -> none",
                        "modify_generated items.tripled: virtual (quantity * 3) -> none",
                    ],
                    // table_xinfo's hidden: 2 for VIRTUAL, 3 for STORED, 0 for a plain column.
                    isGenerated: { "SELECT CASE WHEN hidden > 1 THEN 's' ELSE '' END FROM pragma_table_xinfo('items') WHERE name = '\($0)'" },
                    generatedAnswer: "s")
            }
        }

        var names: [String] { generated.map { String($0.split(separator: "\"")[1]) } }
    }

    static let base = [
        #"Column("id", .integer, primaryKey: true)"#,
        #"Column("quantity", .integer, nullable: false)"#,
    ]

    @Test(arguments: TestEngine.enabled)
    func aGeneratedColumnTurningPlainKeepsItsValuesAndTheDowngradeComputesThemAgain(engine: TestEngine) throws {
        let setup = Setup.of(engine)
        let env = try TableDetailRoundTripTests.environment(engine, tables: [("items", Self.base + setup.generated)])
        #expect(try env.run("revision", "--autogenerate", "-m", "initial", "--rev-id", "init01").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        let database = try env.database()
        try database.execute("INSERT INTO items (quantity) VALUES (1)")
        try database.execute("INSERT INTO items (quantity) VALUES (5)")
        let computed = try database.column("SELECT \(setup.names.joined(separator: " || ',' || ")) FROM items ORDER BY id")

        try env.write("models/App.swift", AutogenerateCommandTests.modelsFile([("items", Self.base + setup.plain)]))
        let drifted = try env.run("check")
        #expect(drifted.status == 1, "\(drifted)")
        for line in setup.reported {
            #expect(drifted.stdout.split(separator: "\n").contains { $0 == line }, "\(drifted)")
        }
        let revision = try env.run("revision", "--autogenerate", "-m", "plain", "--rev-id", "plain02")
        #expect(revision.status == 0, "\(revision)")
        let file = try String(contentsOf: env.directory.appendingPathComponent("versions/plain02_plain.swift"), encoding: .utf8)
        #expect(file.contains("dropExpression: true"), "\(file)")
        #expect(file.contains("stops being generated: it keeps the values it holds"), "\(file)")
        #expect(!file.contains("op.dropColumn"), "\(file)")

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try database.column("SELECT \(setup.names.joined(separator: " || ',' || ")) FROM items ORDER BY id") == computed)
        for name in setup.names {
            #expect(try database.scalar(setup.isGenerated(name)) == "")
        }
        // Inserts and updates may set the column now; the old rows keep what they held.
        let values = setup.names.map { _ in "42" }
        try database.execute(
            "INSERT INTO items (quantity, \(setup.names.joined(separator: ", "))) VALUES (7, \(values.joined(separator: ", ")))")
        try database.execute("UPDATE items SET quantity = 100 WHERE quantity = 1")
        #expect(try database.column("SELECT \(setup.names.joined(separator: " || ',' || ")) FROM items ORDER BY id")
            == computed + [values.joined(separator: ",")])
        let clean = try env.run("check")
        #expect(clean.status == 0, "\(clean)")

        let down = try env.run("downgrade", "init01")
        #expect(down.status == 0, "\(down)")
        for name in setup.names {
            #expect(try database.scalar(setup.isGenerated(name)) == setup.generatedAnswer)
        }
        // Computed anew from each row: the 42s and the old value of the updated row are gone.
        let recomputed = engine == .postgresql ? ["200", "10", "14"] : ["200,300", "10,15", "14,21"]
        #expect(try database.column("SELECT \(setup.names.joined(separator: " || ',' || ")) FROM items ORDER BY id") == recomputed)
        // Without the revision, the models that made the table find it as they left it.
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/plain02_plain.swift"))
        try env.write("models/App.swift", AutogenerateCommandTests.modelsFile([("items", Self.base + setup.generated)]))
        let again = try env.run("check")
        #expect(again.status == 0, "\(again)")
    }

    /// Offline, the upgrade drops the expression (PostgreSQL) or rebuilds the table copying the
    /// column (SQLite); PostgreSQL's downgrade drops the column and adds it again.
    @Test(arguments: TestEngine.allCases)
    func offlineScriptsAlterTheColumnInPlaceAndBack(engine: TestEngine) throws {
        let setup = Setup.of(engine)
        let env = try TableDetailRoundTripTests.environment(engine, tables: [("items", Self.base + setup.generated)])
        try env.write(
            "versions/init01_initial.swift",
            """
            import MigrateKit

            enum Rev_init01: Migration {
                static let revision = "init01"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.createTable("items", Column("id", .integer, primaryKey: true), Column("quantity", .integer, nullable: false),
                        Column("doubled", .integer, generated: .stored("quantity * 2")))
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("items")
                }
            }

            """)
        try env.write(
            "versions/plain02_plain.swift",
            """
            import MigrateKit

            enum Rev_plain02: Migration {
                static let revision = "plain02"
                static let downRevision: [String] = ["init01"]
                static func upgrade(_ op: Operations) {
                    op.alterColumn("items", "doubled", existingType: .integer, existingNullable: true,
                        dropExpression: true, existingGenerated: .stored("quantity * 2"))
                }
                static func downgrade(_ op: Operations) {
                    op.alterColumn("items", "doubled", existingType: .integer, existingNullable: true,
                        generated: .stored("quantity * 2"), existingGenerated: .some(nil))
                }
            }

            """)
        let url = OfflineGoldenTests.offlineURL(engine)
        let up = try env.run("upgrade", "head", "--sql", "--url", url)
        #expect(up.status == 0, "\(up)")
        switch engine {
        case .postgresql:
            #expect(up.stdout.contains(#"ALTER TABLE "items" ALTER COLUMN "doubled" DROP EXPRESSION;"#), "\(up)")
            let down = try env.run("downgrade", "plain02:init01", "--sql", "--url", url)
            #expect(down.status == 0, "\(down)")
            #expect(down.stdout.contains(
                #"""
                ALTER TABLE "items" DROP COLUMN "doubled";

                ALTER TABLE "items" ADD COLUMN "doubled" INTEGER GENERATED ALWAYS AS (quantity * 2) STORED;
                """#), "\(down)")
        case .sqlite:
            // An offline SQLite script knows only the tables its own statements create, so only
            // a range from base rebuilds: the upgrade.
            #expect(up.stdout.contains(
                #"INSERT INTO "_migrate_rebuild_items" (rowid, "id", "quantity", "doubled") SELECT rowid, "id", "quantity", "doubled" FROM "items";"#),
                "\(up)")
        }
    }
}
