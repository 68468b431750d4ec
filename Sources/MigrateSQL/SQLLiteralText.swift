import MigrateCore

/// A literal read from SQL text such as a reflected default (`'abc'::character varying`, `42`,
/// `true`, `NULL::text`), so reflection and comparison can see through the casts an engine adds.
package enum SQLLiteral: Sendable, Hashable {
    case null
    /// A quoted string, unescaped, and the type of its first `::` cast when there is one.
    case string(String, cast: String?)
    /// A bare number as written (`-1.5e3`), and the type of its first cast.
    case number(String, cast: String?)
    case boolean(Bool)

    /// The literal `text` is, or nil when it is any other expression (a function call, an
    /// operator, an `E'…'` string): those stay raw SQL.
    ///
    /// ```swift
    /// SQLLiteral.parse("'it''s'::text")   // .string("it's", cast: "text")
    /// SQLLiteral.parse("(42)")            // .number("42", cast: nil)
    /// SQLLiteral.parse("now()")           // nil
    /// ```
    package static func parse(_ text: String) -> SQLLiteral? {
        var scalars = Substring(text).unicodeScalars[...]
        trimSpaces(&scalars)
        while scalars.first == "(", scalars.last == ")", isBalanced(scalars.dropFirst().dropLast()) {
            scalars = scalars.dropFirst().dropLast()
            trimSpaces(&scalars)
        }
        guard let first = scalars.first else { return nil }
        if first == "'" {
            guard let (value, rest) = quoted(scalars), let cast = casts(rest) else { return nil }
            return .string(value, cast: cast.first)
        }
        if first == "-" || first == "+" || first == "." || ("0"..."9").contains(first) {
            var end = scalars.startIndex
            while end < scalars.endIndex, "+-.0123456789eE".unicodeScalars.contains(scalars[end]) {
                end = scalars.index(after: end)
            }
            let number = String(String.UnicodeScalarView(scalars[..<end]))
            guard Double(number) != nil, let cast = casts(scalars[end...]) else { return nil }
            return .number(number.hasPrefix("+") ? String(number.dropFirst()) : number, cast: cast.first)
        }
        var end = scalars.startIndex
        while end < scalars.endIndex, isWordCharacter(scalars[end]) {
            end = scalars.index(after: end)
        }
        let word = String(String.UnicodeScalarView(scalars[..<end])).lowercased()
        guard let cast = casts(scalars[end...]) else { return nil }
        switch word {
        case "null": return .null
        case "true" where cast.isEmpty: return .boolean(true)
        case "false" where cast.isEmpty: return .boolean(false)
        default: return nil
        }
    }

    /// A `'…'` string at the start, with `''` unescaped, and what follows it.
    private static func quoted(
        _ scalars: Substring.UnicodeScalarView.SubSequence
    ) -> (String, Substring.UnicodeScalarView.SubSequence)? {
        var value = String.UnicodeScalarView()
        var index = scalars.index(after: scalars.startIndex)
        while index < scalars.endIndex {
            let scalar = scalars[index]
            index = scalars.index(after: index)
            if scalar == "'" {
                if index < scalars.endIndex, scalars[index] == "'" {
                    value.append("'")
                    index = scalars.index(after: index)
                    continue
                }
                return (String(value), scalars[index...])
            }
            value.append(scalar)
        }
        return nil
    }

    /// The type names of a chain of `::type` casts (`::character varying(5)::text[]`), or nil when
    /// the text is anything else.
    private static func casts(_ text: Substring.UnicodeScalarView.SubSequence) -> [String]? {
        var rest = text
        trimSpaces(&rest)
        var types: [String] = []
        while !rest.isEmpty {
            guard rest.starts(with: "::".unicodeScalars) else { return nil }
            rest = rest.dropFirst(2)
            var end = rest.startIndex
            while end < rest.endIndex, rest[end] != ":" {
                guard isWordCharacter(rest[end]) || " ().,[]\"".unicodeScalars.contains(rest[end]) else { return nil }
                end = rest.index(after: end)
            }
            var type = rest[..<end]
            trimSpaces(&type)
            guard !type.isEmpty else { return nil }
            types.append(String(String.UnicodeScalarView(type)))
            rest = rest[end...]
        }
        return types
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
    }

    private static func trimSpaces(_ scalars: inout Substring.UnicodeScalarView.SubSequence) {
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
    }

    /// Whether parentheses outside quotes balance without ever going negative, so stripping an
    /// outer pair keeps `(a) + (b)` whole.
    private static func isBalanced(_ scalars: Substring.UnicodeScalarView.SubSequence) -> Bool {
        var depth = 0
        var inQuote = false
        for scalar in scalars {
            if scalar == "'" { inQuote.toggle() }
            if inQuote { continue }
            if scalar == "(" { depth += 1 }
            if scalar == ")" {
                depth -= 1
                if depth < 0 { return false }
            }
        }
        return depth == 0 && !inQuote
    }
}

