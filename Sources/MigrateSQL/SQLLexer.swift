/// The lexical rules that say where quotes, comments and bodies end in a dialect's SQL.
///
/// `SQLDialect` describes dollar quoting only; PostgreSQL's other lexical rules (nested block
/// comments, `E'…'` strings with backslash escapes) come with it, and SQLite's `[identifier]`
/// quoting belongs to the dialects without it.
package struct SQLLexicalRules: Sendable, Hashable {
    package var dollarQuotes: Bool
    package var nestedBlockComments: Bool
    package var escapeStrings: Bool
    package var bracketIdentifiers: Bool

    package init(_ dialect: SQLDialect) {
        self.init(postgreSQL: dialect.supportsDollarQuoting, bracketIdentifiers: !dialect.supportsDollarQuoting)
    }

    /// PostgreSQL's rules (dollar quotes, nested comments, `E'…'`) or SQLite's, with or without
    /// `[…]` quoting.
    package init(postgreSQL: Bool, bracketIdentifiers: Bool) {
        dollarQuotes = postgreSQL
        nestedBlockComments = postgreSQL
        escapeStrings = postgreSQL
        self.bracketIdentifiers = bracketIdentifiers
    }
}

/// What one step of ``SQLLexer`` read.
package enum SQLLexeme: Sendable, Hashable {
    /// White space: one byte of it.
    case space
    /// `-- …` up to (not including) the end of the line.
    case lineComment
    /// `/* … */`, nested where the rules say so.
    case blockComment
    /// `'…'`, or `E'…'` with backslash escapes.
    case string
    /// `"…"`, `` `…` ``, or `[…]` where the rules allow it.
    case quotedIdentifier
    /// `$tag$ … $tag$`.
    case dollarQuoted
    /// A letter, `_` or non-ASCII byte, then those, digits and `$`: a keyword or identifier.
    case word
    /// Any other single byte: punctuation, an operator's character, a digit, a `$` that opens
    /// no dollar quote.
    case symbol
}

