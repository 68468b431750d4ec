import MigrateCore
import SwiftSyntax

/// How values of one Swift type appear in a migration file: how the interpreter reads one from a
/// literal expression and how the writer writes one. Pairing the two is what keeps a written
/// file reading back as the value it was written from.
struct LiteralKind<Value>: Sendable {
    let read: @Sendable (ScriptSource, ExprSyntax) throws -> Value
    let write: @Sendable (Value) -> SwiftExpression
}

/// One parameter of a ``Signature``: how it is spelled (label, required or not) and the kind of
/// its value.
struct Param<Value>: Sendable, SignatureParameter {
    let parameter: Parameter
    let kind: LiteralKind<Value>

    /// A parameter that must be given; `spelling` is `_name` for an unlabeled one, else the label.
    static func required(_ spelling: String, _ kind: LiteralKind<Value>) -> Param {
        Param(parameter: Parameter.list(spelling)[0], kind: kind)
    }

    /// A parameter with a default: left out (or `nil`) reads as nil, and nil is written by
    /// leaving the argument out.
    static func optional(_ spelling: String, _ kind: LiteralKind<Value>) -> Param {
        Param(parameter: Parameter.list(spelling + "?")[0], kind: kind)
    }

    /// The argument for `value`, always written.
    func written(_ value: Value) -> WrittenArgument {
        WrittenArgument(key: parameter.key, values: [kind.write(value)])
    }

    /// The argument for `value`, left out when it is nil.
    func written(ifPresent value: Value?) -> WrittenArgument {
        WrittenArgument(key: parameter.key, values: value.map { [kind.write($0)] } ?? [])
    }
}

/// A variadic parameter (`_ elements: any TableElement...`): read from all its arguments at once.
struct VariadicParam<Value>: Sendable, SignatureParameter {
    let parameter: Parameter
    let read: @Sendable (ScriptSource, [ExprSyntax]) throws -> Value
    let write: @Sendable (Value) -> [SwiftExpression]

    init(
        _ spelling: String, read: @escaping @Sendable (ScriptSource, [ExprSyntax]) throws -> Value,
        write: @escaping @Sendable (Value) -> [SwiftExpression]
    ) {
        parameter = Parameter.list(spelling + "...")[0]
        self.read = read
        self.write = write
    }

    func written(_ value: Value) -> WrittenArgument { WrittenArgument(key: parameter.key, values: write(value)) }
}

protocol SignatureParameter: Sendable {
    var parameter: Parameter { get }
}

/// What the writer gives for one parameter: its value(s), none to leave it out.
struct WrittenArgument {
    var key: String
    var values: [SwiftExpression]
}

/// One function a migration file may call (an `Operations` method, an initializer), described
/// once for both directions: its name, its parameters in declaration order (labels, which are
/// required, their value kinds), how the interpreter builds a value from the arguments, and
/// which arguments the writer gives for a value. The writer emits arguments in the parameter
/// order with the parameter's label, so a written call always binds the way the reader binds it.
///
/// MigrateKit's Swift API (`Operations.swift`, `MigrationSchema.swift`) declares the same
/// functions for compiling; `VersionsCompileTests` and `ModelsCompileTests` check that reading a
/// file gives what running it does.
struct Signature<Value>: Sendable {
    /// What files call, e.g. `op.createIndex` or `Column`.
    let callee: String
    let parameters: [Parameter]
    /// Puts every argument after the first on a line of its own (`createTable`, `Table`).
    let isMultiline: Bool
    let read: @Sendable (Arguments) throws -> Value
    /// The arguments for a value; nil when the value is not one this signature writes.
    let write: @Sendable (Value) -> [WrittenArgument]?

    init(
        _ callee: String, _ parameters: [any SignatureParameter], multiline: Bool = false,
        read: @escaping @Sendable (Arguments) throws -> Value,
        write: @escaping @Sendable (Value) -> [WrittenArgument]?
    ) {
        self.callee = callee
        self.parameters = parameters.map(\.parameter)
        self.isMultiline = multiline
        self.read = read
        self.write = write
    }

