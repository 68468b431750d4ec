import Foundation
import Testing
import TestSupport

/// A graph that cannot be valid is a failure (exit 1) of every command that reads it, naming
/// the revisions and files involved and saying what to change.
@Suite struct BadGraphTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        /// (file name, revision, down_revision, extra header line)
        var files: [(String, String, String, String)]
        var expected: [String]

        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "cycle", files: [
            ("aaa111_m.sql", "aaa111", "ccc333", ""), ("bbb222_m.sql", "bbb222", "aaa111", ""),
            ("ccc333_m.sql", "ccc333", "bbb222", ""),
        ], expected: ["form a cycle through down_revision or depends_on: aaa111 -> bbb222 -> ccc333 -> aaa111", "hint: a revision cannot come after itself"]),
        Case(name: "two files with one id", files: [
            ("aaa111_one.sql", "aaa111", "", ""), ("aaa111_two.sql", "aaa111", "", ""),
        ], expected: ["revision aaa111 is declared twice", "versions/aaa111_one.sql", "versions/aaa111_two.sql",
                      "hint: give one of the files a new id"]),
        Case(name: "missing down_revision", files: [
            ("aaa111_m.sql", "aaa111", "", ""), ("bbb222_m.sql", "bbb222", "gone00", ""),
        ], expected: ["versions/bbb222_m.sql: revision bbb222 names down_revision gone00, which no migration file declares",
                      "hint: restore the missing file, or correct down_revision"]),
        Case(name: "label used twice", files: [
            ("aaa111_m.sql", "aaa111", "", "-- branch_labels: core"), ("bbb222_m.sql", "bbb222", "", "-- branch_labels: core"),
        ], expected: ["branch label 'core' is used by both aaa111 and bbb222", "hint: a label names one branch"]),
        Case(name: "missing dependency", files: [
            ("aaa111_m.sql", "aaa111", "", "-- depends_on: nowhere"),
        ], expected: ["revision aaa111 depends on nowhere, which is neither a revision nor a branch label",
                      "hint: correct depends_on"]),
        Case(name: "parent listed twice", files: [
            ("aaa111_m.sql", "aaa111", "", ""), ("bbb222_m.sql", "bbb222", "aaa111, aaa111", ""),
        ], expected: ["revision bbb222 lists the same down_revision twice", "hint: list each parent once"]),
    ]

    @Test(arguments: cases)
    func everyCommandReportsTheBadGraph(badGraph: Case) throws {
        let env = try Environment(.sqlite)
        for (name, id, parent, extra) in badGraph.files {
            try env.write("versions/\(name)", """
                -- migration \(id)
                -- revision: \(id)
                -- down_revision: \(parent)
                \(extra)

                -- migrate:upgrade
                SELECT 1;

                """)
        }
        for command in [["heads"], ["branches"], ["history"], ["show", "aaa111"], ["upgrade", "heads"],
                        ["upgrade", "heads", "--sql"], ["merge", "-m", "m", "heads"]] {
            let result = try env.run(command)
            #expect(result.status == 1, "\(command): \(result)")
            for text in badGraph.expected {
                #expect(result.stderr.contains(text), "\(command): \(result)")
            }
            #expect(result.stdout.isEmpty, "\(command): \(result)")
        }
        #expect(try env.database().versions() == [])
    }
}
