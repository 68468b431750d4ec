import Foundation
import Testing
import TestSupport

/// `revision` writes Swift by default, and the command line runs what it wrote.
@Suite struct SwiftRevisionTests {
    @Test(arguments: TestEngine.enabled)
    func revisionWritesASwiftFileThatUpgrades(engine: TestEngine) throws {
        let env = try Environment(engine)
        let first = try env.run("revision", "-m", "create notes", "--rev-id", "aa11")
        #expect(first.status == 0, "\(first)")
        let path = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasSuffix("/versions/aa11_create_notes.swift"), "\(first)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // The creation date is the one line that differs between runs.
        #expect(text.replacing(/"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"/, with: "DATE") == """
            import MigrateKit

            /// create notes
            enum Rev_aa11: Migration {
                static let revision = "aa11"
                static let downRevision: [String] = []
                static let createDate = DATE

                static func upgrade(_ op: Operations) {
                }

                static func downgrade(_ op: Operations) {
                }
            }

            """)

        // The user fills in the bodies.
        let filled = text
            .replacingOccurrences(
                of: "static func upgrade(_ op: Operations) {\n    }",
                with: """
                    static func upgrade(_ op: Operations) {
                            op.execute("CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)")
                            op.execute(\"\"\"
                                INSERT INTO notes (id, body) VALUES (1, 'first')
                                \"\"\")
                        }
                    """)
            .replacingOccurrences(
                of: "static func downgrade(_ op: Operations) {\n    }",
                with: "static func downgrade(_ op: Operations) {\n        op.execute(\"DROP TABLE notes\")\n    }")
        try filled.write(toFile: path, atomically: true, encoding: .utf8)

        let second = try env.run("revision", "-m", "second", "--rev-id", "bb22")
        #expect(second.status == 0, "\(second)")
        let secondText = try String(contentsOfFile: second.stdout.trimmingCharacters(in: .whitespacesAndNewlines), encoding: .utf8)
        #expect(secondText.contains("static let downRevision: [String] = [\"aa11\"]"))

        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        #expect(upgrade.stderr.contains("Running upgrade  -> aa11, create notes"), "\(upgrade)")
        #expect(try env.database().versions() == ["bb22"])
        #expect(try env.database().scalar("SELECT body FROM notes WHERE id = 1") == "first")

        let downgrade = try env.run("downgrade", "base")
        #expect(downgrade.status == 0, "\(downgrade)")
        #expect(try !env.database().tables().contains("notes"))
    }

    @Test func anUnreadableSwiftFileIsALocatedError() throws {
        let env = try Environment(.sqlite)
        try env.write("versions/cc33_bad.swift", """
            import MigrateKit

            /// bad
            enum Rev_cc33: Migration {
                static let revision = "cc33"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    for name in ["a", "b"] { op.dropTable(name) }
                }
                static func downgrade(_ op: Operations) {}
            }

            """)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("""
            versions/cc33_bad.swift:8:9: `for` statements are run-time control flow, which migrate does not read
                        for name in ["a", "b"] { op.dropTable(name) }
                        ^
              hint: write one `op.…` call per change, unrolled;
            """), "\(result)")
        #expect(result.stdout.isEmpty)
    }
}
