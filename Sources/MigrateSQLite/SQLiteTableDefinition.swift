import MigrateCore
import MigrateSQL

/// What only the `CREATE TABLE` text in `sqlite_master` tells: constraint names, check
/// expressions, which key is a column's own `PRIMARY KEY`, collations, `STRICT`, `WITHOUT ROWID`,
/// `AUTOINCREMENT`, and clauses the vocabulary lacks.
///
/// SQLite's pragmas give columns, keys and indexes but drop constraint names and checks, so
/// reflection reads those from the text with ``SQLTokenizer`` and takes the rest from pragmas.
struct SQLiteTableDefinition {
    struct Check {
        var name: String?
        var expression: String
        /// The column a column-level check belongs to; nil for a table constraint.
        var column: String?
    }

    struct NamedColumns {
        var name: String?
        var columns: [String]
        /// A foreign key's `DEFERRABLE …` clause, which no pragma reports.
        var deferral: ConstraintDeferral?
        /// A foreign key's `MATCH FULL`, which SQLite parses but does not enforce.
        var match: ForeignKeyMatch?
    }

    /// The column declared `… PRIMARY KEY` in its own definition, if any.
    var inlinePrimaryKey: String?
    var primaryKeyName: String?
    var uniques: [NamedColumns] = []
    var foreignKeys: [NamedColumns] = []
    var checks: [Check] = []
    /// `STRICT`, `WITHOUT ROWID`, and `AUTOINCREMENT` on the column's own primary key.
    var options = SQLiteTableOptions()
    /// Each column's `COLLATE`, by the column's name as written.
    var collations: [String: String] = [:]
    /// Generated columns' expressions, by lowercased column name, as written.
    var generated: [String: GeneratedColumn] = [:]
    /// Clauses a rebuild could not carry over, as phrases for messages.
    var unrepresentable: [String] = []

    private static let columnConstraintKeywords: Set<String> = [
        "CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "REFERENCES", "GENERATED", "AS",
    ]

