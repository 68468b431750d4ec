/// One statement cut out of a SQL script, with the line it starts on.
///
/// The line lets a failure point at `file:line` in the script the statement came from.
package struct SQLStatement: Sendable, Hashable, CustomStringConvertible {
    /// The statement as written, without its terminating `;` and without the comments and
    /// blank space around it. Comments inside the statement are kept.
    package var text: String
    /// The 1-based line of the input on which the statement's first token starts.
    package var line: Int

    package init(text: String, line: Int) {
        self.text = text
        self.line = line
    }

    package var description: String { "\(line): \(text)" }
}

/// Cuts a SQL script into statements at the `;` that end them, the way the engine's own shell does.
///
/// A semicolon ends a statement only outside string literals, quoted identifiers, comments,
/// PostgreSQL dollar-quoted bodies, parentheses, SQLite `CREATE TRIGGER … BEGIN … END` bodies and
/// PostgreSQL `BEGIN ATOMIC … END` function bodies. Statements made only of comments and empty
/// statements (`;;`) are dropped, so a script's header comments never reach the database.
///
/// ```swift
/// let statements = StatementSplitter.split("""
///     -- the accounts
///     CREATE TABLE accounts (id integer PRIMARY KEY);
///     INSERT INTO accounts VALUES (1);
///     """, dialect: .sqlite)
/// // [2: CREATE TABLE accounts (id integer PRIMARY KEY), 3: INSERT INTO accounts VALUES (1)]
/// ```
///
/// It is one pass over the UTF-8 bytes, so a megabyte of SQL splits in a few milliseconds.
package enum StatementSplitter {
    package static func split(_ sql: String, dialect: SQLDialect) -> [SQLStatement] {
        var sql = sql
        return sql.withUTF8 { bytes in
            var scanner = Scanner(bytes: bytes, rules: LexicalRules(dialect))
            return scanner.run()
        }
    }
}

/// The lexical rules that decide where a statement ends.
///
/// `SQLDialect` describes dollar quoting only; PostgreSQL's other lexical rules (nested block
/// comments, `E'…'` strings with backslash escapes) come with it, and SQLite's `[identifier]`
/// quoting belongs to the dialects without it.
private struct LexicalRules {
    var dollarQuotes: Bool
    var nestedBlockComments: Bool
    var escapeStrings: Bool
    var bracketIdentifiers: Bool

    init(_ dialect: SQLDialect) {
        dollarQuotes = dialect.supportsDollarQuoting
        nestedBlockComments = dialect.supportsDollarQuoting
        escapeStrings = dialect.supportsDollarQuoting
        bracketIdentifiers = !dialect.supportsDollarQuoting
    }
}

private enum Byte {
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

/// The keywords that open and close bodies in which `;` does not end the statement.
private enum Keyword {
    case create, trigger, begin, atomic, `case`, end, other

    @inline(__always) static func classify(_ word: UnsafeBufferPointer<UInt8>) -> Keyword {
        switch word.count {
        case 3: return matches(word, "end") ? .end : .other
        case 4: return matches(word, "case") ? .case : .other
        case 5: return matches(word, "begin") ? .begin : .other
        case 6:
            if matches(word, "create") { return .create }
            if matches(word, "atomic") { return .atomic }
            return .other
        case 7: return matches(word, "trigger") ? .trigger : .other
        default: return .other
        }
    }

    /// Case-insensitive comparison with a lowercase ASCII keyword.
    @inline(__always) private static func matches(_ word: UnsafeBufferPointer<UInt8>, _ keyword: StaticString) -> Bool {
        let count = keyword.utf8CodeUnitCount
        guard word.count == count else { return false }
        let pointer = keyword.utf8Start
        for index in 0..<count where word[index] | 0x20 != pointer[index] {
            return false
        }
        return true
    }
}

private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let rules: LexicalRules
    var index = 0
    var line = 1
    var statements: [SQLStatement] = []

