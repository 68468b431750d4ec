/// A token of SQL text, with its place in the source so callers can cut expressions out verbatim.
///
/// Enough SQL lexing to read `CREATE TABLE`/`CREATE INDEX` text back (SQLite keeps only that text
/// for check constraints, constraint names and index expressions) and to find which identifiers
/// an expression mentions; it respects quotes, comments and nesting, and knows no grammar.
package struct SQLToken: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A bare word: keyword or unquoted identifier.
        case word
        /// `"…"`, `[…]` or `` `…` ``.
        case quotedIdentifier
        /// `'…'`.
        case string
        case number
        /// `X'…'` blob literals.
        case blob
        /// Any other character, e.g. `(`, `,`, `.`, `=`; `||`, `<=`, `>=`, `<>`, `!=`, `==` as one.
        case symbol
    }

    package var kind: Kind
    /// The source text of the token.
    package var text: String
    /// UTF-8 offsets of the token in the source, `start..<end`.
    package var start: Int
    package var end: Int

    /// An identifier's name (unquoted, doubled quotes undone) or a string's content; else the text.
    package var value: String {
        switch kind {
        case .quotedIdentifier, .string:
            let inner = String(text.dropFirst().dropLast())
            switch text.first {
            case "\"": return inner.replacingOccurrences(of: "\"\"", with: "\"")
            case "'": return inner.replacingOccurrences(of: "''", with: "'")
            case "`": return inner.replacingOccurrences(of: "``", with: "`")
            default: return inner
            }
        default:
            return text
        }
    }

    /// Whether this is the keyword `keyword` (case-insensitive, ASCII).
    package func isKeyword(_ keyword: String) -> Bool {
        kind == .word && text.equalsUppercased(keyword)
    }

    /// Whether this is an identifier, quoted or not (keywords included: SQLite accepts many as names).
    package var isIdentifier: Bool { kind == .word || kind == .quotedIdentifier }

    package func isSymbol(_ symbol: String) -> Bool { kind == .symbol && text == symbol }
}

