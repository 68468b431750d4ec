import Foundation
@testable import MigrateKit
import Testing

/// Revision templates' placeholders, and the creation date new files record.
@Suite struct RevisionTemplateTests {
    static func template(_ text: String) throws -> RevisionTemplate {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("template-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("migration.template").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try RevisionTemplate(path: path, key: "revision_template.swift")
    }

    static let values = RevisionTemplate.Values(
        revision: "ae10", downRevisions: ["a1", "b2"], branchLabels: [], dependsOn: ["c\"3"], message: "merge\n  the lines",
        createDate: "2026-12-06 04:30:00.123456", upgrades: "op.execute(\"A\")\n\nop.execute(\"B\")", downgrades: "")

    @Test func placeholdersTakeEachFormatsForm() throws {
        let template = try Self.template("${type_name} ${down_revisions} ${branch_labels} ${ depends_on } $${kept} ${message}\n")
        #expect(try template.render(Self.values, format: .swift)
            == #"Rev_ae10 ["a1", "b2"] [] ["c\"3"] ${kept} merge the lines"# + "\n")
        #expect(try template.render(Self.values, format: .sql) == #"Rev_ae10 a1, b2  c"3 ${kept} merge the lines"# + "\n")
    }

    @Test func multiLineValuesFollowThePlaceholdersIndentation() throws {
        let template = try Self.template("func upgrade() {\n        ${upgrades}\n}\n")
        #expect(try template.render(Self.values, format: .swift)
            == "func upgrade() {\n        op.execute(\"A\")\n\n        op.execute(\"B\")\n}\n")
    }

    static let errorCases: [(String, String)] = [
        ("line one\n  x ${revison} y\n", ":2:5: revision template: unknown placeholder '${revison}'"),
        ("${revision\n}", ":1:1: revision template: a placeholder '${' is not closed on its line"),
        ("ok ${}", ":1:4: revision template: unknown placeholder '${}'"),
    ]

    @Test(arguments: errorCases)
    func errorsAreLocatedInTheTemplate(_ text: String, _ expected: String) throws {
        let template = try Self.template(text)
        do {
            _ = try template.render(Self.values, format: .swift)
            Issue.record("no error for \(text)")
        } catch let error as MigrateError {
            #expect(error.kind == .configuration)
            #expect("\(error.location!): \(error.message)" == template.path + expected)
        }
    }

    @Test func createDateIsUTCWithMicroseconds() {
        #expect(Commands.createDate(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00.000000")
        #expect(Commands.createDate(Date(timeIntervalSince1970: 1_796_531_400.123456)) == "2026-12-06 04:30:00.123456")
        #expect(Commands.createDate(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29 00:00:00.000000")
        #expect(Commands.createDate(Date(timeIntervalSince1970: -1.5)) == "1969-12-31 23:59:58.500000")
    }
}
