/// What one SQL statement does to the schema, as far as lint cares: which objects it creates,
/// changes or drops, and the clauses that decide how it locks (`CONCURRENTLY`, `NOT VALID`,
/// `USING INDEX`, a `WHERE`). Read from the statement's tokens; anything else is ``other``.
package enum StatementShape: Sendable, Hashable {
    case createTable(ObjectName, columns: [ColumnShape], constraints: [ConstraintShape])
    case dropTables([ObjectName])
    case renameTable(ObjectName, to: ObjectName)
    case createIndex(name: ObjectName?, table: ObjectName, concurrently: Bool)
    case dropIndexes([ObjectName], concurrently: Bool)
    case reindex(table: ObjectName?, index: ObjectName?, concurrently: Bool)
    case alterTable(ObjectName, [AlterAction])
    case renameColumn(ObjectName, from: String, to: String)
    case createSchema(String)
    case dropSchemas([String])
    case createType(ObjectName)
    case renameEnumValue(type: ObjectName)
    case addDomainCheck(domain: ObjectName, notValid: Bool)
    /// `UPDATE`, `DELETE` or `INSERT … SELECT`; `bounded` when a `WHERE` (or, for the insert,
    /// a `LIMIT`) keeps it from touching every row.
    case dataChange(table: ObjectName, bounded: Bool)
    /// `INSERT … VALUES` and other row writes that are no backfill.
    case rowWrite(table: ObjectName)
    case setLockTimeout
    /// A statement that takes a table lock strong enough to block reads or writes but that no
    /// rule looks at in detail (`TRUNCATE`, `LOCK`, `CREATE TRIGGER … ON`, `VACUUM FULL`, `CLUSTER`).
    case locksTable(ObjectName)
    case other
}

/// A possibly schema-qualified name, folded the way the engine compares names: unquoted
/// PostgreSQL names are lowercased, SQLite names compare without case.
package struct ObjectName: Sendable, Hashable, CustomStringConvertible {
    package var schema: String?
    package var name: String

    package init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// The key objects are tracked under: `public` is PostgreSQL's default schema, so
    /// `public.t` and `t` are one table.
    package var key: String {
        guard let schema, schema != "public", schema != "main" else { return name }
        return schema + "." + name
    }

    package var description: String { key }
}

/// A column definition in `CREATE TABLE` or `ADD COLUMN`.
package struct ColumnShape: Sendable, Hashable {
    package var name: String
    /// The type as written, words uppercased and joined by single spaces (`VARCHAR(50)`).
    package var type: String
    package var notNull = false
    /// The default expression's tokens' text, when there is one.
    package var defaultExpression: [SQLToken]?
    package var storedGenerated = false
    /// `GENERATED … AS IDENTITY`, or a `serial` type.
    package var autoIncrement = false
    package var primaryKey = false
    package var unique = false
    package var references: ObjectName?
}

extension ColumnShape {
    /// NOT NULL without a default or generated value: a row that exists cannot get one.
    package var requiresValue: Bool {
        let hasDefault = defaultExpression.map { !($0.count == 1 && $0[0].isKeyword("NULL")) } ?? false
        return notNull && !hasDefault && !autoIncrement && !storedGenerated
    }
}

/// A table constraint, in `CREATE TABLE` or `ADD CONSTRAINT`.
package struct ConstraintShape: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case primaryKey, unique, check, foreignKey, exclusion
    }
    package var name: String?
    package var kind: Kind
    package var notValid = false
    /// `UNIQUE USING INDEX` / `PRIMARY KEY USING INDEX`: the index exists already.
    package var usingIndex = false
    /// For `CHECK (col IS NOT NULL)`: the column it proves NOT NULL.
    package var notNullColumn: String?
    package var references: ObjectName?
}

/// One action of `ALTER TABLE`.
package enum AlterAction: Sendable, Hashable {
    case addColumn(ColumnShape)
    case dropColumn(String)
    case alterType(column: String, type: String)
    case setNotNull(column: String)
    case addConstraint(ConstraintShape)
    case validateConstraint(String)
    case dropConstraint(String)
    /// Anything else (`SET DEFAULT`, `DROP NOT NULL`, storage options…): it still locks the table.
    case other
}

