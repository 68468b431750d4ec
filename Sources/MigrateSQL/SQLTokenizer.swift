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
    /// `dollarQuotes` reads PostgreSQL's SQL, with the lexical rules the statement splitter ties
    /// to ``SQLDialect/supportsDollarQuoting``: `$tag$ … $tag$` bodies and `E'…'` strings with
    /// backslash escapes are single `.string` tokens, and block comments nest. `[…]` is a quoted
    /// identifier in both (in PostgreSQL, array brackets, which callers read as such).
    package static func tokenize(_ source: String, dollarQuotes: Bool = false) -> [SQLToken] {
        var source = source
        return source.withUTF8 { bytes in
            var lexer = SQLLexer(bytes: bytes, rules: SQLLexicalRules(postgreSQL: dollarQuotes, bracketIdentifiers: true))
            var tokens: [SQLToken] = []
            func emit(_ kind: SQLToken.Kind, from start: Int) {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lexer.index]), as: UTF8.self)
                tokens.append(SQLToken(kind: kind, text: text, start: start, end: lexer.index))
            }
            func skipWordBytes() {
                while lexer.index < bytes.count, isWordByte(bytes[lexer.index]) { lexer.index += 1 }
            }
            while true {
                let start = lexer.index
                guard let lexeme = lexer.next() else { break }
                switch lexeme {
                case .space, .lineComment, .blockComment:
                    continue
                case .string, .dollarQuoted:
                    emit(.string, from: start)
                case .quotedIdentifier:
                    emit(.quotedIdentifier, from: start)
                case .word:
                    // X'…': a blob literal.
                    if lexer.index == start + 1, bytes[start] | 0x20 == UInt8(ascii: "x"), lexer.peek(0) == SQLByte.singleQuote {
                        _ = lexer.next()
                        emit(.blob, from: start)
                    } else {
                        emit(.word, from: start)
                    }
                case .symbol:
                    let byte = bytes[start]
                    if SQLByte.isDigit(byte) {
                        // A number: digits, letters (exponents, hexadecimal), '.', and a sign after an exponent's e.
                        while lexer.index < bytes.count {
                            let current = bytes[lexer.index]
                            if isWordByte(current) || current == UInt8(ascii: ".") {
                                lexer.index += 1
                            } else if current == UInt8(ascii: "+") || current == UInt8(ascii: "-"),
                                bytes[lexer.index - 1] | 0x20 == UInt8(ascii: "e")
                            {
                                lexer.index += 1
                            } else {
                                break
                            }
                        }
                        emit(.number, from: start)
                    } else if byte == UInt8(ascii: "."), let next = lexer.peek(0), SQLByte.isDigit(next) {
                        skipWordBytes()
                        emit(.number, from: start)
                    } else if byte == SQLByte.dollar {
                        // `$1`, or a `$` that opens no dollar quote: a word.
                        while lexer.index < bytes.count, isWordByte(bytes[lexer.index]) || bytes[lexer.index] == SQLByte.dollar {
                            lexer.index += 1
                        }
                        emit(.word, from: start)
                    } else {
                        if let next = lexer.peek(0), twoCharacterSymbols.contains(UInt16(byte) << 8 | UInt16(next)) {
                            lexer.index += 1
                        }
                        emit(.symbol, from: start)
                    }
                }
            }
            return tokens
        }
    }

    /// The symbols that are one token of two characters, as their two bytes.
    private static let twoCharacterSymbols: Set<UInt16> = Set(
        ["||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "::"].map { symbol in
            let bytes = Array(symbol.utf8)
            return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        })

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
