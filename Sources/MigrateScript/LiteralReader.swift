import MigrateCore
import SwiftParser
import SwiftSyntax

/// Reading literal values out of expressions, with an error that names what was expected and
/// what was found for anything computed.
extension ScriptSource {
    // MARK: Not a literal

    /// The error for an expression that is not the literal `expected`.
    func notLiteral(_ expression: ExprSyntax, expected: String) -> MigrateError {
        if let literal = expression.as(StringLiteralExprSyntax.self),
            let interpolation = literal.segments.first(where: { $0.is(ExpressionSegmentSyntax.self) })
        {
            return error(
                "string interpolation is computed at run time, so migrate cannot read it", at: interpolation,
                hint: "write the whole string as a literal; for SQL built by hand use `op.execute(\"…\")` with the final text, "
                    + "or run the migration from your app through MigrateKit's `Migrator`")
        }
        if let reference = expression.as(DeclReferenceExprSyntax.self) {
            return error(
                "`\(reference.baseName.text)` is a name, not a literal; expected \(expected)", at: expression,
                hint: "write the value itself here: migrate reads migration files without compiling them, so constants "
                    + "and variables are not known (or run the migration from your app through MigrateKit)")
        }
        if let call = expression.as(FunctionCallExprSyntax.self) {
            return error(
                "a call to `\(call.calledExpression.trimmedDescription)` is computed at run time; expected \(expected)",
                at: expression)
        }
        if expression.is(SequenceExprSyntax.self) || expression.is(InfixOperatorExprSyntax.self) {
            return error("an expression with operators is computed at run time; expected \(expected)", at: expression)
        }
        return error("expected \(expected), found `\(expression.trimmedDescription)`", at: expression)
    }

    // MARK: Scalars

    func string(_ expression: ExprSyntax) throws -> String {
        guard let literal = expression.as(StringLiteralExprSyntax.self) else {
            throw notLiteral(expression, expected: "a string literal")
        }
        // Most strings of a models file are one segment without escapes, which is its own
        // value; working that out in general lexes the literal again.
        if literal.openingPounds == nil, literal.openingQuote.tokenKind == .stringQuote, literal.segments.count == 1,
            case .stringSegment(let segment)? = literal.segments.first, !segment.content.text.utf8.contains(UInt8(ascii: "\\"))
        {
            return segment.content.text
        }
        guard let value = literal.representedLiteralValue else {
            throw notLiteral(expression, expected: "a string literal")
        }
        return value
    }