    init(sql: String) {
        let tokens = SQLTokenizer.tokenize(sql)[...]
        guard let open = tokens.firstIndex(where: { $0.isSymbol("(") }),
            let close = SQLTokenizer.closingParenthesis(tokens, from: open)
        else {
            unrepresentable.append("a definition that is not a column list")
            return
        }
        if tokens[..<open].contains(where: { $0.isKeyword("VIRTUAL") }) {
            unrepresentable.append("being a virtual table")
        }
        let clauses = tokens[(close + 1)...]
        options.isWithoutRowid = clauses.contains { $0.isKeyword("ROWID") }
        options.isStrict = clauses.contains { $0.isKeyword("STRICT") }
        for part in SQLTokenizer.splitTopLevel(tokens[(open + 1)..<close]) where !part.isEmpty {
            var cursor = Cursor(tokens: part, sql: sql)
            if let first = cursor.peek,
                ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].contains(first.text.uppercased()),
                first.kind == .word
            {
                parseTableConstraint(&cursor)
            } else {
                parseColumn(&cursor)
            }
        }
    }

    private mutating func parseColumn(_ cursor: inout Cursor) {
        guard let nameToken = cursor.next() else { return }
        let column = nameToken.value
        // The type: every token up to the first constraint keyword outside parentheses.
        while let token = cursor.peek, !(token.kind == .word && Self.columnConstraintKeywords.contains(token.text.uppercased())) {
            cursor.skipGroup()
        }
        var pendingName: String?
        while let token = cursor.next() {
            switch token.text.uppercased() {
            case "CONSTRAINT":
                pendingName = cursor.next()?.value
                continue
            case "PRIMARY":
                cursor.skip("KEY")
                if cursor.skip("DESC") { unrepresentable.append("PRIMARY KEY DESC on column \(column)") }
                cursor.skip("ASC")
                noteConflictClause(&cursor, on: column)
                if cursor.skip("AUTOINCREMENT") { options.autoincrement = true }
                inlinePrimaryKey = column
                primaryKeyName = pendingName
            case "NOT":
                cursor.skip("NULL")
                noteConflictClause(&cursor, on: column)
            case "NULL":
                noteConflictClause(&cursor, on: column)
            case "UNIQUE":
                noteConflictClause(&cursor, on: column)
                uniques.append(NamedColumns(name: pendingName, columns: [column]))
            case "CHECK":
                if let expression = cursor.parenthesized() {
                    checks.append(Check(name: pendingName, expression: expression, column: column))
                }
            case "DEFAULT":
                if cursor.peek?.isSymbol("+") == true || cursor.peek?.isSymbol("-") == true { _ = cursor.next() }
                cursor.skipGroup()
            case "COLLATE":
                if let collation = cursor.next()?.value { collations[column.lowercased()] = collation }
            case "REFERENCES":
                let (deferral, match) = parseReferences(&cursor)
                foreignKeys.append(NamedColumns(name: pendingName, columns: [column], deferral: deferral, match: match))
            case "GENERATED", "AS":
                cursor.skip("ALWAYS")
                cursor.skip("AS")
                guard let expression = cursor.parenthesized() else {
                    unrepresentable.append("generated column \(column)")
                    continue
                }
                let isStored = cursor.skip("STORED")
                if !isStored { cursor.skip("VIRTUAL") }
                generated[column.lowercased()] = isStored ? .stored(expression) : .virtual(expression)
            default:
                unrepresentable.append("the clause \(token.text) on column \(column)")
            }
            pendingName = nil
        }
    }

    private mutating func parseTableConstraint(_ cursor: inout Cursor) {
        var name: String?
        if cursor.skip("CONSTRAINT") { name = cursor.next()?.value }
        guard let keyword = cursor.next() else { return }
        switch keyword.text.uppercased() {
        case "PRIMARY":
            cursor.skip("KEY")
            _ = cursor.columnList()
            noteConflictClause(&cursor, on: "the primary key")
            primaryKeyName = name
        case "UNIQUE":
            let columns = cursor.columnList()
            noteConflictClause(&cursor, on: "a unique constraint")
            uniques.append(NamedColumns(name: name, columns: columns))
        case "CHECK":
            if let expression = cursor.parenthesized() {
                checks.append(Check(name: name, expression: expression, column: nil))
            }
        case "FOREIGN":
            cursor.skip("KEY")
            let columns = cursor.columnList()
            var clauses: (ConstraintDeferral?, ForeignKeyMatch?) = (nil, nil)
            if cursor.skip("REFERENCES") { clauses = parseReferences(&cursor) }
            foreignKeys.append(NamedColumns(name: name, columns: columns, deferral: clauses.0, match: clauses.1))
        default:
            unrepresentable.append("the table constraint \(keyword.text)")
        }
    }

    /// Skips `table [(columns)]` and the actions, returning the key's deferral and match clauses.
    private mutating func parseReferences(_ cursor: inout Cursor) -> (ConstraintDeferral?, ForeignKeyMatch?) {
        var deferral: ConstraintDeferral?
        var match: ForeignKeyMatch?
        _ = cursor.next()
        if cursor.peek?.isSymbol("(") == true { _ = cursor.columnList() }
        while let token = cursor.peek {
            if token.isKeyword("ON") {
                _ = cursor.next()
                _ = cursor.next()  // DELETE or UPDATE
                if cursor.skip("SET") || cursor.skip("NO") { _ = cursor.next() } else { _ = cursor.next() }
            } else if token.isKeyword("MATCH") {
                _ = cursor.next()
                if cursor.next()?.isKeyword("FULL") == true { match = .full }
            } else if token.isKeyword("NOT"), cursor.peek(1)?.isKeyword("DEFERRABLE") == true {
                _ = cursor.next()
                _ = cursor.next()
                if cursor.skip("INITIALLY") { _ = cursor.next() }
            } else if token.isKeyword("DEFERRABLE") {
                _ = cursor.next()
                deferral = .immediate
                if cursor.skip("INITIALLY"), cursor.next()?.isKeyword("DEFERRED") == true { deferral = .deferred }
            } else {
                return (deferral, match)
            }
        }
        return (deferral, match)
    }

    private mutating func noteConflictClause(_ cursor: inout Cursor, on what: String) {
        guard cursor.peek?.isKeyword("ON") == true, cursor.peek(1)?.isKeyword("CONFLICT") == true else { return }
        _ = cursor.next()
        _ = cursor.next()
        let resolution = cursor.next()?.text.uppercased() ?? ""
        unrepresentable.append("ON CONFLICT \(resolution) on \(what)")
    }

    /// The `USING` clause of a `CREATE VIRTUAL TABLE` statement (`fts5(title, body)`), as written;
    /// nil for any other statement.
    static func virtualTable(sql: String) -> String? {
        // Reflection asks this of every table: most have no `VIRTUAL` anywhere, and need no tokens.
        guard containsWordIgnoringCase(sql, "virtual") else { return nil }
        let tokens = SQLTokenizer.tokenize(sql)
        guard tokens.count > 3, tokens[0].isKeyword("CREATE"), tokens[1].isKeyword("VIRTUAL"),
            let using = tokens.firstIndex(where: { $0.isKeyword("USING") }), using + 1 < tokens.count, let last = tokens.last
        else { return nil }
        return SQLTokenizer.text(sql, from: tokens[using + 1], through: last)
    }

    /// Whether `text` holds `word` (lowercase ASCII letters) in any letter case, as bytes.
    static func containsWordIgnoringCase(_ text: String, _ word: StaticString) -> Bool {
        let pattern = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count >= pattern.count else { return false }
            for start in 0...(bytes.count - pattern.count) {
                var index = 0
                while index < pattern.count, bytes[start + index] | 0x20 == pattern[index] { index += 1 }
                if index == pattern.count { return true }
            }
            return false
        }
    }

    /// Reads a `CREATE INDEX` statement's keys and `WHERE` predicate.
    static func indexKeys(sql: String) -> (keys: [IndexKey], predicate: String?)? {
        let tokens = SQLTokenizer.tokenize(sql)[...]
        guard let on = tokens.firstIndex(where: { $0.isKeyword("ON") }),
            let open = tokens[on...].firstIndex(where: { $0.isSymbol("(") }),
            let close = SQLTokenizer.closingParenthesis(tokens, from: open)
        else { return nil }
        let keys = SQLTokenizer.splitTopLevel(tokens[(open + 1)..<close]).compactMap { whole -> IndexKey? in
            // Trailing `ASC`/`DESC`, then `COLLATE name`, are the key's options.
            var part = whole
            var options = IndexKeyOptions()
            if let last = part.last, last.isKeyword("DESC") || last.isKeyword("ASC") {
                options.isDescending = last.isKeyword("DESC")
                part = part.dropLast()
            }
            if part.count >= 3, part[part.endIndex - 2].isKeyword("COLLATE"), let collation = part.last {
                options.collation = collation.value
                part = part.dropLast(2)
            }
            guard let first = part.first, let last = part.last else { return nil }
            if part.count == 1, first.isIdentifier { return IndexKey.column(first.value).with(options) }
            return IndexKey.expression(SQLTokenizer.text(sql, from: first, through: last)).with(options)
        }
        var predicate: String?
        let rest = tokens[(close + 1)...]
        if let whereIndex = rest.firstIndex(where: { $0.isKeyword("WHERE") }), whereIndex + 1 < rest.endIndex,
            let last = rest.last
        {
            predicate = SQLTokenizer.text(sql, from: rest[whereIndex + 1], through: last)
        }
        return (keys, predicate)
    }

    /// The values of a check `"column" IN ('a', 'b', …)` on `column`, which is how an enumeration
    /// is stored on SQLite; nil for any other check.
    static func enumerationValues(_ expression: String, column: String) -> [String]? {
        let tokens = SQLTokenizer.tokenize(expression)
        guard tokens.count >= 4, tokens[0].isIdentifier, tokens[0].value == column, tokens[1].isKeyword("IN"),
            tokens[2].isSymbol("("), tokens.last?.isSymbol(")") == true
        else { return nil }
        let inner = tokens[3..<(tokens.count - 1)]
        var values: [String] = []
        for (offset, token) in inner.enumerated() {
            if offset % 2 == 0 {
                guard token.kind == .string else { return nil }
                values.append(token.value)
            } else {
                guard token.isSymbol(",") else { return nil }
            }
        }
        return values.isEmpty || inner.count % 2 == 0 ? nil : values
    }
}

