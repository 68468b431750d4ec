import MigrateCore

/// How a dialect spells each portable column type; data, so a new engine is a new value.
public struct ColumnTypeNames: Sendable, Hashable {
    public var integer: String
    public var bigInteger: String
    public var smallInteger: String
    /// Followed by `(length)` when the string has one.
    public var varchar: String
    public var text: String
    public var boolean: String
    public var date: String
    public var timestamp: String
    public var timestampWithTimeZone: String
    public var time: String
    /// Followed by `(precision[, scale])` when given.
    public var numeric: String
    public var float: String
    public var double: String
    public var binary: String
    public var uuid: String
    public var json: String
    public var jsonb: String

    public init(
        integer: String, bigInteger: String, smallInteger: String, varchar: String, text: String, boolean: String,
        date: String, timestamp: String, timestampWithTimeZone: String, time: String, numeric: String,
        float: String, double: String, binary: String, uuid: String, json: String, jsonb: String
    ) {
        self.integer = integer
        self.bigInteger = bigInteger
        self.smallInteger = smallInteger
        self.varchar = varchar
        self.text = text
        self.boolean = boolean
        self.date = date
        self.timestamp = timestamp
        self.timestampWithTimeZone = timestampWithTimeZone
        self.time = time
        self.numeric = numeric
        self.float = float
        self.double = double
        self.binary = binary
        self.uuid = uuid
        self.json = json
        self.jsonb = jsonb
    }

    /// This dialect's spellings and the types they stand for, in the order
    /// ``SQLDialect/columnType(declared:)`` tries them (the first wins where two share a spelling).
    var spellings: [(String, ColumnType)] {
        [
            (uuid, .uuid), (integer, .integer), (bigInteger, .bigInteger), (smallInteger, .smallInteger),
            (text, .text), (boolean, .boolean), (date, .date), (timestamp, .dateTime(timezone: false)),
            (timestampWithTimeZone, .dateTime(timezone: true)), (time, .time), (float, .float), (double, .double),
            (binary, .binary), (json, .json), (jsonb, .jsonb), (varchar, .string(length: nil)),
            (numeric, .numeric(precision: nil, scale: nil)),
        ]
    }
}

/// The usual spellings of both engines' types, upper-cased with single spaces.
private let declaredTypeSynonyms: [String: ColumnType] = [
    "INT": .integer, "INT4": .integer, "BIGINT": .bigInteger, "INT8": .bigInteger,
    "SMALLINT": .smallInteger, "INT2": .smallInteger, "CHARACTER VARYING": .string(length: nil),
    "VARCHAR": .string(length: nil), "TEXT": .text, "BOOL": .boolean, "BOOLEAN": .boolean,
    "DATE": .date, "TIMESTAMP": .dateTime(timezone: false), "DATETIME": .dateTime(timezone: false),
    "TIMESTAMP WITHOUT TIME ZONE": .dateTime(timezone: false), "TIMESTAMPTZ": .dateTime(timezone: true),
    "TIMESTAMP WITH TIME ZONE": .dateTime(timezone: true), "TIME": .time,
    "TIME WITHOUT TIME ZONE": .time, "NUMERIC": .numeric(precision: nil, scale: nil),
    "DECIMAL": .numeric(precision: nil, scale: nil), "REAL": .float, "FLOAT4": .float,
    "DOUBLE PRECISION": .double, "FLOAT8": .double, "DOUBLE": .double, "BYTEA": .binary, "BLOB": .binary,
    "UUID": .uuid, "JSON": .json, "JSONB": .jsonb,
]

/// How SQLite stores a column's values, decided by its declared type name
/// (https://www.sqlite.org/datatype3.html#determination_of_column_affinity).
package enum SQLiteAffinity: Sendable, Hashable {
    case integer, text, blob, real, numeric

    package init(declared name: String) {
        // SQLite's rules compare ASCII letters only, so bytes are enough (and this runs for
        // every reflected column).
        let upper = name.utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        func contains(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard upper.count >= count else { return false }
            return word.withUTF8Buffer { word in
                (0...(upper.count - count)).contains { start in (0..<count).allSatisfy { upper[start + $0] == word[$0] } }
            }
        }
        if contains("INT") {
            self = .integer
        } else if contains("CHAR") || contains("CLOB") || contains("TEXT") {
            self = .text
        } else if contains("BLOB") || name.trimmingSpaces.isEmpty {
            self = .blob
        } else if contains("REAL") || contains("FLOA") || contains("DOUB") {
            self = .real
        } else {
            self = .numeric
        }
    }
}

/// Where an `.enumeration`'s allowed values live.
public enum EnumerationStyle: Sendable, Hashable {
    /// A named type (`CREATE TYPE … AS ENUM`), created before the first table that uses it and
    /// dropped with the last one.
    case namedType
    /// A `VARCHAR` column with a `CONSTRAINT <enum name> CHECK (column IN (…))`, which reflection
    /// reads back as the enumeration.
    case checkConstraint
}

/// How an identity column (`Column.isIdentity`) is declared.
public enum IdentityStyle: Sendable, Hashable {
    /// `GENERATED BY DEFAULT AS IDENTITY` (or `ALWAYS`, or a `serial` type) on an integer column;
    /// a lone integer primary key is one unless it says `autoincrement: false`.
    case generatedByDefault
    /// The column is the table's single `INTEGER PRIMARY KEY`, an alias of SQLite's rowid.
    case rowidAlias
}

