#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateScript

/// A template new migration files are written from (migrate.json `revision_template`, the part
/// Alembic's `script.py.mako` plays): the file's text with `${name}` placeholders, so a team can
/// add its own header, imports or conventions to every new revision.
///
/// Each placeholder is written in the form the file's format needs: in a Swift template
/// `${down_revisions}` is an array literal (`["a1", "b2"]`), in a SQL template a comma-separated
/// list (`a1, b2`). `$${` writes a literal `${`. A name that is no placeholder is an error at its
/// line and column, and the rendered file must read back as the revision it is meant to be.
struct RevisionTemplate {
    /// The placeholders, with what each becomes; docs/migration-files.md lists the same.
    static let placeholders: [(name: String, meaning: String)] = [
        ("revision", "the new revision's id"),
        ("type_name", "the Swift type name, Rev_<id>"),
        ("down_revisions", "the parents: a Swift array literal, or comma-separated in SQL"),
        ("branch_labels", "the branch labels, in the same form"),
        ("depends_on", "the revisions depended on, in the same form"),
        ("message", "the message, on one line"),
        ("create_date", "the creation time, 2026-12-06 04:30:00.123456 (UTC)"),
        ("upgrades", "the upgrade's statements (autogenerate), indented like the placeholder's line"),
        ("downgrades", "the downgrade's statements, likewise"),
    ]

    /// What the placeholders stand for in one new file.
    struct Values {
        var revision: String
        var downRevisions: [String]
        var branchLabels: [String]
        var dependsOn: [String]
        var message: String
        var createDate: String
        var upgrades: String
        var downgrades: String
    }

    let path: String
    let text: String

    /// Reads the template at `path`; `key` names the setting, for the error.
    init(path: String, key: String) throws {
        self.path = path
        do {
            text = try FileText.contents(of: path)
        } catch {
            throw MigrateError(
                .configuration, "cannot read the revision template", hint: "fix '\(key)' in migrate.json, or create the file",
                location: SourceLocation(path: path), cause: error)
        }
    }

    /// The template with every placeholder replaced, for a file of `format`.
    func render(_ values: Values, format: Commands.FileFormat) throws -> String {
        func list(_ items: [String]) -> String {
            switch format {
            case .swift: return "[" + items.map(swiftLiteral).joined(separator: ", ") + "]"
            case .sql: return items.joined(separator: ", ")
            }
        }
        let oneLineMessage = values.message.split(whereSeparator: \.isNewline)
            .map(\.trimmingWhitespace).filter { !$0.isEmpty }.joined(separator: " ")
        let replacements: [String: String] = [
            "revision": values.revision,
            "type_name": "Rev_\(values.revision)",
            "down_revisions": list(values.downRevisions),
            "branch_labels": list(values.branchLabels),
            "depends_on": list(values.dependsOn),
            "message": oneLineMessage,
            "create_date": values.createDate,
            "upgrades": values.upgrades,
            "downgrades": values.downgrades,
        ]
        var output = ""
        var line = 1
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" {
                output.append(character)
                line += 1
                index = text.index(after: index)
                lineStart = index
                continue
            }
            let rest = text[index...]
            if rest.hasPrefix("$${") {
                output += "${"
                index = text.index(index, offsetBy: 3)
                continue
            }
            guard rest.hasPrefix("${") else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            let column = text[lineStart..<index].count + 1
            let nameStart = text.index(index, offsetBy: 2)
            guard let close = text[nameStart...].firstIndex(where: { $0 == "}" || $0 == "\n" }), text[close] == "}" else {
                throw error("a placeholder '${' is not closed on its line", line: line, column: column)
            }
            let name = text[nameStart..<close].trimmingWhitespace
            guard let value = replacements[name] else {
                throw error(
                    "unknown placeholder '${\(name)}'", line: line, column: column,
                    hint: "the placeholders are " + Self.placeholders.map { "${\($0.name)}" }.joined(separator: ", ")
                        + "; write $${ for a literal ${")
            }
            // Lines after the first of a multi-line value continue at the placeholder line's indentation.
            let indentation = String(text[lineStart..<index].prefix { $0 == " " || $0 == "\t" })
            output += value.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { offset, part in
                offset == 0 || part.isEmpty ? String(part) : indentation + part
            }.joined(separator: "\n")
            index = text.index(after: close)
        }
        return output
    }

    private func error(_ message: String, line: Int, column: Int, hint: String? = nil) -> MigrateError {
        MigrateError(
            .configuration, "revision template: \(message)", hint: hint,
            location: SourceLocation(path: path, line: line, column: column))
    }

    private func swiftLiteral(_ text: String) -> String {
        var literal = "\""
        for character in text {
            switch character {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            default: literal.append(character)
            }
        }
        return literal + "\""
    }
}

extension Commands {
    /// What `revision` and `merge` wrote: the new file's path and the revision it holds, as
    /// `--json` prints it.
    public struct NewRevision: Sendable, Hashable, Encodable {
        public var revision: String
        public var path: String
        public var message: String
        public var downRevisions: [String]
        public var branchLabels: [String]
        public var dependsOn: [String]
        public var createDate: String

