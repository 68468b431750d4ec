#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore

/// `${NAME}`, `${NAME:-default}` (default when unset or empty) and `$$` (a literal `$`); any
/// other `$` is kept as it is.
enum ConfigVariableExpansion {
    static func expand(_ text: String, key: String, environment: [String: String]) -> Result<String, MigrateError> {
        guard text.contains("$") else { return .success(text) }
        var result = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("$") {
                result += "$"
                rest = afterDollar.dropFirst()
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                result += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                return .failure(
                    MigrateError(
                        .configuration, "unterminated '${' in '\(key)'",
                        hint: "write ${NAME} or ${NAME:-default}, or $$ for a literal '$'"))
            }
            let reference = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            var name = reference
            var fallback: Substring?
            if let separator = reference.firstRange(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            }
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else {
                return .failure(
                    MigrateError(
                        .configuration, "invalid variable name '\(name)' in '\(key)'",
                        hint: "a name has letters, digits and underscores and does not start with a digit"))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                return .failure(
                    MigrateError(
                        .configuration, "environment variable '\(name)' is not set (used in '\(key)')",
                        hint: "set \(name), or give a default: ${\(name):-value}"))
            }
            rest = afterDollar[afterDollar.index(after: close)...]
        }
        result += rest
        return .success(result)
    }

    /// Checks the syntax of the references without looking the variables up.
    static func validate(_ text: String, key: String) -> Result<Void, MigrateError> {
        var probe: [String: String] = [:]
        // Defining every referenced name makes expansion fail only on syntax.
        var rest = text[...]
        while let open = rest.firstRange(of: "${") {
            let afterOpen = rest[open.upperBound...]
            let end = afterOpen.firstIndex { $0 == "}" || $0 == ":" } ?? afterOpen.endIndex
            probe[String(afterOpen[..<end])] = "x"
            rest = afterOpen
        }
        return expand(text, key: key, environment: probe).map { _ in () }
    }
}

