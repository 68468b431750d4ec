#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore

/// A parsed JSON value with the line and column it starts at, so errors can point into the file.
///
/// Foundation's JSONSerialization gives neither positions of values nor a reliable difference
/// between `true` and `1` on Linux; migrate.json is small, so a strict little parser is simpler.
struct ConfigJSONValue {
    struct Member {
        var key: String
        var keyLine: Int
        var keyColumn: Int
        var value: ConfigJSONValue
    }

    enum Value {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([ConfigJSONValue])
        case object([Member])

        var kindDescription: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .array: "a list"
            case .object: "an object"
            }
        }
    }

    var value: Value
    var line: Int
    var column: Int
    /// The value's source text, for messages.
    var text: String
}

struct ConfigJSONSyntaxError: Error {
    var message: String
    var line: Int
    var column: Int
}

struct ConfigJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    static func parse(_ text: String) throws(ConfigJSONSyntaxError) -> ConfigJSONValue {
        var parser = ConfigJSONParser(bytes: Array(text.utf8))
        // A byte order mark is not JSON, but editors write one.
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        parser.skipSpace()
        guard parser.index < parser.bytes.count else { throw parser.failure("the file is empty; write {} for all defaults") }
        let value = try parser.parseValue()
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw parser.failure("unexpected text after the end of the JSON value")
        }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// The 1-based column of `position` on the current line, in characters.
    private func column(at position: Int) -> Int {
        var column = 1
        var cursor = lineStart
        while cursor < position {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return column
    }

    private func failure(_ message: String, at position: Int? = nil) -> ConfigJSONSyntaxError {
        ConfigJSONSyntaxError(message: message, line: line, column: column(at: position ?? index))
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        if byte < 0x80, byte >= 0x20 { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "a byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    private mutating func parseValue() throws(ConfigJSONSyntaxError) -> ConfigJSONValue {
        let start = index
        let startLine = line
        let startColumn = column(at: index)
        let value: ConfigJSONValue.Value
        guard let byte = current else { throw failure("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "{"): value = try parseObject()
        case UInt8(ascii: "["): value = try parseArray()
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); value = .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); value = .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try parseNumber())
        case UInt8(ascii: "/"): throw failure("comments are not allowed in JSON")
        case UInt8(ascii: "'"): throw failure("strings must use double quotes")
        default: throw failure("expected a value, found \(describe(byte))")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return ConfigJSONValue(value: value, line: startLine, column: startColumn, text: text)
    }

    private mutating func expectWord(_ word: String) throws(ConfigJSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else {
            throw failure("expected a value (did you mean \(word)? JSON literals are lowercase)")
        }
        index += expected.count
    }

    private mutating func enter() throws(ConfigJSONSyntaxError) {
        depth += 1
        if depth > 64 { throw failure("values are nested too deeply") }
    }

    private mutating func parseObject() throws(ConfigJSONSyntaxError) -> ConfigJSONValue.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [ConfigJSONValue.Member] = []
        skipSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") { throw failure("a trailing comma is not allowed before '}'") }
                throw failure("expected a key in double quotes, found \(describe(current))")
            }
            let keyLine = line
            let keyColumn = column(at: index)
            let key = try parseString()
            skipSpace()
            guard current == UInt8(ascii: ":") else {
                throw failure("expected ':' after the key \"\(key)\", found \(describe(current))")
            }
            index += 1
            skipSpace()
            let value = try parseValue()
            members.append(ConfigJSONValue.Member(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            case let byte: throw failure("expected ',' or '}' after the value of \"\(key)\", found \(describe(byte))")
            }
        }
    }

    private mutating func parseArray() throws(ConfigJSONSyntaxError) -> ConfigJSONValue.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [ConfigJSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            if current == UInt8(ascii: "]") { throw failure("a trailing comma is not allowed before ']'") }
            elements.append(try parseValue())
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            case let byte: throw failure("expected ',' or ']' in the list, found \(describe(byte))")
            }
        }
    }

    private mutating func parseString() throws(ConfigJSONSyntaxError) -> String {
        let open = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let byte = current else { throw failure("unterminated string", at: open) }
            switch byte {
            case UInt8(ascii: "\""):
                flush(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(index)
                index += 1
                scalars.append(try parseEscape())
                runStart = index
            case 0..<0x20:
                throw failure(byte == UInt8(ascii: "\n") ? "unterminated string (a line break must be written \\n)" : "a control character must be escaped in a string")
            default:
                index += 1
            }
        }
    }

    private mutating func parseEscape() throws(ConfigJSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw failure("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw failure("a high surrogate \\u\(String(high, radix: 16)) must be followed by a low one")
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw failure("a lone low surrogate is not a character") }
            return scalar
        default:
            throw failure("invalid escape '\\\(Character(Unicode.Scalar(byte)))'", at: index - 2)
        }
    }

    private mutating func parseHex4() throws(ConfigJSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw failure("\\u must be followed by four hex digits") }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(ConfigJSONSyntaxError) -> Double {
        let start = index
        func digits() -> Int {
            let before = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - before
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw failure("invalid number", at: start)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw failure("invalid number: digits must follow '.'", at: start) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw failure("invalid number: digits must follow the exponent", at: start) }
        }
        if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            throw failure("invalid number: leading zeros are not allowed", at: start)
        }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw failure("invalid number", at: start)
        }
        return value
    }
}
