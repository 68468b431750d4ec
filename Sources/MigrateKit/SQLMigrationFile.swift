import Foundation
import MigrateCore
import MigrateSQL

/// A migration written in plain SQL: a header of `-- key: value` comments and two sections.
///
/// ```sql
/// -- add accounts
/// -- revision: 1975ea83b712
/// -- down_revision: 27c6a30d7c24
/// -- branch_labels:
/// -- depends_on:
/// -- transactional: true
///
/// -- migrate:upgrade
/// CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL);
///
/// -- migrate:downgrade
/// DROP TABLE accounts;
/// ```
///
/// The first header comment that is not a known `key:` line is the message (`-- message: …`
/// states it explicitly, for a message that itself looks like a key). `down_revision`,
/// `branch_labels` and `depends_on` are comma-separated and may be empty; only `revision` is
/// required. Each section becomes one ``Operation/execute(_:)`` per statement, split with
/// PostgreSQL's lexical rules: the file is read before a database is chosen, and those rules
/// (dollar quotes, nested comments, `E'…'` strings) split SQLite scripts the same way.
package struct SQLMigrationFile: Sendable, Hashable {
    package var revision: Revision
    /// The upgrade statements with the file lines they start on.
    package var upgradeStatements: [SQLStatement]
    /// The downgrade statements with the file lines they start on.
    package var downgradeStatements: [SQLStatement]

    /// The rules sections are split with.
    package static let splitDialect = SQLDialect.postgresql
    static let upgradeMarker = "-- migrate:upgrade"
    static let downgradeMarker = "-- migrate:downgrade"
    static let headerKeys = ["revision", "down_revision", "branch_labels", "depends_on", "transactional", "message"]

    /// Reads and parses the file at `path`.
    package init(contentsOf path: String) throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw MigrateError(
                .script, "cannot read the migration file", location: SourceLocation(path: path),
                cause: error)
        }
        try self.init(parsing: String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses SQL migration text; `path` is kept in the revision and used in errors.
    package init(parsing text: String, path: String) throws {
        var parser = HeaderParser(text: text, path: path)
        let header = try parser.parse()
        upgradeStatements = Self.statements(in: text, section: header.upgrade)
        downgradeStatements = Self.statements(in: text, section: header.downgrade)
        revision = Revision(
            id: header.id,
            downRevisions: header.downRevisions,
            branchLabels: header.branchLabels,
            dependsOn: header.dependsOn,
            message: header.message,
            path: path,
            isTransactional: header.isTransactional,
            upgrade: upgradeStatements.map { .execute($0.text) },
            downgrade: downgradeStatements.map { .execute($0.text) })
        revision.upgradeLines = upgradeStatements.map(\.line)
        revision.downgradeLines = downgradeStatements.map(\.line)
    }

    private static func statements(in text: String, section: Section?) -> [SQLStatement] {
        guard let section else { return [] }
        return StatementSplitter.split(String(text[section.range]), dialect: splitDialect).map {
            SQLStatement(text: $0.text, line: $0.line + section.firstLine - 1)
        }
    }

    /// The text of a SQL migration file, in the form ``init(parsing:path:)`` reads back.
    ///
    /// The message goes on the first line; one that would read as a header key or a marker is
    /// written as `-- message: …` instead. Line breaks in the message become spaces.
    package static func render(
        revision id: String,
        downRevisions: [String],
        branchLabels: [String] = [],
        dependsOn: [String] = [],
        message: String,
        isTransactional: Bool = true,
        upgradeSQL: String,
        downgradeSQL: String
    ) -> String {
        func line(_ key: String, _ values: [String]) -> String {
            let value = values.joined(separator: ", ")
            return value.isEmpty ? "-- \(key):" : "-- \(key): \(value)"
        }
        let message = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
        var lines: [String] = []
        if !message.isEmpty {
            if case .message = HeaderParser.classify(comment: message) {
                lines.append("-- \(message)")
            } else {
                lines.append("-- message: \(message)")
            }
        }
        lines.append(line("revision", [id]))
        lines.append(line("down_revision", downRevisions))
        lines.append(line("branch_labels", branchLabels))
        lines.append(line("depends_on", dependsOn))
        lines.append(line("transactional", [isTransactional ? "true" : "false"]))
        lines.append("")
        lines.append(upgradeMarker)
        let upgrade = trimmedSQL(upgradeSQL)
        if !upgrade.isEmpty { lines.append(upgrade) }
        lines.append("")
        lines.append(downgradeMarker)
        let downgrade = trimmedSQL(downgradeSQL)
        if !downgrade.isEmpty { lines.append(downgrade) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// SQL without blank lines before it or blank space after it.
    private static func trimmedSQL(_ sql: String) -> String {
        var lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        guard !lines.isEmpty else { return "" }
        var text = lines.joined(separator: "\n")
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}

/// A section of the file: the text after its marker line, up to the next marker or the end.
private struct Section {
    var range: Range<String.Index>
    /// The file line of the section's first line (the one after the marker).
    var firstLine: Int
}

private struct Header {
    var id: String
    var downRevisions: [String]
    var branchLabels: [String]
    var dependsOn: [String]
    var message: String
    var isTransactional: Bool
    var upgrade: Section?
    var downgrade: Section?
}

/// Reads the header lines and finds the section markers, with located errors.
private struct HeaderParser {
    let text: String
    let path: String

    /// One line of the file, without its line break.
    struct Line {
        var number: Int
        var content: Substring
        /// Where the next line starts (the end of the text for the last line).
        var next: String.Index
    }

    enum Classification: Equatable {
        /// A free comment: the message when it is the first one.
        case message
        /// A known `key: value` line.
        case key(String, value: Substring)
        /// An unknown `key:` line, with a suggestion when one is close.
        case unknownKey(String, suggestion: String?)
        /// `migrate:upgrade` / `migrate:downgrade` or a misspelt marker.
        case marker(String, trailing: Substring)
    }

    init(text: String, path: String) {
        self.text = text
        self.path = path
    }

    func error(_ message: String, line: Int?, column: Int? = nil, hint: String? = nil) -> MigrateError {
        MigrateError(.script, message, hint: hint, location: SourceLocation(path: path, line: line, column: column))
    }

    func lines() -> [Line] {
        var lines: [Line] = []
        var start = text.startIndex
        // A byte order mark is not part of the first line's text.
        if text.unicodeScalars.first == "\u{FEFF}" { start = text.unicodeScalars.index(after: start) }
        var number = 1
        // Scalars, not characters: "\r\n" is one Character, so a Character search misses its "\n".
        let scalars = text.unicodeScalars
        while start < text.endIndex {
            let newline = scalars[start...].firstIndex(of: "\n") ?? text.endIndex
            let next = newline < text.endIndex ? scalars.index(after: newline) : newline
            var content = Substring(scalars[start..<newline])
            if content.last == "\r" { content = content.dropLast() }
            lines.append(Line(number: number, content: content, next: next))
            number += 1
            start = next
        }
        return lines
    }

    /// The text after `--` on a comment line, trimmed; nil for other lines.
    static func commentText(_ line: Substring) -> Substring? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix("--") else { return nil }
        return Self.trim(trimmed.dropFirst(2))
    }

    /// What a header comment (the text after `--`) is.
    static func classify(comment: Substring) -> Classification {
        if comment.hasPrefix("migrate:"), let first = comment.dropFirst(8).first, first.isLetter {
            let rest = comment.dropFirst(8)
            let name = rest.prefix { !$0.isWhitespace }
            return .marker(String(name), trailing: Self.trim(rest.dropFirst(name.count)))
        }
        let key = comment.prefix { $0.isASCIILetterOrDigit || $0 == "_" || $0 == "-" }
        guard let first = key.first, first.isASCIILetter else { return .message }
        let afterKey = comment[key.endIndex...].drop { $0 == " " || $0 == "\t" }
        guard afterKey.first == ":" else { return .message }
        let value = Self.trim(afterKey.dropFirst())
        if SQLMigrationFile.headerKeys.contains(String(key)) { return .key(String(key), value: value) }
        let suggestion = KeySpelling.suggestion(for: String(key), among: SQLMigrationFile.headerKeys)
        if suggestion != nil { return .unknownKey(String(key), suggestion: suggestion) }
        // A lowercase identifier followed by ':' reads as an attempted key after the message;
        // anything else is free text.
        if key.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }) && !value.contains(" ") {
            return .unknownKey(String(key), suggestion: nil)
        }
        return .message
    }

    static func classify(comment: String) -> Classification { classify(comment: comment[...]) }

    /// The 1-based column of `index` in `line`.
    func column(of index: Substring.Index, in line: Line) -> Int {
        line.content.distance(from: line.content.startIndex, to: index) + 1
    }

    mutating func parse() throws -> Header {
        let lines = lines()
        var id: String?
        var downRevisions: [String] = []
        var branchLabels: [String] = []
        var dependsOn: [String] = []
        var message: String?
        var isTransactional = true
        var seenKeys: [String: Int] = [:]
        var upgradeLine: Int?
        var downgradeLine: Int?
        var upgradeStart: (index: String.Index, line: Int)?
        var downgradeStart: (index: String.Index, line: Int)?
        var upgradeEnd = text.endIndex
        var firstSQLLine: Int?

        for line in lines {
            guard let comment = Self.commentText(line.content) else {
                if upgradeLine == nil, firstSQLLine == nil, !line.content.allSatisfy(\.isWhitespace) {
                    firstSQLLine = line.number
                }
                continue
            }
            if comment.isEmpty { continue }
            let classification = Self.classify(comment: comment)
            if case .marker(let name, let trailing) = classification {
                let markerColumn = column(of: comment.startIndex, in: line)
                guard trailing.isEmpty else {
                    throw error(
                        "unexpected text '\(trailing)' after the marker '-- migrate:\(name)'", line: line.number,
                        column: column(of: trailing.startIndex, in: line), hint: "a marker stands alone on its line")
                }
                switch name {
                case "upgrade":
                    if let upgradeLine {
                        throw error(
                            "duplicate '\(SQLMigrationFile.upgradeMarker)' marker (the first is on line \(upgradeLine))",
                            line: line.number, column: markerColumn, hint: "a file has one upgrade section")
                    }
                    if let downgradeLine {
                        throw error(
                            "'\(SQLMigrationFile.upgradeMarker)' must come before '\(SQLMigrationFile.downgradeMarker)' (line \(downgradeLine))",
                            line: line.number, column: markerColumn)
                    }
                    upgradeLine = line.number
                    upgradeStart = (line.next, line.number + 1)
                case "downgrade":
                    if let downgradeLine {
                        throw error(
                            "duplicate '\(SQLMigrationFile.downgradeMarker)' marker (the first is on line \(downgradeLine))",
                            line: line.number, column: markerColumn, hint: "a file has one downgrade section")
                    }
                    downgradeLine = line.number
                    upgradeEnd = line.content.startIndex
                    downgradeStart = (line.next, line.number + 1)
                default:
                    let suggestion = ["up": "upgrade", "down": "downgrade"][name]
                        ?? KeySpelling.suggestion(for: name, among: ["upgrade", "downgrade"])
                    throw error(
                        "unknown marker '-- migrate:\(name)'", line: line.number, column: markerColumn,
                        hint: suggestion.map { "did you mean '-- migrate:\($0)'?" }
                            ?? "the markers are '\(SQLMigrationFile.upgradeMarker)' and '\(SQLMigrationFile.downgradeMarker)'")
                }
                continue
            }
            // Comments after the upgrade marker (or after misplaced SQL) belong to the SQL.
            guard upgradeLine == nil, downgradeLine == nil, firstSQLLine == nil else { continue }
            switch classification {
            case .marker:
                break
            case .message:
                if message == nil { message = String(comment) }
            case .unknownKey(let key, let suggestion):
                if suggestion == nil && message == nil {
                    message = String(comment)
                    continue
                }
                throw error(
                    "unknown header key '\(key)'", line: line.number, column: column(of: comment.startIndex, in: line),
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "the header keys are \(SQLMigrationFile.headerKeys.joined(separator: ", ")); write a message that looks like a key as '-- message: …'")
            case .key(let key, let value):
                let keyColumn = column(of: comment.startIndex, in: line)
                let valueColumn = column(of: value.startIndex, in: line)
                if let first = seenKeys[key] {
                    throw error(
                        "duplicate header key '\(key)' (first given on line \(first))", line: line.number,
                        column: keyColumn)
                }
                seenKeys[key] = line.number
                switch key {
                case "revision":
                    guard !value.isEmpty else {
                        throw error("the revision id is empty", line: line.number, column: valueColumn,
                                    hint: "write '-- revision: <id>', e.g. a 12-digit hex id")
                    }
                    try checkIdentifier(value, what: "revision id", in: value, line: line)
                    id = String(value)
                case "down_revision":
                    downRevisions = list(value)
                    for revision in downRevisions {
                        try checkIdentifier(revision[...], what: "down_revision id", in: value, line: line)
                    }
                case "branch_labels":
                    branchLabels = list(value)
                    for label in branchLabels { try checkLabel(label, what: "branch label", in: value, line: line) }
                case "depends_on":
                    dependsOn = list(value)
                    for dependency in dependsOn {
                        try checkLabel(dependency, what: "depends_on entry", in: value, line: line)
                    }
                case "transactional":
                    switch value.lowercased() {
                    case "true": isTransactional = true
                    case "false": isTransactional = false
                    default:
                        throw error(
                            "'transactional' must be true or false, found '\(value)'", line: line.number,
                            column: valueColumn,
                            hint: "false runs the migration outside a transaction (e.g. for CREATE INDEX CONCURRENTLY)")
                    }
                case "message":
                    // An explicit message wins over a free comment line.
                    message = String(value)
                default:
                    break
                }
            }
        }

        if let firstSQLLine, upgradeLine != nil {
            throw error(
                "SQL before the '\(SQLMigrationFile.upgradeMarker)' marker", line: firstSQLLine,
                hint: "the header holds only '-- key: value' comments; put the SQL after '\(SQLMigrationFile.upgradeMarker)'")
        }
        guard let upgradeStart else {
            throw error(
                "missing the '\(SQLMigrationFile.upgradeMarker)' marker", line: firstSQLLine ?? max(lines.count, 1),
                hint: "put '\(SQLMigrationFile.upgradeMarker)' on its own line after the header, before the upgrade SQL (and '\(SQLMigrationFile.downgradeMarker)' before the downgrade SQL)")
        }
        guard let id else {
            throw error(
                "missing the 'revision' header", line: 1,
                hint: "add '-- revision: <id>' to the header, before '\(SQLMigrationFile.upgradeMarker)'")
        }
        return Header(
            id: id, downRevisions: downRevisions, branchLabels: branchLabels, dependsOn: dependsOn,
            message: message ?? "", isTransactional: isTransactional,
            upgrade: Section(range: upgradeStart.index..<max(upgradeStart.index, upgradeEnd), firstLine: upgradeStart.line),
            downgrade: downgradeStart.map { Section(range: $0.index..<text.endIndex, firstLine: $0.line) })
    }

    static func trim(_ text: Substring) -> Substring {
        let start = text.firstIndex { !$0.isQuickWhitespace } ?? text.endIndex
        let end = text[start...].lastIndex { !$0.isQuickWhitespace }.map { text.index(after: $0) } ?? start
        return text[start..<end]
    }

    /// Comma-separated values, trimmed, without empty entries.
    func list(_ value: Substring) -> [String] {
        value.split(separator: ",").map { String(Self.trim($0)) }.filter { !$0.isEmpty }
    }

    func checkIdentifier(_ value: Substring, what: String, in field: Substring, line: Line) throws {
        let valid = value.allSatisfy { $0.isASCIILetterOrDigit || $0 == "_" }
        guard valid else {
            let offset = column(of: field.range(of: value)?.lowerBound ?? field.startIndex, in: line)
            throw error(
                "\(what) '\(value)' may contain only letters, digits and underscores", line: line.number,
                column: offset)
        }
    }

    func checkLabel(_ value: String, what: String, in field: Substring, line: Line) throws {
        guard value.contains(where: { $0.isWhitespace || $0 == "@" || $0 == ":" }) else { return }
        let offset = column(of: field.range(of: value)?.lowerBound ?? field.startIndex, in: line)
        throw error(
            "\(what) '\(value)' may not contain spaces, '@' or ':'", line: line.number, column: offset,
            hint: "separate several with commas")
    }
}

extension Character {
    /// `a`–`z`, `A`–`Z`, `0`–`9`, tested on the ASCII value: header parsing spent a tenth of a
    /// 1000-file load in the Unicode property lookups of `isLetter` and `isWhitespace`.
    fileprivate var isASCIILetterOrDigit: Bool {
        isASCIILetter || (asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false)
    }

    fileprivate var isASCIILetter: Bool {
        guard let value = asciiValue else { return false }
        return (value >= 97 && value <= 122) || (value >= 65 && value <= 90)
    }

    /// `isWhitespace`, answered without a Unicode lookup for ASCII characters.
    fileprivate var isQuickWhitespace: Bool {
        guard let value = asciiValue else { return isWhitespace }
        return value == 32 || (value >= 9 && value <= 13)
    }
}