extension StatementShape {
    /// Reads the shape of one statement (without its `;`) under `dialect`'s lexical rules.
    package static func read(_ statement: String, dialect: SQLDialect) -> StatementShape {
        let tokens = SQLTokenizer.tokenize(statement, dollarQuotes: dialect.supportsDollarQuoting)
        var reader = ShapeReader(tokens: tokens, foldsCase: !dialect.supportsDollarQuoting)
        return reader.statement()
    }
}

/// A cursor over a statement's tokens with the few grammar pieces lint needs.
private struct ShapeReader {
    let tokens: [SQLToken]
    /// Whether names compare without case even when quoted (SQLite).
    let foldsCase: Bool
    var position = 0

    init(tokens: [SQLToken], foldsCase: Bool) {
        self.tokens = tokens
        self.foldsCase = foldsCase
    }

    var current: SQLToken? { position < tokens.count ? tokens[position] : nil }
    var atEnd: Bool { position >= tokens.count }

    func peek(_ offset: Int = 0) -> SQLToken? {
        let index = position + offset
        return index < tokens.count ? tokens[index] : nil
    }

    func isKeyword(_ keyword: String, at offset: Int = 0) -> Bool {
        peek(offset)?.isKeyword(keyword) ?? false
    }

    /// Consumes `keywords` if they come next, in order.
    mutating func accept(_ keywords: String...) -> Bool {
        for (offset, keyword) in keywords.enumerated() where !isKeyword(keyword, at: offset) { return false }
        position += keywords.count
        return true
    }

    mutating func acceptSymbol(_ symbol: String) -> Bool {
        guard current?.isSymbol(symbol) == true else { return false }
        position += 1
        return true
    }

    /// A name as the engine compares it.
    func fold(_ token: SQLToken) -> String {
        if token.kind == .quotedIdentifier && !foldsCase { return token.value }
        return token.value.lowercased()
    }

    /// An identifier, maybe after `schema.`; nil if none comes next.
    mutating func name() -> ObjectName? {
        guard let first = current, first.isIdentifier else { return nil }
        position += 1
        guard current?.isSymbol(".") == true, let second = peek(1), second.isIdentifier else {
            return ObjectName(fold(first))
        }
        position += 2
        return ObjectName(fold(second), schema: fold(first))
    }

    /// A bare identifier (a column or constraint name).
    mutating func identifier() -> String? {
        guard let token = current, token.isIdentifier else { return nil }
        position += 1
        return fold(token)
    }

    /// Skips a parenthesized group starting at the current `(`; returns its inner tokens.
    mutating func group() -> ArraySlice<SQLToken>? {
        guard current?.isSymbol("(") == true,
            let close = SQLTokenizer.closingParenthesis(tokens[...], from: position)
        else { return nil }
        let inner = tokens[(position + 1)..<close]
        position = close + 1
        return inner
    }

    mutating func skipIfExists() {
        _ = accept("IF", "EXISTS") || accept("IF", "NOT", "EXISTS")
    }

    /// Whether `keyword` appears at the top level (outside parentheses) from here on.
    func containsTopLevel(_ keyword: String) -> Bool {
        var depth = 0
        for token in tokens[position...] {
            if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
            if depth == 0 && token.isKeyword(keyword) { return true }
        }
        return false
    }

    // MARK: Statements

