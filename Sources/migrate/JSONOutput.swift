import ArgumentParser
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `--json` flag of the read commands.
struct JSONOption: ParsableArguments {
    @Flag(help: "Print JSON objects instead of text, for scripts.")
    var json = false
}

/// Prints a value as JSON on stdout, indented by two spaces with keys sorted, so the output is
/// the same for the same graph and diffs well; an empty list or object is `[]` or `{}`.
///
/// Foundation's encoder writes compact JSON, laid out here rather than with its
/// `.prettyPrinted`, whose layout differs between platforms and spreads an empty list over
/// three lines. Strings keep the encoder's escapes (`\n`, `\u001b` for control characters);
/// DEL and the C1 controls, which JSON allows raw, are escaped too, so no string in the output
/// can act on a terminal.
enum JSONOutput {
    static func print<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        StandardOutput.verbatim(layout(Array(try encoder.encode(value))) + "\n")
    }

    /// Compact JSON `bytes`, indented: each value of a non-empty list or object on a line of its
    /// own, `"key": value`.
    static func layout(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        var index = 0
        func newline() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte == 0x7F {
                    output.append(contentsOf: Array("\\u007f".utf8))
                    continue
                } else if byte == 0xC2, index < bytes.count, (0x80...0x9F).contains(bytes[index]) {
                    // U+0080–U+009F, two bytes in UTF-8: C2 80 … C2 9F.
                    output.append(contentsOf: Array("\\u00\(String(bytes[index], radix: 16))".utf8))
                    index += 1
                    continue
                }
                output.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
                if index < bytes.count, bytes[index] == close {
                    output.append(byte)
                    output.append(close)
                    index += 1
                } else {
                    output.append(byte)
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                newline()
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newline()
            case UInt8(ascii: ":"):
                output.append(byte)
                output.append(UInt8(ascii: " "))
            default:
                output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