/// Walks the tokens of one definition.
private struct Cursor {
    var tokens: ArraySlice<SQLToken>
    let sql: String
    var position: Int

    init(tokens: ArraySlice<SQLToken>, sql: String) {
        self.tokens = tokens
        self.sql = sql
        self.position = tokens.startIndex
    }

    var peek: SQLToken? { peek(0) }

    func peek(_ offset: Int) -> SQLToken? {
        position + offset < tokens.endIndex ? tokens[position + offset] : nil
    }

    mutating func next() -> SQLToken? {
        defer { if position < tokens.endIndex { position += 1 } }
        return peek
    }

    /// Consumes the keyword if it is next.
    @discardableResult
    mutating func skip(_ keyword: String) -> Bool {
        guard peek?.isKeyword(keyword) == true else { return false }
        position += 1
        return true
    }

    /// Consumes one token, or a whole parenthesized group.
    mutating func skipGroup() {
        guard let token = peek else { return }
        if token.isSymbol("("), let close = SQLTokenizer.closingParenthesis(tokens, from: position) {
            position = close + 1
        } else {
            position += 1
        }
    }

    /// The text inside the parentheses that come next, consumed.
    mutating func parenthesized() -> String? {
        guard peek?.isSymbol("(") == true, let close = SQLTokenizer.closingParenthesis(tokens, from: position) else {
            return nil
        }
        defer { position = close + 1 }
        guard close > position + 1 else { return "" }
        return SQLTokenizer.text(sql, from: tokens[position + 1], through: tokens[close - 1])
    }

    /// The column names of a parenthesized list (each part's first identifier), consumed.
    mutating func columnList() -> [String] {
        guard peek?.isSymbol("(") == true, let close = SQLTokenizer.closingParenthesis(tokens, from: position) else {
            return []
        }
        defer { position = close + 1 }
        return SQLTokenizer.splitTopLevel(tokens[(position + 1)..<close]).compactMap { $0.first?.value }
    }
}