    mutating func statement() -> StatementShape {
        guard let first = current, first.kind == .word else { return .other }
        // A leading WITH (a data-changing CTE) is no schema change; read what follows it.
        if accept("CREATE") { return create() }
        if accept("DROP") { return drop() }
        if accept("ALTER") { return alter() }
        if accept("REINDEX") { return reindex() }
        if accept("UPDATE") {
            _ = accept("ONLY")
            guard let table = name() else { return .other }
            return .dataChange(table: table, bounded: containsTopLevel("WHERE"))
        }
        if accept("DELETE", "FROM") {
            _ = accept("ONLY")
            guard let table = name() else { return .other }
            return .dataChange(table: table, bounded: containsTopLevel("WHERE"))
        }
        if accept("INSERT") || accept("REPLACE") {
            _ = accept("OR", "REPLACE") || accept("OR", "IGNORE") || accept("OR", "ABORT") || accept("OR", "FAIL")
                || accept("OR", "ROLLBACK")
            guard accept("INTO"), let table = name() else { return .other }
            if containsTopLevel("SELECT") && !containsTopLevel("VALUES") {
                return .dataChange(table: table, bounded: containsTopLevel("LIMIT"))
            }
            return .rowWrite(table: table)
        }
        if accept("SET") {
            _ = accept("LOCAL") || accept("SESSION")
            return isKeyword("LOCK_TIMEOUT") ? .setLockTimeout : .other
        }
        if accept("SELECT"), accept("SET_CONFIG"), acceptSymbol("("),
            let setting = current, setting.kind == .string, setting.value.lowercased() == "lock_timeout"
        {
            return .setLockTimeout
        }
        if accept("TRUNCATE") {
            _ = accept("TABLE")
            _ = accept("ONLY")
            return name().map(StatementShape.locksTable) ?? .other
        }
        if accept("LOCK") {
            _ = accept("TABLE")
            _ = accept("ONLY")
            return name().map(StatementShape.locksTable) ?? .other
        }
        if accept("VACUUM") {
            guard accept("FULL") || (current?.isSymbol("(") == true && group().map(Self.mentionsFull) == true)
            else { return .other }
            _ = accept("FREEZE")
            _ = accept("VERBOSE")
            _ = accept("ANALYZE")
            return name().map(StatementShape.locksTable) ?? .other
        }
        if accept("CLUSTER") {
            _ = accept("VERBOSE")
            return name().map(StatementShape.locksTable) ?? .other
        }
        return .other
    }

    static func mentionsFull(_ options: ArraySlice<SQLToken>) -> Bool {
        options.contains { $0.isKeyword("FULL") }
    }

    mutating func create() -> StatementShape {
        _ = accept("OR", "REPLACE")
        if accept("SCHEMA") {
            skipIfExists()
            return identifier().map(StatementShape.createSchema) ?? .other
        }
        if accept("TYPE") || accept("DOMAIN") {
            return name().map(StatementShape.createType) ?? .other
        }
        _ = accept("UNIQUE")
        if accept("INDEX") {
            let concurrently = accept("CONCURRENTLY")
            skipIfExists()
            var index: ObjectName?
            if !isKeyword("ON") { index = name() }
            guard accept("ON") else { return .other }
            _ = accept("ONLY")
            guard let table = name() else { return .other }
            return .createIndex(name: index, table: table, concurrently: concurrently)
        }
        for word in ["GLOBAL", "LOCAL", "TEMPORARY", "TEMP", "UNLOGGED"] { _ = accept(word) }
        if accept("TABLE") {
            skipIfExists()
            guard let table = name() else { return .other }
            guard let body = group() else { return .createTable(table, columns: [], constraints: []) }
            var columns: [ColumnShape] = []
            var constraints: [ConstraintShape] = []
            for element in SQLTokenizer.splitTopLevel(body) where !element.isEmpty {
                var part = ShapeReader(tokens: Array(element), foldsCase: foldsCase)
                if let constraint = part.tableConstraint() {
                    constraints.append(constraint)
                } else if !part.isKeyword("LIKE"), let column = part.columnDefinition() {
                    columns.append(column)
                }
            }
            return .createTable(table, columns: columns, constraints: constraints)
        }
        // CREATE [CONSTRAINT] TRIGGER name … ON table: SHARE ROW EXCLUSIVE on the table.
        _ = accept("CONSTRAINT")
        if accept("TRIGGER") {
            while let token = current, !token.isKeyword("ON") { position += 1 }
            guard accept("ON"), let table = name() else { return .other }
            return .locksTable(table)
        }
        return .other
    }

    mutating func drop() -> StatementShape {
        if accept("TABLE") {
            skipIfExists()
            return .dropTables(names())
        }
        if accept("INDEX") {
            let concurrently = accept("CONCURRENTLY")
            skipIfExists()
            return .dropIndexes(names(), concurrently: concurrently)
        }
        if accept("SCHEMA") {
            skipIfExists()
            return .dropSchemas(names().map(\.name))
        }
        return .other
    }

    /// A comma-separated list of names.
    mutating func names() -> [ObjectName] {
        var names: [ObjectName] = []
        while let next = name() {
            names.append(next)
            guard acceptSymbol(",") else { break }
        }
        return names
    }

    mutating func reindex() -> StatementShape {
        _ = group()  // (CONCURRENTLY, VERBOSE, TABLESPACE …) options
        let kind = current
        guard accept("INDEX") || accept("TABLE") else { return .other }
        let concurrently = accept("CONCURRENTLY")
        guard let target = name() else { return .other }
        return kind?.isKeyword("INDEX") == true
            ? .reindex(table: nil, index: target, concurrently: concurrently)
            : .reindex(table: target, index: nil, concurrently: concurrently)
    }

