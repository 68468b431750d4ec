import MigrateCore

/// The comparison of PostgreSQL enumeration types, schemas and extensions.
///
/// An enumeration is declared through the columns that use it, so its values are compared by
/// type name across the columns of both sides, and a column whose enumeration only changed its
/// values is not altered itself. Values only added (the old ones keep their order) are added in
/// place, each at its position; any other change (a value removed, renamed or moved) recreates
/// the type under a temporary name and converts every column to it, as explicit steps a reviewer
/// can read and edit: autogenerate cannot tell a renamed value from one removed and one added.
extension Comparison {
    /// Where an enumeration type is used: the reflected columns, their defaults, and the values.
    struct EnumerationUse {
        var values: [String]
        var columns: [(table: TableName, column: String, defaultValue: ServerDefault?)] = []
    }

    /// The operations that bring the enumerations both sides use to their declared values; they
    /// go before every table change (a new table may use the new values).
    mutating func compareEnumerations(declared: [Table], reflected: [Table]) -> [Operation] {
        guard dialect.enumerationStyle == .namedType, options.compareTypes else { return [] }
        var declaredValues: [TableName: [String]] = [:]
        for table in declared {
            for column in table.columns {
                guard case .enumeration(let name, let values) = column.type else { continue }
                let type = Self.enumerationName(name, in: table.name)
                if declaredValues[type] == nil { declaredValues[type] = values }
            }
        }
        var uses: [TableName: EnumerationUse] = [:]
        var order: [TableName] = []
        for table in reflected {
            for column in table.columns {
                guard case .enumeration(let name, let values) = column.type else { continue }
                let type = Self.enumerationName(name, in: table.name)
                if uses[type] == nil {
                    uses[type] = EnumerationUse(values: values)
                    order.append(type)
                }
                uses[type]?.columns.append((table.name, column.name, column.defaultValue))
            }
        }
        var operations: [Operation] = []
        for type in order {
            guard let use = uses[type], let wanted = declaredValues[type], wanted != use.values, !wanted.isEmpty else {
                continue
            }
            if Self.isOrderedSubset(use.values, of: wanted) {
                operations += Self.additions(to: type, from: use.values, to: wanted)
            } else {
                operations += recreation(of: type, use: use, values: wanted)
            }
        }
        return operations
    }

    /// A column's enumeration as a type name: `schema.name` names its schema, a bare name is in
    /// the table's schema.
    static func enumerationName(_ name: String, in table: TableName) -> TableName {
        if let dot = name.firstIndex(of: ".") {
            return TableName(String(name[name.index(after: dot)...]), schema: String(name[..<dot]))
        }
        return TableName(name, schema: table.schema)
    }

    /// Whether every value of `values` is in `wanted`, in the same order.
    static func isOrderedSubset(_ values: [String], of wanted: [String]) -> Bool {
        var remaining = wanted[...]
        for value in values {
            guard let found = remaining.firstIndex(of: value) else { return false }
            remaining = remaining[remaining.index(after: found)...]
        }
        return true
    }

    /// Each new value after the value before it in the declared list (before the first old
    /// value when it comes first).
    static func additions(to type: TableName, from values: [String], to wanted: [String]) -> [Operation] {
        var operations: [Operation] = []
        for (position, value) in wanted.enumerated() where !values.contains(value) {
            if position > 0 {
                operations.append(.addEnumerationValue(type, value: value, after: wanted[position - 1]))
            } else {
                operations.append(.addEnumerationValue(type, value: value, before: wanted.count > 1 ? wanted[1] : nil))
            }
        }
        return operations
    }

