import Foundation
import Testing
import TestSupport

/// What `migrate` prints for people shows control characters from messages, file names,
/// statements and database messages escaped (`\u{1B}`, `\n`), keeping only its own line
/// breaks; SQL scripts stay byte for byte, and JSON escapes by itself.
@Suite struct TerminalOutputTests {
    /// A message with an escape sequence, a carriage return and NEL (U+0085, a C1 line break).
    static let message = "evil \u{1B}[31mred\r\u{85}end"
    static let escapedMessage = #"evil \u{1B}[31mred\r\u{85}end"#
    /// A file name with a line break that, printed raw, would forge an `error:` line.
    static let fileName = "bbb222_x\nerror: forged.sql"

    /// The control characters in `text` other than line breaks.
    private func controls(_ text: String) -> [String] {
        text.unicodeScalars
            .filter { $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }
            .map { "U+" + String($0.value, radix: 16) }
    }

    private func environment(_ engine: TestEngine) throws -> Environment {
        let env = try Environment(engine)
        try env.migration("aaa111", message: Self.message, upgrade: "CREATE TABLE t (id integer);", downgrade: "DROP TABLE t;")
        try env.write("versions/\(Self.fileName)", """
            -- second
            -- revision: bbb222
            -- down_revision: aaa111

            -- migrate:upgrade
            INSERT INTO "missing\u{1B}[2J" VALUES (1);

            -- migrate:downgrade

            """)
        return env
    }

    @Test(arguments: TestEngine.enabled)
    func readCommandsEscapeMessagesAndPaths(engine: TestEngine) throws {
        let env = try environment(engine)

        let history = try env.run("history")
        #expect(history.status == 0, "\(history)")
        #expect(history.stdout.contains("<base> -> aaa111, \(Self.escapedMessage)\n"), "\(history)")
        #expect(controls(history.stdout).isEmpty, "\(history)")

        for arguments in [["history", "--verbose"], ["history", "--graph", "--verbose"], ["heads", "--verbose"], ["show", "bbb222"]] {
            let result = try env.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result)")
            #expect(result.stdout.contains(#"bbb222_x\nerror: forged.sql"#), "\(arguments): \(result)")
            #expect(!result.stdout.split(separator: "\n").contains { $0.contains("error: forged") && !$0.contains(#"\n"#) }, "\(arguments): \(result)")
            #expect(controls(result.stdout).isEmpty, "\(arguments): \(result)")
        }
        let show = try env.run("show", "aaa111")
        #expect(show.stdout.hasSuffix("\n    \(Self.escapedMessage)\n\n    Revision ID: aaa111\n    Revises:\n\n"), "\(show)")

        #expect(try env.run("upgrade", "aaa111").status == 0)
        let current = try env.run("current", "--verbose")
        #expect(current.stdout.contains("    \(Self.escapedMessage)\n"), "\(current)")
        #expect(controls(current.stdout).isEmpty, "\(current)")
    }

    @Test(arguments: TestEngine.enabled)
    func progressAndErrorsEscapeValuesButKeepTheirOwnLines(engine: TestEngine) throws {
        let env = try environment(engine)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("-> aaa111, \(Self.escapedMessage) ("), "\(up)")
        #expect(controls(up.stderr).isEmpty, "\(up)")
        let lines = up.stderr.split(separator: "\n")
        // One error line, naming the file with its line break escaped; the cause and hint
        // keep their own lines, and the statement its escape sequence escaped.
        #expect(lines.filter { $0.hasPrefix("error:") }.count == 1, "\(up)")
        #expect(lines.contains { $0.hasPrefix("error: \(env.directory.path)/" + #"versions/bbb222_x\nerror: forged.sql:6: upgrade bbb222 (second) failed"#) }, "\(up)")
        #expect(up.stderr.contains(#"INSERT INTO "missing\u{1B}[2J" VALUES (1)"#), "\(up)")
        #expect(lines.contains { $0.hasPrefix("  cause: ") } && lines.contains { $0.hasPrefix("  hint: ") }, "\(up)")
        #expect(try env.database().versions() == ["aaa111"])
    }

    @Test func usageErrorsEscapeTheArgument() throws {
        let env = try Environment(.sqlite)
        let result = try env.run("heads", "--x\u{1B}]0;title\u{07}")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.hasPrefix(#"error: Unknown option '--x\u{1B}]0;title\u{07}'"#), "\(result)")
        #expect(controls(result.stderr).isEmpty, "\(result)")
    }

    @Test func sqlScriptsStayByteExactAndJSONEscapesControlCharacters() throws {
        let env = try environment(.sqlite)
        let script = try env.run("upgrade", "aaa111", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(script.stdout.contains("-- Running upgrade  -> aaa111, \(Self.message)\n"), "\(script)")

        let json = try env.run("history", "--json")
        #expect(json.status == 0, "\(json)")
        #expect(json.stdout.contains(#""message": "evil \u001b[31mred\r\u0085end""#), "\(json)")
        #expect(json.stdout.contains(#"bbb222_x\nerror: forged.sql""#), "\(json)")
        #expect(controls(json.stdout).isEmpty, "\(json)")
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(decoded?.last?["message"] as? String == Self.message, "\(json)")
    }

    @Test func jsonOfNothingIsAnEmptyListOrObject() throws {
        let env = try Environment(.sqlite)
        let heads = try env.run("heads", "--json")
        #expect(heads.status == 0, "\(heads)")
        #expect(heads.stdout == "[]\n", "\(heads)")

        let current = try env.run("current", "--json")
        #expect(current.status == 0, "\(current)")
        #expect(current.stdout == "{\n  \"database_heads\": [],\n  \"revisions\": []\n}\n", "\(current)")
    }

    @Test func jsonIsIndentedWithOneKeyALine() throws {
        let env = try Environment(.sqlite)
        try env.migration("aaa111", message: "first", upgrade: "SELECT 1;")
        let heads = try env.run("heads", "--json")
        #expect(heads.status == 0, "\(heads)")
        let path = env.directory.appendingPathComponent("versions/aaa111_m.sql").path
        #expect(heads.stdout == """
            [
              {
                "branch_labels": [],
                "children": [],
                "create_date": null,
                "depends_on": [],
                "description": "",
                "down_revisions": [],
                "is_base": true,
                "is_branch_point": false,
                "is_head": true,
                "is_merge_point": false,
                "message": "first",
                "path": "\(path)",
                "revision": "aaa111"
              }
            ]

            """, "\(heads)")
    }
}