    mutating func alter() -> StatementShape {
        if accept("TYPE") {
            guard let type = name() else { return .other }
            return accept("RENAME", "VALUE") ? .renameEnumValue(type: type) : .other
        }
        if accept("DOMAIN") {
            guard let domain = name(), accept("ADD") else { return .other }
            if accept("CONSTRAINT") { _ = identifier() }
            guard accept("CHECK") else { return .other }
            _ = group()
            return .addDomainCheck(domain: domain, notValid: accept("NOT", "VALID"))
        }
        guard accept("TABLE") else { return .other }
        skipIfExists()
        _ = accept("ONLY")
        guard let table = name() else { return .other }
        _ = acceptSymbol("*")
        if accept("RENAME") {
            if accept("TO") {
                guard let newName = identifier() else { return .other }
                return .renameTable(table, to: ObjectName(newName, schema: table.schema))
            }
            if accept("CONSTRAINT") { return .alterTable(table, [.other]) }
            _ = accept("COLUMN")
            guard let old = identifier(), accept("TO"), let new = identifier() else { return .other }
            return .renameColumn(table, from: old, to: new)
        }
        let rest = tokens[position...]
        let actions = SQLTokenizer.splitTopLevel(rest).map { element -> AlterAction in
            var part = ShapeReader(tokens: Array(element), foldsCase: foldsCase)
            return part.alterAction()
        }
        return .alterTable(table, actions)
    }

    // MARK: ALTER TABLE actions

    mutating func alterAction() -> AlterAction {
        if accept("ADD") {
            if let constraint = tableConstraint() { return .addConstraint(constraint) }
            _ = accept("COLUMN")
            skipIfExists()
            return columnDefinition().map(AlterAction.addColumn) ?? .other
        }
        if accept("DROP") {
            if accept("CONSTRAINT") {
                skipIfExists()
                return identifier().map(AlterAction.dropConstraint) ?? .other
            }
            _ = accept("COLUMN")
            skipIfExists()
            return identifier().map(AlterAction.dropColumn) ?? .other
        }
        if accept("VALIDATE", "CONSTRAINT") {
            return identifier().map(AlterAction.validateConstraint) ?? .other
        }
        if accept("ALTER") {
            _ = accept("COLUMN")
            guard let column = identifier() else { return .other }
            if accept("SET", "NOT", "NULL") { return .setNotNull(column: column) }
            if accept("SET", "DATA", "TYPE") || accept("TYPE") {
                return .alterType(column: column, type: typeName(stoppingAt: ["USING", "COLLATE"]))
            }
        }
        return .other
    }

    /// A table constraint (`[CONSTRAINT name] PRIMARY KEY | UNIQUE | CHECK | FOREIGN KEY | EXCLUDE …`),
    /// or nil (position unchanged) when a column definition comes instead.
    mutating func tableConstraint() -> ConstraintShape? {
        let start = position
        var constraintName: String?
        if accept("CONSTRAINT") { constraintName = identifier() }
        var shape: ConstraintShape
        if accept("PRIMARY", "KEY") {
            shape = ConstraintShape(name: constraintName, kind: .primaryKey)
        } else if accept("UNIQUE") {
            shape = ConstraintShape(name: constraintName, kind: .unique)
        } else if accept("CHECK") {
            shape = ConstraintShape(name: constraintName, kind: .check)
            if let expression = group() { shape.notNullColumn = notNullColumn(expression) }
        } else if accept("FOREIGN", "KEY") {
            shape = ConstraintShape(name: constraintName, kind: .foreignKey)
            _ = group()
            if accept("REFERENCES") { shape.references = name() }
        } else if accept("EXCLUDE") {
            shape = ConstraintShape(name: constraintName, kind: .exclusion)
        } else {
            position = start
            return nil
        }
        if shape.kind == .primaryKey || shape.kind == .unique {
            _ = accept("NULLS", "NOT", "DISTINCT") || accept("NULLS", "DISTINCT")
            shape.usingIndex = accept("USING", "INDEX")
        }
        shape.notValid = notValidFollows()
        return shape
    }