    /// A new type `<name>_new` with the declared values; each column's default dropped, the
    /// column converted (through text, failing with the values that have no place in the new
    /// type), the old type dropped, the new one renamed, the defaults set again.
    func recreation(of type: TableName, use: EnumerationUse, values: [String]) -> [Operation] {
        let temporary = TableName(type.name + "_new", schema: type.schema)
        var operations: [Operation] = [.createEnumeration(temporary, values: values)]
        let enumerationText = { (name: TableName, table: TableName) -> String in
            name.schema == table.schema ? name.name : name.description
        }
        for column in use.columns where column.defaultValue != nil {
            operations.append(
                .alterColumn(
                    column.table, column: column.column,
                    changes: ColumnChanges(defaultValue: .some(nil), existingDefault: .some(column.defaultValue))))
        }
        for column in use.columns {
            operations.append(
                .alterColumn(
                    column.table, column: column.column,
                    changes: ColumnChanges(
                        type: .enumeration(name: enumerationText(temporary, column.table), values: values),
                        existingType: .enumeration(name: enumerationText(type, column.table), values: use.values))))
        }
        operations.append(.dropEnumeration(type, values: use.values))
        operations.append(.renameEnumeration(temporary, to: type.name))
        for column in use.columns {
            guard let value = column.defaultValue else { continue }
            operations.append(
                .alterColumn(
                    column.table, column: column.column,
                    changes: ColumnChanges(defaultValue: .some(value), existingDefault: .some(nil))))
        }
        return operations
    }

    /// Whether two column types are one enumeration whose values the enumeration comparison
    /// looks after.
    func isSameEnumeration(_ type: ColumnType, _ other: ColumnType) -> Bool {
        guard dialect.enumerationStyle == .namedType, case .enumeration(let name, _) = type,
            case .enumeration(let otherName, _) = other
        else { return false }
        return name == otherName
    }
}

/// Schemas and extensions: created before everything else and dropped after everything else.
struct NamespaceComparison {
    let dialect: SQLDialect
    let options: SchemaComparisonOptions

    /// Schemas first (an extension may go in one), then extensions and their updates; at the end,
    /// extensions dropped, then schemas.
    func run(declared: Schema, reflected: Schema) -> (first: [Operation], last: [Operation]) {
        var first: [Operation] = []
        var droppedExtensions: [Operation] = []
        var droppedSchemas: [Operation] = []
        if dialect.supportsSchemas {
            let wanted = declaredSchemas(declared)
            let existing = reflected.schemas.filter(isIncluded)
            for name in wanted where !existing.contains(name) { first.append(.createSchema(name)) }
            for name in existing where !wanted.contains(name) { droppedSchemas.append(.dropSchema(name)) }
        }
        if dialect.supportsExtensions {
            for declaredExtension in declared.extensions {
                let wanted = normalized(declaredExtension)
                guard let existing = reflected.extensions.first(where: { $0.name == wanted.name }) else {
                    first.append(.createExtension(wanted))
                    continue
                }
                if let version = wanted.version, version != existing.version {
                    first.append(.alterExtension(wanted.name, version: version, previous: existing.version))
                }
            }
            for existing in reflected.extensions where !declared.extensions.contains(where: { $0.name == existing.name }) {
                droppedExtensions.append(.dropExtension(existing.name, definition: normalized(existing)))
            }
        }
        return (first, droppedExtensions + droppedSchemas)
    }

    /// The schemas the models declare, and those their tables, views, sequences and domains are
    /// placed in (which need no declaring of their own), included by the options and not the
    /// default one, in the order first met.
    func declaredSchemas(_ schema: Schema) -> [String] {
        var names: [String] = []
        func add(_ name: String?) {
            guard let name, !name.isEmpty, name != options.defaultSchema, isIncluded(name), !names.contains(name) else {
                return
            }
            names.append(name)
        }
        schema.schemas.forEach(add)
        schema.tables.forEach { add($0.name.schema) }
        schema.views.forEach { add($0.name.schema) }
        schema.sequences.forEach { add($0.name.schema) }
        schema.domains.forEach { add($0.name.schema) }
        schema.extensions.forEach { add($0.schema) }
        return names
    }

    func isIncluded(_ name: String) -> Bool {
        name != options.defaultSchema && options.includeSchemas.contains(name)
            && Comparison(dialect: dialect, options: options).passes(.schema, [name])
    }

    /// The default schema as no schema, so a declaration leaving it out matches.
    func normalized(_ extensionDefinition: DatabaseExtension) -> DatabaseExtension {
        var result = extensionDefinition
        if result.schema == options.defaultSchema { result.schema = nil }
        return result
    }
}
