import MigrateCore
import SwiftSyntax

/// The `Operations` methods migration files call, one ``Signature`` each: the interpreter reads
/// a call with it and the writer writes an operation with it, so the two cannot disagree on a
/// name, a label, an argument's order or how a value is spelled.
///
/// Each mirrors the method of the same name in MigrateKit's `Operations.swift` (labels, order,
/// defaults), which is what compiled migrations call.
enum OperationSignatures {
    /// The signatures by method name, for the interpreter.
    static let byName: [String: Signature<Operation>] = Dictionary(
        uniqueKeysWithValues: all.map { (String($0.callee.dropFirst("op.".count)), $0) })

    static let all: [Signature<Operation>] = [
        createTable, createVirtualTable, dropTable, renameTable, setTableComment, alterTableOptions, addColumn, dropColumn,
        alterColumn, createIndex,
        dropIndex, createUniqueConstraint, createCheckConstraint, createForeignKey, createPrimaryKey, dropConstraint,
        createView, dropView, createTrigger, dropTrigger, createSequence, alterSequence, dropSequence, execute,
        createDomain, alterDomain, dropDomain, createFunction, replaceFunction, dropFunction, attachPartition,
        detachPartition, createEnumeration, dropEnumeration, renameEnumeration, addEnumerationValue,
        dropEnumerationValue, renameEnumerationValue, createSchema, dropSchema, createExtension, alterExtension,
        dropExtension,
        bulkInsert, backfill,
    ]

    /// The signature that writes `operation`: a switch, so that a new case of ``Operation``
    /// does not compile until it has one. `op.run` has none: its argument is a closure, read by
    /// the interpreter's own code and written by the writer's.
    static func signature(of operation: Operation) -> Signature<Operation>? {
        switch operation {
        case .swiftCode: return nil
        case .createTable(let table): return table.virtualTableModule == nil ? createTable : createVirtualTable
        case .dropTable: return dropTable
        case .renameTable: return renameTable
        case .setTableComment: return setTableComment
        case .alterTableOptions: return alterTableOptions
        case .addColumn: return addColumn
        case .dropColumn: return dropColumn
        case .alterColumn: return alterColumn
        case .createIndex: return createIndex
        case .dropIndex: return dropIndex
        case .createUniqueConstraint: return createUniqueConstraint
        case .createCheckConstraint: return createCheckConstraint
        case .createForeignKey: return createForeignKey
        case .createPrimaryKey: return createPrimaryKey
        case .dropConstraint: return dropConstraint
        case .createView: return createView
        case .dropView: return dropView
        case .createTrigger: return createTrigger
        case .dropTrigger: return dropTrigger
        case .createSequence: return createSequence
        case .alterSequence: return alterSequence
        case .dropSequence: return dropSequence
        case .createDomain: return createDomain
        case .alterDomain: return alterDomain
        case .dropDomain: return dropDomain
        case .createEnumeration: return createEnumeration
        case .dropEnumeration: return dropEnumeration
        case .renameEnumeration: return renameEnumeration
        case .addEnumerationValue: return addEnumerationValue
        case .dropEnumerationValue: return dropEnumerationValue
        case .renameEnumerationValue: return renameEnumerationValue
        case .createSchema: return createSchema
        case .dropSchema: return dropSchema
        case .createExtension: return createExtension
        case .alterExtension: return alterExtension
        case .dropExtension: return dropExtension
        case .createFunction: return createFunction
        case .replaceFunction: return replaceFunction
        case .dropFunction: return dropFunction
        case .attachPartition: return attachPartition
        case .detachPartition: return detachPartition
        case .execute: return execute
        case .bulkInsert: return bulkInsert
        case .backfill: return backfill
        }
    }

    // MARK: Views and triggers