    /// Whether `NOT VALID` appears from here on at the top level.
    func notValidFollows() -> Bool {
        var depth = 0
        var previousWasNot = false
        for token in tokens[position...] {
            if token.isSymbol("(") { depth += 1 } else if token.isSymbol(")") { depth -= 1 }
            if depth == 0 && previousWasNot && token.isKeyword("VALID") { return true }
            previousWasNot = depth == 0 && token.isKeyword("NOT")
        }
        return false
    }

    /// For a check expression of the form `col IS NOT NULL`, the column.
    func notNullColumn(_ expression: ArraySlice<SQLToken>) -> String? {
        var inner = Array(expression)
        while inner.first?.isSymbol("(") == true, inner.last?.isSymbol(")") == true,
            SQLTokenizer.closingParenthesis(inner[...], from: 0) == inner.count - 1
        {
            inner = Array(inner.dropFirst().dropLast())
        }
        guard inner.count == 4, inner[0].isIdentifier, inner[1].isKeyword("IS"), inner[2].isKeyword("NOT"),
            inner[3].isKeyword("NULL")
        else { return nil }
        return fold(inner[0])
    }

    /// The column constraint keywords that end a column's type.
    static let typeEnd: Set<String> = [
        "CONSTRAINT", "NOT", "NULL", "DEFAULT", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "GENERATED",
        "COLLATE", "AS", "COMPRESSION", "STORAGE", "ON",
    ]

    /// The type words up to a column constraint (or one of `stops`), normalized.
    mutating func typeName(stoppingAt stops: Set<String> = typeEnd) -> String {
        var type = ""
        while let token = current {
            if token.kind == .word, stops.contains(token.text.uppercased()) { break }
            if token.isSymbol("(") {
                guard let inner = group() else { break }
                type += "(" + inner.map { $0.text.uppercased() }.joined() + ")"
                continue
            }
            // Array brackets read as a bracket-quoted identifier; they attach like parentheses.
            if !type.isEmpty && !token.text.hasPrefix("[") { type += " " }
            type += token.kind == .quotedIdentifier && !token.text.hasPrefix("[") ? token.text : token.text.uppercased()
            position += 1
        }
        return type
    }

    /// `name type [constraints…]`.
    mutating func columnDefinition() -> ColumnShape? {
        guard let columnName = identifier() else { return nil }
        var column = ColumnShape(name: columnName, type: typeName())
        let serialTypes: Set<String> = ["SERIAL", "BIGSERIAL", "SMALLSERIAL", "SERIAL2", "SERIAL4", "SERIAL8"]
        if serialTypes.contains(column.type) { column.autoIncrement = true }
        while let token = current {
            if accept("NOT", "NULL") {
                column.notNull = true
            } else if accept("PRIMARY", "KEY") {
                column.primaryKey = true
                column.notNull = true
            } else if accept("UNIQUE") {
                column.unique = true
            } else if accept("DEFAULT") {
                column.defaultExpression = defaultExpression()
            } else if accept("REFERENCES") {
                column.references = name()
            } else if accept("GENERATED") {
                _ = accept("ALWAYS") || accept("BY", "DEFAULT")
                if accept("AS", "IDENTITY") {
                    column.autoIncrement = true
                    _ = group()
                } else if accept("AS") {
                    _ = group()
                    column.storedGenerated = accept("STORED")
                }
            } else if token.isKeyword("AS"), peek(1)?.isSymbol("(") == true {
                // SQLite's shorthand for a generated column.
                position += 1
                _ = group()
                column.storedGenerated = accept("STORED")
            } else if token.isSymbol("(") {
                _ = group()
            } else {
                position += 1
            }
        }
        return column
    }

    /// The tokens of a `DEFAULT` expression: up to the next column constraint keyword.
    mutating func defaultExpression() -> [SQLToken] {
        var expression: [SQLToken] = []
        let ends: Set<String> = ["CONSTRAINT", "NOT", "NULL", "PRIMARY", "UNIQUE", "CHECK", "REFERENCES", "GENERATED", "COLLATE"]
        while let token = current {
            if token.kind == .word, ends.contains(token.text.uppercased()), !expression.isEmpty { break }
            if token.isSymbol("(") {
                let start = position
                guard group() != nil else { break }
                expression += tokens[start..<position]
                continue
            }
            expression.append(token)
            position += 1
        }
        return expression
    }
}
