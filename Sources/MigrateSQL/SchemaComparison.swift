import MigrateCore

/// A server default reduced to what it means, so `'x'::text`, `.string("x")` and `.expression("'x'")`
/// compare equal.
package enum ComparableDefault: Sendable, Hashable {
    case text(String)
    case number(Double)
    case boolean(Bool)
    /// Anything else, loosely normalised by ``SQLExpressionText/comparable(_:)``.
    case expression(String)
}

extension SQLDialect {
    /// `type` as this dialect stores it, for comparison: two types that give the same answer
    /// are the same column type on this engine.
    ///
    /// The type is spelled the way this dialect writes it and read back the way reflection reads
    /// it, so spellings meet (`.custom("int4")` and `.integer`; `.custom("CHAR(36)")` and `.uuid`
    /// on SQLite); a precision without a scale has scale 0, as SQL says; unknown text is compared
    /// case- and space-insensitively.
    package func comparableType(_ type: ColumnType) -> ColumnType {
        let resolved: ColumnType
        switch type {
        case .enumeration:
            // Reflection reads enumerations back as such on both storage styles.
            return type
        case .custom(let text):
            resolved = columnType(declared: text)
        default:
            resolved = (try? typeSQL(type)).map { columnType(declared: $0) } ?? type
        }
        switch resolved {
        case .numeric(let precision?, nil):
            return .numeric(precision: precision, scale: 0)
        case .custom(let text):
            return .custom(Self.comparableSpelling(text))
        default:
            return resolved
        }
    }

    /// `value` reduced to its meaning on this dialect, or nil when there is no default (a default
    /// of NULL is no default).
    ///
    /// Literals are read through the casts engines add (`'x'::character varying`, `'-1'::integer`);
    /// a string that reads as a number or a boolean is that number or boolean, because the column's
    /// type decides what a quoted literal means; booleans are this dialect's literals (SQLite: 1/0).
    package func comparableDefault(_ value: ServerDefault?) -> ComparableDefault? {
        guard let value else { return nil }
        let reduced: ComparableDefault?
        switch value {
        case .string(let text): reduced = Self.comparableText(text)
        case .integer(let number): reduced = .number(Double(number))
        case .double(let number): reduced = .number(number)
        case .boolean(let flag): reduced = .boolean(flag)
        case .expression(let sql): reduced = Self.comparableExpression(sql)
        case .currentTimestamp: reduced = .expression("current_timestamp")
        }
        guard case .boolean(let flag)? = reduced else { return reduced }
        // The dialect's own boolean literal, so TRUE and 1 meet where booleans are integers.
        return Self.comparableExpression(flag ? trueLiteral : falseLiteral)
    }

    private static func comparableExpression(_ sql: String) -> ComparableDefault? {
        switch SQLLiteral.parse(sql) {
        case .null: return nil
        case .string(let text, _): return comparableText(text)
        case .number(let text, _): return Double(text).map(ComparableDefault.number) ?? .expression(text)
        case .boolean(let flag): return .boolean(flag)
        case nil:
            let comparable = SQLExpressionText.comparable(sql)
            // PostgreSQL's now() and CURRENT_TIMESTAMP are one function.
            return .expression(["now", "current_timestamp"].contains(comparable) ? "current_timestamp" : comparable)
        }
    }

    private static func comparableText(_ text: String) -> ComparableDefault {
        switch text.lowercased() {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default:
            if let number = Double(text), text.allSatisfy({ "+-.0123456789eE".contains($0) }) {
                return .number(number)
            }
            return .text(text)
        }
    }

    /// Lowercase with single spaces and none inside parentheses: `Character  Varying ( 5 )` reads
    /// `character varying(5)`.
    private static func comparableSpelling(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for character in text.lowercased() {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace, !"(),[]".contains(character), let last = result.last, !"(,[".contains(last) {
                result.append(" ")
            }
            pendingSpace = false
            result.append(character)
        }
        return result
    }
}