    func optionalString(_ expression: ExprSyntax?) throws -> String? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try string(expression)
    }

    func integer(_ expression: ExprSyntax) throws -> Int {
        if let prefix = expression.as(PrefixOperatorExprSyntax.self), prefix.operator.text == "-",
            let literal = prefix.expression.as(IntegerLiteralExprSyntax.self), let value = literal.representedLiteralValue
        {
            return -value
        }
        guard let literal = expression.as(IntegerLiteralExprSyntax.self), let value = literal.representedLiteralValue else {
            throw notLiteral(expression, expected: "an integer literal")
        }
        return value
    }

    func optionalInteger(_ expression: ExprSyntax?) throws -> Int? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try integer(expression)
    }

    func double(_ expression: ExprSyntax) throws -> Double {
        var sign = 1.0
        var body = expression
        if let prefix = expression.as(PrefixOperatorExprSyntax.self), prefix.operator.text == "-" {
            sign = -1
            body = prefix.expression
        }
        if let literal = body.as(FloatLiteralExprSyntax.self), let value = literal.representedLiteralValue {
            return sign * value
        }
        if let literal = body.as(IntegerLiteralExprSyntax.self), let value = literal.representedLiteralValue {
            return sign * Double(value)
        }
        throw notLiteral(expression, expected: "a number literal")
    }

    func bool(_ expression: ExprSyntax) throws -> Bool {
        guard let literal = expression.as(BooleanLiteralExprSyntax.self) else {
            throw notLiteral(expression, expected: "`true` or `false`")
        }
        return literal.literal.tokenKind == .keyword(.true)
    }

    func optionalBool(_ expression: ExprSyntax?) throws -> Bool? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try bool(expression)
    }

    // MARK: Collections

    func array(_ expression: ExprSyntax, of what: String) throws -> [ExprSyntax] {
        guard let array = expression.as(ArrayExprSyntax.self) else {
            throw notLiteral(expression, expected: "an array literal of \(what)")
        }
        return array.elements.map(\.expression)
    }

    func strings(_ expression: ExprSyntax) throws -> [String] {
        try array(expression, of: "strings").map(string)
    }

    /// A dictionary literal's entries in source order, with an error for a repeated key.
    func dictionary(_ expression: ExprSyntax, of what: String) throws -> [(key: String, value: ExprSyntax)] {
        guard let dictionary = expression.as(DictionaryExprSyntax.self) else {
            throw notLiteral(expression, expected: "a dictionary literal of \(what)")
        }
        guard case .elements(let elements) = dictionary.content else { return [] }
        var entries: [(key: String, value: ExprSyntax)] = []
        for element in elements {
            let key = try string(element.key)
            if entries.contains(where: { $0.key == key }) {
                throw error("the key \"\(key)\" appears twice in this row", at: element.key, hint: "give each column once")
            }
            entries.append((key, element.value))
        }
        return entries
    }

    // MARK: Enum cases and initializers

    /// A case or initializer call: `.name`, `.name(args)`, `Type.name(args)` or `Type(args)`.
    struct Construct {
        var name: String
        var arguments: LabeledExprListSyntax?
        /// The node errors about the construct point at.
        var node: ExprSyntax
    }

    /// Reads `.case`, `.case(…)`, `Type.case` and `Type.case(…)`; nil for other shapes.
    func enumCase(_ expression: ExprSyntax, typeName: String) throws -> Construct? {
        var callee = expression
        var arguments: LabeledExprListSyntax?
        if let call = expression.as(FunctionCallExprSyntax.self) {
            try rejectTrailingClosure(call)
            callee = call.calledExpression
            arguments = call.arguments
        }
        guard let member = callee.as(MemberAccessExprSyntax.self) else { return nil }
        if let base = member.base {
            guard let reference = base.as(DeclReferenceExprSyntax.self), reference.baseName.text == typeName else {
                return nil
            }
        }
        return Construct(name: member.declName.baseName.text, arguments: arguments, node: expression)
    }

    /// Reads `Type(…)` for one of `typeNames`; nil for other shapes.
    func initializer(_ expression: ExprSyntax, typeNames: [String]) throws -> Construct? {
        guard let call = expression.as(FunctionCallExprSyntax.self),
            let reference = call.calledExpression.as(DeclReferenceExprSyntax.self),
            typeNames.contains(reference.baseName.text)
        else { return nil }
        try rejectTrailingClosure(call)
        return Construct(name: reference.baseName.text, arguments: call.arguments, node: expression)
    }

    func rejectTrailingClosure(_ call: FunctionCallExprSyntax) throws {
        if let closure = call.trailingClosure {
            throw error("a trailing closure is code that runs at run time; migrate reads only literal arguments", at: closure)
        }
    }

    /// One case of an enum the interpreter reads: its parameters and how to build the value.
    struct EnumCase<Value> {
        var parameters: [Parameter]?
        var build: (BoundArguments) throws -> Value
    }

    /// Reads a value of an enum by its cases; `parameters == nil` marks a case without
    /// associated values.
    func enumValue<Value>(
        _ expression: ExprSyntax, typeName: String, cases: [String: EnumCase<Value>], expected: String
    ) throws -> Value {
        guard let construct = try enumCase(expression, typeName: typeName) else {
            throw notLiteral(expression, expected: expected)
        }
        guard let enumCase = cases[construct.name] else {
            let suggestion = Spelling.closest(to: construct.name, among: Array(cases.keys))
            throw error(
                "\(typeName) has no case `\(construct.name)`", at: construct.node,
                hint: suggestion.map { "did you mean `.\($0)`?" }
                    ?? "the cases are " + cases.keys.sorted().map { "`.\($0)`" }.joined(separator: ", "))
        }
        switch (enumCase.parameters, construct.arguments) {
        case (nil, nil):
            return try enumCase.build(BoundArguments(callee: ".\(construct.name)", anchor: Syntax(construct.node)))
        case (nil, .some):
            throw error("`.\(construct.name)` takes no arguments", at: construct.node, hint: "write `.\(construct.name)`")
        case (.some(let parameters), nil):
            throw error(
                "`.\(construct.name)` needs arguments", at: construct.node,
                hint: "write `.\(construct.name)\(signature(parameters))`")
        case (.some(let parameters), .some(let arguments)):
            let bound = try bind(arguments, to: parameters, callee: ".\(construct.name)", anchor: construct.node)
            return try enumCase.build(bound)
        }
    }
}
