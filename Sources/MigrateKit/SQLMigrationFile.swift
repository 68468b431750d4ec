#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
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
/// states it explicitly, for a message that itself looks like a key); later free comments of
/// the header are its description. `-- create_date: …` records when the file was written. `down_revision`,
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
    static let headerKeys = [
        "revision", "down_revision", "branch_labels", "depends_on", "transactional", "message", "create_date",
    ]

    /// Reads and parses the file at `path`.
    package init(contentsOf path: String) throws {
        let text: String
        do {
            text = try FileText.contents(of: path)
        } catch {
            throw MigrateError(
                .script, "cannot read the migration file", location: SourceLocation(path: path),
                cause: error)
        }
        try self.init(parsing: text, path: path)
    }

    /// Parses SQL migration text; `path` is kept in the revision and used in errors.
    ///
    /// `splittingStatements: false` reads the header alone and leaves the revision without
    /// operations, for commands that only need the graph: splitting the sections is most of the
    /// work, and it cannot fail, so no error goes unreported.
    package init(parsing text: String, path: String, splittingStatements: Bool = true) throws {
        var parser = HeaderParser(text: text, path: path)
        let header = try parser.parse()
        upgradeStatements = splittingStatements ? Self.statements(in: parser, section: header.upgrade) : []
        downgradeStatements = splittingStatements ? Self.statements(in: parser, section: header.downgrade) : []
        revision = Revision(
            id: header.id,
            downRevisions: header.downRevisions,
            branchLabels: header.branchLabels,
            dependsOn: header.dependsOn,
            message: header.message,
            longDescription: header.longDescription,
            createDate: header.createDate,
            path: path,
            isTransactional: header.isTransactional,
            upgrade: upgradeStatements.map { .execute($0.text) },
            downgrade: downgradeStatements.map { .execute($0.text) })
        revision.upgradeLines = upgradeStatements.map(\.line)
        revision.downgradeLines = downgradeStatements.map(\.line)
    }

    private static func statements(in file: HeaderParser, section: Section?) -> [SQLStatement] {
        guard let section else { return [] }
        return StatementSplitter.split(file.string(section.range), dialect: splitDialect).map {
            SQLStatement(text: $0.text, line: $0.line + section.firstLine - 1)
        }
    }

    /// The text of a SQL migration file, in the form ``init(parsing:path:)`` reads back.
    ///
    /// The message goes on the first line; one that would read as a header key or a marker is
    /// written as `-- message: …` instead. Line breaks in the message become spaces.
    /// `createDate`, when given, is written as `-- create_date: …` after `depends_on`.
    package static func render(
        revision id: String,
        downRevisions: [String],
        branchLabels: [String] = [],
        dependsOn: [String] = [],
        message: String,
        createDate: String? = nil,
        isTransactional: Bool = true,
        upgradeSQL: String,
        downgradeSQL: String
    ) -> String {
        func line(_ key: String, _ values: [String]) -> String {
            let value = values.joined(separator: ", ")
            return value.isEmpty ? "-- \(key):" : "-- \(key): \(value)"
        }
        let message = message.split(whereSeparator: \.isNewline).map(\.trimmingWhitespace)
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
        if let createDate { lines.append(line("create_date", [createDate])) }
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

/// A section of the file: the bytes after its marker line, up to the next marker or the end.
private struct Section {
    /// UTF-8 offsets into the file's text.
    var range: Range<Int>
    /// The file line of the section's first line (the one after the marker).
    var firstLine: Int
}

private struct Header {
    var id: String
    var downRevisions: [String]
    var branchLabels: [String]
    var dependsOn: [String]
    var message: String
    var longDescription: String
    var createDate: String?
    var isTransactional: Bool
    var upgrade: Section?
    var downgrade: Section?
}

/// Reads the header lines and finds the section markers, with located errors.
///
/// It works on the UTF-8 bytes of the file: every command reads every migration file, and
/// walking `Character`s (grapheme breaking on each step) made header parsing the largest cost
/// of `heads` on a long history. Whitespace is ASCII whitespace plus Unicode's White_Space
/// scalars, as `Character.isWhitespace` had it; columns in errors still count characters.
private struct HeaderParser {
    let bytes: [UInt8]
    let path: String

    /// One line of the file, without its line break, as UTF-8 offsets.
    struct Line {
        var number: Int
        var content: Range<Int>
        /// Where the next line starts (the end of the text for the last line).
        var next: Int
    }

    enum Classification: Equatable {
        /// A free comment: the message when it is the first one.
        case message
        /// A known `key: value` line.
        case key(String, value: Range<Int>)
        /// An unknown `key:` line, with a suggestion when one is close.
        case unknownKey(String, suggestion: String?)
        /// `migrate:upgrade` / `migrate:downgrade` or a misspelt marker.
        case marker(String, trailing: Range<Int>)
    }

    init(text: String, path: String) {
        self.bytes = Array(text.utf8)
        self.path = path
    }

    func error(_ message: String, line: Int?, column: Int? = nil, hint: String? = nil) -> MigrateError {
        MigrateError(.script, message, hint: hint, location: SourceLocation(path: path, line: line, column: column))
    }

    /// The text of a byte range.
    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    func lines() -> [Line] {
        var lines: [Line] = []
        var start = 0
        // A byte order mark is not part of the first line's text.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var number = 1
        while start < bytes.count {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            let next = newline < bytes.count ? newline + 1 : newline
            var end = newline
            if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            lines.append(Line(number: number, content: start..<end, next: next))
            number += 1
            start = next
        }
        return lines
    }

    /// The text after `--` on a comment line, trimmed; nil for other lines.
    func commentText(_ line: Range<Int>) -> Range<Int>? {
        var start = line.lowerBound
        while start < line.upperBound, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
            start += 1
        }
        guard line.upperBound - start >= 2, bytes[start] == UInt8(ascii: "-"), bytes[start + 1] == UInt8(ascii: "-")
        else { return nil }
        return trim(start + 2..<line.upperBound)
    }

    /// What a header comment (the text after `--`) is.
    func classify(comment: Range<Int>) -> Classification {
        if startsWith("migrate:", at: comment), comment.count > 8, isLetter(at: comment.lowerBound + 8) {
            var nameEnd = comment.lowerBound + 8
            while nameEnd < comment.upperBound, whitespaceLength(at: nameEnd) == nil { nameEnd += 1 }
            return .marker(string(comment.lowerBound + 8..<nameEnd), trailing: trim(nameEnd..<comment.upperBound))
        }
        var keyEnd = comment.lowerBound
        while keyEnd < comment.upperBound, Self.isKeyByte(bytes[keyEnd]) { keyEnd += 1 }
        guard keyEnd > comment.lowerBound, bytes[comment.lowerBound].isASCIILetter else { return .message }
        var colon = keyEnd
        while colon < comment.upperBound, bytes[colon] == UInt8(ascii: " ") || bytes[colon] == UInt8(ascii: "\t") {
            colon += 1
        }
        guard colon < comment.upperBound, bytes[colon] == UInt8(ascii: ":") else { return .message }
        let key = string(comment.lowerBound..<keyEnd)
        let value = trim(colon + 1..<comment.upperBound)
        if SQLMigrationFile.headerKeys.contains(key) { return .key(key, value: value) }
        // Alembic's docstring line (`Revises: a1`), kept in files carried over, is no misspelt `revision`.
        if key == "Revises" { return .message }
        let suggestion = KeySpelling.suggestion(for: key, among: SQLMigrationFile.headerKeys)
        if suggestion != nil { return .unknownKey(key, suggestion: suggestion) }
        // A lowercase identifier followed by ':' reads as an attempted key after the message;
        // anything else is free text.
        let lowercaseKey = bytes[comment.lowerBound..<keyEnd].allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0.isASCIIDigit || $0 == UInt8(ascii: "_")
        }
        if lowercaseKey && !bytes[value].contains(UInt8(ascii: " ")) {
            return .unknownKey(key, suggestion: nil)
        }
        return .message
    }

    /// What a comment's text is, for ``SQLMigrationFile/render(revision:downRevisions:branchLabels:dependsOn:message:isTransactional:upgradeSQL:downgradeSQL:)``.
    static func classify(comment: String) -> Classification {
        let parser = HeaderParser(text: comment, path: "")
        return parser.classify(comment: 0..<parser.bytes.count)
    }

    /// The 1-based column, in characters, of the byte at `offset` on `line`.
    func column(of offset: Int, in line: Line) -> Int {
        string(line.content.lowerBound..<offset).count + 1
    }

    mutating func parse() throws -> Header {
        let lines = lines()
        var id: String?
        var downRevisions: [String] = []
        var branchLabels: [String] = []
        var dependsOn: [String] = []
        // The header's free comments in order, "" for a bare `--`: the first is the message
        // unless `-- message:` gives one, the rest the description.
        var freeComments: [String] = []
        var explicitMessage: String?
        var hasMessage: Bool { explicitMessage != nil || freeComments.contains { !$0.isEmpty } }
        var createDate: String?
        var isTransactional = true
        // The line each header key was given on, by its place in `headerKeys` (a dictionary per
        // file cost a twentieth of `heads` on 1000 files).
        var seenKeys = [Int?](repeating: nil, count: SQLMigrationFile.headerKeys.count)
        var upgradeLine: Int?
        var downgradeLine: Int?
        var upgradeStart: (offset: Int, line: Int)?
        var downgradeStart: (offset: Int, line: Int)?
        var upgradeEnd = bytes.count
        var firstSQLLine: Int?

        for line in lines {
            guard let comment = commentText(line.content) else {
                if upgradeLine == nil, firstSQLLine == nil, !trim(line.content).isEmpty {
                    firstSQLLine = line.number
                }
                continue
            }
            if comment.isEmpty {
                // A bare `--` separates the description's paragraphs.
                if upgradeLine == nil, downgradeLine == nil, firstSQLLine == nil { freeComments.append("") }
                continue
            }
            // `-- migrate:lint-ignore …` directives are read by `migrate lint` from the file's lines.
            if startsWith("migrate:lint-", at: comment) { continue }
            // Past the header only markers matter: other comments belong to the SQL.
            let pastHeader = upgradeLine != nil || downgradeLine != nil || firstSQLLine != nil
            if pastHeader && !startsWith("migrate:", at: comment) { continue }
            let classification = classify(comment: comment)
            if case .marker(let name, let trailing) = classification {
                let markerColumn = column(of: comment.lowerBound, in: line)
                guard trailing.isEmpty else {
                    throw error(
                        "unexpected text '\(string(trailing))' after the marker '-- migrate:\(name)'",
                        line: line.number, column: column(of: trailing.lowerBound, in: line),
                        hint: "a marker stands alone on its line")
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
                    upgradeEnd = line.content.lowerBound
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
            guard !pastHeader else { continue }
            switch classification {
            case .marker:
                break
            case .message:
                freeComments.append(string(comment))
            case .unknownKey(let key, let suggestion):
                if suggestion == nil && !hasMessage {
                    freeComments.append(string(comment))
                    continue
                }
                throw error(
                    "unknown header key '\(key)'", line: line.number, column: column(of: comment.lowerBound, in: line),
                    hint: suggestion.map { "did you mean '\($0)'?" }
                        ?? "the header keys are \(SQLMigrationFile.headerKeys.joined(separator: ", ")); write a message that looks like a key as '-- message: …'")
            case .key(let key, let value):
                let keyIndex = SQLMigrationFile.headerKeys.firstIndex(of: key)!
                if let first = seenKeys[keyIndex] {
                    throw error(
                        "duplicate header key '\(key)' (first given on line \(first))", line: line.number,
                        column: column(of: comment.lowerBound, in: line))
                }
                seenKeys[keyIndex] = line.number
                switch key {
                case "revision":
                    guard !value.isEmpty else {
                        throw error(
                            "the revision id is empty", line: line.number, column: column(of: value.lowerBound, in: line),
                            hint: "write '-- revision: <id>', e.g. a 12-digit hex id")
                    }
                    try checkIdentifier(value, what: "revision id", line: line)
                    id = string(value)
                case "down_revision":
                    let items = list(value)
                    for item in items { try checkIdentifier(item, what: "down_revision id", line: line) }
                    downRevisions = items.map(string)
                case "branch_labels":
                    let items = list(value)
                    for item in items { try checkLabel(item, what: "branch label", line: line) }
                    branchLabels = items.map(string)
                case "depends_on":
                    let items = list(value)
                    for item in items { try checkLabel(item, what: "depends_on entry", line: line) }
                    dependsOn = items.map(string)
                case "transactional":
                    switch string(value).lowercased() {
                    case "true": isTransactional = true
                    case "false": isTransactional = false
                    default:
                        throw error(
                            "'transactional' must be true or false, found '\(string(value))'", line: line.number,
                            column: column(of: value.lowerBound, in: line),
                            hint: "false runs the migration outside a transaction (e.g. for CREATE INDEX CONCURRENTLY)")
                    }
                case "message":
                    // An explicit message wins over a free comment line, which then opens the description.
                    explicitMessage = string(value)
                case "create_date":
                    createDate = value.isEmpty ? nil : string(value)
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
        var comments = freeComments.drop { $0.isEmpty }
        let message = explicitMessage ?? comments.popFirst() ?? ""
        let (description, commentDate) = Revision.describing(Array(comments))
        return Header(
            id: id, downRevisions: downRevisions, branchLabels: branchLabels, dependsOn: dependsOn,
            message: message, longDescription: description, createDate: createDate ?? commentDate,
            isTransactional: isTransactional,
            upgrade: Section(range: upgradeStart.offset..<max(upgradeStart.offset, upgradeEnd), firstLine: upgradeStart.line),
            downgrade: downgradeStart.map { Section(range: $0.offset..<bytes.count, firstLine: $0.line) })
    }

    // MARK: Bytes

    func startsWith(_ prefix: StaticString, at range: Range<Int>) -> Bool {
        prefix.withUTF8Buffer { prefix in
            range.count >= prefix.count && bytes[range.lowerBound..<range.lowerBound + prefix.count].elementsEqual(prefix)
        }
    }

    /// The byte length of the whitespace scalar starting at `offset`, or nil for anything else.
    func whitespaceLength(at offset: Int) -> Int? {
        let byte = bytes[offset]
        if byte < 0x80 { return byte == 32 || (byte >= 9 && byte <= 13) ? 1 : nil }
        guard let (scalar, length) = scalar(at: offset), scalar.properties.isWhitespace else { return nil }
        return length
    }

    func isLetter(at offset: Int) -> Bool {
        if bytes[offset] < 0x80 { return bytes[offset].isASCIILetter }
        return scalar(at: offset)?.scalar.properties.isAlphabetic ?? false
    }

    /// The scalar whose encoding starts at `offset` (the text is valid UTF-8: it came from a String).
    func scalar(at offset: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let scalar) = decoder.decode(&iterator) else { return nil }
        return (scalar, UTF8.width(scalar))
    }

    /// `range` without whitespace at either end.
    func trim(_ range: Range<Int>) -> Range<Int> {
        var start = range.lowerBound
        while start < range.upperBound, let length = whitespaceLength(at: start) { start += length }
        var end = range.upperBound
        while end > start {
            // Back up to the first byte of the last scalar.
            var last = end - 1
            while last > start, bytes[last] & 0xC0 == 0x80 { last -= 1 }
            guard whitespaceLength(at: last) != nil else { break }
            end = last
        }
        return start..<end
    }

    /// Comma-separated values, trimmed, without empty entries.
    func list(_ value: Range<Int>) -> [Range<Int>] {
        var items: [Range<Int>] = []
        var start = value.lowerBound
        while start <= value.upperBound {
            let comma = bytes[start..<value.upperBound].firstIndex(of: UInt8(ascii: ",")) ?? value.upperBound
            let item = trim(start..<comma)
            if !item.isEmpty { items.append(item) }
            start = comma + 1
        }
        return items
    }

    func checkIdentifier(_ value: Range<Int>, what: String, line: Line) throws {
        guard !Revision.isValidID(bytes[value]) else { return }
        throw error(
            "\(what) '\(string(value))' may contain only letters, digits and underscores", line: line.number,
            column: column(of: value.lowerBound, in: line))
    }

    func checkLabel(_ value: Range<Int>, what: String, line: Line) throws {
        var offset = value.lowerBound
        var valid = true
        while offset < value.upperBound {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "@") || byte == UInt8(ascii: ":") || whitespaceLength(at: offset) != nil {
                valid = false
                break
            }
            offset += 1
        }
        guard !valid else { return }
        throw error(
            "\(what) '\(string(value))' may not contain spaces, '@' or ':'", line: line.number,
            column: column(of: value.lowerBound, in: line), hint: "separate several with commas")
    }

    /// Bytes of a header key: ASCII letters, digits, `_` and `-`.
    static func isKeyByte(_ byte: UInt8) -> Bool {
        byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
