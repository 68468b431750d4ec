import MigrateCore
import SwiftSyntax

/// Reading the schema vocabulary (`Column(…)`, `.string(length: 50)`, `ForeignKey(…)`…) with the
/// same names and labels as MigrateKit's Swift API, so a file means the same compiled or read.
extension ScriptSource {
    // MARK: Enums

    func columnType(_ expression: ExprSyntax) throws -> ColumnType {
        // This runs for every column of a models file: only the case written is built, and all of
        // them only when the name is unknown, for the error's suggestion.
        let written = try enumCase(expression, typeName: "ColumnType")?.name
        let cases: [String: EnumCase<ColumnType>]
        if let written, let make = Self.columnTypeCases[written] {
            cases = [written: make(self)]
        } else {
            cases = Self.columnTypeCases.mapValues { $0(self) }
        }
        return try enumValue(expression, typeName: "ColumnType", cases: cases, expected: "a column type such as `.integer`")
    }

    // Parameter lists are parsed once, not for every table and column of a models file.
    static let foreignKeyParameters = Parameter.list(
        "_columns references _referencedColumns referencedSchema? onDelete? onUpdate? deferrable? match? name?")
    static let columnListParameters = Parameter.list("_columns name?")
    static let checkParameters = Parameter.list("_condition name?")
    static let indexParameters = Parameter.list("_name columns? keys? unique? where? using? include?")
    static let tableParameters = Parameter.list(
        "_name _elements... schema? comment? strict? withoutRowid? autoincrement? partitionBy? partitionOf? bound?")
    static let virtualTableParameters = Parameter.list("virtual using schema?")
    static let lengthParameters = Parameter.list("length")
    static let timezoneParameters = Parameter.list("timezone")
    static let numericParameters = Parameter.list("precision scale")
    static let enumerationParameters = Parameter.list("name values")
    static let sqlParameters = Parameter.list("_sql")

    /// The `ColumnType` cases by name, built once. Each makes its `EnumCase` for the file being
    /// read, since the cases with arguments read them through it.
    static let columnTypeCases: [String: @Sendable (ScriptSource) -> EnumCase<ColumnType>] = {
        let plain: [String: ColumnType] = [
            "integer": .integer, "bigInteger": .bigInteger, "smallInteger": .smallInteger, "text": .text,
            "boolean": .boolean, "date": .date, "time": .time, "float": .float, "double": .double,
            "binary": .binary, "uuid": .uuid, "json": .json, "jsonb": .jsonb,
        ]
        var cases = plain.mapValues { type in { @Sendable (_: ScriptSource) in EnumCase<ColumnType>(parameters: nil) { _ in type } } }
        cases["string"] = { source in
            EnumCase(parameters: lengthParameters) { .string(length: try source.optionalInteger($0["length"])) }
        }
        cases["dateTime"] = { source in
            EnumCase(parameters: timezoneParameters) { .dateTime(timezone: try source.bool($0["timezone"]!)) }
        }
        cases["numeric"] = { source in
            EnumCase(parameters: numericParameters) {
                .numeric(precision: try source.optionalInteger($0["precision"]), scale: try source.optionalInteger($0["scale"]))
            }
        }
        cases["enumeration"] = { source in
            EnumCase(parameters: enumerationParameters) {
                .enumeration(name: try source.string($0["name"]!), values: try source.strings($0["values"]!))
            }
        }
        cases["custom"] = { source in EnumCase(parameters: sqlParameters) { .custom(try source.string($0["sql"]!)) } }
        return cases
    }()

    func serverDefault(_ expression: ExprSyntax) throws -> ServerDefault {
        let cases: [String: EnumCase<ServerDefault>] = [
            "string": EnumCase(parameters: Parameter.list("_value")) { .string(try self.string($0["value"]!)) },
            "integer": EnumCase(parameters: Parameter.list("_value")) { .integer(try self.integer($0["value"]!)) },
            "double": EnumCase(parameters: Parameter.list("_value")) { .double(try self.double($0["value"]!)) },
            "boolean": EnumCase(parameters: Parameter.list("_value")) { .boolean(try self.bool($0["value"]!)) },
            "expression": EnumCase(parameters: Parameter.list("_sql")) { .expression(try self.string($0["sql"]!)) },
            "currentTimestamp": EnumCase(parameters: nil) { _ in .currentTimestamp },
        ]
        return try enumValue(
            expression, typeName: "ServerDefault", cases: cases,
            expected: "a server default such as `.expression(\"CURRENT_TIMESTAMP\")`")
    }

