/// A PostgreSQL function or procedure, kept as its whole `CREATE FUNCTION` or `CREATE PROCEDURE`
/// statement: the database prints functions back in that form (`pg_get_functiondef`), and the
/// statement says every option (language, volatility, security, settings) in PostgreSQL's own
/// words, so models need no vocabulary of their own for them.
///
/// Overloads are distinct functions: one is known by its name and its input argument types.
public struct Function: Sendable, Hashable, Codable {
    public var name: TableName
    /// The input argument types, as PostgreSQL tells overloads apart and as `DROP FUNCTION`
    /// takes them: `integer, text` (empty for none).
    public var arguments: String
    /// A `PROCEDURE` (called with `CALL`, no result) rather than a `FUNCTION`.
    public var isProcedure: Bool
    /// The complete `CREATE [OR REPLACE] FUNCTION …` or `… PROCEDURE …` statement.
    public var definition: String

    public init(_ name: TableName, arguments: String, isProcedure: Bool = false, definition: String) {
        self.name = name
        self.arguments = arguments
        self.isProcedure = isProcedure
        self.definition = definition
    }

    /// The function `definition` creates, its name, kind and argument types read from the
    /// statement's header; nil when it is not a `CREATE FUNCTION` or `CREATE PROCEDURE`.
    public init?(definition: String) {
        guard let header = FunctionHeader(definition) else { return nil }
        self.init(
            header.name, arguments: header.argumentTypes, isProcedure: header.isProcedure, definition: definition)
    }

    /// `name(arguments)`, as messages and `DROP FUNCTION` say it.
    public var signature: String { "\(name)(\(arguments))" }
}

/// The header of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE name (arguments)` statement: enough
/// lexing to find the name and the argument list (quotes, comments and dollar quotes respected).
public struct FunctionHeader: Sendable, Hashable {
    public var name: TableName
    public var isProcedure: Bool
    /// The input argument types, names, modes and defaults left out: `integer, text`.
    public var argumentTypes: String
    /// UTF-8 offsets of the (possibly qualified) name in the statement, `start..<end`.
    public var nameRange: Range<Int>

    public init?(_ statement: String) {
        let bytes = Array(statement.utf8)
        var scanner = HeaderScanner(bytes: bytes)
        guard scanner.word()?.uppercased() == "CREATE" else { return nil }
        var keyword = scanner.word()?.uppercased()
        if keyword == "OR" {
            guard scanner.word()?.uppercased() == "REPLACE" else { return nil }
            keyword = scanner.word()?.uppercased()
        }
        guard keyword == "FUNCTION" || keyword == "PROCEDURE" else { return nil }
        isProcedure = keyword == "PROCEDURE"
        scanner.skipSpace()
        let nameStart = scanner.index
        guard var first = scanner.identifier() else { return nil }
        var schema: String?
        if scanner.peek() == UInt8(ascii: ".") {
            scanner.index += 1
            guard let second = scanner.identifier() else { return nil }
            schema = first
            first = second
        }
        nameRange = nameStart..<scanner.index
        name = TableName(first, schema: schema)
        scanner.skipSpace()
        guard scanner.peek() == UInt8(ascii: "("), let list = scanner.balanced() else { return nil }
        argumentTypes = Self.inputTypes(list).joined(separator: ", ")
    }

    /// Each input argument's type from the text between the parentheses.
    static func inputTypes(_ list: [UInt8]) -> [String] {
        var types: [String] = []
        for argument in HeaderScanner.split(list, at: UInt8(ascii: ",")) {
            var words = HeaderScanner.words(argument)
            if let mode = words.first?.uppercased(), ["IN", "OUT", "INOUT", "VARIADIC"].contains(mode) {
                if mode == "OUT" { continue }
                words.removeFirst()
            }
            if let end = words.firstIndex(where: { $0.uppercased() == "DEFAULT" || $0 == "=" || $0.hasPrefix("=") }) {
                words.removeSubrange(end...)
            }
            guard !words.isEmpty else { continue }
            // `name type`: a leading word that cannot start a type is the argument's name.
            if words.count >= 2, !typeStarts.contains(words[0].lowercased()) { words.removeFirst() }
            let type = words.joined(separator: " ")
            types.append(aliases[type.lowercased()] ?? type)
        }
        return types
    }

