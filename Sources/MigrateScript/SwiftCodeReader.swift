import MigrateCore
import SwiftSyntax

extension ScriptSource {
    /// Reads `op.run { db in … }` or `op.run("label") { db in … }`: Swift code that works on the
    /// database's rows, which only a compiled migration can run.
    ///
    /// The closure is not read (it is code, not data); the call becomes a
    /// ``Operation/swiftCode(label:)`` marker, so graph commands and `--sql` scripts still see the
    /// migration whole, and an online run can refuse it by name before anything runs.
    func swiftCodeOperation(_ call: FunctionCallExprSyntax, operationsName: String) throws -> Operation {
        var arguments = Array(call.arguments)
        var closure = call.trailingClosure
        if closure == nil, let last = arguments.last, last.label == nil, let given = last.expression.as(ClosureExprSyntax.self) {
            closure = given
            arguments.removeLast()
        }
        guard closure != nil, call.additionalTrailingClosures.isEmpty else {
            throw error(
                "`\(operationsName).run` takes one closure, the Swift code to run", at: call,
                hint: "write `\(operationsName).run(\"what it does\") { db in … }`")
        }
        guard arguments.count <= 1, arguments.first?.label == nil else {
            throw error(
                "`\(operationsName).run` takes an optional label and a closure", at: call,
                hint: "write `\(operationsName).run(\"what it does\") { db in … }`")
        }
        return .swiftCode(label: try arguments.first.map { try string($0.expression) })
    }
}
