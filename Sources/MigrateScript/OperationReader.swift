import MigrateCore
import SwiftSyntax

/// The `Operations` methods the interpreter reads, with MigrateKit's labels, each turning its
/// arguments into the ``Operation`` the compiled method records.
extension ScriptSource {
    struct Method: Sendable {
        var parameters: [Parameter]
        var build: @Sendable (ScriptSource, BoundArguments) throws -> Operation
    }

    static let methods: [String: Method] = [
        "createTable": Method(parameters: Parameter.list("_name _elements... schema? comment?")) { source, a in
            .createTable(try source.table(
                name: try source.tableName(a, "name"), elements: a.variadic, comment: try source.optionalString(a["comment"])))
        },
        "dropTable": Method(parameters: Parameter.list("_name schema? definition?")) { source, a in
            .dropTable(try source.tableName(a, "name"), definition: try source.tableDefinition(a["definition"]))
        },
        "renameTable": Method(parameters: Parameter.list("_name to schema?")) { source, a in
            .renameTable(try source.tableName(a, "name"), to: try source.string(a["to"]!))
        },
        "setTableComment": Method(parameters: Parameter.list("_table _comment previous? schema?")) { source, a in
            .setTableComment(
                try source.tableName(a, "table"), comment: try source.optionalString(a["comment"]),
                previous: try source.optionalString(a["previous"]))
        },
        "addColumn": Method(parameters: Parameter.list("_table _column schema?")) { source, a in
            .addColumn(try source.tableName(a, "table"), try source.column(a["column"]!))
        },
        "dropColumn": Method(parameters: Parameter.list("_table _column schema? definition?")) { source, a in
            .dropColumn(
                try source.tableName(a, "table"), column: try source.string(a["column"]!),
                definition: try source.optionalColumn(a["definition"]))
        },
        "alterColumn": Method(
            parameters: Parameter.list(
                "_table _column newName? type? nullable? default? dropDefault? comment? dropComment? "
                    + "existingType? existingNullable? existingDefault? existingComment? schema?")
        ) { source, a in
            let dropDefault = try source.optionalBool(a["dropDefault"]) ?? false
            let dropComment = try source.optionalBool(a["dropComment"]) ?? false
            let defaultValue = try source.optionalServerDefault(a["default"])
            let comment = try source.optionalString(a["comment"])
            let changes = ColumnChanges(
                newName: try source.optionalString(a["newName"]),
                type: try a["type"].flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : try source.columnType($0) },
                isNullable: try source.optionalBool(a["nullable"]),
                defaultValue: dropDefault ? .some(nil) : defaultValue.map { .some($0) },
                comment: dropComment ? .some(nil) : comment.map { .some($0) },
                existingType: try a["existingType"].flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : try source.columnType($0) },
                existingNullable: try source.optionalBool(a["existingNullable"]),
                existingDefault: try source.doubleOptional(a["existingDefault"], source.serverDefault),
                existingComment: try source.doubleOptional(a["existingComment"], source.string))
            return .alterColumn(try source.tableName(a, "table"), column: try source.string(a["column"]!), changes: changes)
        },
        "createIndex": Method(parameters: Parameter.list("_name on columns? keys? unique? where? schema?")) { source, a in
            .createIndex(Index(
                name: try source.string(a["name"]!), table: try source.tableName(a, "on"),
                keys: try source.indexKeys(a, callee: "op.createIndex"),
                isUnique: try source.optionalBool(a["unique"]) ?? false, predicate: try source.optionalString(a["where"])))
        },
        "dropIndex": Method(parameters: Parameter.list("_name on schema? definition?")) { source, a in
            let table = try source.tableName(a, "on")
            var definition: Index?
            if let expression = a["definition"], !expression.is(NilLiteralExprSyntax.self) {
                guard let construct = try source.initializer(expression, typeNames: ["Index"]) else {
                    throw source.notLiteral(expression, expected: "an index definition, `Index(\"name\", columns: […])`")
                }
                definition = try source.index(construct)
                definition?.table = table
            }
            return .dropIndex(name: try source.string(a["name"]!), table: table, definition: definition)
        },
        "createUniqueConstraint": Method(parameters: Parameter.list("_name on columns schema?")) { source, a in
            .createUniqueConstraint(
                try source.tableName(a, "on"),
                UniqueConstraint(name: try source.optionalString(a["name"]), columns: try source.strings(a["columns"]!)))
        },
        "createCheckConstraint": Method(parameters: Parameter.list("_name on condition schema?")) { source, a in
            .createCheckConstraint(
                try source.tableName(a, "on"),
                CheckConstraint(name: try source.optionalString(a["name"]), expression: try source.string(a["condition"]!)))
        },
        "createForeignKey": Method(
            parameters: Parameter.list(
                "_name on columns references referencedColumns onDelete? onUpdate? schema? referencedSchema?")
        ) { source, a in
            .createForeignKey(
                try source.tableName(a, "on"),
                ForeignKey(
                    name: try source.optionalString(a["name"]), columns: try source.strings(a["columns"]!),
                    references: TableName(
                        try source.string(a["references"]!), schema: try source.optionalString(a["referencedSchema"])),
                    referencedColumns: try source.strings(a["referencedColumns"]!),
                    onDelete: try source.optionalReferentialAction(a["onDelete"]),
                    onUpdate: try source.optionalReferentialAction(a["onUpdate"])))
        },
        "createPrimaryKey": Method(parameters: Parameter.list("_name on columns schema?")) { source, a in
            .createPrimaryKey(
                try source.tableName(a, "on"), name: try source.optionalString(a["name"]),
                columns: try source.strings(a["columns"]!))
        },
        "dropConstraint": Method(parameters: Parameter.list("_name on kind schema?")) { source, a in
            .dropConstraint(
                try source.tableName(a, "on"), name: try source.string(a["name"]!),
                kind: try source.constraintKind(a["kind"]!))
        },
        "execute": Method(parameters: Parameter.list("_sql")) { source, a in
            .execute(try source.string(a["sql"]!))
        },
        "bulkInsert": Method(parameters: Parameter.list("_table columns? rows schema?")) { source, a in
            let table = try source.tableName(a, "table")
            if let columnsExpression = a["columns"] {
                let columns = try source.strings(columnsExpression)
                let rows = try source.array(a["rows"]!, of: "rows").map { row in
                    let values = try source.array(row, of: "values").map(source.sqlValue)
                    guard values.count == columns.count else {
                        throw source.error(
                            "this row has \(values.count) values for \(columns.count) columns", at: row,
                            hint: "give one value per column, in the order of `columns:`")
                    }
                    return values
                }
                return .bulkInsert(table, columns: columns, rows: rows)
            }
            let rows = try source.array(a["rows"]!, of: "rows").map { try source.dictionary($0, of: "column values") }
            let columns = Set(rows.flatMap { $0.map(\.key) }).sorted()
            let values = try rows.map { row in
                try columns.map { column in try row.first { $0.key == column }.map { try source.sqlValue($0.value) } ?? .null }
            }
            return .bulkInsert(table, columns: columns, rows: values)
        },
    ]

    /// The table named by the argument `key`, in the schema of the `schema:` argument.
    func tableName(_ arguments: BoundArguments, _ key: String) throws -> TableName {
        TableName(try string(arguments[key]!), schema: try optionalString(arguments["schema"]))
    }

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
        guard let method = Self.methods[name] else {
            let suggestion = Spelling.closest(to: name, among: Array(Self.methods.keys))
            throw error(
                "Operations has no method `\(name)`", at: member.declName,
                hint: suggestion.map { "did you mean `\(operationsName).\($0)`?" }
                    ?? "the methods are " + Self.methods.keys.sorted().joined(separator: ", ")
                    + "; for anything else use `\(operationsName).execute(\"…\")`")
        }
        let arguments = try bind(call.arguments, to: method.parameters, callee: "\(operationsName).\(name)", anchor: call)
        return try method.build(self, arguments)
    }
}
