import MigrateCore
import SwiftSyntax

/// Reading the body of `upgrade`/`downgrade`: calls on `op`, each read by its
/// ``OperationSignatures`` entry.
extension ScriptSource {
    /// Reads one statement of an `upgrade`/`downgrade` body: a call on `op`.
    func operation(_ item: CodeBlockItemSyntax, operationsName: String) throws -> Operation {
        switch item.item {
        case .decl(let decl):
            let keyword = decl.firstToken(viewMode: .sourceAccurate)?.text ?? "declaration"
            throw error(
                "a declaration (`\(keyword)`) in a migration body is computed at run time, so migrate cannot read it",
                at: decl,
                hint: "write each value as a literal in the `\(operationsName).…` calls that use it; "
                    + "for SQL use `\(operationsName).execute(\"…\")`, or run the migration from your app through MigrateKit's `Migrator`")
        case .stmt(let statement):
            var keyword = statement.firstToken(viewMode: .sourceAccurate)?.text ?? "statement"
            if let expression = statement.as(ExpressionStmtSyntax.self) {
                keyword = expression.expression.firstToken(viewMode: .sourceAccurate)?.text ?? keyword
            }
            throw error(
                "`\(keyword)` statements are run-time control flow, which migrate does not read", at: statement,
                hint: "write one `\(operationsName).…` call per change, unrolled; for SQL use `\(operationsName).execute(\"…\")`, "
                    + "or run the migration from your app through MigrateKit's `Migrator`")
        case .expr(let expression):
            return try operation(expression, operationsName: operationsName)
        }
    }

    func operation(_ expression: ExprSyntax, operationsName: String) throws -> Operation {
        guard let call = expression.as(FunctionCallExprSyntax.self) else {
            if let wrapper = expression.as(TryExprSyntax.self) {
                throw error("`try` is not needed: the methods of `\(operationsName)` do not throw", at: wrapper, hint: "remove `try`")
            }
            throw error(
                "expected a call on `\(operationsName)`, found `\(expression.trimmedDescription)`", at: expression)
        }
        guard let member = call.calledExpression.as(MemberAccessExprSyntax.self),
            let base = member.base?.as(DeclReferenceExprSyntax.self), base.baseName.text == operationsName
        else {
            throw error(
                "only calls on `\(operationsName)` are read; `\(call.calledExpression.trimmedDescription)(…)` runs at run time",
                at: call)
        }
        let name = member.declName.baseName.text
        if name == "run" { return try swiftCodeOperation(call, operationsName: operationsName) }
        try rejectTrailingClosure(call)
        guard let signature = OperationSignatures.byName[name] else {
            let suggestion = Spelling.closest(to: name, among: Array(OperationSignatures.byName.keys))
            throw error(
                "Operations has no method `\(name)`", at: member.declName,
                hint: suggestion.map { "did you mean `\(operationsName).\($0)`?" }
                    ?? "the methods are " + OperationSignatures.byName.keys.sorted().joined(separator: ", ")
                    + "; for anything else use `\(operationsName).execute(\"…\")`")
        }
        return try read(signature, arguments: call.arguments, callee: "\(operationsName).\(name)", anchor: call)
    }
}