        enum CodingKeys: String, CodingKey {
            case revision, path, message
            case downRevisions = "down_revisions"
            case branchLabels = "branch_labels"
            case dependsOn = "depends_on"
            case createDate = "create_date"
        }
    }

    /// Writes a new migration file at `path` (never over an existing one), from the configured
    /// template of its format or migrate's own layout, after checking that the text reads back
    /// as the revision described: a template that loses or garbles a field is reported, and
    /// nothing is written.
    static func writeMigrationFile(
        _ context: Context, path: String, format: FileFormat, id: String, parents: [String], branchLabels: [String],
        dependsOn: [String], message: String, upgrade: [MigrateCore.Operation] = [],
        downgrade: [MigrateCore.Operation] = []
    ) throws -> NewRevision {
        let createDate = Self.createDate(Date())
        let text: String
        let templatePath = format == .swift
            ? context.configuration.revisionTemplates.swift : context.configuration.revisionTemplates.sql
        if let templatePath {
            let template = try RevisionTemplate(path: templatePath, key: "revision_template.\(format.rawValue)")
            let values = RevisionTemplate.Values(
                revision: id, downRevisions: parents, branchLabels: branchLabels, dependsOn: dependsOn, message: message,
                createDate: createDate,
                upgrades: format == .swift ? SwiftMigrationWriter.statementsText(upgrade) : "",
                downgrades: format == .swift ? SwiftMigrationWriter.statementsText(downgrade) : "")
            text = try template.render(values, format: format)
        } else {
            switch format {
            case .sql:
                text = SQLMigrationFile.render(
                    revision: id, downRevisions: parents, branchLabels: branchLabels, dependsOn: dependsOn,
                    message: message, createDate: createDate, upgradeSQL: "", downgradeSQL: "")
            case .swift:
                text = SwiftMigrationWriter.render(
                    revision: id, downRevisions: parents, branchLabels: branchLabels, dependsOn: dependsOn,
                    message: message, createDate: createDate, upgrade: upgrade, downgrade: downgrade)
            }
        }
        let written = NewRevision(
            revision: id, path: path, message: message, downRevisions: parents, branchLabels: branchLabels,
            dependsOn: dependsOn, createDate: createDate)
        try checkReadsBack(text, as: written, format: format, upgrade: upgrade, template: templatePath)
        try createMigrationFile(path, text: text)
        return written
    }

    /// Throws unless `text` parses as a migration file holding `expected` (and, for Swift,
    /// `upgrade`'s operations).
    private static func checkReadsBack(
        _ text: String, as expected: NewRevision, format: FileFormat, upgrade: [MigrateCore.Operation], template: String?
    ) throws {
        let source = template.map { "the revision template \($0)" } ?? "migrate's own writer"
        let revision: Revision
        do {
            switch format {
            case .swift: revision = try SwiftMigrationFile.revision(parsing: text, path: expected.path)
            case .sql: revision = try SQLMigrationFile(parsing: text, path: expected.path).revision
            }
        } catch {
            throw MigrateError(
                .configuration, "the new file \(expected.path) would not be readable as a migration, so it was not written",
                hint: "fix \(source) so that it writes a valid \(format.rawValue) migration file (docs/migration-files.md shows the layout)",
                location: template.map { SourceLocation(path: $0) }, cause: error)
        }
        let oneLineMessage = expected.message.split(whereSeparator: \.isNewline)
            .map(\.trimmingWhitespace).filter { !$0.isEmpty }.joined(separator: " ")
        var wrong: [String] = []
        if revision.id != expected.revision { wrong.append("revision \(revision.id) instead of \(expected.revision)") }
        if revision.downRevisions != expected.downRevisions {
            wrong.append("down revisions [\(revision.downRevisions.joined(separator: ", "))] instead of [\(expected.downRevisions.joined(separator: ", "))]")
        }
        if revision.branchLabels != expected.branchLabels {
            wrong.append("branch labels [\(revision.branchLabels.joined(separator: ", "))] instead of [\(expected.branchLabels.joined(separator: ", "))]")
        }
        if revision.dependsOn != expected.dependsOn {
            wrong.append("depends_on [\(revision.dependsOn.joined(separator: ", "))] instead of [\(expected.dependsOn.joined(separator: ", "))]")
        }
        if revision.message != oneLineMessage { wrong.append("message '\(revision.message)' instead of '\(oneLineMessage)'") }
        if format == .swift, revision.upgrade != upgrade { wrong.append("other upgrade operations than the ones compared") }
        guard !wrong.isEmpty else { return }
        throw MigrateError(
            .configuration,
            "the new file \(expected.path) would read back with \(wrong.joined(separator: "; ")), so it was not written",
            hint: "fix \(source): write each field through its placeholder (${revision}, ${down_revisions}, ${message}, …)",
            location: template.map { SourceLocation(path: $0) })
    }

    /// `date` as a file's creation date: `2026-12-06 04:30:00.123456`, in UTC (Alembic's
    /// `create_date` layout).
    static func createDate(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let fraction = microseconds - seconds * 1_000_000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func padded(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2)) "
            + "\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):\(padded(secondOfDay % 60, 2))"
            + ".\(padded(fraction, 6))"
    }
}
