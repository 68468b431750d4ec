import SwiftSyntax
import SwiftSyntaxBuilder

/// A literal Swift expression as the writer spells a value: a call, an array, a literal.
///
/// Migration files turn it into swift-syntax's tree (``syntax``) and format that; a models file,
/// which for a large database holds hundreds of thousands of tokens, is printed from it directly
/// (``write(to:level:)``) in the same layout, since building and formatting a tree that size
/// takes seconds.
package indirect enum SwiftExpression: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case double(Double)
    case boolean(Bool)
    case nilLiteral
    /// `.name`.
    case member(String)
    /// `callee(label: value, …)`; `callee` is `Name`, `.name` or `Base.name`. A multiline call
    /// puts every argument after the first on a line of its own.
    case call(String, [Argument], multiline: Bool)
    /// `[a, b]`, or one element a line with a trailing comma.
    case array([SwiftExpression], multiline: Bool)
    /// `[key: value, …]`.
    case dictionary([DictionaryEntry])

    package struct Argument: Sendable, Hashable {
        package var label: String?
        package var value: SwiftExpression

        package init(label: String?, value: SwiftExpression) {
            self.label = label
            self.value = value
        }
    }

    package struct DictionaryEntry: Sendable, Hashable {
        package var key: SwiftExpression
        package var value: SwiftExpression

        package init(key: SwiftExpression, value: SwiftExpression) {
            self.key = key
            self.value = value
        }
    }

    // MARK: The syntax tree

    /// The expression as swift-syntax's tree, unformatted.
    package var syntax: ExprSyntax {
        switch self {
        case .string(let text): return ExprSyntax(StringLiteralExprSyntax(content: text))
        case .integer(let number):
            let digits = ExprSyntax(IntegerLiteralExprSyntax(literal: .integerLiteral(String(number.magnitude))))
            return number < 0 ? ExprSyntax(PrefixOperatorExprSyntax(operator: .prefixOperator("-"), expression: digits)) : digits
        case .double(let number):
            let digits = ExprSyntax(FloatLiteralExprSyntax(literal: .floatLiteral(String(number.magnitude))))
            return number.sign == .minus
                ? ExprSyntax(PrefixOperatorExprSyntax(operator: .prefixOperator("-"), expression: digits)) : digits
        case .boolean(let flag): return ExprSyntax(BooleanLiteralExprSyntax(flag))
        case .nilLiteral: return ExprSyntax(NilLiteralExprSyntax())
        case .member(let name):
            return ExprSyntax(MemberAccessExprSyntax(period: .periodToken(), declName: DeclReferenceExprSyntax(baseName: .identifier(name))))
        case .call(let callee, let arguments, let multiline):
            let calleeExpression: ExprSyntax
            if callee.hasPrefix(".") {
                calleeExpression = SwiftExpression.member(String(callee.dropFirst())).syntax
            } else if let dot = callee.firstIndex(of: ".") {
                calleeExpression = ExprSyntax(MemberAccessExprSyntax(
                    base: DeclReferenceExprSyntax(baseName: .identifier(String(callee[..<dot]))),
                    period: .periodToken(),
                    declName: DeclReferenceExprSyntax(baseName: .identifier(String(callee[callee.index(after: dot)...])))))
            } else {
                calleeExpression = ExprSyntax(DeclReferenceExprSyntax(baseName: .identifier(callee)))
            }
            let list = LabeledExprListSyntax(arguments.enumerated().map { index, argument in
                LabeledExprSyntax(
                    leadingTrivia: multiline && index > 0 ? .newline : [],
                    label: argument.label.map { .identifier($0) },
                    colon: argument.label == nil ? nil : .colonToken(),
                    expression: argument.value.syntax,
                    trailingComma: index < arguments.count - 1 ? .commaToken() : nil)
            })
            return ExprSyntax(FunctionCallExprSyntax(
                calledExpression: calleeExpression, leftParen: .leftParenToken(), arguments: list,
                rightParen: .rightParenToken()))
        case .array(let elements, let multiline):
            return ExprSyntax(ArrayExprSyntax(
                elements: ArrayElementListSyntax(elements.enumerated().map { index, element in
                    ArrayElementSyntax(
                        leadingTrivia: multiline ? .newline : [],
                        expression: element.syntax,
                        trailingComma: multiline || index < elements.count - 1 ? .commaToken() : nil)
                }),
                rightSquare: .rightSquareToken(leadingTrivia: multiline && !elements.isEmpty ? .newline : [])))
        case .dictionary(let entries):
            return ExprSyntax(DictionaryExprSyntax {
                for entry in entries { DictionaryElementSyntax(key: entry.key.syntax, value: entry.value.syntax) }
            })
        }
    }

    // MARK: Printing

    /// Appends the expression as swift-syntax's `BasicFormat` (4-space indentation) lays out
    /// ``syntax``: a line break only where a multiline call or array puts one, each such line
    /// indented one level deeper than the call's or array's own `level`.
    package func write(to text: inout String, level: Int) {
        switch self {
        case .string(let content): Self.writeLiteral(content, to: &text)
        case .integer(let number):
            if number < 0 { text += "-" }
            text += String(number.magnitude)
        case .double(let number):
            if number.sign == .minus { text += "-" }
            text += String(number.magnitude)
        case .boolean(let flag): text += flag ? "true" : "false"
        case .nilLiteral: text += "nil"
        case .member(let name):
            text += "."
            text += name
        case .call(let callee, let arguments, let multiline):
            text += callee
            text += "("
            for (index, argument) in arguments.enumerated() {
                if multiline && index > 0 { Self.newline(to: &text, level: level + 1) }
                if let label = argument.label {
                    text += label
                    text += ": "
                }
                argument.value.write(to: &text, level: level + 1)
                if index < arguments.count - 1 { text += multiline ? "," : ", " }
            }
            text += ")"
        case .array(let elements, let multiline):
            text += "["
            for (index, element) in elements.enumerated() {
                if multiline { Self.newline(to: &text, level: level + 1) }
                element.write(to: &text, level: level + 1)
                if multiline {
                    text += ","
                } else if index < elements.count - 1 {
                    text += ", "
                }
            }
            if multiline && !elements.isEmpty { Self.newline(to: &text, level: level) }
            text += "]"
        case .dictionary(let entries):
            text += "["
            for (index, entry) in entries.enumerated() {
                entry.key.write(to: &text, level: level + 1)
                text += ": "
                entry.value.write(to: &text, level: level + 2)
                if index < entries.count - 1 { text += ", " }
            }
            text += "]"
        }
    }

    static func newline(to text: inout String, level: Int) {
        text += "\n"
        text += String(repeating: " ", count: 4 * level)
    }

    /// A string literal as `StringLiteralExprSyntax(content:)` spells it. Text of printable
    /// ASCII without quotes or backslashes (nearly every name, type and default) is written as
    /// it is; anything else is left to swift-syntax, which picks raw delimiters and escapes.
    static func writeLiteral(_ content: String, to text: inout String) {
        let plain = content.utf8.allSatisfy { byte in
            byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
        }
        if plain {
            text += "\""
            text += content
            text += "\""
        } else {
            text += StringLiteralExprSyntax(content: content).description
        }
    }
}