    func optionalServerDefault(_ expression: ExprSyntax?) throws -> ServerDefault? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try serverDefault(expression)
    }

    /// A double optional as Swift writes it: `nil` (unknown), `.some(nil)` (known to be none), or a value.
    func doubleOptional<Value>(_ expression: ExprSyntax?, _ read: (ExprSyntax) throws -> Value) throws -> Value?? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        if let call = expression.as(FunctionCallExprSyntax.self),
            let member = call.calledExpression.as(MemberAccessExprSyntax.self), member.base == nil,
            member.declName.baseName.text == "some", call.arguments.count == 1, let inner = call.arguments.first
        {
            if inner.expression.is(NilLiteralExprSyntax.self) { return .some(nil) }
            return .some(.some(try read(inner.expression)))
        }
        return .some(.some(try read(expression)))
    }

    func referentialAction(_ expression: ExprSyntax) throws -> ReferentialAction {
        let names: [String: ReferentialAction] = [
            "noAction": .noAction, "restrict": .restrict, "cascade": .cascade, "setNull": .setNull,
            "setDefault": .setDefault,
        ]
        return try enumValue(
            expression, typeName: "ReferentialAction",
            cases: names.mapValues { action in EnumCase(parameters: nil) { _ in action } },
            expected: "a referential action such as `.cascade`")
    }

    /// `.range("payment_date")`, `.list("region")` or `.hash("id")`.
    func partitionKey(_ expression: ExprSyntax) throws -> PartitionKey {
        let keys = Parameter.list("_keys")
        let cases: [String: EnumCase<PartitionKey>] = [
            "range": EnumCase(parameters: keys) { .range(try self.string($0["keys"]!)) },
            "list": EnumCase(parameters: keys) { .list(try self.string($0["keys"]!)) },
            "hash": EnumCase(parameters: keys) { .hash(try self.string($0["keys"]!)) },
        ]
        return try enumValue(
            expression, typeName: "PartitionKey", cases: cases, expected: "a partition key such as `.range(\"created_at\")`")
    }

    func optionalReferentialAction(_ expression: ExprSyntax?) throws -> ReferentialAction? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try referentialAction(expression)
    }

    func constraintKind(_ expression: ExprSyntax) throws -> ConstraintKind {
        let names: [String: ConstraintKind] = [
            "unique": .unique, "check": .check, "foreignKey": .foreignKey, "primaryKey": .primaryKey,
        ]
        return try enumValue(
            expression, typeName: "ConstraintKind",
            cases: names.mapValues { kind in EnumCase(parameters: nil) { _ in kind } },
            expected: "a constraint kind such as `.unique`")
    }

    func optionalConstraintDeferral(_ expression: ExprSyntax?) throws -> ConstraintDeferral? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try constraintDeferral(expression)
    }

    func constraintDeferral(_ expression: ExprSyntax) throws -> ConstraintDeferral {
        try enumValue(
            expression, typeName: "ConstraintDeferral",
            cases: ["immediate": EnumCase(parameters: nil) { _ in .immediate }, "deferred": EnumCase(parameters: nil) { _ in .deferred }],
            expected: "a deferral such as `.deferred`")
    }

    /// `identity:` of a column or `alterColumn`: `true` (by default), `false` (none), or
    /// `.byDefault`, `.always`, `.serial`.
    func identityGeneration(_ expression: ExprSyntax) throws -> IdentityGeneration? {
        if expression.is(BooleanLiteralExprSyntax.self) { return try bool(expression) ? .byDefault : nil }
        return try enumValue(
            expression, typeName: "ColumnIdentity",
            cases: [
                "byDefault": EnumCase(parameters: nil) { _ in .byDefault },
                "always": EnumCase(parameters: nil) { _ in .always },
                "serial": EnumCase(parameters: nil) { _ in .serial },
            ],
            expected: "`true`, `false`, `.always` or `.serial`")
    }

    /// `generated:` of a column: `.stored("sql")` or `.virtual("sql")`.
    func generatedColumn(_ expression: ExprSyntax) throws -> GeneratedColumn? {
        guard !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try enumValue(
            expression, typeName: "GeneratedColumn",
            cases: [
                "stored": EnumCase(parameters: Self.sqlParameters) { .stored(try self.string($0["sql"]!)) },
                "virtual": EnumCase(parameters: Self.sqlParameters) { .virtual(try self.string($0["sql"]!)) },
            ],
            expected: "`.stored(\"expression\")` or `.virtual(\"expression\")`")
    }

    func optionalForeignKeyMatch(_ expression: ExprSyntax?) throws -> ForeignKeyMatch? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try foreignKeyMatch(expression)
    }

    func foreignKeyMatch(_ expression: ExprSyntax) throws -> ForeignKeyMatch {
        try enumValue(
            expression, typeName: "ForeignKeyMatch", cases: ["full": EnumCase(parameters: nil) { _ in .full }],
            expected: "`.full`")
    }

    func optionalNullsOrder(_ expression: ExprSyntax?) throws -> NullsOrder? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try enumValue(
            expression, typeName: "NullsOrder",
            cases: ["first": EnumCase(parameters: nil) { _ in .first }, "last": EnumCase(parameters: nil) { _ in .last }],
            expected: "`.first` or `.last`")
    }

    static let indexKeyParameters = Parameter.list("_value collation? operatorClass? descending? nulls?")

    /// The options of an index key, as `.column(…)` and `.expression(…)` take them after the name.
    func indexKeyOptions(_ bound: BoundArguments) throws -> IndexKeyOptions {
        IndexKeyOptions(
            collation: try optionalString(bound["collation"]), operatorClass: try optionalString(bound["operatorClass"]),
            isDescending: try optionalBool(bound["descending"]) ?? false, nulls: try optionalNullsOrder(bound["nulls"]))
    }

    func indexKeys(_ expression: ExprSyntax) throws -> [IndexKey] {
        let cases: [String: EnumCase<IndexKey>] = [
            "column": EnumCase(parameters: Self.indexKeyParameters) {
                IndexKey.column(try self.string($0["value"]!)).with(try self.indexKeyOptions($0))
            },
            "expression": EnumCase(parameters: Self.indexKeyParameters) {
                IndexKey.expression(try self.string($0["value"]!)).with(try self.indexKeyOptions($0))
            },
        ]
        return try array(expression, of: "index keys").map {
            try enumValue($0, typeName: "IndexKey", cases: cases, expected: "an index key such as `.column(\"name\")`")
        }
    }

    /// A value of a `bulkInsert` row: a literal, `nil`, or an `SQLValue` case.
    func sqlValue(_ expression: ExprSyntax) throws -> SQLValue {
        if expression.is(NilLiteralExprSyntax.self) { return .null }
        if expression.is(StringLiteralExprSyntax.self) { return .string(try string(expression)) }
        if expression.is(BooleanLiteralExprSyntax.self) { return .boolean(try bool(expression)) }
        let number = expression.as(PrefixOperatorExprSyntax.self)?.expression ?? expression
        if number.is(IntegerLiteralExprSyntax.self) { return .integer(try integer(expression)) }
        if number.is(FloatLiteralExprSyntax.self) { return .double(try double(expression)) }
        let cases: [String: EnumCase<SQLValue>] = [
            "null": EnumCase(parameters: nil) { _ in .null },
            "string": EnumCase(parameters: Parameter.list("_value")) { .string(try self.string($0["value"]!)) },
            "integer": EnumCase(parameters: Parameter.list("_value")) { .integer(try self.integer($0["value"]!)) },
            "double": EnumCase(parameters: Parameter.list("_value")) { .double(try self.double($0["value"]!)) },
            "boolean": EnumCase(parameters: Parameter.list("_value")) { .boolean(try self.bool($0["value"]!)) },
        ]
        return try enumValue(
            expression, typeName: "SQLValue", cases: cases, expected: "a literal value (string, number, true/false or nil)")
    }

    // MARK: Initializers

    static let columnParameters = Parameter.list(
        "_name _type primaryKey? nullable? identity? sequence? default? comment? collation? generated? autoincrement?")

    func column(_ expression: ExprSyntax) throws -> Column {
        guard let construct = try initializer(expression, typeNames: ["Column"]) else {
            throw notLiteral(expression, expected: "a column, `Column(\"name\", .type, …)`")
        }
        return try column(construct)
    }

    func column(_ construct: Construct) throws -> Column {
        let arguments = try bind(construct.arguments!, to: Self.columnParameters, callee: "Column", anchor: construct.node)
        var column = Column(
            try string(arguments["name"]!), try columnType(arguments["type"]!),
            isNullable: try optionalBool(arguments["nullable"]) ?? true,
            isPrimaryKey: try optionalBool(arguments["primaryKey"]) ?? false,
            defaultValue: try optionalServerDefault(arguments["default"]),
            comment: try optionalString(arguments["comment"]))
        column.identity = try arguments["identity"].flatMap(identityGeneration)
        column.sequence = try arguments["sequence"].map(sequenceOptions) ?? SequenceOptions()
        column.collation = try optionalString(arguments["collation"])
        column.generated = try arguments["generated"].flatMap(generatedColumn)
        column.autoincrement = try optionalBool(arguments["autoincrement"]) ?? true
        // As the initializer does: a key column says `nullable: true` to be one SQLite lets hold NULL.
        if column.isPrimaryKey, try optionalBool(arguments["nullable"]) == true { column.isNullable = true }
        return column
    }

    func optionalColumn(_ expression: ExprSyntax?) throws -> Column? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        return try column(expression)
    }

    static let elementTypes = ["Column", "ForeignKey", "UniqueConstraint", "CheckConstraint", "Index", "PrimaryKey"]

    /// Adds one `createTable`/`Table` element to `table`, as `TableElement.add(to:)` does.
    /// Primary keys are applied by the caller after the columns, as `Table.init` does.
    func addElement(_ expression: ExprSyntax, to table: inout Table, primaryKeys: inout [(columns: [String], name: String?)]) throws {
        guard let construct = try initializer(expression, typeNames: Self.elementTypes) else {
            throw notLiteral(
                expression,
                expected: "a table element: " + Self.elementTypes.map { "`\($0)(…)`" }.joined(separator: ", "))
        }
        let arguments = construct.arguments!
        switch construct.name {
        case "Column":
            table.columns.append(try column(construct))
        case "ForeignKey":
            let bound = try bind(
                arguments, to: Self.foreignKeyParameters,
                callee: "ForeignKey", anchor: construct.node)
            table.foreignKeys.append(ForeignKey(
                name: try optionalString(bound["name"]), columns: try strings(bound["columns"]!),
                references: TableName(try string(bound["references"]!), schema: try optionalString(bound["referencedSchema"])),
                referencedColumns: try strings(bound["referencedColumns"]!),
                onDelete: try optionalReferentialAction(bound["onDelete"]),
                onUpdate: try optionalReferentialAction(bound["onUpdate"]),
                deferrable: try optionalConstraintDeferral(bound["deferrable"]),
                match: try optionalForeignKeyMatch(bound["match"])))
        case "UniqueConstraint":
            let bound = try bind(arguments, to: Self.columnListParameters, callee: "UniqueConstraint", anchor: construct.node)
            table.uniqueConstraints.append(
                UniqueConstraint(name: try optionalString(bound["name"]), columns: try strings(bound["columns"]!)))
        case "CheckConstraint":
            let bound = try bind(arguments, to: Self.checkParameters, callee: "CheckConstraint", anchor: construct.node)
            table.checkConstraints.append(
                CheckConstraint(name: try optionalString(bound["name"]), expression: try string(bound["condition"]!)))
        case "Index":
            var index = try index(construct)
            index.table = table.name
            table.indexes.append(index)
        default:
            let bound = try bind(arguments, to: Self.columnListParameters, callee: "PrimaryKey", anchor: construct.node)
            primaryKeys.append((try strings(bound["columns"]!), try optionalString(bound["name"])))
        }
    }

    /// `Index("name", columns: […] | keys: […], unique:, where:)`, with an empty table the
    /// caller fills in.
    func index(_ construct: Construct) throws -> Index {
        let bound = try bind(
            construct.arguments!, to: Self.indexParameters, callee: "Index",
            anchor: construct.node)
        return Index(
            name: try string(bound["name"]!), table: TableName(""), keys: try indexKeys(bound, callee: "Index"),
            isUnique: try optionalBool(bound["unique"]) ?? false, predicate: try optionalString(bound["where"]),
            method: try optionalString(bound["using"]), include: try bound["include"].map(strings) ?? [])
    }

    /// The keys given as `columns:` or as `keys:`, exactly one of them.
    func indexKeys(_ bound: BoundArguments, callee: String) throws -> [IndexKey] {
        switch (bound["columns"], bound["keys"]) {
        case (let columns?, nil):
            return try strings(columns).map { IndexKey.column($0) }
        case (nil, let keys?):
            return try indexKeys(keys)
        case (.some, .some(let keys)):
            throw error("give either `columns:` or `keys:`, not both", at: keys, hint: "`keys:` can list columns too: `.column(\"name\")`")
        case (nil, nil):
            throw error(
                "missing argument `columns:` in \(callee)(…)", at: bound.anchor.endPositionBeforeTrailingTrivia,
                hint: "list the indexed columns, `columns: [\"name\"]`, or expressions, `keys: [.expression(\"lower(name)\")]`")
        }
    }

    /// Builds a table from `name` and its elements, as MigrateKit's `Table.init` does.
    func table(name: TableName, elements: [ExprSyntax], comment: String?) throws -> Table {
        var table = Table(name, columns: [], comment: comment)
        var primaryKeys: [(columns: [String], name: String?)] = []
        var others: [ExprSyntax] = []
        // Columns first, then the rest, as Table.init(_:elements:) adds them.
        for element in elements {
            if let construct = try initializer(element, typeNames: ["Column"]) {
                table.columns.append(try column(construct))
            } else {
                others.append(element)
            }
        }
        for element in others { try addElement(element, to: &table, primaryKeys: &primaryKeys) }
        for key in primaryKeys {
            table.primaryKeyName = key.name
            for index in table.columns.indices where key.columns.contains(table.columns[index].name) {
                table.columns[index].isPrimaryKey = true
                table.columns[index].isNullable = false
            }
            // As PrimaryKey.add(to:) does: kept only when it differs from column order.
            table.primaryKeyOrder = table.columns.filter(\.isPrimaryKey).map(\.name) == key.columns ? [] : key.columns
        }
        return table
    }

    static let sequenceParameters = Parameter.list(
        "_name schema? start? increment? minValue? maxValue? cache? cycle? ownedByTable? ownedByColumn?")

    /// `DatabaseSequence("name", schema:, start:, increment:, minValue:, maxValue:, cache:, cycle:,
    /// ownedByTable:, ownedByColumn:)`; the owner's table is in the sequence's schema.
    func sequenceDefinition(_ expression: ExprSyntax) throws -> DatabaseSequence {
        guard let construct = try initializer(expression, typeNames: ["DatabaseSequence"]) else {
            throw notLiteral(expression, expected: "a sequence definition, `DatabaseSequence(\"name\", …)`")
        }
        let bound = try bind(construct.arguments!, to: Self.sequenceParameters, callee: "DatabaseSequence", anchor: construct.node)
        let schema = try optionalString(bound["schema"])
        return DatabaseSequence(
            TableName(try string(bound["name"]!), schema: schema), start: try optionalInteger(bound["start"]),
            increment: try optionalInteger(bound["increment"]), minValue: try optionalInteger(bound["minValue"]),
            maxValue: try optionalInteger(bound["maxValue"]), cache: try optionalInteger(bound["cache"]),
            cycles: try optionalBool(bound["cycle"]) ?? false,
            ownerTable: try optionalString(bound["ownedByTable"]).map { TableName($0, schema: schema) },
            ownerColumn: try optionalString(bound["ownedByColumn"]))
    }

    static let sequenceOptionParameters = Parameter.list("start? increment? minValue? maxValue? cache? cycle?")

    /// `SequenceOptions(start:, increment:, minValue:, maxValue:, cache:, cycle:)`, the options of
    /// an identity or serial column's sequence.
    func sequenceOptions(_ expression: ExprSyntax) throws -> SequenceOptions {
        guard let construct = try initializer(expression, typeNames: ["SequenceOptions"]) else {
            throw notLiteral(expression, expected: "sequence options, `SequenceOptions(start: …, increment: …)`")
        }
        let bound = try bind(
            construct.arguments!, to: Self.sequenceOptionParameters, callee: "SequenceOptions", anchor: construct.node)
        return SequenceOptions(
            start: try optionalInteger(bound["start"]), increment: try optionalInteger(bound["increment"]),
            minValue: try optionalInteger(bound["minValue"]), maxValue: try optionalInteger(bound["maxValue"]),
            cache: try optionalInteger(bound["cache"]), cycle: try optionalBool(bound["cycle"]) ?? false)
    }

    static let extensionParameters = Parameter.list("_name schema? version?")

    /// `DatabaseExtension("name", schema:, version:)`.
    func extensionDefinition(_ expression: ExprSyntax) throws -> DatabaseExtension {
        guard let construct = try initializer(expression, typeNames: ["DatabaseExtension"]) else {
            throw notLiteral(expression, expected: "an extension, `DatabaseExtension(\"citext\", version: \"1.6\")`")
        }
        let bound = try bind(construct.arguments!, to: Self.extensionParameters, callee: "DatabaseExtension", anchor: construct.node)
        return DatabaseExtension(
            try string(bound["name"]!), schema: try optionalString(bound["schema"]),
            version: try optionalString(bound["version"]))
    }

    static let domainParameters = Parameter.list("_name _baseType schema? nullable? default? checks?")

    /// `Domain("name", .type, schema:, nullable:, default:, checks: [CheckConstraint(…)])`.
    func domainDefinition(_ expression: ExprSyntax) throws -> Domain {
        guard let construct = try initializer(expression, typeNames: ["Domain"]) else {
            throw notLiteral(expression, expected: "a domain definition, `Domain(\"name\", .integer, …)`")
        }
        let bound = try bind(construct.arguments!, to: Self.domainParameters, callee: "Domain", anchor: construct.node)
        var checks: [CheckConstraint] = []
        if let list = bound["checks"] {
            checks = try array(list, of: "checks").map { element in
                guard let check = try initializer(element, typeNames: ["CheckConstraint"]) else {
                    throw notLiteral(element, expected: "a check, `CheckConstraint(\"VALUE > 0\", name: …)`")
                }
                let arguments = try bind(check.arguments!, to: Self.checkParameters, callee: "CheckConstraint", anchor: check.node)
                return CheckConstraint(
                    name: try optionalString(arguments["name"]), expression: try string(arguments["condition"]!))
            }
        }
        return Domain(
            TableName(try string(bound["name"]!), schema: try optionalString(bound["schema"])),
            baseType: try columnType(bound["baseType"]!), isNullable: try optionalBool(bound["nullable"]) ?? true,
            defaultValue: try optionalServerDefault(bound["default"]), checks: checks)
    }

    /// `Table("name", elements…, schema:, comment:)`, or `Table(virtual: "name", using: "fts5(…)", schema:)`.
    func tableDefinition(_ expression: ExprSyntax?) throws -> Table? {
        guard let expression, !expression.is(NilLiteralExprSyntax.self) else { return nil }
        guard let construct = try initializer(expression, typeNames: ["Table"]) else {
            throw notLiteral(expression, expected: "a table definition, `Table(\"name\", Column(…), …)`")
        }
        if construct.arguments?.first?.label?.text == "virtual" {
            let bound = try bind(construct.arguments!, to: Self.virtualTableParameters, callee: "Table", anchor: construct.node)
            return Table(
                virtual: TableName(try string(bound["virtual"]!), schema: try optionalString(bound["schema"])),
                using: try string(bound["using"]!))
        }
        let bound = try bind(
            construct.arguments!, to: Self.tableParameters, callee: "Table",
            anchor: construct.node)
        var table = try table(
            name: TableName(try string(bound["name"]!), schema: try optionalString(bound["schema"])),
            elements: bound.variadic, comment: try optionalString(bound["comment"]))
        table.sqliteOptions = try sqliteOptions(bound)
        try readPartitioning(bound, into: &table)
        return table
    }

    /// `partitionBy:`, and `partitionOf:` with `bound:`, of `Table(…)` and `op.createTable(…)`;
    /// the parent is in the partition's schema.
    func readPartitioning(_ bound: BoundArguments, into table: inout Table) throws {
        table.partitionKey = try bound["partitionBy"].flatMap { $0.is(NilLiteralExprSyntax.self) ? nil : try partitionKey($0) }
        let parent = try optionalString(bound["partitionOf"])
        let values = try optionalString(bound["bound"])
        switch (parent, values) {
        case (let parent?, let values?):
            table.partitionOf = TablePartition(of: TableName(parent, schema: table.name.schema), bound: values)
        case (nil, nil):
            table.partitionOf = nil
        case (_?, nil):
            throw error(
                "partition \(table.name) has no bound", at: bound.anchor,
                hint: "say which rows it takes, e.g. `bound: \"FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')\"` or `bound: \"DEFAULT\"`")
        case (nil, _?):
            throw error(
                "table \(table.name) has a bound but is no partition", at: bound.anchor,
                hint: "name its partitioned table with `partitionOf:`, or leave out `bound:`")
        }
    }

    /// `strict:`, `withoutRowid:`, `autoincrement:` of `Table(…)` and `op.createTable(…)`.
    func sqliteOptions(_ bound: BoundArguments) throws -> SQLiteTableOptions {
        SQLiteTableOptions(
            isStrict: try optionalBool(bound["strict"]) ?? false,
            isWithoutRowid: try optionalBool(bound["withoutRowid"]) ?? false,
            autoincrement: try optionalBool(bound["autoincrement"]) ?? false)
    }
}