    /// The call that reads back as `value`, or nil when this signature does not write it.
    func expression(for value: Value) -> SwiftExpression? {
        guard let written = write(value) else { return nil }
        var byKey: [String: [SwiftExpression]] = [:]
        for argument in written {
            assert(parameters.contains { $0.key == argument.key }, "\(callee) has no parameter \(argument.key)")
            byKey[argument.key] = argument.values
        }
        let arguments = parameters.flatMap { parameter in
            (byKey[parameter.key] ?? []).map { SwiftMigrationWriter.Argument(label: parameter.label, value: $0) }
        }
        return SwiftMigrationWriter.call(callee, arguments, multiline: isMultiline).expression
    }
}

/// The arguments of one call as the interpreter reads them: each parameter's value, read by
/// its kind when asked for.
struct Arguments {
    let source: ScriptSource
    let bound: BoundArguments

    /// The value of a required parameter.
    func callAsFunction<Value>(_ param: Param<Value>) throws -> Value {
        guard let expression = bound[param.parameter.key] else {
            throw source.error("missing argument `\(param.parameter.key)` in \(bound.callee)(…)", at: bound.anchor)
        }
        return try param.kind.read(source, expression)
    }

    /// The value of a parameter with a default: nil when left out or written `nil`.
    func optional<Value>(_ param: Param<Value>) throws -> Value? {
        guard let expression = bound[param.parameter.key], !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try param.kind.read(source, expression)
    }

    func callAsFunction<Value>(_ param: VariadicParam<Value>) throws -> Value {
        try param.read(source, bound.variadic)
    }

    /// Whether the argument was written at all.
    func isGiven(_ param: some SignatureParameter) -> Bool { bound[param.parameter.key] != nil }

    /// The argument's expression, for errors located at it.
    func syntax(_ param: some SignatureParameter) -> ExprSyntax? { bound[param.parameter.key] }
}

extension ScriptSource {
    /// Reads a call of `signature` from its argument list.
    func read<Value>(
        _ signature: Signature<Value>, arguments: LabeledExprListSyntax, callee: String? = nil, anchor: some SyntaxProtocol
    ) throws -> Value {
        let bound = try bind(arguments, to: signature.parameters, callee: callee ?? signature.callee, anchor: anchor)
        return try signature.read(Arguments(source: self, bound: bound))
    }
}

// MARK: Kinds

extension LiteralKind where Value == String {
    static var string: LiteralKind {
        LiteralKind(read: { try $0.string($1) }, write: SwiftMigrationWriter.literal)
    }
}

extension LiteralKind where Value == String? {
    /// A string or `nil`, for a parameter that must be given but may be nil (`_ name: String?`).
    static var optionalString: LiteralKind {
        LiteralKind(read: { try $0.optionalString($1) }, write: SwiftMigrationWriter.optional)
    }
}

extension LiteralKind where Value == Bool {
    static var bool: LiteralKind { LiteralKind(read: { try $0.bool($1) }, write: SwiftMigrationWriter.bool) }
}

extension LiteralKind where Value == [String] {
    static var strings: LiteralKind { LiteralKind(read: { try $0.strings($1) }, write: SwiftMigrationWriter.strings) }
}

extension LiteralKind where Value == ColumnType {
    static var columnType: LiteralKind {
        LiteralKind(read: { try $0.columnType($1) }, write: SwiftMigrationWriter.columnType)
    }
}

extension LiteralKind where Value == ServerDefault {
    static var serverDefault: LiteralKind {
        LiteralKind(read: { try $0.serverDefault($1) }, write: SwiftMigrationWriter.serverDefault)
    }
}

extension LiteralKind where Value == Column {
    static var column: LiteralKind { LiteralKind(read: { try $0.column($1) }, write: SwiftMigrationWriter.columnExpression) }
}

extension LiteralKind where Value == Table {
    /// `Table("name", elements…, schema:, comment:)`.
    static var table: LiteralKind {
        LiteralKind(
            read: { source, expression in
                guard let table = try source.tableDefinition(expression) else {
                    throw source.notLiteral(expression, expected: "a table definition, `Table(\"name\", Column(…), …)`")
                }
                return table
            },
            write: SwiftMigrationWriter.tableDefinition)
    }
}

extension LiteralKind where Value == Index {
    /// `Index("name", columns: […])` inside a call that supplies the table.
    static var index: LiteralKind {
        LiteralKind(
            read: { source, expression in
                guard let construct = try source.initializer(expression, typeNames: ["Index"]) else {
                    throw source.notLiteral(expression, expected: "an index definition, `Index(\"name\", columns: […])`")
                }
                return try source.index(construct)
            },
            write: SwiftMigrationWriter.indexElement)
    }
}