package enum SQLTokenizer {
    /// The tokens of `source`, comments and whitespace skipped; an unterminated quote or comment
    /// runs to the end of the text.
    ///
    /// `dollarQuotes` adds PostgreSQL's lexical rules that the statement splitter ties to
    /// ``SQLDialect/supportsDollarQuoting``: `$tag$ … $tag$` bodies and `E'…'` strings with
    /// backslash escapes are single `.string` tokens.
    package static func tokenize(_ source: String, dollarQuotes: Bool = false) -> [SQLToken] {
        let bytes = Array(source.utf8)
        var tokens: [SQLToken] = []
        var index = 0
        func emit(_ kind: SQLToken.Kind, from start: Int) {
            tokens.append(
                SQLToken(kind: kind, text: String(decoding: bytes[start..<index], as: UTF8.self), start: start, end: index))
        }
        func skipQuoted(_ close: UInt8, doubling: Bool) {
            index += 1
            while index < bytes.count {
                if bytes[index] == close {
                    if doubling, index + 1 < bytes.count, bytes[index + 1] == close {
                        index += 2
                        continue
                    }
                    index += 1
                    return
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            let start = index
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D, 0x0C:
                index += 1
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                index += 2
                while index < bytes.count, !(bytes[index] == UInt8(ascii: "*") && index + 1 < bytes.count
                    && bytes[index + 1] == UInt8(ascii: "/"))
                {
                    index += 1
                }
                index = min(bytes.count, index + 2)
            case UInt8(ascii: "'"):
                skipQuoted(UInt8(ascii: "'"), doubling: true)
                emit(.string, from: start)
            case UInt8(ascii: "\""):
                skipQuoted(UInt8(ascii: "\""), doubling: true)
                emit(.quotedIdentifier, from: start)
            case UInt8(ascii: "`"):
                skipQuoted(UInt8(ascii: "`"), doubling: true)
                emit(.quotedIdentifier, from: start)
            case UInt8(ascii: "["):
                skipQuoted(UInt8(ascii: "]"), doubling: false)
                emit(.quotedIdentifier, from: start)
            case UInt8(ascii: "$") where dollarQuotes && dollarTagLength(bytes, at: index) != nil:
                let length = dollarTagLength(bytes, at: index)!
                let tag = bytes[index..<index + length]
                index += length
                while index < bytes.count, !bytes[index...].starts(with: tag) { index += 1 }
                index = min(bytes.count, index + length)
                emit(.string, from: start)
            case UInt8(ascii: "e") where dollarQuotes && next == UInt8(ascii: "'"),
                UInt8(ascii: "E") where dollarQuotes && next == UInt8(ascii: "'"):
                index += 2
                while index < bytes.count {
                    if bytes[index] == UInt8(ascii: "\\") {
                        index += 2
                    } else if bytes[index] == UInt8(ascii: "'") {
                        index += 1
                        if index < bytes.count, bytes[index] == UInt8(ascii: "'") { index += 1 } else { break }
                    } else {
                        index += 1
                    }
                }
                index = min(bytes.count, index)
                emit(.string, from: start)
            case UInt8(ascii: "x") where next == UInt8(ascii: "'"), UInt8(ascii: "X") where next == UInt8(ascii: "'"):
                index += 1
                skipQuoted(UInt8(ascii: "'"), doubling: true)
                emit(.blob, from: start)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                index += 1
                while index < bytes.count {
                    let current = bytes[index]
                    if isWordByte(current) || current == UInt8(ascii: ".") {
                        index += 1
                    } else if (current == UInt8(ascii: "+") || current == UInt8(ascii: "-")),
                        bytes[index - 1] == UInt8(ascii: "e") || bytes[index - 1] == UInt8(ascii: "E")
                    {
                        index += 1
                    } else {
                        break
                    }
                }
                emit(.number, from: start)
            case UInt8(ascii: "."):
                index += 1
                if index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                    while index < bytes.count, isWordByte(bytes[index]) { index += 1 }
                    emit(.number, from: start)
                } else {
                    emit(.symbol, from: start)
                }
            default:
                if isWordByte(byte) || byte == UInt8(ascii: "$") {
                    index += 1
                    while index < bytes.count, isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: "$") {
                        index += 1
                    }
                    emit(.word, from: start)
                } else {
                    index += 1
                    if twoCharacterSymbols.contains(UInt16(byte) << 8 | UInt16(next)) { index += 1 }
                    emit(.symbol, from: start)
                }
            }
        }
        return tokens
    }

    /// The symbols that are one token of two characters, as their two bytes.
    private static let twoCharacterSymbols: Set<UInt16> = Set(
        ["||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "::"].map { symbol in
            let bytes = Array(symbol.utf8)
            return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        })

    /// The length of the `$tag$` opening at `position` (2 for `$$`), or nil when the `$` opens
    /// no dollar-quoted string (`$1` is a parameter: a tag cannot start with a digit).
    private static func dollarTagLength(_ bytes: [UInt8], at position: Int) -> Int? {
        var cursor = position + 1
        guard cursor < bytes.count else { return nil }
        if bytes[cursor] == UInt8(ascii: "$") { return 2 }
        guard isWordByte(bytes[cursor]), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[cursor]) else { return nil }
        while cursor < bytes.count, isWordByte(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "$") else { return nil }
        return cursor - position + 1
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    /// The source text from the start of `first` to the end of `last`, comments inside kept.
    package static func text(_ source: String, from first: SQLToken, through last: SQLToken) -> String {
        let bytes = Array(source.utf8)
        return String(decoding: bytes[first.start..<last.end], as: UTF8.self)
    }

    /// Splits `tokens` at top-level commas (outside parentheses).
    package static func splitTopLevel(_ tokens: ArraySlice<SQLToken>) -> [ArraySlice<SQLToken>] {
        var parts: [ArraySlice<SQLToken>] = []
        var depth = 0
        var partStart = tokens.startIndex
        for index in tokens.indices {
            let token = tokens[index]
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if token.isSymbol(","), depth == 0 {
                parts.append(tokens[partStart..<index])
                partStart = index + 1
            }
        }
        parts.append(tokens[partStart..<tokens.endIndex])
        return parts
    }

    /// The index of the `)` closing the `(` at `open`, or nil if it is never closed.
    package static func closingParenthesis(_ tokens: ArraySlice<SQLToken>, from open: Int) -> Int? {
        var depth = 0
        for index in open..<tokens.endIndex {
            if tokens[index].isSymbol("(") { depth += 1 }
            if tokens[index].isSymbol(")") {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    /// Whether `sql` mentions the identifier `name` (quoted or not, case-insensitive as SQLite
    /// resolves names); used to find what depends on a column or table.
    package static func mentions(_ sql: String, identifier name: String) -> Bool {
        tokenize(sql).contains { $0.isIdentifier && $0.value.lowercased() == name.lowercased() }
    }
}
