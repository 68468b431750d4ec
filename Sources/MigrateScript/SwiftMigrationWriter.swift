#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import SwiftBasicFormat
import SwiftSyntax
import SwiftSyntaxBuilder

/// Writes Swift migration files through swift-syntax's builders, so that every string is escaped
/// correctly and every ``Operation`` comes out as the call the interpreter reads back to the same
/// operation (autogenerate relies on that round trip).
package enum SwiftMigrationWriter {
    /// The type name of a revision's migration: `Rev_<id>`.
    package static func typeName(revision id: String) -> String { "Rev_\(id)" }

    /// The text of a migration file declaring `Rev_<id>: Migration`; `createDate`, when given,
    /// is written as `static let createDate = "…"`.
    package static func render(
        revision id: String,
        downRevisions: [String],
        branchLabels: [String] = [],
        dependsOn: [String] = [],
        message: String,
        createDate: String? = nil,
        isTransactional: Bool = true,
        upgrade: [MigrateCore.Operation] = [],
        downgrade: [MigrateCore.Operation] = []
    ) -> String {
        var members: [DeclSyntax] = [
            property("revision", value: literal(id).syntax),
            property("downRevision", type: "[String]", value: strings(downRevisions).syntax),
        ]
        if !branchLabels.isEmpty { members.append(property("branchLabels", type: "[String]", value: strings(branchLabels).syntax)) }
        if !dependsOn.isEmpty { members.append(property("dependsOn", type: "[String]", value: strings(dependsOn).syntax)) }
        if !isTransactional { members.append(property("transactional", value: ExprSyntax(BooleanLiteralExprSyntax(false)))) }
        if let createDate { members.append(property("createDate", value: literal(createDate).syntax)) }
        members.append(function("upgrade", operations: upgrade))
        members.append(function("downgrade", operations: downgrade))

        let oneLine = message.split(whereSeparator: \.isNewline)
            .map(\.trimmingWhitespace).filter { !$0.isEmpty }.joined(separator: " ")
        var docComment: Trivia = [.newlines(2)]
        if !oneLine.isEmpty { docComment = docComment + [.docLineComment("/// \(oneLine)"), .newlines(1)] }
        let migration = EnumDeclSyntax(
            leadingTrivia: docComment,
            name: .identifier(typeName(revision: id)),
            inheritanceClause: InheritanceClauseSyntax {
                InheritedTypeSyntax(type: IdentifierTypeSyntax(name: .identifier("Migration")))
            },
            memberBlock: MemberBlockSyntax {
                for member in members { MemberBlockItemSyntax(decl: member) }
            })
        let file = SourceFileSyntax {
            ImportDeclSyntax(path: ImportPathComponentListSyntax {
                ImportPathComponentSyntax(name: .identifier("MigrateKit"))
            })
            migration
        }
        return file.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description + "\n"
    }

    // MARK: Declarations

    static func property(_ name: String, type: String? = nil, value: ExprSyntax) -> DeclSyntax {
        DeclSyntax(VariableDeclSyntax(
            modifiers: [DeclModifierSyntax(name: .keyword(.static))], .let,
            name: PatternSyntax(IdentifierPatternSyntax(identifier: .identifier(name))),
            type: type.map { TypeAnnotationSyntax(type: TypeSyntax(stringLiteral: $0)) },
            initializer: InitializerClauseSyntax(value: value)))
    }

    /// `static func name(_ op: Operations) { … }`, after a blank line.
    static func function(_ name: String, operations: [MigrateCore.Operation]) -> DeclSyntax {
        let parameter = FunctionParameterSyntax(
            firstName: .wildcardToken(), secondName: .identifier("op"),
            type: IdentifierTypeSyntax(name: .identifier("Operations")))
        let notes = notes(for: operations)
        let body = CodeBlockSyntax {
            for (index, operation) in operations.enumerated() { bodyItem(operation, note: notes[index]) }
        }
        return DeclSyntax(FunctionDeclSyntax(
            leadingTrivia: .newlines(2),
            modifiers: [DeclModifierSyntax(name: .keyword(.static))],
            name: .identifier(name),
            signature: FunctionSignatureSyntax(
                parameterClause: FunctionParameterClauseSyntax { parameter }),
            body: body))
    }

    // MARK: Operations

    /// The `op.…` call that records `operation`, written by the operation's signature.
    package static func statement(_ operation: MigrateCore.Operation) -> ExprSyntax {
        guard let signature = OperationSignatures.signature(of: operation) else {
            // `op.run`'s closure is code, not data: a written file holds an empty one to fill in.
            guard case .swiftCode(let label) = operation else { preconditionFailure("no signature writes \(operation)") }
            let head = label.map { "op.run(\(literal($0).syntax))" } ?? "op.run"
            return ExprSyntax("\(raw: head) { _ in }")
        }
        guard let expression = signature.expression(for: operation) else {
            preconditionFailure("\(signature.callee) does not write \(operation)")
        }
        return expression.syntax
    }

    // MARK: Schema values

    /// The elements of `createTable`/`Table`: columns, then the named primary key, foreign keys,
    /// unique and check constraints, indexes.
    static func elements(of table: Table) -> [Argument] {
        var elements: [SwiftExpression] = []
        let keyInColumnOrder = table.columns.filter(\.isPrimaryKey).map(\.name) == table.primaryKey
        for var column in table.columns {
            // A named or reordered key is written once, as PrimaryKey(…), after the columns.
            if table.primaryKeyName != nil || !keyInColumnOrder { column.isPrimaryKey = false }
            elements.append(columnExpression(column))
        }
        if table.primaryKeyName != nil || !keyInColumnOrder {
            elements.append(call("PrimaryKey", [arg(strings(table.primaryKey)), arg("name", table.primaryKeyName.map(literal))]).expression)
        }
        for key in table.foreignKeys {
            elements.append(call("ForeignKey", [
                arg(strings(key.columns)), arg("references", literal(key.referencedTable.name)),
                arg(strings(key.referencedColumns)), arg("referencedSchema", key.referencedTable.schema.map(literal)),
                arg("onDelete", key.onDelete.map(referentialAction)), arg("onUpdate", key.onUpdate.map(referentialAction)),
                arg("deferrable", key.deferrable.map(constraintDeferral)), arg("match", key.match.map(foreignKeyMatch)),
                arg("name", key.name.map(literal)),
            ]).expression)
        }
        for constraint in table.uniqueConstraints {
            elements.append(call("UniqueConstraint", [arg(strings(constraint.columns)), arg("name", constraint.name.map(literal))]).expression)
        }
        for constraint in table.checkConstraints {
            elements.append(call("CheckConstraint", [arg(literal(constraint.expression)), arg("name", constraint.name.map(literal))]).expression)
        }
        for index in table.indexes { elements.append(indexElement(index)) }
        return elements.map { arg($0) }
    }

    static func tableDefinition(_ table: Table) -> SwiftExpression {
        if let module = table.virtualTableModule {
            return call(
                "Table",
                [arg("virtual", literal(table.name.name)), arg("using", literal(module)), arg("schema", table.name.schema.map(literal))]
            ).expression
        }
        return call("Table", [arg(literal(table.name.name))] + elements(of: table), multiline: true)
            .appending([arg("schema", table.name.schema.map(literal)), arg("comment", table.comment.map(literal))])
            .appending(sqliteOptions(table.sqliteOptions))
            .appending(partitioning(table))
            .expression
    }

    /// `partitionBy: .range("…")`, `partitionOf: "parent", bound: "FOR VALUES …"`, each only when set.
    static func partitioning(_ table: Table) -> [Argument] {
        [
            arg("partitionBy", table.partitionKey.map(partitionKey)),
            arg("partitionOf", table.partitionOf.map { literal($0.parent.name) }),
            arg("bound", table.partitionOf.map { literal($0.bound) }),
        ]
    }

    static func partitionKey(_ key: PartitionKey) -> SwiftExpression {
        switch key {
        case .range(let keys): return call(".range", [arg(literal(keys))]).expression
        case .list(let keys): return call(".list", [arg(literal(keys))]).expression
        case .hash(let keys): return call(".hash", [arg(literal(keys))]).expression
        }
    }

    /// `strict: true`, `withoutRowid: true`, `autoincrement: true`, each only when set.
    static func sqliteOptions(_ options: SQLiteTableOptions) -> [Argument] {
        [
            arg("strict", options.isStrict ? bool(true) : nil), arg("withoutRowid", options.isWithoutRowid ? bool(true) : nil),
            arg("autoincrement", options.autoincrement ? bool(true) : nil),
        ]
    }

    static func columnExpression(_ column: Column) -> SwiftExpression {
        call("Column", [
            arg(literal(column.name)), arg(columnType(column.type)),
            arg("primaryKey", column.isPrimaryKey ? bool(true) : nil),
            // A key column is NOT NULL unless it says otherwise (a nullable SQLite key); a
            // column that is neither says only when it is NOT NULL.
            arg("nullable", column.isPrimaryKey ? (column.isNullable ? bool(true) : nil) : (column.isNullable ? nil : bool(false))),
            arg("identity", column.identity.map(identity)),
            arg("sequence", column.sequence.isEmpty ? nil : sequenceOptions(column.sequence)),
            arg("default", column.defaultValue.map(serverDefault)),
            arg("comment", column.comment.map(literal)),
            arg("collation", column.collation.map(literal)),
            arg("generated", column.generated.map(generatedColumn)),
            arg("autoincrement", column.autoincrement ? nil : bool(false)),
        ]).expression
    }

    /// `true` for an identity by default, `false` for none, else `.always` or `.serial`.
    static func identity(_ identity: IdentityGeneration?) -> SwiftExpression {
        switch identity {
        case nil: bool(false)
        case .byDefault?: bool(true)
        case .always?: member("always")
        case .serial?: member("serial")
        }
    }

    static func generatedColumn(_ generated: GeneratedColumn) -> SwiftExpression {
        call(generated.isStored ? ".stored" : ".virtual", [arg(literal(generated.expression))]).expression
    }

    /// `DatabaseSequence("name", schema:, start:, …)`, only the options that are set.
    static func sequence(_ sequence: DatabaseSequence) -> SwiftExpression {
        call(
            "DatabaseSequence",
            [arg(literal(sequence.name.name)), arg("schema", sequence.name.schema.map(literal))]
                + sequenceOptionArguments(sequence.options)
                + [
                    arg("ownedByTable", sequence.ownerTable.map { literal($0.name) }),
                    arg("ownedByColumn", sequence.ownerColumn.map(literal)),
                ]
        ).expression
    }

    /// `SequenceOptions(start:, increment:, …)`, only the options that are set.
    static func sequenceOptions(_ options: SequenceOptions) -> SwiftExpression {
        call("SequenceOptions", sequenceOptionArguments(options)).expression
    }

    private static func sequenceOptionArguments(_ options: SequenceOptions) -> [Argument] {
        [
            arg("start", options.start.map(integer)), arg("increment", options.increment.map(integer)),
            arg("minValue", options.minValue.map(integer)), arg("maxValue", options.maxValue.map(integer)),
            arg("cache", options.cache.map(integer)), arg("cycle", options.cycles ? bool(true) : nil),
        ]
    }

    /// `Domain("name", .type, schema:, nullable:, default:, checks: […])`.
    static func domain(_ domain: Domain) -> SwiftExpression {
        let checks = domain.checks.map { check in
            call("CheckConstraint", [arg(literal(check.expression)), arg("name", check.name.map(literal))]).expression
        }
        return call("Domain", [
            arg(literal(domain.name.name)), arg(columnType(domain.baseType)),
            arg("schema", domain.name.schema.map(literal)), arg("nullable", domain.isNullable ? nil : bool(false)),
            arg("default", domain.defaultValue.map(serverDefault)),
            arg("checks", checks.isEmpty ? nil : list(checks, multiline: false)),
        ]).expression
    }

    static func indexElement(_ index: Index) -> SwiftExpression {
        call("Index", [arg(literal(index.name))] + indexArguments(index)).expression
    }

    /// `columns:`/`keys:`, `unique:`, `where:` of an index.
    static func indexArguments(_ index: Index) -> [Argument] {
        let columns = index.keys.compactMap { key -> String? in
            if case .column(let name) = key { return name }
            return nil
        }
        let keys: Argument = columns.count == index.keys.count
            ? arg("columns", strings(columns))
            : arg("keys", indexKeys(index.keys))
        return [
            keys, arg("unique", index.isUnique ? bool(true) : nil), arg("where", index.predicate.map(literal)),
            arg("using", index.method.map(literal)), arg("include", index.include.isEmpty ? nil : strings(index.include)),
        ]
    }

    static func indexKeys(_ keys: [IndexKey]) -> SwiftExpression {
        list(keys.map { key in
            let options = key.options
            let optionArguments = [
                arg("collation", options.collation.map(literal)), arg("operatorClass", options.operatorClass.map(literal)),
                arg("descending", options.isDescending ? bool(true) : nil), arg("nulls", options.nulls.map(nullsOrder)),
            ]
            switch key.base {
            case .column(let name): return call(".column", [arg(literal(name))] + optionArguments).expression
            case .expression(let sql), .ordered(.expression(let sql), _):
                return call(".expression", [arg(literal(sql))] + optionArguments).expression
            case .ordered(let inner, _): return indexKeys([inner])
            }
        }, multiline: false)
    }

    static func nullsOrder(_ order: NullsOrder) -> SwiftExpression {
        switch order {
        case .first: return member("first")
        case .last: return member("last")
        }
    }

    static func constraintDeferral(_ deferral: ConstraintDeferral) -> SwiftExpression {
        switch deferral {
        case .immediate: return member("immediate")
        case .deferred: return member("deferred")
        }
    }

    static func foreignKeyMatch(_ match: ForeignKeyMatch) -> SwiftExpression {
        switch match {
        case .full: return member("full")
        }
    }

    static func columnType(_ type: ColumnType) -> SwiftExpression {
        switch type {
        case .integer: return member("integer")
        case .bigInteger: return member("bigInteger")
        case .smallInteger: return member("smallInteger")
        case .string(let length): return call(".string", [arg("length", length.map(integer) ?? nilLiteral)]).expression
        case .text: return member("text")
        case .boolean: return member("boolean")
        case .date: return member("date")
        case .dateTime(let timezone): return call(".dateTime", [arg("timezone", bool(timezone))]).expression
        case .time: return member("time")
        case .numeric(let precision, let scale):
            return call(".numeric", [
                arg("precision", precision.map(integer) ?? nilLiteral), arg("scale", scale.map(integer) ?? nilLiteral),
            ]).expression
        case .float: return member("float")
        case .double: return member("double")
        case .binary: return member("binary")
        case .uuid: return member("uuid")
        case .json: return member("json")
        case .jsonb: return member("jsonb")
        case .enumeration(let name, let values):
            return call(".enumeration", [arg("name", literal(name)), arg("values", strings(values))]).expression
        case .custom(let sql): return call(".custom", [arg(literal(sql))]).expression
        }
    }

    static func serverDefault(_ value: ServerDefault) -> SwiftExpression {
        switch value {
        case .string(let text): return call(".string", [arg(literal(text))]).expression
        case .integer(let number): return call(".integer", [arg(integer(number))]).expression
        case .double(let number): return call(".double", [arg(double(number))]).expression
        case .boolean(let flag): return call(".boolean", [arg(bool(flag))]).expression
        case .expression(let sql): return call(".expression", [arg(literal(sql))]).expression
        case .currentTimestamp: return member("currentTimestamp")
        }
    }

    static func referentialAction(_ action: ReferentialAction) -> SwiftExpression {
        switch action {
        case .noAction: return member("noAction")
        case .restrict: return member("restrict")
        case .cascade: return member("cascade")
        case .setNull: return member("setNull")
        case .setDefault: return member("setDefault")
        }
    }

    static func sqlValue(_ value: SQLValue) -> SwiftExpression {
        switch value {
        case .null: return nilLiteral
        case .integer(let number): return integer(number)
        case .double(let number): return double(number)
        case .string(let text): return literal(text)
        case .boolean(let flag): return bool(flag)
        }
    }

    // MARK: Literals

    static func literal(_ text: String) -> SwiftExpression { .string(text) }
    static func optional(_ text: String?) -> SwiftExpression { text.map(literal) ?? nilLiteral }
    static var nilLiteral: SwiftExpression { .nilLiteral }
    static func bool(_ flag: Bool) -> SwiftExpression { .boolean(flag) }
    static func integer(_ number: Int) -> SwiftExpression { .integer(number) }
    static func double(_ number: Double) -> SwiftExpression { .double(number) }
    static func strings(_ values: [String]) -> SwiftExpression { list(values.map(literal), multiline: false) }

    /// `.some(value)` for a known value, `.some(nil)` for "known to be none".
    static func someOrNil(_ value: SwiftExpression?) -> SwiftExpression {
        value ?? call(".some", [arg(nilLiteral)]).expression
    }

    static func member(_ name: String) -> SwiftExpression { .member(name) }

    static func list(_ elements: [SwiftExpression], multiline: Bool) -> SwiftExpression {
        .array(elements, multiline: multiline)
    }

    // MARK: Calls

    /// An argument; a nil value leaves it out (an optional parameter at its default).
    struct Argument {
        var label: String?
        var value: SwiftExpression?
    }

    static func arg(_ value: SwiftExpression) -> Argument { Argument(label: nil, value: value) }
    static func arg(_ label: String, _ value: SwiftExpression?) -> Argument { Argument(label: label, value: value) }

    /// A call being built: arguments can be appended before it becomes an expression.
    struct Call {
        var callee: String
        var arguments: [Argument]
        /// Puts every argument after the first on a line of its own (long `createTable` calls).
        var multiline: Bool

        func appending(_ more: [Argument]) -> Call {
            Call(callee: callee, arguments: arguments + more, multiline: multiline)
        }

        var expression: SwiftExpression {
            .call(
                callee,
                arguments.compactMap { argument in
                    argument.value.map { SwiftExpression.Argument(label: argument.label, value: $0) }
                },
                multiline: multiline)
        }
    }

    static func call(_ callee: String, _ arguments: [Argument], multiline: Bool = false) -> Call {
        Call(callee: callee, arguments: arguments, multiline: multiline)
    }

    /// A statement of a function body.
    /// The `op.…` calls recording `operations`, one statement each, formatted as ``render`` writes
    /// them inside a body but not indented (a revision template indents them where it puts them).
    package static func statementsText(_ operations: [MigrateCore.Operation]) -> String {
        let notes = notes(for: operations)
        let items = CodeBlockItemListSyntax {
            for (index, operation) in operations.enumerated() { bodyItem(operation, note: notes[index]) }
        }
        var text = items.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }

    static func bodyItem(_ operation: MigrateCore.Operation, note: [String]? = nil) -> CodeBlockItemSyntax {
        let item = CodeBlockItemSyntax(item: .expr(statement(operation)))
        guard let note else { return item }
        var trivia: Trivia = [.newlines(1)]
        for line in note { trivia = trivia + [.lineComment("// \(line)"), .newlines(1)] }
        return item.with(\.leadingTrivia, trivia)
    }

    /// Comment lines to write above some operations, by position: where autogenerate had to
    /// choose, what it chose. An enumeration recreated because values went and others came may
    /// really have had a value renamed, which no comparison can tell; a generated column whose
    /// expression changed, or that became generated, is dropped and added again; one that stops
    /// being generated keeps its values.
    static func notes(for operations: [MigrateCore.Operation]) -> [Int: [String]] {
        var notes: [Int: [String]] = [:]
        for (index, operation) in operations.enumerated() {
            guard case .createEnumeration(let temporary, let values) = operation else { continue }
            let rest = operations[(index + 1)...]
            guard let renamed = rest.firstIndex(where: {
                if case .renameEnumeration(temporary, _) = $0 { return true }
                return false
            }), case .renameEnumeration(_, let name) = operations[renamed],
                let dropped = rest.first(where: {
                    if case .dropEnumeration(let type, _) = $0 { return type.name == name && type.schema == temporary.schema }
                    return false
                }), case .dropEnumeration(let type, let old?) = dropped
            else { continue }
            let gone = old.filter { !values.contains($0) }
            let new = values.filter { !old.contains($0) }
            var lines = [
                "\(type) is recreated as \(temporary.name) with its new values, each column converted and the old type replaced:"
            ]
            if !gone.isEmpty {
                lines.append("this fails, naming them, while rows hold \(gone.map { "'\($0)'" }.joined(separator: ", ")).")
            } else {
                lines.append("PostgreSQL cannot reorder the values of a type.")
            }
            if gone.count == 1, new.count == 1 {
                lines.append(
                    "If '\(gone[0])' was renamed to '\(new[0])', replace these steps with "
                        + "op.renameEnumerationValue(\"\(type.name)\", from: \"\(gone[0])\", to: \"\(new[0])\""
                        + (type.schema.map { ", schema: \"\($0)\"" } ?? "") + "), which keeps those rows.")
            } else if !gone.isEmpty, !new.isEmpty {
                lines.append("If values were renamed, op.renameEnumerationValue renames each and keeps its rows.")
            }
            notes[index] = lines
        }
        // A column dropped and added again because its expression changed or it became generated:
        // its values are computed anew.
        for index in operations.indices.dropLast() {
            guard case .dropColumn(let table, let name, let dropped?) = operations[index],
                case .addColumn(let addedTable, let added) = operations[index + 1], addedTable == table,
                added.name == name, added.generated != nil
            else { continue }
            notes[index] =
                dropped.generated == nil
                ? ["\(name) becomes generated: it is dropped and added again, its values computed from the expression."]
                : ["No engine changes a generated column's expression in place: \(name) is dropped and added again."]
        }
        // A column that stops or starts being generated within an alterColumn: what its values become.
        for (index, operation) in operations.enumerated() {
            guard case .alterColumn(_, let name, let changes) = operation, let generated = changes.generated else { continue }
            notes[index] =
                generated == nil
                ? ["\(name) stops being generated: it keeps the values it holds, and inserts and updates may set it."]
                : [
                    "\(name) becomes generated: it is dropped and added again (SQLite rebuilds the table), "
                        + "its values computed from the expression."
                ]
        }
        return notes
    }
}