extension LiteralKind where Value == DatabaseSequence {
    /// `DatabaseSequence("name", start:, …)`.
    static var sequence: LiteralKind {
        LiteralKind(read: { try $0.sequenceDefinition($1) }, write: SwiftMigrationWriter.sequence)
    }
}

extension LiteralKind where Value == SequenceOptions {
    /// `SequenceOptions(start:, increment:, …)`.
    static var sequenceOptions: LiteralKind {
        LiteralKind(read: { try $0.sequenceOptions($1) }, write: SwiftMigrationWriter.sequenceOptions)
    }
}

extension LiteralKind where Value == Domain {
    /// `Domain("name", .type, nullable:, default:, checks: […])`.
    static var domain: LiteralKind {
        LiteralKind(read: { try $0.domainDefinition($1) }, write: SwiftMigrationWriter.domain)
    }
}

extension LiteralKind where Value == Function {
    /// A `CREATE FUNCTION`/`CREATE PROCEDURE` statement, its name and argument types read from it.
    static var function: LiteralKind {
        LiteralKind(read: { try $0.functionStatement($1) }, write: { SwiftMigrationWriter.literal($0.definition) })
    }
}

extension LiteralKind where Value == [IndexKey] {
    static var indexKeys: LiteralKind {
        LiteralKind(read: { try $0.indexKeys($1) }, write: SwiftMigrationWriter.indexKeys)
    }
}

extension LiteralKind where Value == PartitionKey {
    /// `.range("payment_date")`, `.list("region")`, `.hash("id")`.
    static var partitionKey: LiteralKind {
        LiteralKind(read: { try $0.partitionKey($1) }, write: SwiftMigrationWriter.partitionKey)
    }
}

extension LiteralKind where Value == ReferentialAction {
    static var referentialAction: LiteralKind {
        LiteralKind(read: { try $0.referentialAction($1) }, write: SwiftMigrationWriter.referentialAction)
    }
}

extension LiteralKind where Value == ConstraintDeferral {
    static var constraintDeferral: LiteralKind {
        LiteralKind(
            read: { try $0.constraintDeferral($1) },
            write: SwiftMigrationWriter.constraintDeferral)
    }
}

extension LiteralKind where Value == IdentityGeneration? {
    /// `true`, `false`, `.always`, `.serial`.
    static var identity: LiteralKind {
        LiteralKind(read: { try $0.identityGeneration($1) }, write: SwiftMigrationWriter.identity)
    }
}

extension LiteralKind where Value == GeneratedColumn {
    /// `.stored("sql")`, `.virtual("sql")`.
    static var generatedColumn: LiteralKind {
        LiteralKind(
            read: { source, expression in
                guard let generated = try source.generatedColumn(expression) else {
                    throw source.notLiteral(expression, expected: "`.stored(\"expression\")` or `.virtual(\"expression\")`")
                }
                return generated
            },
            write: SwiftMigrationWriter.generatedColumn)
    }
}

extension LiteralKind where Value == ForeignKeyMatch {
    static var foreignKeyMatch: LiteralKind {
        LiteralKind(
            read: { try $0.foreignKeyMatch($1) },
            write: SwiftMigrationWriter.foreignKeyMatch)
    }
}

extension LiteralKind where Value == ConstraintKind {
    static var constraintKind: LiteralKind {
        LiteralKind(read: { try $0.constraintKind($1) }, write: { SwiftMigrationWriter.member($0.caseName) })
    }
}

extension LiteralKind {
    /// A value that may be known to be none, as Swift writes a double optional's inner level:
    /// `.some(nil)` for none, the value itself (or `.some(value)`) otherwise.
    static func someOrNil<Wrapped>(_ wrapped: LiteralKind<Wrapped>) -> LiteralKind where Value == Wrapped? {
        LiteralKind(
            read: { source, expression in try source.doubleOptional(expression) { try wrapped.read(source, $0) } ?? nil },
            write: { SwiftMigrationWriter.someOrNil($0.map(wrapped.write)) })
    }
}

extension ConstraintKind {
    /// The Swift case name, as files write it (`.foreignKey`).
    var caseName: String {
        switch self {
        case .unique: return "unique"
        case .check: return "check"
        case .foreignKey: return "foreignKey"
        case .primaryKey: return "primaryKey"
        }
    }
}