extension SQLDialect {
    /// The type text of a column of `type`; `schema` qualifies a named enumeration type.
    ///
    /// Throws for what no column can hold: an enumeration without values, a scale without precision.
    package func typeSQL(_ type: ColumnType, schema: String? = nil) throws -> String {
        let names = typeNames
        switch type {
        case .integer: return names.integer
        case .bigInteger: return names.bigInteger
        case .smallInteger: return names.smallInteger
        case .string(let length):
            guard let length else { return names.varchar }
            guard length > 0 else {
                throw MigrateError(
                    .script, "a string column's length must be positive, not \(length)",
                    hint: "Use .string(length: nil) for an unbounded VARCHAR, or .text.")
            }
            return "\(names.varchar)(\(length))"
        case .text: return names.text
        case .boolean: return names.boolean
        case .date: return names.date
        case .dateTime(let timezone): return timezone ? names.timestampWithTimeZone : names.timestamp
        case .time: return names.time
        case .numeric(let precision, let scale):
            switch (precision, scale) {
            case (nil, nil): return names.numeric
            case (let precision?, nil): return "\(names.numeric)(\(precision))"
            case (let precision?, let scale?): return "\(names.numeric)(\(precision), \(scale))"
            case (nil, _?):
                throw MigrateError(
                    .script, "a numeric type with a scale needs a precision",
                    hint: "Write .numeric(precision: 10, scale: 2), or leave both out.")
            }
        case .float: return names.float
        case .double: return names.double
        case .binary: return names.binary
        case .uuid: return names.uuid
        case .json: return names.json
        case .jsonb: return names.jsonb
        case .enumeration(let name, let values):
            guard !values.isEmpty else {
                throw MigrateError(
                    .script, "the enumeration \(name) has no values",
                    hint: "List the values the column may hold.")
            }
            switch enumerationStyle {
            case .namedType:
                return quoteQualified(name, schema: schema)
            case .checkConstraint:
                return "\(names.varchar)(\(values.map(\.count).max() ?? 1))"
            }
        case .custom(let raw):
            return raw
        }
    }

    /// The portable type a declared type text stands for, or `.custom(text)` when none does.
    ///
    /// It reads this dialect's own spellings first (so `CHAR(36)` is a uuid on SQLite), then the
    /// usual synonyms of both engines (`int4`, `character varying(20)`, `timestamptz`, …).
    package func columnType(declared text: String) -> ColumnType {
        let type = portableType(declared: text)
        // Where the name decides how values are stored (SQLite's affinity), a name is read as a
        // portable type only if that type's own name stores values alike: `bytea` (NUMERIC
        // affinity) stays `.custom("bytea")` rather than becoming `.binary` (BLOB).
        if typeNamesDecideAffinity, let rendered = try? typeSQL(type),
            SQLiteAffinity(declared: rendered) != SQLiteAffinity(declared: text)
        {
            return .custom(text.trimmingSpaces)
        }
        return type
    }

    private func portableType(declared text: String) -> ColumnType {
        let trimmed = text.trimmingSpaces
        let normalized = trimmed.uppercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            .joined(separator: " ")
        // Reflection asks this for every column: no allocation per spelling tried.
        if let match = typeNames.spellings.first(where: { $0.0.equalsUppercased(normalized) }) { return match.1 }
        if let type = declaredTypeSynonyms[normalized] { return type }
        // NAME(arguments): lengths and precisions.
        if let open = normalized.firstIndex(of: "("), normalized.hasSuffix(")") {
            let base = normalized[..<open].trimmingSpaces
            let arguments = normalized[normalized.index(after: open)..<normalized.index(before: normalized.endIndex)]
                .split(separator: ",").map { Int($0.trimmingSpaces) }
            guard !arguments.isEmpty, arguments.allSatisfy({ $0 != nil }) else { return .custom(trimmed) }
            let numbers = arguments.compactMap { $0 }
            if ["VARCHAR", "CHARACTER VARYING", typeNames.varchar.uppercased()].contains(base), numbers.count == 1 {
                return .string(length: numbers[0])
            }
            if ["NUMERIC", "DECIMAL", typeNames.numeric.uppercased()].contains(base), numbers.count <= 2 {
                return .numeric(precision: numbers[0], scale: numbers.count == 2 ? numbers[1] : nil)
            }
        }
        return .custom(trimmed)
    }

    /// A literal for a bulk-inserted value: strings quoted, booleans per dialect, NULL.
    package func literal(_ value: SQLValue) throws -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let number): return String(number)
        case .double(let number): return try doubleLiteral(number)
        case .string(let text): return quoteString(text)
        case .boolean(let flag): return flag ? trueLiteral : falseLiteral
        }
    }

    /// The text after `DEFAULT`: literals as literals, expressions as written (parenthesized where
    /// the dialect takes only literals bare).
    package func defaultSQL(_ value: ServerDefault) throws -> String {
        switch value {
        case .string(let text): return quoteString(text)
        case .integer(let number): return String(number)
        case .double(let number): return try doubleLiteral(number)
        case .boolean(let flag): return flag ? trueLiteral : falseLiteral
        case .expression(let sql):
            return parenthesizesDefaultExpressions ? "(\(sql))" : sql
        case .currentTimestamp:
            // Both engines take the keyword bare, SQLite included.
            return "CURRENT_TIMESTAMP"
        }
    }

    private func doubleLiteral(_ number: Double) throws -> String {
        guard number.isFinite else {
            throw MigrateError(
                .script, "\(number) has no SQL literal",
                hint: "Use .expression with the engine's spelling (e.g. 'NaN'::float8 on PostgreSQL), or NULL.")
        }
        return String(number)
    }
}

extension StringProtocol {
    /// Whether `self.uppercased() == uppercased`, without building the upper-cased copy when
    /// `self` is ASCII.
    func equalsUppercased(_ uppercased: String) -> Bool {
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return self.uppercased() == uppercased }
        return utf8.elementsEqual(uppercased.utf8) { byte, other in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte) == other
        }
    }

    /// The text without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