    // The statement being read.
    /// Offset of its first token, or nil while only blank space and comments were seen.
    var start: Int?
    var startLine = 0
    /// Offset just after its last token (trailing comments are left out).
    var end = 0
    var parenthesisDepth = 0
    var wordCount = 0
    var startsWithCreate = false
    var isTrigger = false
    /// Whether BEGIN / CASE / END are counted: inside a trigger, or after `BEGIN ATOMIC`.
    var tracksBodies = false
    var bodyDepth = 0
    var previousWordWasBegin = false

    init(bytes: UnsafeBufferPointer<UInt8>, rules: LexicalRules) {
        self.bytes = bytes
        self.rules = rules
    }

    mutating func run() -> [SQLStatement] {
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case Byte.newline:
                line += 1
                index += 1
            case Byte.space, Byte.tab, Byte.carriageReturn, Byte.formFeed, Byte.verticalTab:
                index += 1
            case Byte.minus where peek(1) == Byte.minus:
                skipLineComment()
            case Byte.slash where peek(1) == Byte.star:
                skipBlockComment()
            case Byte.singleQuote:
                token { $0.skipString(backslashEscapes: false) }
            case Byte.doubleQuote:
                token { $0.skipQuoted(closing: Byte.doubleQuote) }
            case Byte.backtick:
                token { $0.skipQuoted(closing: Byte.backtick) }
            case Byte.openBracket where rules.bracketIdentifiers:
                token { $0.skipQuoted(closing: Byte.closeBracket) }
            case Byte.dollar where rules.dollarQuotes:
                if let tagLength = dollarTagLength(at: index) {
                    token { $0.skipDollarQuoted(tagLength: tagLength) }
                } else {
                    token { $0.index += 1 }
                }
            case Byte.openParen:
                parenthesisDepth += 1
                token { $0.index += 1 }
            case Byte.closeParen:
                if parenthesisDepth > 0 { parenthesisDepth -= 1 }
                token { $0.index += 1 }
            case Byte.semicolon:
                if parenthesisDepth == 0 && bodyDepth == 0 {
                    finishStatement()
                    index += 1
                } else {
                    token { $0.index += 1 }
                }
            default:
                if Byte.isIdentifierStart(byte) {
                    word()
                } else {
                    token { $0.index += 1 }
                }
            }
        }
        finishStatement()
        return statements
    }

    @inline(__always) func peek(_ offset: Int) -> UInt8? {
        let position = index + offset
        return position < bytes.count ? bytes[position] : nil
    }

    /// Consumes one token with `body` and records it as part of the current statement.
    @inline(__always) mutating func token(_ body: (inout Scanner) -> Void) {
        let tokenStart = index
        let tokenLine = line
        body(&self)
        previousWordWasBegin = false
        if start == nil {
            start = tokenStart
            startLine = tokenLine
        }
        end = index
    }

    mutating func finishStatement() {
        if let start {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            statements.append(SQLStatement(text: text, line: startLine))
        }
        start = nil
        end = 0
        parenthesisDepth = 0
        wordCount = 0
        startsWithCreate = false
        isTrigger = false
        tracksBodies = false
        bodyDepth = 0
        previousWordWasBegin = false
    }

    // MARK: Comments

    mutating func skipLineComment() {
        index += 2
        while index < bytes.count && bytes[index] != Byte.newline { index += 1 }
    }

    mutating func skipBlockComment() {
        index += 2
        var depth = 1
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == Byte.newline {
                line += 1
                index += 1
            } else if byte == Byte.star && index + 1 < count && bytes[index + 1] == Byte.slash {
                index += 2
                depth -= 1
                if depth == 0 { return }
            } else if rules.nestedBlockComments && byte == Byte.slash && index + 1 < count
                && bytes[index + 1] == Byte.star
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
    mutating func skipString(backslashEscapes: Bool) {
        index += 1
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if byte == Byte.singleQuote {
                if index < count && bytes[index] == Byte.singleQuote {
                    index += 1
                } else {
                    return
                }
            } else if byte == Byte.newline {
                line += 1
            } else if byte == Byte.backslash && backslashEscapes && index < count {
                if bytes[index] == Byte.newline { line += 1 }
                index += 1
            }
        }
    }

    /// A quoted identifier; a doubled closing quote stays inside it (not for `[…]`).
    mutating func skipQuoted(closing: UInt8) {
        index += 1
        let count = bytes.count
        let doubles = closing != Byte.closeBracket
        while index < count {
            let byte = bytes[index]
            index += 1
            if byte == closing {
                if doubles && index < count && bytes[index] == closing {
                    index += 1
                } else {
                    return
                }
            } else if byte == Byte.newline {
                line += 1
            }
        }
    }

    /// The length of the `$tag$` opening at `position` (2 for `$$`), or nil when the `$` does not
    /// open a dollar-quoted string (`$1` is a parameter: a tag cannot start with a digit).
    func dollarTagLength(at position: Int) -> Int? {
        var cursor = position + 1
        let count = bytes.count
        guard cursor < count else { return nil }
        if bytes[cursor] == Byte.dollar { return 2 }
        guard Byte.isIdentifierStart(bytes[cursor]) else { return nil }
        cursor += 1
        while cursor < count && Byte.isTagPart(bytes[cursor]) { cursor += 1 }
        guard cursor < count && bytes[cursor] == Byte.dollar else { return nil }
        return cursor - position + 1
    }

    /// A dollar-quoted body: everything up to the same `$tag$` again.
    mutating func skipDollarQuoted(tagLength: Int) {
        let tagStart = index
        index += tagLength
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == Byte.newline {
                line += 1
                index += 1
            } else if byte == Byte.dollar && index + tagLength <= count && closesTag(at: index, tagStart: tagStart, length: tagLength) {
                index += tagLength
                return
            } else {
                index += 1
            }
        }
    }

    @inline(__always) func closesTag(at position: Int, tagStart: Int, length: Int) -> Bool {
        for offset in 1..<length where bytes[position + offset] != bytes[tagStart + offset] {
            return false
        }
        return true
    }

    // MARK: Words

    /// An identifier or keyword; keywords open and close trigger and `BEGIN ATOMIC` bodies.
    mutating func word() {
        let wordStart = index
        let count = bytes.count
        index += 1
        while index < count && Byte.isIdentifierPart(bytes[index]) { index += 1 }

        // E'…': PostgreSQL's string with backslash escapes.
        if rules.escapeStrings && index - wordStart == 1 && bytes[wordStart] | 0x20 == UInt8(ascii: "e")
            && index < count && bytes[index] == Byte.singleQuote
        {
            index = wordStart
            token {
                $0.index += 1
                $0.skipString(backslashEscapes: true)
            }
            return
        }

        let wordEnd = index
        let afterBegin = previousWordWasBegin
        index = wordStart
        token { $0.index = wordEnd }

        let keyword = Keyword.classify(UnsafeBufferPointer(rebasing: bytes[wordStart..<wordEnd]))
        wordCount += 1
        if wordCount == 1 {
            startsWithCreate = keyword == .create
        } else if keyword == .trigger && startsWithCreate && wordCount <= 5 && !tracksBodies {
            // CREATE [TEMP | TEMPORARY | OR REPLACE | CONSTRAINT] TRIGGER
            isTrigger = true
            tracksBodies = true
        }
        if tracksBodies {
            switch keyword {
            case .begin where isTrigger: bodyDepth += 1
            case .case: bodyDepth += 1
            case .end where bodyDepth > 0: bodyDepth -= 1
            default: break
            }
        } else if keyword == .atomic && afterBegin {
            tracksBodies = true
            bodyDepth = 1
        }
        previousWordWasBegin = keyword == .begin
    }
}