    static let createView: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let definition = Param.required("as", .string)
        let materialized = Param.optional("materialized", .bool)
        return Signature(
            "op.createView", [name, definition, materialized, schema],
            read: { a in
                .createView(
                    View(
                        try tableName(a, name), definition: try a(definition),
                        isMaterialized: try a.optional(materialized) ?? false))
            },
            write: { operation in
                guard case .createView(let view) = operation else { return nil }
                return [
                    name.written(view.name.name), definition.written(view.definition),
                    materialized.written(ifPresent: view.isMaterialized ? true : nil),
                    schema.written(ifPresent: view.name.schema),
                ]
            })
    }()

    static let dropView: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let materialized = Param.optional("materialized", .bool)
        let definition = Param.optional("definition", .string)
        return Signature(
            "op.dropView", [name, materialized, schema, definition],
            read: { a in
                .dropView(
                    try tableName(a, name), materialized: try a.optional(materialized) ?? false,
                    definition: try a.optional(definition))
            },
            write: { operation in
                guard case .dropView(let view, let isMaterialized, let query) = operation else { return nil }
                return [
                    name.written(view.name), materialized.written(ifPresent: isMaterialized ? true : nil),
                    schema.written(ifPresent: view.schema), definition.written(ifPresent: query),
                ]
            })
    }()

    static let createTrigger: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let on = Param.required("on", .string)
        let definition = Param.required("_definition", .string)
        return Signature(
            "op.createTrigger", [name, on, definition, schema],
            read: { a in
                .createTrigger(Trigger(try a(name), on: try tableName(a, on), definition: try a(definition)))
            },
            write: { operation in
                guard case .createTrigger(let trigger) = operation else { return nil }
                return [
                    name.written(trigger.name), on.written(trigger.table.name), definition.written(trigger.definition),
                    schema.written(ifPresent: trigger.table.schema),
                ]
            })
    }()

    static let dropTrigger: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let on = Param.required("on", .string)
        let definition = Param.optional("definition", .string)
        return Signature(
            "op.dropTrigger", [name, on, schema, definition],
            read: { a in
                .dropTrigger(name: try a(name), table: try tableName(a, on), definition: try a.optional(definition))
            },
            write: { operation in
                guard case .dropTrigger(let triggerName, let table, let statement) = operation else { return nil }
                return [
                    name.written(triggerName), on.written(table.name), schema.written(ifPresent: table.schema),
                    definition.written(ifPresent: statement),
                ]
            })
    }()

    // MARK: Sequences

    static let createSequence: Signature<Operation> = {
        let sequence = Param.required("_sequence", .sequence)
        return Signature(
            "op.createSequence", [sequence],
            read: { a in .createSequence(try a(sequence)) },
            write: { operation in
                guard case .createSequence(let created) = operation else { return nil }
                return [sequence.written(created)]
            })
    }()

    static let alterSequence: Signature<Operation> = {
        let sequence = Param.required("_sequence", .sequence)
        let previous = Param.optional("previous", .sequence)
        return Signature(
            "op.alterSequence", [sequence, previous],
            read: { a in .alterSequence(try a(sequence), previous: try a.optional(previous)) },
            write: { operation in
                guard case .alterSequence(let altered, let before) = operation else { return nil }
                return [sequence.written(altered), previous.written(ifPresent: before)]
            })
    }()

    static let dropSequence: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let definition = Param.optional("definition", .sequence)
        return Signature(
            "op.dropSequence", [name, schema, definition],
            read: { a in .dropSequence(try tableName(a, name), definition: try a.optional(definition)) },
            write: { operation in
                guard case .dropSequence(let sequence, let dropped) = operation else { return nil }
                return [
                    name.written(sequence.name), schema.written(ifPresent: sequence.schema),
                    definition.written(ifPresent: dropped),
                ]
            })
    }()

    // MARK: Domains

    static let createDomain: Signature<Operation> = {
        let domain = Param.required("_domain", .domain)
        return Signature(
            "op.createDomain", [domain],
            read: { a in .createDomain(try a(domain)) },
            write: { operation in
                guard case .createDomain(let created) = operation else { return nil }
                return [domain.written(created)]
            })
    }()

    static let alterDomain: Signature<Operation> = {
        let domain = Param.required("_domain", .domain)
        let previous = Param.optional("previous", .domain)
        return Signature(
            "op.alterDomain", [domain, previous],
            read: { a in .alterDomain(try a(domain), previous: try a.optional(previous)) },
            write: { operation in
                guard case .alterDomain(let altered, let before) = operation else { return nil }
                return [domain.written(altered), previous.written(ifPresent: before)]
            })
    }()

    static let dropDomain: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let definition = Param.optional("definition", .domain)
        return Signature(
            "op.dropDomain", [name, schema, definition],
            read: { a in .dropDomain(try tableName(a, name), definition: try a.optional(definition)) },
            write: { operation in
                guard case .dropDomain(let domain, let dropped) = operation else { return nil }
                return [
                    name.written(domain.name), schema.written(ifPresent: domain.schema),
                    definition.written(ifPresent: dropped),
                ]
            })
    }()

    // MARK: Enumerations

    static let createEnumeration: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let values = Param.required("values", .strings)
        return Signature(
            "op.createEnumeration", [name, values, schema],
            read: { a in .createEnumeration(try tableName(a, name), values: try a(values)) },
            write: { operation in
                guard case .createEnumeration(let type, let list) = operation else { return nil }
                return [name.written(type.name), values.written(list), schema.written(ifPresent: type.schema)]
            })
    }()

    static let dropEnumeration: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let values = Param.optional("values", .strings)
        return Signature(
            "op.dropEnumeration", [name, schema, values],
            read: { a in .dropEnumeration(try tableName(a, name), values: try a.optional(values)) },
            write: { operation in
                guard case .dropEnumeration(let type, let list) = operation else { return nil }
                return [name.written(type.name), schema.written(ifPresent: type.schema), values.written(ifPresent: list)]
            })
    }()

    static let renameEnumeration: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let newName = Param.required("to", .string)
        return Signature(
            "op.renameEnumeration", [name, newName, schema],
            read: { a in .renameEnumeration(try tableName(a, name), to: try a(newName)) },
            write: { operation in
                guard case .renameEnumeration(let type, let renamed) = operation else { return nil }
                return [name.written(type.name), newName.written(renamed), schema.written(ifPresent: type.schema)]
            })
    }()

    static let addEnumerationValue: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let value = Param.required("_value", .string)
        let before = Param.optional("before", .string)
        let after = Param.optional("after", .string)
        return Signature(
            "op.addEnumerationValue", [name, value, before, after, schema],
            read: { a in
                .addEnumerationValue(
                    try tableName(a, name), value: try a(value), before: try a.optional(before),
                    after: try a.optional(after))
            },
            write: { operation in
                guard case .addEnumerationValue(let type, let added, let beforeValue, let afterValue) = operation
                else { return nil }
                return [
                    name.written(type.name), value.written(added), before.written(ifPresent: beforeValue),
                    after.written(ifPresent: afterValue), schema.written(ifPresent: type.schema),
                ]
            })
    }()

    static let dropEnumerationValue: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let value = Param.required("_value", .string)
        let before = Param.optional("before", .string)
        let after = Param.optional("after", .string)
        return Signature(
            "op.dropEnumerationValue", [name, value, before, after, schema],
            read: { a in
                .dropEnumerationValue(
                    try tableName(a, name), value: try a(value), before: try a.optional(before),
                    after: try a.optional(after))
            },
            write: { operation in
                guard case .dropEnumerationValue(let type, let dropped, let beforeValue, let afterValue) = operation
                else { return nil }
                return [
                    name.written(type.name), value.written(dropped), before.written(ifPresent: beforeValue),
                    after.written(ifPresent: afterValue), schema.written(ifPresent: type.schema),
                ]
            })
    }()

    static let renameEnumerationValue: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let from = Param.required("from", .string)
        let to = Param.required("to", .string)
        return Signature(
            "op.renameEnumerationValue", [name, from, to, schema],
            read: { a in .renameEnumerationValue(try tableName(a, name), from: try a(from), to: try a(to)) },
            write: { operation in
                guard case .renameEnumerationValue(let type, let old, let new) = operation else { return nil }
                return [name.written(type.name), from.written(old), to.written(new), schema.written(ifPresent: type.schema)]
            })
    }()

    // MARK: Schemas and extensions

    static let createSchema: Signature<Operation> = {
        let name = Param.required("_name", .string)
        return Signature(
            "op.createSchema", [name],
            read: { a in .createSchema(try a(name)) },
            write: { operation in
                guard case .createSchema(let created) = operation else { return nil }
                return [name.written(created)]
            })
    }()

    static let dropSchema: Signature<Operation> = {
        let name = Param.required("_name", .string)
        return Signature(
            "op.dropSchema", [name],
            read: { a in .dropSchema(try a(name)) },
            write: { operation in
                guard case .dropSchema(let dropped) = operation else { return nil }
                return [name.written(dropped)]
            })
    }()

    static let createExtension: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let version = Param.optional("version", .string)
        return Signature(
            "op.createExtension", [name, schema, version],
            read: { a in
                .createExtension(
                    DatabaseExtension(try a(name), schema: try a.optional(schema), version: try a.optional(version)))
            },
            write: { operation in
                guard case .createExtension(let created) = operation else { return nil }
                return [
                    name.written(created.name), schema.written(ifPresent: created.schema),
                    version.written(ifPresent: created.version),
                ]
            })
    }()

    static let alterExtension: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let version = Param.required("version", .string)
        let previous = Param.optional("previous", .string)
        return Signature(
            "op.alterExtension", [name, version, previous],
            read: { a in .alterExtension(try a(name), version: try a(version), previous: try a.optional(previous)) },
            write: { operation in
                guard case .alterExtension(let altered, let newVersion, let oldVersion) = operation else { return nil }
                return [name.written(altered), version.written(newVersion), previous.written(ifPresent: oldVersion)]
            })
    }()

    static let dropExtension: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let version = Param.optional("version", .string)
        return Signature(
            "op.dropExtension", [name, schema, version],
            read: { a in
                let extensionName = try a(name)
                return .dropExtension(
                    extensionName,
                    definition: DatabaseExtension(
                        extensionName, schema: try a.optional(schema), version: try a.optional(version)))
            },
            write: { operation in
                guard case .dropExtension(let dropped, let definition) = operation else { return nil }
                return [
                    name.written(dropped), schema.written(ifPresent: definition?.schema),
                    version.written(ifPresent: definition?.version),
                ]
            })
    }()

    // MARK: Functions and procedures

    static let createFunction: Signature<Operation> = {
        let definition = Param.required("_definition", .function)
        return Signature(
            "op.createFunction", [definition],
            read: { a in .createFunction(try a(definition)) },
            write: { operation in
                guard case .createFunction(let function) = operation else { return nil }
                return [definition.written(function)]
            })
    }()

    static let replaceFunction: Signature<Operation> = {
        let definition = Param.required("_definition", .function)
        let previous = Param.optional("previous", .function)
        return Signature(
            "op.replaceFunction", [definition, previous],
            read: { a in .replaceFunction(try a(definition), previous: try a.optional(previous)) },
            write: { operation in
                guard case .replaceFunction(let function, let before) = operation else { return nil }
                return [definition.written(function), previous.written(ifPresent: before)]
            })
    }()

    static let dropFunction: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let arguments = Param.required("arguments", .string)
        let procedure = Param.optional("procedure", .bool)
        let definition = Param.optional("definition", .string)
        return Signature(
            "op.dropFunction", [name, arguments, schema, procedure, definition],
            read: { a in
                .dropFunction(
                    try tableName(a, name), arguments: try a(arguments), procedure: try a.optional(procedure) ?? false,
                    definition: try a.optional(definition))
            },
            write: { operation in
                guard case .dropFunction(let function, let types, let isProcedure, let statement) = operation else {
                    return nil
                }
                return [
                    name.written(function.name), arguments.written(types), schema.written(ifPresent: function.schema),
                    procedure.written(ifPresent: isProcedure ? true : nil), definition.written(ifPresent: statement),
                ]
            })
    }()

    /// `schema:`, which every table operation takes last (or nearly).
    private static let schema = Param.optional("schema", .string)

    // MARK: Partitions

    static let attachPartition: Signature<Operation> = {
        let name = Param.required("_partition", .string)
        let to = Param.required("to", .string)
        let bound = Param.required("bound", .string)
        return Signature(
            "op.attachPartition", [name, to, bound, schema],
            read: { a in
                .attachPartition(
                    try tableName(a, name), TablePartition(of: try tableName(a, to), bound: try a(bound)))
            },
            write: { operation in
                guard case .attachPartition(let table, let partition) = operation else { return nil }
                return [
                    name.written(table.name), to.written(partition.parent.name), bound.written(partition.bound),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    static let detachPartition: Signature<Operation> = {
        let name = Param.required("_partition", .string)
        let from = Param.required("from", .string)
        let bound = Param.required("bound", .string)
        return Signature(
            "op.detachPartition", [name, from, bound, schema],
            read: { a in
                .detachPartition(
                    try tableName(a, name), TablePartition(of: try tableName(a, from), bound: try a(bound)))
            },
            write: { operation in
                guard case .detachPartition(let table, let partition) = operation else { return nil }
                return [
                    name.written(table.name), from.written(partition.parent.name), bound.written(partition.bound),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    /// The table named by `param`, in the schema of the `schema:` argument.
    private static func tableName(_ a: Arguments, _ param: Param<String>) throws -> TableName {
        TableName(try a(param), schema: try a.optional(schema))
    }

    // MARK: Tables

    static let createTable: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let elements = VariadicParam<Table>(
            "_elements", read: { try $0.table(name: TableName(""), elements: $1, comment: nil) },
            write: { SwiftMigrationWriter.elements(of: $0).compactMap(\.value) })
        let comment = Param.optional("comment", .string)
        let strict = Param.optional("strict", .bool)
        let withoutRowid = Param.optional("withoutRowid", .bool)
        let autoincrement = Param.optional("autoincrement", .bool)
        let partitionBy = Param.optional("partitionBy", .partitionKey)
        let partitionOf = Param.optional("partitionOf", .string)
        let bound = Param.optional("bound", .string)
        return Signature(
            "op.createTable",
            [name, elements, schema, comment, strict, withoutRowid, autoincrement, partitionBy, partitionOf, bound],
            multiline: true,
            read: { a in
                var table = try a(elements)
                table.name = try tableName(a, name)
                for index in table.indexes.indices { table.indexes[index].table = table.name }
                table.comment = try a.optional(comment)
                table.sqliteOptions = SQLiteTableOptions(
                    isStrict: try a.optional(strict) ?? false, isWithoutRowid: try a.optional(withoutRowid) ?? false,
                    autoincrement: try a.optional(autoincrement) ?? false)
                try a.source.readPartitioning(a.bound, into: &table)
                return .createTable(table)
            },
            write: { operation in
                guard case .createTable(let table) = operation else { return nil }
                let options = table.sqliteOptions
                return [
                    name.written(table.name.name), elements.written(table), schema.written(ifPresent: table.name.schema),
                    comment.written(ifPresent: table.comment), strict.written(ifPresent: options.isStrict ? true : nil),
                    withoutRowid.written(ifPresent: options.isWithoutRowid ? true : nil),
                    autoincrement.written(ifPresent: options.autoincrement ? true : nil),
                    partitionBy.written(ifPresent: table.partitionKey),
                    partitionOf.written(ifPresent: table.partitionOf?.parent.name),
                    bound.written(ifPresent: table.partitionOf?.bound),
                ]
            })
    }()

    static let createVirtualTable: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let module = Param.required("using", .string)
        return Signature(
            "op.createVirtualTable", [name, module, schema],
            read: { a in .createTable(Table(virtual: try tableName(a, name), using: try a(module))) },
            write: { operation in
                guard case .createTable(let table) = operation, let using = table.virtualTableModule else { return nil }
                return [name.written(table.name.name), module.written(using), schema.written(ifPresent: table.name.schema)]
            })
    }()

    static let dropTable: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let definition = Param.optional("definition", .table)
        return Signature(
            "op.dropTable", [name, schema, definition],
            read: { a in .dropTable(try tableName(a, name), definition: try a.optional(definition)) },
            write: { operation in
                guard case .dropTable(let table, let table_definition) = operation else { return nil }
                return [
                    name.written(table.name), schema.written(ifPresent: table.schema),
                    definition.written(ifPresent: table_definition),
                ]
            })
    }()

    static let alterTableOptions: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let strict = Param.optional("strict", .bool)
        let withoutRowid = Param.optional("withoutRowid", .bool)
        let autoincrement = Param.optional("autoincrement", .bool)
        return Signature(
            "op.alterTableOptions", [table, strict, withoutRowid, autoincrement, schema],
            read: { a in
                .alterTableOptions(
                    try tableName(a, table),
                    SQLiteTableOptions(
                        isStrict: try a.optional(strict) ?? false, isWithoutRowid: try a.optional(withoutRowid) ?? false,
                        autoincrement: try a.optional(autoincrement) ?? false))
            },
            write: { operation in
                guard case .alterTableOptions(let name, let options) = operation else { return nil }
                // All three are written: the call sets the whole set of options.
                return [
                    table.written(name.name), strict.written(options.isStrict),
                    withoutRowid.written(options.isWithoutRowid), autoincrement.written(options.autoincrement),
                    schema.written(ifPresent: name.schema),
                ]
            })
    }()

    static let renameTable: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let to = Param.required("to", .string)
        return Signature(
            "op.renameTable", [name, to, schema],
            read: { a in .renameTable(try tableName(a, name), to: try a(to)) },
            write: { operation in
                guard case .renameTable(let table, let newName) = operation else { return nil }
                return [name.written(table.name), to.written(newName), schema.written(ifPresent: table.schema)]
            })
    }()

    static let setTableComment: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let comment = Param.required("_comment", .optionalString)
        let previous = Param.optional("previous", .string)
        return Signature(
            "op.setTableComment", [table, comment, previous, schema],
            read: { a in
                .setTableComment(try tableName(a, table), comment: try a(comment), previous: try a.optional(previous))
            },
            write: { operation in
                guard case .setTableComment(let name, let text, let previousText) = operation else { return nil }
                return [
                    table.written(name.name), comment.written(text), previous.written(ifPresent: previousText),
                    schema.written(ifPresent: name.schema),
                ]
            })
    }()

    // MARK: Columns

    static let addColumn: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let column = Param.required("_column", .column)
        return Signature(
            "op.addColumn", [table, column, schema],
            read: { a in .addColumn(try tableName(a, table), try a(column)) },
            write: { operation in
                guard case .addColumn(let name, let added) = operation else { return nil }
                return [table.written(name.name), column.written(added), schema.written(ifPresent: name.schema)]
            })
    }()

    static let dropColumn: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let column = Param.required("_column", .string)
        let definition = Param.optional("definition", .column)
        return Signature(
            "op.dropColumn", [table, column, schema, definition],
            read: { a in
                .dropColumn(try tableName(a, table), column: try a(column), definition: try a.optional(definition))
            },
            write: { operation in
                guard case .dropColumn(let name, let dropped, let droppedDefinition) = operation else { return nil }
                return [
                    table.written(name.name), column.written(dropped), schema.written(ifPresent: name.schema),
                    definition.written(ifPresent: droppedDefinition),
                ]
            })
    }()

    /// `dropDefault:` and `dropComment:` say "remove" (a nil `default:` would read as
    /// "unchanged"); `existingDefault:`/`existingComment:` write "known to be none" as `.some(nil)`.
    static let alterColumn: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let column = Param.required("_column", .string)
        let newName = Param.optional("newName", .optionalString)
        let type = Param.optional("type", .columnType)
        let nullable = Param.optional("nullable", .bool)
        let defaultValue = Param.optional("default", .serverDefault)
        let dropDefault = Param.optional("dropDefault", .bool)
        let comment = Param.optional("comment", .string)
        let dropComment = Param.optional("dropComment", .bool)
        let existingType = Param.optional("existingType", .columnType)
        let existingNullable = Param.optional("existingNullable", .bool)
        let existingDefault = Param.optional("existingDefault", .someOrNil(.serverDefault))
        let existingComment = Param.optional("existingComment", .someOrNil(.string))
        let collation = Param.optional("collation", .string)
        let dropCollation = Param.optional("dropCollation", .bool)
        let existingCollation = Param.optional("existingCollation", .someOrNil(.string))
        let identity = Param.optional("identity", .identity)
        let existingIdentity = Param.optional("existingIdentity", .identity)
        let generated = Param.optional("generated", .generatedColumn)
        let dropExpression = Param.optional("dropExpression", .bool)
        let existingGenerated = Param.optional("existingGenerated", .someOrNil(.generatedColumn))
        let sequence = Param.optional("sequence", .sequenceOptions)
        let existingSequence = Param.optional("existingSequence", .sequenceOptions)
        return Signature(
            "op.alterColumn",
            [
                table, column, newName, type, nullable, defaultValue, dropDefault, comment, dropComment, existingType,
                existingNullable, existingDefault, existingComment, collation, dropCollation, existingCollation, schema,
                identity, existingIdentity, generated, dropExpression, existingGenerated, sequence, existingSequence,
            ],
            read: { a in
                let drops = (default: try a.optional(dropDefault) ?? false, comment: try a.optional(dropComment) ?? false)
                let newDefault = try a.optional(defaultValue)
                let newComment = try a.optional(comment)
                var changes = ColumnChanges(
                    newName: try a.optional(newName) ?? nil, type: try a.optional(type), isNullable: try a.optional(nullable),
                    defaultValue: drops.default ? .some(nil) : newDefault.map { .some($0) },
                    comment: drops.comment ? .some(nil) : newComment.map { .some($0) },
                    existingType: try a.optional(existingType), existingNullable: try a.optional(existingNullable),
                    existingDefault: try a.optional(existingDefault), existingComment: try a.optional(existingComment))
                let newCollation = try a.optional(collation)
                changes.collation = try a.optional(dropCollation) == true ? .some(nil) : newCollation.map { .some($0) }
                changes.existingCollation = try a.optional(existingCollation)
                changes.identity = try a.optional(identity)
                changes.existingIdentity = try a.optional(existingIdentity)
                let newGenerated = try a.optional(generated)
                changes.generated = try a.optional(dropExpression) == true ? .some(nil) : newGenerated.map { .some($0) }
                changes.existingGenerated = try a.optional(existingGenerated)
                changes.sequence = try a.optional(sequence)
                changes.existingSequence = try a.optional(existingSequence)
                return .alterColumn(try tableName(a, table), column: try a(column), changes: changes)
            },
            write: { operation in
                guard case .alterColumn(let name, let altered, let changes) = operation else { return nil }
                return [
                    // `newName:` is always written (`nil` for no rename), as files written so far have it.
                    table.written(name.name), column.written(altered), newName.written(changes.newName),
                    type.written(ifPresent: changes.type), nullable.written(ifPresent: changes.isNullable),
                    defaultValue.written(ifPresent: changes.defaultValue ?? nil),
                    dropDefault.written(ifPresent: changes.defaultValue.flatMap { $0 == nil ? true : nil }),
                    comment.written(ifPresent: changes.comment ?? nil),
                    dropComment.written(ifPresent: changes.comment.flatMap { $0 == nil ? true : nil }),
                    existingType.written(ifPresent: changes.existingType),
                    existingNullable.written(ifPresent: changes.existingNullable),
                    existingDefault.written(ifPresent: changes.existingDefault),
                    existingComment.written(ifPresent: changes.existingComment),
                    collation.written(ifPresent: changes.collation ?? nil),
                    dropCollation.written(ifPresent: changes.collation.flatMap { $0 == nil ? true : nil }),
                    existingCollation.written(ifPresent: changes.existingCollation), schema.written(ifPresent: name.schema),
                    identity.written(ifPresent: changes.identity), existingIdentity.written(ifPresent: changes.existingIdentity),
                    generated.written(ifPresent: changes.generated ?? nil),
                    dropExpression.written(ifPresent: changes.generated.flatMap { $0 == nil ? true : nil }),
                    existingGenerated.written(ifPresent: changes.existingGenerated),
                    sequence.written(ifPresent: changes.sequence),
                    existingSequence.written(ifPresent: changes.existingSequence),
                ]
            })
    }()

    // MARK: Indexes

    /// `columns:` for plain columns, `keys:` when any key is an expression; exactly one is given.
    static let createIndex: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let on = Param.required("on", .string)
        let columns = Param.optional("columns", .strings)
        let keys = Param.optional("keys", .indexKeys)
        let unique = Param.optional("unique", .bool)
        let predicate = Param.optional("where", .string)
        let method = Param.optional("using", .string)
        let include = Param.optional("include", .strings)
        return Signature(
            "op.createIndex", [name, on, columns, keys, unique, predicate, schema, method, include],
            read: { a in
                .createIndex(Index(
                    name: try a(name), table: try tableName(a, on),
                    keys: try a.source.indexKeys(a.bound, callee: "op.createIndex"),
                    isUnique: try a.optional(unique) ?? false, predicate: try a.optional(predicate),
                    method: try a.optional(method), include: try a.optional(include) ?? []))
            },
            write: { operation in
                guard case .createIndex(let index) = operation else { return nil }
                let plainColumns = index.keys.compactMap(\.columnName)
                return [
                    name.written(index.name), on.written(index.table.name),
                    columns.written(ifPresent: plainColumns.count == index.keys.count ? plainColumns : nil),
                    keys.written(ifPresent: plainColumns.count == index.keys.count ? nil : index.keys),
                    unique.written(ifPresent: index.isUnique ? true : nil), predicate.written(ifPresent: index.predicate),
                    schema.written(ifPresent: index.table.schema), method.written(ifPresent: index.method),
                    include.written(ifPresent: index.include.isEmpty ? nil : index.include),
                ]
            })
    }()

    static let dropIndex: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let on = Param.required("on", .string)
        let definition = Param.optional("definition", .index)
        return Signature(
            "op.dropIndex", [name, on, schema, definition],
            read: { a in
                let table = try tableName(a, on)
                var index = try a.optional(definition)
                index?.table = table
                return .dropIndex(name: try a(name), table: table, definition: index)
            },
            write: { operation in
                guard case .dropIndex(let indexName, let table, let index) = operation else { return nil }
                return [
                    name.written(indexName), on.written(table.name), schema.written(ifPresent: table.schema),
                    definition.written(ifPresent: index),
                ]
            })
    }()

    // MARK: Constraints

    static let createUniqueConstraint: Signature<Operation> = {
        let name = Param.required("_name", .optionalString)
        let on = Param.required("on", .string)
        let columns = Param.required("columns", .strings)
        return Signature(
            "op.createUniqueConstraint", [name, on, columns, schema],
            read: { a in
                .createUniqueConstraint(try tableName(a, on), UniqueConstraint(name: try a(name), columns: try a(columns)))
            },
            write: { operation in
                guard case .createUniqueConstraint(let table, let constraint) = operation else { return nil }
                return [
                    name.written(constraint.name), on.written(table.name), columns.written(constraint.columns),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    static let createCheckConstraint: Signature<Operation> = {
        let name = Param.required("_name", .optionalString)
        let on = Param.required("on", .string)
        let condition = Param.required("condition", .string)
        return Signature(
            "op.createCheckConstraint", [name, on, condition, schema],
            read: { a in
                .createCheckConstraint(try tableName(a, on), CheckConstraint(name: try a(name), expression: try a(condition)))
            },
            write: { operation in
                guard case .createCheckConstraint(let table, let constraint) = operation else { return nil }
                return [
                    name.written(constraint.name), on.written(table.name), condition.written(constraint.expression),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    static let createForeignKey: Signature<Operation> = {
        let name = Param.required("_name", .optionalString)
        let on = Param.required("on", .string)
        let columns = Param.required("columns", .strings)
        let references = Param.required("references", .string)
        let referencedColumns = Param.required("referencedColumns", .strings)
        let onDelete = Param.optional("onDelete", .referentialAction)
        let onUpdate = Param.optional("onUpdate", .referentialAction)
        let referencedSchema = Param.optional("referencedSchema", .string)
        let deferrable = Param.optional("deferrable", .constraintDeferral)
        let match = Param.optional("match", .foreignKeyMatch)
        return Signature(
            "op.createForeignKey",
            [name, on, columns, references, referencedColumns, onDelete, onUpdate, schema, referencedSchema, deferrable, match],
            read: { a in
                .createForeignKey(
                    try tableName(a, on),
                    ForeignKey(
                        name: try a(name), columns: try a(columns),
                        references: TableName(try a(references), schema: try a.optional(referencedSchema)),
                        referencedColumns: try a(referencedColumns), onDelete: try a.optional(onDelete),
                        onUpdate: try a.optional(onUpdate), deferrable: try a.optional(deferrable), match: try a.optional(match)))
            },
            write: { operation in
                guard case .createForeignKey(let table, let key) = operation else { return nil }
                return [
                    name.written(key.name), on.written(table.name), columns.written(key.columns),
                    references.written(key.referencedTable.name), referencedColumns.written(key.referencedColumns),
                    onDelete.written(ifPresent: key.onDelete), onUpdate.written(ifPresent: key.onUpdate),
                    schema.written(ifPresent: table.schema), referencedSchema.written(ifPresent: key.referencedTable.schema),
                    deferrable.written(ifPresent: key.deferrable), match.written(ifPresent: key.match),
                ]
            })
    }()

    static let createPrimaryKey: Signature<Operation> = {
        let name = Param.required("_name", .optionalString)
        let on = Param.required("on", .string)
        let columns = Param.required("columns", .strings)
        return Signature(
            "op.createPrimaryKey", [name, on, columns, schema],
            read: { a in .createPrimaryKey(try tableName(a, on), name: try a(name), columns: try a(columns)) },
            write: { operation in
                guard case .createPrimaryKey(let table, let keyName, let keyColumns) = operation else { return nil }
                return [
                    name.written(keyName), on.written(table.name), columns.written(keyColumns),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    static let dropConstraint: Signature<Operation> = {
        let name = Param.required("_name", .string)
        let on = Param.required("on", .string)
        let kind = Param.required("kind", .constraintKind)
        return Signature(
            "op.dropConstraint", [name, on, kind, schema],
            read: { a in .dropConstraint(try tableName(a, on), name: try a(name), kind: try a(kind)) },
            write: { operation in
                guard case .dropConstraint(let table, let constraintName, let constraintKind) = operation else { return nil }
                return [
                    name.written(constraintName), on.written(table.name), kind.written(constraintKind),
                    schema.written(ifPresent: table.schema),
                ]
            })
    }()

    // MARK: SQL and data

    static let execute: Signature<Operation> = {
        let sql = Param.required("_sql", .string)
        return Signature(
            "op.execute", [sql],
            read: { a in .execute(try a(sql)) },
            write: { operation in
                guard case .execute(let text) = operation else { return nil }
                return [sql.written(text)]
            })
    }()

    /// Rows are dictionaries (the columns are their keys, sorted) or, with `columns:`, arrays in
    /// that order; the writer uses dictionaries when the columns are sorted and distinct.
    static let bulkInsert: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let columns = Param.optional("columns", .strings)
        let rows = Param.required("rows", .positionalRows)
        let namedRows = Param(parameter: rows.parameter, kind: .namedRows)
        return Signature(
            "op.bulkInsert", [table, columns, rows, schema],
            read: { a in
                let name = try tableName(a, table)
                if let columns = try a.optional(columns) {
                    let values = try a(rows)
                    if let bad = values.firstIndex(where: { $0.count != columns.count }), let list = a.syntax(rows) {
                        throw a.source.error(
                            "this row has \(values[bad].count) values for \(columns.count) columns",
                            at: try a.source.array(list, of: "rows")[bad],
                            hint: "give one value per column, in the order of `columns:`")
                    }
                    return .bulkInsert(name, columns: columns, rows: values)
                }
                let named = try a(namedRows)
                let names = Set(named.flatMap { $0.map(\.column) }).sorted()
                let values = named.map { row in
                    names.map { column in row.first { $0.column == column }?.value ?? .null }
                }
                return .bulkInsert(name, columns: names, rows: values)
            },
            write: { operation in
                guard case .bulkInsert(let name, let rowColumns, let rowValues) = operation else { return nil }
                let asDictionaries = !rowValues.isEmpty && rowColumns == Array(Set(rowColumns)).sorted()
                let rowArgument = asDictionaries
                    ? namedRows.written(rowValues.map { row in zip(rowColumns, row).map { (column: $0, value: $1) } })
                    : rows.written(rowValues)
                return [
                    table.written(name.name), columns.written(ifPresent: asDictionaries ? nil : rowColumns), rowArgument,
                    schema.written(ifPresent: name.schema),
                ]
            })
    }()

    /// `set:` is a dictionary literal from column to SQL expression, kept in the order written.
    static let backfill: Signature<Operation> = {
        let table = Param.required("_table", .string)
        let set = Param.required("set", .assignments)
        let condition = Param.required("where", .string)
        let key = Param.optional("key", .string)
        let batchSize = Param.optional("batchSize", .integer)
        return Signature(
            "op.backfill", [table, set, condition, key, batchSize, schema],
            read: { a in
                .backfill(
                    Backfill(
                        table: try tableName(a, table), assignments: try a(set), condition: try a(condition),
                        key: try a.optional(key) ?? Backfill.defaultKey,
                        batchSize: try a.optional(batchSize) ?? Backfill.defaultBatchSize))
            },
            write: { operation in
                guard case .backfill(let backfill) = operation else { return nil }
                return [
                    table.written(backfill.table.name), set.written(backfill.assignments),
                    condition.written(backfill.condition),
                    key.written(ifPresent: backfill.key == Backfill.defaultKey ? nil : backfill.key),
                    batchSize.written(ifPresent: backfill.batchSize == Backfill.defaultBatchSize ? nil : backfill.batchSize),
                    schema.written(ifPresent: backfill.table.schema),
                ]
            })
    }()
}

extension LiteralKind where Value == [Backfill.Assignment] {
    /// `["column": "SQL expression", …]`, in source order.
    static var assignments: LiteralKind {
        LiteralKind(
            read: { source, expression in
                try source.dictionary(expression, of: "columns and SQL expressions").map {
                    Backfill.Assignment(column: $0.key, expression: try source.string($0.value))
                }
            },
            write: { assignments in
                .dictionary(assignments.map {
                    SwiftExpression.DictionaryEntry(
                        key: SwiftMigrationWriter.literal($0.column), value: SwiftMigrationWriter.literal($0.expression))
                })
            })
    }
}

extension LiteralKind where Value == Int {
    static var integer: LiteralKind { LiteralKind(read: { try $0.integer($1) }, write: SwiftMigrationWriter.integer) }
}

extension LiteralKind where Value == [[SQLValue]] {
    /// Rows as arrays of values, one line each.
    static var positionalRows: LiteralKind {
        LiteralKind(
            read: { source, expression in
                try source.array(expression, of: "rows").map { try source.array($0, of: "values").map(source.sqlValue) }
            },
            write: { rows in
                SwiftMigrationWriter.list(
                    rows.map { SwiftMigrationWriter.list($0.map(SwiftMigrationWriter.sqlValue), multiline: false) },
                    multiline: true)
            })
    }
}

extension LiteralKind where Value == [[(column: String, value: SQLValue)]] {
    /// Rows as dictionaries from column to value, one line each.
    static var namedRows: LiteralKind {
        LiteralKind(
            read: { source, expression in
                try source.array(expression, of: "rows").map { row in
                    try source.dictionary(row, of: "column values").map { (column: $0.key, value: try source.sqlValue($0.value)) }
                }
            },
            write: { rows in
                SwiftMigrationWriter.list(
                    rows.map { row in
                        .dictionary(row.map {
                            SwiftExpression.DictionaryEntry(
                                key: SwiftMigrationWriter.literal($0.column), value: SwiftMigrationWriter.sqlValue($0.value))
                        })
                    },
                    multiline: true)
            })
    }
}
