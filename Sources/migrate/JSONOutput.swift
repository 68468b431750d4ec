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

/// Prints a value as JSON on stdout: pretty, keys sorted, so the output is the same for the
/// same graph and diffs well.
enum JSONOutput {
    static func print<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
