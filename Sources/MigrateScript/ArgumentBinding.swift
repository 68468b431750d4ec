import MigrateCore
import SwiftSyntax

/// A parameter of a function the interpreter knows (an `Operations` method, an initializer, an
/// enum case), described the way Swift matches arguments: by label, in order, some optional.
struct Parameter {
    /// The argument label, nil for an unlabeled argument.
    var label: String?
    /// The name the interpreter looks the argument up by (the label, or a name for `_`).
    var key: String
    var isRequired: Bool
    var isVariadic: Bool

    /// Parameters from a compact spec: `_name` is unlabeled, `label` labeled, a trailing `?`
    /// makes it optional and `...` variadic (optional too), e.g. `"_name _elements... schema? comment?"`.
    static func list(_ spec: String) -> [Parameter] {
        spec.split(separator: " ").map { word in
            var word = Substring(word)
            var isVariadic = false
            var isRequired = true
            if word.hasSuffix("...") {
                isVariadic = true
                isRequired = false
                word = word.dropLast(3)
            }
            if word.hasSuffix("?") {
                isRequired = false
                word = word.dropLast()
            }
            if word.hasPrefix("_") {
                return Parameter(label: nil, key: String(word.dropFirst()), isRequired: isRequired, isVariadic: isVariadic)
            }
            return Parameter(label: String(word), key: String(word), isRequired: isRequired, isVariadic: isVariadic)
        }
    }
}

/// The arguments of one call matched to its parameters.
struct BoundArguments {
    /// What is being called, for messages (`op.createTable`, `Column`, `.string`).
    var callee: String
    /// Where missing-argument errors point.
    var anchor: Syntax
    var values: [String: ExprSyntax] = [:]
    /// The arguments of the variadic parameter, in order.
    var variadic: [ExprSyntax] = []

    subscript(key: String) -> ExprSyntax? { values[key] }
}

extension ScriptSource {
    /// Matches `arguments` to `parameters` by Swift's rules (labels in declaration order,
    /// optional ones may be left out), with a located error for anything unknown or missing.
    func bind(
        _ arguments: LabeledExprListSyntax, to parameters: [Parameter], callee: String, anchor: some SyntaxProtocol
    ) throws -> BoundArguments {
        var bound = BoundArguments(callee: callee, anchor: Syntax(anchor))
        let list = Array(arguments)
        var index = 0
        for parameter in parameters {
            if parameter.isVariadic {
                while index < list.count, list[index].label?.text == parameter.label {
                    bound.variadic.append(list[index].expression)
                    index += 1
                }
            } else if index < list.count, list[index].label?.text == parameter.label {
                bound.values[parameter.key] = list[index].expression
                index += 1
            } else if parameter.isRequired {
                if let label = parameter.label, let late = list[index...].first(where: { $0.label?.text == label }) {
                    throw error(
                        "argument `\(label):` is out of order in \(callee)(…)", at: late,
                        hint: "write the arguments in this order: \(signature(parameters))")
                }
                let what = parameter.label.map { "`\($0):`" } ?? "the unlabeled \(parameter.key)"
                // At the next argument, or at the closing parenthesis when none is left.
                let closing = Syntax(anchor).as(FunctionCallExprSyntax.self)?.rightParen
                let position = index < list.count
                    ? list[index].positionAfterSkippingLeadingTrivia
                    : closing?.positionAfterSkippingLeadingTrivia ?? anchor.endPositionBeforeTrailingTrivia
                throw error(
                    "missing argument \(what) in \(callee)(…)", at: position,
                    hint: "\(callee) takes \(signature(parameters))")
            }
        }
        if index < list.count {
            let argument = list[index]
            let labels = parameters.compactMap(\.label)
            guard let label = argument.label?.text else {
                throw error(
                    "unexpected unlabeled argument in \(callee)(…)", at: argument,
                    hint: "\(callee) takes \(signature(parameters))")
            }
            if labels.contains(label) {
                throw error(
                    "argument `\(label):` is out of order in \(callee)(…)", at: argument,
                    hint: "write the arguments in this order: \(signature(parameters))")
            }
            let suggestion = Spelling.closest(to: label, among: labels)
            throw error(
                "\(callee)(…) has no argument `\(label):`", at: argument,
                hint: suggestion.map { "did you mean `\($0):`? \(callee) takes \(signature(parameters))" }
                    ?? "\(callee) takes \(signature(parameters))")
        }
        return bound
    }

    /// A parameter list as users would write it: `(_ name, columns:, unique:)`.
    func signature(_ parameters: [Parameter]) -> String {
        let parts = parameters.map { parameter -> String in
            var text = parameter.label.map { "\($0):" } ?? "_ \(parameter.key)"
            if parameter.isVariadic { text += "…" }
            return text
        }
        return parameters.isEmpty ? "no arguments" : "(" + parts.joined(separator: ", ") + ")"
    }
}

/// Suggestions for misspelt names, by edit distance.
enum Spelling {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