/// The one reader of SQL's lexical structure: quotes, comments, dollar-quoted bodies and words,
/// under a dialect's rules. ``SQLTokenizer`` and the offline script's text checks read SQL
/// through ``next()``; ``StatementSplitter``, which runs over every migration, dispatches white
/// space, words and punctuation itself and hands the rest to the `skip…` methods. All three
/// agree on where a string or comment ends.
///
/// It steps over UTF-8 bytes, counting lines; an unterminated quote or comment runs to the end
/// of the text.
///
/// ```swift
/// var sql = "SELECT 'a;b' -- note"
/// sql.withUTF8 { bytes in
///     var lexer = SQLLexer(bytes: bytes, rules: SQLLexicalRules(.postgresql))
///     while let lexeme = lexer.next() { … }   // .word, .space, .string, .space, .lineComment
/// }
/// ```
package struct SQLLexer {
    package let bytes: UnsafeBufferPointer<UInt8>
    package let rules: SQLLexicalRules
    /// The offset of the next byte to read.
    package var index = 0
    /// The 1-based line of the byte at ``index``.
    package var line = 1

    package init(bytes: UnsafeBufferPointer<UInt8>, rules: SQLLexicalRules) {
        self.bytes = bytes
        self.rules = rules
    }

    /// Reads the lexeme at ``index`` and moves past it; nil at the end. The lexeme's text is
    /// `bytes[start..<index]`, `start` being ``index`` before the call.
    @inline(__always)
    package mutating func next() -> SQLLexeme? {
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        switch byte {
        case SQLByte.newline:
            line += 1
            index += 1
            return .space
        case SQLByte.space, SQLByte.tab, SQLByte.carriageReturn, SQLByte.formFeed, SQLByte.verticalTab:
            index += 1
            return .space
        case SQLByte.minus where peek(1) == SQLByte.minus:
            skipLineComment()
            return .lineComment
        case SQLByte.slash where peek(1) == SQLByte.star:
            skipBlockComment()
            return .blockComment
        case SQLByte.singleQuote:
            skipString(backslashEscapes: false)
            return .string
        case SQLByte.doubleQuote:
            skipQuoted(closing: SQLByte.doubleQuote)
            return .quotedIdentifier
        case SQLByte.backtick:
            skipQuoted(closing: SQLByte.backtick)
            return .quotedIdentifier
        case SQLByte.openBracket where rules.bracketIdentifiers:
            skipQuoted(closing: SQLByte.closeBracket)
            return .quotedIdentifier
        case SQLByte.dollar where rules.dollarQuotes:
            if let tagLength = dollarTagLength(at: index) {
                skipDollarQuoted(tagLength: tagLength)
                return .dollarQuoted
            }
            index += 1
            return .symbol
        default:
            guard SQLByte.isIdentifierStart(byte) else {
                index += 1
                return .symbol
            }
            // E'…': PostgreSQL's string with backslash escapes.
            if rules.escapeStrings && byte | 0x20 == UInt8(ascii: "e") && peek(1) == SQLByte.singleQuote {
                index += 1
                skipString(backslashEscapes: true)
                return .string
            }
            index += 1
            while index < bytes.count && SQLByte.isIdentifierPart(bytes[index]) { index += 1 }
            return .word
        }
    }

    @inline(__always) package func peek(_ offset: Int) -> UInt8? {
        let position = index + offset
        return position < bytes.count ? bytes[position] : nil
    }

    // MARK: Comments
    // Each `skip…` method starts at the construct's first byte and ends just after it.

    package mutating func skipLineComment() {
        index += 2
        while index < bytes.count && bytes[index] != SQLByte.newline { index += 1 }
    }

    package mutating func skipBlockComment() {
        index += 2
        var depth = 1
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == SQLByte.newline {
                line += 1
                index += 1
            } else if byte == SQLByte.star && index + 1 < count && bytes[index + 1] == SQLByte.slash {
                index += 2
                depth -= 1
                if depth == 0 { return }
            } else if rules.nestedBlockComments && byte == SQLByte.slash && index + 1 < count
                && bytes[index + 1] == SQLByte.star
            {
                index += 2
                depth += 1
            } else {
                index += 1
            }
        }
    }

    // MARK: Quotes

    /// A string literal starting at the current `'`; a doubled `''` stays inside it.
    package mutating func skipString(backslashEscapes: Bool) {
        index += 1
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if byte == SQLByte.singleQuote {
                if index < count && bytes[index] == SQLByte.singleQuote {
                    index += 1
                } else {
                    return
                }
            } else if byte == SQLByte.newline {
                line += 1
            } else if byte == SQLByte.backslash && backslashEscapes && index < count {
                if bytes[index] == SQLByte.newline { line += 1 }
                index += 1
            }
        }
    }

    /// A quoted identifier; a doubled closing quote stays inside it (not for `[…]`).
    package mutating func skipQuoted(closing: UInt8) {
        index += 1
        let count = bytes.count
        let doubles = closing != SQLByte.closeBracket
        while index < count {
            let byte = bytes[index]
            index += 1
            if byte == closing {
                if doubles && index < count && bytes[index] == closing {
                    index += 1
                } else {
                    return
                }
            } else if byte == SQLByte.newline {
                line += 1
            }
        }
    }

    /// The length of the `$tag$` opening at `position` (2 for `$$`), or nil when the `$` does not
    /// open a dollar-quoted string (`$1` is a parameter: a tag cannot start with a digit).
    package func dollarTagLength(at position: Int) -> Int? {
        var cursor = position + 1
        let count = bytes.count
        guard cursor < count else { return nil }
        if bytes[cursor] == SQLByte.dollar { return 2 }
        guard SQLByte.isIdentifierStart(bytes[cursor]) else { return nil }
        cursor += 1
        while cursor < count && SQLByte.isTagPart(bytes[cursor]) { cursor += 1 }
        guard cursor < count && bytes[cursor] == SQLByte.dollar else { return nil }
        return cursor - position + 1
    }

    /// A dollar-quoted body: everything up to the same `$tag$` again.
    package mutating func skipDollarQuoted(tagLength: Int) {
        let tagStart = index
        index += tagLength
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == SQLByte.newline {
                line += 1
                index += 1
            } else if byte == SQLByte.dollar && index + tagLength <= count && closesTag(at: index, tagStart: tagStart, length: tagLength) {
                index += tagLength
                return
            } else {
                index += 1
            }
        }
    }

    @inline(__always) private func closesTag(at position: Int, tagStart: Int, length: Int) -> Bool {
        for offset in 1..<length where bytes[position + offset] != bytes[tagStart + offset] {
            return false
        }
        return true
    }
}

/// The bytes SQL's lexical structure turns on.
enum SQLByte {
    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let carriageReturn = UInt8(ascii: "\r")
    static let formFeed: UInt8 = 0x0C
    static let verticalTab: UInt8 = 0x0B
    static let minus = UInt8(ascii: "-")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let singleQuote = UInt8(ascii: "'")
    static let doubleQuote = UInt8(ascii: "\"")
    static let backtick = UInt8(ascii: "`")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openParen = UInt8(ascii: "(")
    static let closeParen = UInt8(ascii: ")")
    static let dollar = UInt8(ascii: "$")
    static let semicolon = UInt8(ascii: ";")
    static let backslash = UInt8(ascii: "\\")
    static let underscore = UInt8(ascii: "_")

    @inline(__always) static func isLetter(_ c: UInt8) -> Bool {
        (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z")
    }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }
    /// Letters, `_` and any non-ASCII byte can start an identifier or keyword.
    @inline(__always) static func isIdentifierStart(_ c: UInt8) -> Bool {
        isLetter(c) || c == underscore || c >= 0x80
    }
    /// PostgreSQL identifiers may also contain digits and `$` after the first character.
    @inline(__always) static func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || isDigit(c) || c == dollar
    }
    /// A dollar-quote tag is an identifier without `$`.
    @inline(__always) static func isTagPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || isDigit(c)
    }
}
