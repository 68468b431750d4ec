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
            var scanner = Scanner(lexer: SQLLexer(bytes: bytes, rules: SQLLexicalRules(dialect)))
            return scanner.run()
        }
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

/// Reads statements byte by byte, handing quotes, comments and dollar-quoted bodies to the
/// lexer: white space, words and punctuation, which are most of a script, are dispatched here
/// without a lexeme for each.
private struct Scanner {
    var lexer: SQLLexer
    var bytes: UnsafeBufferPointer<UInt8> { lexer.bytes }
    var rules: SQLLexicalRules { lexer.rules }
    var index: Int {
        get { lexer.index }
        set { lexer.index = newValue }
    }
    var line: Int {
        get { lexer.line }
        set { lexer.line = newValue }
    }
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

    init(lexer: SQLLexer) {
        self.lexer = lexer
    }

    mutating func run() -> [SQLStatement] {
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case SQLByte.newline:
                line += 1
                index += 1
            case SQLByte.space, SQLByte.tab, SQLByte.carriageReturn, SQLByte.formFeed, SQLByte.verticalTab:
                index += 1
            case SQLByte.minus where peek(1) == SQLByte.minus:
                lexer.skipLineComment()
            case SQLByte.slash where peek(1) == SQLByte.star:
                lexer.skipBlockComment()
            case SQLByte.singleQuote:
                token { $0.lexer.skipString(backslashEscapes: false) }
            case SQLByte.doubleQuote:
                token { $0.lexer.skipQuoted(closing: SQLByte.doubleQuote) }
            case SQLByte.backtick:
                token { $0.lexer.skipQuoted(closing: SQLByte.backtick) }
            case SQLByte.openBracket where rules.bracketIdentifiers:
                token { $0.lexer.skipQuoted(closing: SQLByte.closeBracket) }
            case SQLByte.dollar where rules.dollarQuotes:
                if let tagLength = lexer.dollarTagLength(at: index) {
                    token { $0.lexer.skipDollarQuoted(tagLength: tagLength) }
                } else {
                    token { $0.index += 1 }
                }
            case SQLByte.openParen:
                parenthesisDepth += 1
                token { $0.index += 1 }
            case SQLByte.closeParen:
                if parenthesisDepth > 0 { parenthesisDepth -= 1 }
                token { $0.index += 1 }
            case SQLByte.semicolon:
                if parenthesisDepth == 0 && bodyDepth == 0 {
                    finishStatement()
                    index += 1
                } else {
                    token { $0.index += 1 }
                }
            default:
                if SQLByte.isIdentifierStart(byte) {
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

    // MARK: Words

    /// An identifier or keyword; keywords open and close trigger and `BEGIN ATOMIC` bodies.
    mutating func word() {
        let wordStart = index
        let count = bytes.count
        index += 1
        while index < count && SQLByte.isIdentifierPart(bytes[index]) { index += 1 }

        // E'…': PostgreSQL's string with backslash escapes.
        if rules.escapeStrings && index - wordStart == 1 && bytes[wordStart] | 0x20 == UInt8(ascii: "e")
            && index < count && bytes[index] == SQLByte.singleQuote
        {
            index = wordStart
            token {
                $0.index += 1
                $0.lexer.skipString(backslashEscapes: true)
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