    /// Words that begin a type name of more than one word.
    static let typeStarts: Set<String> = [
        "double", "character", "char", "bit", "national", "nchar", "timestamp", "time", "interval", "varchar",
    ]

    /// Short spellings PostgreSQL prints in full.
    static let aliases: [String: String] = [
        "int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
        "varchar": "character varying", "float8": "double precision", "float4": "real", "float": "double precision",
        "timestamptz": "timestamp with time zone", "timestamp": "timestamp without time zone",
        "timetz": "time with time zone", "time": "time without time zone", "decimal": "numeric",
        "char": "character",
    ]
}

/// A byte scanner over a statement's header.
private struct HeaderScanner {
    let bytes: [UInt8]
    var index = 0

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func skipSpace() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
            } else if byte == UInt8(ascii: "-"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
                while index < bytes.count, bytes[index] != 0x0A { index += 1 }
            } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "*") {
                index += 2
                while index + 1 < bytes.count, !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) {
                    index += 1
                }
                index = min(index + 2, bytes.count)
            } else {
                return
            }
        }
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    mutating func word() -> String? {
        skipSpace()
        let start = index
        while index < bytes.count, Self.isWordByte(bytes[index]) { index += 1 }
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// A bare identifier (folded to lower case, as PostgreSQL does) or a quoted one.
    mutating func identifier() -> String? {
        skipSpace()
        guard peek() == UInt8(ascii: "\"") else { return word()?.lowercased() }
        var value: [UInt8] = []
        index += 1
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\"") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                    value.append(bytes[index])
                    index += 2
                    continue
                }
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            value.append(bytes[index])
            index += 1
        }
        return nil
    }

    /// The bytes between the parenthesis at `index` and the one that closes it.
    mutating func balanced() -> [UInt8]? {
        let start = index + 1
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                skipQuoted(byte)
                continue
            }
            if byte == UInt8(ascii: "(") { depth += 1 }
            if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 {
                    index += 1
                    return Array(bytes[start..<(index - 1)])
                }
            }
            index += 1
        }
        return nil
    }

    mutating func skipQuoted(_ quote: UInt8) {
        index += 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                index += 1
                return
            }
            index += 1
        }
    }

    /// `bytes` cut at each top-level `separator` (outside quotes and parentheses).
    static func split(_ bytes: [UInt8], at separator: UInt8) -> [[UInt8]] {
        var parts: [[UInt8]] = []
        var scanner = HeaderScanner(bytes: bytes)
        var depth = 0
        var start = 0
        while scanner.index < bytes.count {
            let byte = bytes[scanner.index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                scanner.skipQuoted(byte)
                continue
            }
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") { depth -= 1 }
            if byte == separator, depth == 0 {
                parts.append(Array(bytes[start..<scanner.index]))
                start = scanner.index + 1
            }
            scanner.index += 1
        }
        parts.append(Array(bytes[start..<bytes.count]))
        return parts.filter { !words($0).isEmpty }
    }

    /// The top-level words of an argument, a parenthesised or bracketed part kept with the word
    /// before it (`numeric(10, 2)`, `integer[]`).
    static func words(_ bytes: [UInt8]) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        var scanner = HeaderScanner(bytes: bytes)
        var depth = 0
        while scanner.index < bytes.count {
            let byte = bytes[scanner.index]
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                let start = scanner.index
                scanner.skipQuoted(byte)
                current += bytes[start..<scanner.index]
                continue
            }
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]") { depth -= 1 }
            let isSpace = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if isSpace && depth == 0 {
                if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
                current = []
            } else if (byte == UInt8(ascii: "(") || byte == UInt8(ascii: "[")) && depth == 1 && current.isEmpty,
                let last = words.popLast()
            {
                current = Array(last.utf8) + [byte]
            } else {
                current.append(byte)
            }
            scanner.index += 1
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }
}