/// Loose normalisation of SQL expressions (check conditions, index expressions and predicates,
/// default expressions) for comparison only, because engines print back what they were given
/// with extra parentheses, casts and different case.
package enum SQLExpressionText {
    /// Lowercase outside quotes, without whitespace, parentheses and `::type` casts:
    /// `(price > (0)::numeric)` and `price > 0` both read `price>0`.
    ///
    /// Dropping every parenthesis can make two different expressions equal (`(a+b)*c`,
    /// `a+(b*c)`); a comparator prefers that rare miss to reporting changes nobody made.
    package static func comparable(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "'" || scalar == "\"" {
                // Copy a quoted string or identifier as is, doubled quotes included.
                result.append(scalar)
                index += 1
                while index < scalars.count {
                    result.append(scalars[index])
                    if scalars[index] == scalar {
                        if index + 1 < scalars.count, scalars[index + 1] == scalar {
                            result.append(scalar)
                            index += 2
                            continue
                        }
                        break
                    }
                    index += 1
                }
                index += 1
                continue
            }
            if scalar == ":", index + 1 < scalars.count, scalars[index + 1] == ":" {
                index = skipCastType(scalars, from: index + 2)
                continue
            }
            if scalar.properties.isWhitespace || scalar == "(" || scalar == ")" {
                index += 1
                continue
            }
            result.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            index += 1
        }
        return String(result)
    }

    /// Words that continue a multi-word type name after a cast (`character varying`,
    /// `timestamp without time zone`, `double precision`).
    private static let typeContinuations: Set<String> = ["varying", "precision", "with", "without", "time", "zone"]

    /// The index just past the type name of a cast that starts at `start`, with its modifiers
    /// (`(10,2)`) and array brackets.
    private static func skipCastType(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        func isWord(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar == "." || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
        }
        var index = start
        while index < scalars.count, scalars[index] == " " { index += 1 }
        if index < scalars.count, scalars[index] == "\"" {
            index += 1
            while index < scalars.count, scalars[index] != "\"" { index += 1 }
            index += 1
        }
        while index < scalars.count, isWord(scalars[index]) { index += 1 }
        while true {
            var next = index
            while next < scalars.count, scalars[next] == " " { next += 1 }
            var end = next
            while end < scalars.count, isWord(scalars[end]) { end += 1 }
            let word = String(String.UnicodeScalarView(scalars[next..<end])).lowercased()
            guard next > index, typeContinuations.contains(word) else { break }
            index = end
        }
        if index < scalars.count, scalars[index] == "(" {
            var end = index + 1
            while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == "," || scalars[end] == " " {
                end += 1
            }
            if end < scalars.count, scalars[end] == ")" { index = end + 1 }
        }
        while index + 1 < scalars.count, scalars[index] == "[", scalars[index + 1] == "]" { index += 2 }
        return index
    }
}

/// Shell-style globs (`*` any run of characters, `?` one character) for `exclude_tables` and
/// `--target`.
package enum Glob {
    /// Whether `name` matches `pattern` as a whole.
    package static func matches(_ pattern: String, _ name: String) -> Bool {
        let pattern = Array(pattern)
        let name = Array(name)
        var p = 0
        var n = 0
        var starPattern = -1
        var starName = 0
        while n < name.count {
            // A `*` in the pattern is always a wildcard, even facing a `*` in the name.
            if p < pattern.count, pattern[p] != "*", pattern[p] == "?" || pattern[p] == name[n] {
                p += 1
                n += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starPattern = p
                starName = n
                p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1
                starName += 1
                n = starName
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
