import MigrateCore

/// Reads a table's current definition, for the operations SQLite can only carry out by
/// rebuilding the table. Online runs read the database; offline SQLite scripts read a scratch
/// in-memory database that the script's statements are also applied to.
package protocol SchemaInspector: AnyObject {
    /// The table as the database holds it now, or nil when there is no such table.
    func table(_ name: TableName) throws -> Table?
    /// The table plus what a rebuild must carry over or refuse beyond the schema vocabulary:
    /// the views and triggers to drop and recreate, and the clauses it cannot keep.
    func rebuildSource(for name: TableName) throws -> TableRebuildSource?
}

/// What a table rebuild starts from: the table, and what lives outside the ``Table`` model.
package struct TableRebuildSource: Sendable, Hashable {
    package var table: Table
    /// Views and triggers that mention the table (directly or through another view), in the
    /// order they were created: dropped before the rebuild and created again after it.
    package var dependents: [SchemaObjectDefinition]
    /// Parts of the table's definition the vocabulary cannot hold (`WITHOUT ROWID`, a `COLLATE`
    /// on a column, …), each a short phrase; a rebuild would lose them, so it refuses.
    package var unrepresentable: [String]

    package init(table: Table, dependents: [SchemaObjectDefinition] = [], unrepresentable: [String] = []) {
        self.table = table
        self.dependents = dependents
        self.unrepresentable = unrepresentable
    }
}

/// A view or trigger as its `CREATE` statement.
package struct SchemaObjectDefinition: Sendable, Hashable {
    package enum Kind: String, Sendable, Hashable {
        case view = "VIEW"
        case trigger = "TRIGGER"
    }

    package var kind: Kind
    package var name: String
    package var sql: String

    package init(kind: Kind, name: String, sql: String) {
        self.kind = kind
        self.name = name
        self.sql = sql
    }
}

extension SQLDialect {
    /// The statements that carry out one operation on this dialect.
    ///
    /// `inspector` gives the current definition of tables that must be rebuilt (dialects with
    /// ``canRebuildTables``); it is read, never written, so the statements of one operation are
    /// rendered against the schema as it is before that operation runs.
    /// Throws when the dialect cannot express the operation: a clause is never silently dropped.
    package func statements(for operation: Operation, inspector: SchemaInspector?) throws -> [String] {
        do {
            return try render(operation, inspector: inspector)
        } catch var error as MigrateError where error.kind == .script {
            error.message = "\(operation.title): \(error.message)"
            throw error
        }
    }

    private func render(_ operation: Operation, inspector: SchemaInspector?) throws -> [String] {
        switch operation {
        case .createTable(let table):
            return try createTableStatements(table)

        case .dropTable(let name, let definition):
            try checkSchema(name)
            var statements = ["DROP TABLE \(qualified(name))"]
            if let definition {
                statements += try dropEnumerationTypes(usedBy: definition.columns.map(\.type), schema: name.schema)
            }
            return statements

        case .renameTable(let name, let newName):
            try checkSchema(name)
            return ["ALTER TABLE \(qualified(name)) RENAME TO \(quoteIdentifier(newName))"]

        case .addColumn(let name, let column):
            return try addColumnStatements(name, column, inspector: inspector)

        case .dropColumn(let name, let column, let definition):
            return try dropColumnStatements(name, column, definition: definition, inspector: inspector)

        case .alterColumn(let name, let column, let changes):
            return try alterColumnStatements(name, column, changes, inspector: inspector)

        case .createIndex(let index):
            try checkSchema(index.table)
            return [try createIndexSQL(index)]

        case .dropIndex(let indexName, let table, _):
            try checkSchema(table)
            return ["DROP INDEX \(quoteQualified(indexName, schema: table.schema))"]

        case .createUniqueConstraint(let name, let constraint):
            try checkSchema(name)
            guard supportsAlterTableConstraints else {
                return try rebuild(name, inspector: inspector) { table, _ in
                    try requireColumns(constraint.columns, in: table, for: "the unique constraint")
                    table.uniqueConstraints.append(constraint)
                }
            }
            return ["ALTER TABLE \(qualified(name)) ADD \(uniqueSQL(constraint))"]

        case .createCheckConstraint(let name, let constraint):
            try checkSchema(name)
            guard supportsAlterTableConstraints else {
                return try rebuild(name, inspector: inspector) { table, _ in
                    table.checkConstraints.append(constraint)
                }
            }
            return ["ALTER TABLE \(qualified(name)) ADD \(checkSQL(constraint))"]

        case .createForeignKey(let name, let key):
            try checkSchema(name)
            try checkSchema(key.referencedTable)
            try checkForeignKey(key)
            guard supportsAlterTableConstraints else {
                return try rebuild(name, inspector: inspector) { table, _ in
                    try requireColumns(key.columns, in: table, for: "the foreign key")
                    table.foreignKeys.append(key)
                }
            }
            return ["ALTER TABLE \(qualified(name)) ADD \(foreignKeySQL(key))"]

        case .createPrimaryKey(let name, let constraintName, let columns):
            try checkSchema(name)
            guard !columns.isEmpty else {
                throw MigrateError(.script, "a primary key needs at least one column", hint: "List the key's columns.")
            }
            guard supportsAlterTableConstraints else {
                return try rebuild(name, inspector: inspector) { table, _ in
                    try table.addPrimaryKey(name: constraintName, columns: columns)
                }
            }
            return ["ALTER TABLE \(qualified(name)) ADD \(primaryKeySQL(name: constraintName, columns: columns))"]

        case .dropConstraint(let name, let constraintName, let kind):
            try checkSchema(name)
            guard supportsAlterTableConstraints else {
                return try rebuild(name, inspector: inspector) { table, _ in
                    try table.removeConstraint(named: constraintName, kind: kind, dialect: self)
                }
            }
            return ["ALTER TABLE \(qualified(name)) DROP CONSTRAINT \(quoteIdentifier(constraintName))"]

        case .setTableComment(let name, let comment, _):
            try checkSchema(name)
            try requireComments("a table comment")
            return ["COMMENT ON TABLE \(qualified(name)) IS \(comment.map(quoteString) ?? "NULL")"]

        case .alterTableOptions(let name, let options):
            try checkSchema(name)
            guard supportsSQLiteTableOptions else {
                throw MigrateError(
                    .script, "\(self.name) has no STRICT, WITHOUT ROWID or AUTOINCREMENT tables",
                    hint: "These are SQLite's; leave alterTableOptions out of migrations for \(self.name).")
            }
            return try rebuild(name, inspector: inspector) { table, _ in
                table.sqliteOptions = options
            }

        case .createView(let view):
            return try createViewStatements(view)

        case .dropView(let name, let materialized, _):
            return try dropViewStatements(name, materialized: materialized)

        case .createTrigger(let trigger):
            try checkSchema(trigger.table)
            return [trigger.definition]

        case .dropTrigger(let triggerName, let table, _):
            return try dropTriggerStatements(triggerName, table: table)

        case .createSequence(let sequence):
            return try createSequenceStatements(sequence)

        case .alterSequence(let sequence, _):
            return try alterSequenceStatements(sequence)

        case .dropSequence(let name, _):
            try requireSequences(name)
            return ["DROP SEQUENCE \(qualified(name))"]

        case .createDomain(let domain):
            return try createDomainStatements(domain)

        case .alterDomain(let domain, let previous):
            return try alterDomainStatements(domain, previous: previous)

        case .dropDomain(let name, _):
            try requireDomains(name)
            return ["DROP DOMAIN \(qualified(name))"]

        case .createEnumeration, .dropEnumeration, .renameEnumeration, .addEnumerationValue, .dropEnumerationValue,
            .renameEnumerationValue:
            return try enumerationStatements(operation)

        case .createSchema, .dropSchema, .createExtension, .alterExtension, .dropExtension:
            return try schemaAndExtensionStatements(operation)
        case .createFunction(let function):
            try requireFunctions(function)
            return [function.definition]

        case .replaceFunction(let function, _):
            try requireFunctions(function)
            return [Self.replacing(function.definition)]

        case .dropFunction(let name, let arguments, let procedure, _):
            try requireFunctions(name)
            return ["DROP \(procedure ? "PROCEDURE" : "FUNCTION") \(qualified(name))(\(arguments))"]

        case .attachPartition(let partition, let membership):
            try requirePartitions(partition, bound: membership.bound)
            return [
                "ALTER TABLE \(qualified(membership.parent)) ATTACH PARTITION \(qualified(partition)) \(membership.bound)"
            ]

        case .detachPartition(let partition, let membership):
            try requirePartitions(partition, bound: membership.bound)
            return ["ALTER TABLE \(qualified(membership.parent)) DETACH PARTITION \(qualified(partition))"]

        case .execute(let sql):
            return [sql]

        case .bulkInsert(let name, let columns, let rows):
            return try bulkInsertStatements(name, columns: columns, rows: rows)

        case .swiftCode:
            // The runner hands Swift code to its sink before rendering; reaching here means a
            // caller tried to turn it into SQL, which it is not.
            throw MigrateError(
                .script, "Swift code (`op.run`) has no SQL form",
                hint: "run the migration with the app's Migrator, which compiles the migration and runs its Swift code")

        case .backfill:
            // The runner runs a backfill's batches itself (``backfillStatements(for:)``); it is a
            // loop, not a list of statements.
            throw MigrateError(
                .script, "a backfill runs in batches and has no single SQL form",
                hint: "run it with `migrate upgrade`, or print the loop with `migrate upgrade --sql`")
        }
    }

    // MARK: - Tables

    private func createTableStatements(_ table: Table) throws -> [String] {
        try checkSchema(table.name)
        if let module = table.virtualTableModule { return [try createVirtualTableSQL(table, module: module)] }
        if table.comment != nil { try requireComments("a table comment") }
        if let commented = table.columns.first(where: { $0.comment != nil }) {
            try requireComments("a comment on column \(commented.name)")
        }
        var statements = try createEnumerationTypes(usedBy: table.columns.map(\.type), schema: table.name.schema)
        if let partition = table.partitionOf {
            statements.append(try createPartitionSQL(table, of: partition))
        } else {
            statements.append(try createTableSQL(table) + (try partitionKeySQL(table)))
        }
        statements += try serialSequenceOptionStatements(numbered(table).columns, of: table.name)
        for index in table.indexes {
            try checkSchema(index.table)
            statements.append(try createIndexSQL(index))
        }
        if let comment = table.comment {
            statements.append("COMMENT ON TABLE \(qualified(table.name)) IS \(quoteString(comment))")
        }
        for column in table.columns {
            guard let comment = column.comment else { continue }
            statements.append(
                "COMMENT ON COLUMN \(qualified(table.name)).\(quoteIdentifier(column.name)) IS \(quoteString(comment))")
        }
        return statements
    }

    /// `CREATE VIRTUAL TABLE name USING module(…)`: the module's arguments declare its columns,
    /// so a virtual table that also lists columns, constraints or indexes is an error.
    private func createVirtualTableSQL(_ table: Table, module: String) throws -> String {
        guard supportsVirtualTables else {
            throw MigrateError(
                .script, "\(name) has no virtual tables (\(table.name) uses \(module))",
                hint: "Virtual tables are SQLite's; declare an ordinary table for \(name).")
        }
        guard SQLTokenizer.tokenize(module).first?.kind == .word else {
            throw MigrateError(
                .script, "virtual table \(table.name) names no module: `\(module)`",
                hint: "Write the module and its arguments, e.g. using: \"fts5(title, body)\".")
        }
        guard table.columns.isEmpty, table.uniqueConstraints.isEmpty, table.checkConstraints.isEmpty,
            table.foreignKeys.isEmpty, table.indexes.isEmpty, table.comment == nil
        else {
            throw MigrateError(
                .script, "virtual table \(table.name) also declares columns, constraints, indexes or a comment",
                hint: "A virtual table's columns are the module's arguments: \(module).")
        }
        return "CREATE VIRTUAL TABLE \(qualified(table.name)) USING \(module)"
    }

    private func bulkInsertStatements(_ name: TableName, columns: [String], rows: [[SQLValue]]) throws -> [String] {
        try checkSchema(name)
        guard !columns.isEmpty else {
            throw MigrateError(.script, "a bulk insert needs at least one column", hint: "Name the columns the rows fill.")
        }
        if let bad = rows.firstIndex(where: { $0.count != columns.count }) {
            throw MigrateError(
                .script, "row \(bad + 1) has \(rows[bad].count) value(s) for \(columns.count) column(s)",
                hint: "Give every row one value per column, in the columns' order; use .null for none.")
        }
        let head = "INSERT INTO \(qualified(name)) (\(columns.map(quoteIdentifier).joined(separator: ", "))) VALUES "
        var statements: [String] = []
        // Chunks keep a huge data migration from becoming one statement the engine must parse at once.
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + Self.rowsPerInsert)]
            let values = try chunk.map { row in "(" + (try row.map(literal).joined(separator: ", ")) + ")" }
            statements.append(head + values.joined(separator: ", "))
            start += Self.rowsPerInsert
        }
        return statements
    }

    static let rowsPerInsert = 500

    // MARK: - Columns

    private func addColumnStatements(_ name: TableName, _ column: Column, inspector: SchemaInspector?) throws
        -> [String]
    {
        try checkSchema(name)
        if column.comment != nil { try requireComments("a column comment") }
        // SQLite adds a VIRTUAL generated column in place, but a STORED one only by a rebuild.
        let needsKey = column.isPrimaryKey || column.isIdentity || column.generated?.isStored == true
        let needsExpression: Bool
        if case .expression = column.defaultValue { needsExpression = true } else { needsExpression = false }
        let needsNotNull = !column.isNullable && column.defaultValue == nil
        if (needsKey && !supportsAddColumnWithKey) || (needsExpression && !supportsAddColumnWithExpressionDefault)
            || (needsNotNull && !supportsAddNotNullColumnWithoutDefault)
        {
            return try rebuild(name, inspector: inspector) { table, _ in
                guard table.column(named: column.name) == nil else {
                    throw MigrateError(
                        .script, "table \(table.name) already has a column \(column.name)",
                        hint: "Pick another name, or alter the existing column.")
                }
                if column.isPrimaryKey, !table.primaryKey.isEmpty {
                    throw MigrateError(
                        .script, "table \(table.name) already has a primary key (\(table.primaryKey.joined(separator: ", ")))",
                        hint: "Drop the existing primary key first.")
                }
                table.columns.append(column)
            }
        }
        var statements = try createEnumerationTypes(usedBy: [column.type], schema: name.schema)
        var definition = try columnDefinition(column, in: Table(name, columns: [column]))
        if column.isPrimaryKey, !(identityStyle == .rowidAlias && column.isIdentity) {
            definition += " PRIMARY KEY"
        }
        statements.append("ALTER TABLE \(qualified(name)) ADD COLUMN \(definition)")
        statements += try serialSequenceOptionStatements([column], of: name)
        if let comment = column.comment {
            statements.append(
                "COMMENT ON COLUMN \(qualified(name)).\(quoteIdentifier(column.name)) IS \(quoteString(comment))")
        }
        return statements
    }

    /// A serial column's sequence options, set on the sequence its `SERIAL` type made (identity
    /// columns state theirs in their definition). `RESTART` makes the new sequence give its
    /// start first, as an identity created with the same options does; rows already in a table
    /// the column is added to were numbered from 1 before.
    private func serialSequenceOptionStatements(_ columns: [Column], of table: TableName) throws -> [String] {
        try columns.compactMap { column in
            let clauses = sequenceOptionClauses(column.sequence.stated(for: column.type))
            guard column.identity == .serial, !clauses.isEmpty else { return nil }
            return try serialSequenceOptionsStatement(table, column.name, clauses: clauses + ["RESTART"])
        }
    }

    private func dropColumnStatements(
        _ name: TableName, _ column: String, definition: Column?, inspector: SchemaInspector?
    ) throws -> [String] {
        try checkSchema(name)
        let native = "ALTER TABLE \(qualified(name)) DROP COLUMN \(quoteIdentifier(column))"
        if !supportsDropColumnWithDependents, let inspector {
            guard let source = try inspector.rebuildSource(for: name) else { throw missingTable(name) }
            guard source.table.column(named: column) != nil else {
                throw MigrateError(
                    .script, "table \(name) has no column \(column)",
                    hint: "Columns: \(source.table.columns.map(\.name).joined(separator: ", ")).")
            }
            if source.table.hasDependents(onColumn: column) {
                return try rebuild(name, inspector: inspector) { table, _ in
                    try table.removeColumn(column)
                }
            }
        }
        var statements = [native]
        if let definition {
            statements += try dropEnumerationTypes(usedBy: [definition.type], schema: name.schema)
        }
        return statements
    }

    private func alterColumnStatements(
        _ name: TableName, _ column: String, _ changes: ColumnChanges, inspector: SchemaInspector?
    ) throws -> [String] {
        try checkSchema(name)
        if changes.comment != nil { try requireComments("a column comment") }
        let rename = changes.newName.map {
            "ALTER TABLE \(qualified(name)) RENAME COLUMN \(quoteIdentifier(column)) TO \(quoteIdentifier($0))"
        }
        let altersDefinition = changes.type != nil || changes.isNullable != nil || changes.defaultValue != nil
            || changes.collation != nil || changes.generated != nil
        guard supportsAlterColumn else {
            // Throws for options a rowid cannot have; an empty set is the rowid's own numbering.
            _ = try sequenceOptionChangeStatements(name, column, changes)
            var rebuilds = altersDefinition
            if let identity = changes.identity {
                rebuilds = try rowidAliasChangeRebuilds(name, column, identity, inspector: inspector) || rebuilds
            }
            var statements: [String] = []
            if rebuilds {
                // Rebuild under the old name, then rename natively so indexes, checks, views and
                // triggers follow the new name the way SQLite itself rewrites them.
                statements += try rebuild(name, inspector: inspector) { table, _ in
                    try table.alterColumn(column, changes)
                }
            }
            return statements + (rename.map { [$0] } ?? [])
        }
        if case .some(.some(let generated)) = changes.generated {
            return (rename.map { [$0] } ?? [])
                + (try becomeGeneratedStatements(name, changes.newName ?? column, generated, changes, inspector: inspector))
        }
        var statements = rename.map { [$0] } ?? []
        let target = "ALTER TABLE \(qualified(name)) ALTER COLUMN \(quoteIdentifier(changes.newName ?? column))"
        if changes.generated != nil {
            // First, so the changes after it alter a plain column: the stored values stay.
            statements.append("\(target) DROP EXPRESSION")
        }
        if let type = changes.type {
            statements += try createEnumerationTypes(usedBy: [type], schema: name.schema)
            let typeText = try typeSQL(type, schema: name.schema)
            let collation = (changes.collation ?? nil).map { " COLLATE \(quoteIdentifier($0))" } ?? ""
            var using = quoteIdentifier(changes.newName ?? column)
            if case .enumeration(let enumeration, let values) = type, enumerationStyle == .namedType {
                // No cast leads from one enumeration type to another: through text, after a check
                // that says which values the rows hold that the new type lacks.
                statements.append(
                    try enumerationValuesCheck(
                        name, column: changes.newName ?? column, enumeration: enumeration, values: values))
                using += "::text"
            }
            statements.append("\(target) TYPE \(typeText)\(collation) USING \(using)::\(typeText)")
        } else if let collation = changes.collation {
            // PostgreSQL sets a collation with the type, which must be known.
            guard let type = changes.existingType else {
                throw MigrateError(
                    .script, "changing the collation of \(column) needs its type",
                    hint: "Give existingType: the column's current type.")
            }
            let typeText = try typeSQL(type, schema: name.schema)
            statements.append(
                "\(target) TYPE \(typeText) COLLATE \(quoteIdentifier(collation ?? "default"))")
        }
        if let nullable = changes.isNullable {
            statements.append("\(target) \(nullable ? "DROP" : "SET") NOT NULL")
        }
        if let newDefault = changes.defaultValue {
            statements.append(try newDefault.map { "\(target) SET DEFAULT \(try defaultSQL($0))" } ?? "\(target) DROP DEFAULT")
        }
        if let identity = changes.identity {
            statements += try identityChangeStatements(
                name, changes.newName ?? column, from: changes.existingIdentity ?? nil, to: identity,
                type: changes.type ?? changes.existingType, options: changes.sequence ?? SequenceOptions())
        }
        statements += try sequenceOptionChangeStatements(name, changes.newName ?? column, changes)
        if let comment = changes.comment {
            statements.append(
                "COMMENT ON COLUMN \(qualified(name)).\(quoteIdentifier(changes.newName ?? column)) IS "
                    + (comment.map(quoteString) ?? "NULL"))
        }
        return statements
    }

    /// A plain column made generated where columns are altered in place (PostgreSQL), which
    /// computes no existing column: it is dropped and added again with the expression, with the
    /// rest of the change (type, nullability, collation, comment) folded into the new definition.
    private func becomeGeneratedStatements(
        _ name: TableName, _ column: String, _ generated: GeneratedColumn, _ changes: ColumnChanges,
        inspector: SchemaInspector?
    ) throws -> [String] {
        guard let type = changes.type ?? changes.existingType else {
            throw MigrateError(
                .script, "making \(name).\(column) generated drops and adds it again, which needs its type",
                hint: "Give existingType: the column's current type.")
        }
        if case .some(.some) = changes.defaultValue {
            throw MigrateError(
                .script, "\(name).\(column) cannot become generated and get a default at once",
                hint: "A generated column's values come from its expression; leave default: out.")
        }
        if case .some(.some(let identity)) = changes.identity {
            throw MigrateError(
                .script, "\(name).\(column) cannot become generated and \(IdentityGeneration.summaryText(identity)) at once",
                hint: "A generated column's values come from its expression; leave identity: out.")
        }
        var definition = Column(
            column, type, isNullable: changes.isNullable ?? changes.existingNullable ?? true,
            comment: (changes.comment ?? changes.existingComment) ?? nil)
        definition.collation = (changes.collation ?? changes.existingCollation) ?? nil
        definition.generated = generated
        return try dropColumnStatements(name, column, definition: nil, inspector: inspector)
            + addColumnStatements(name, definition, inspector: inspector)
    }

    /// An identity change on an engine that numbers only its rowid alias (a rowid table's lone
    /// key written `INTEGER`): numbering on makes the lone integer key that alias, numbering off
    /// makes it a plain `INT` key, each by a rebuild that keeps the rows (and their keys). A
    /// change to what the column already is runs nothing, so a migration autogenerated against
    /// PostgreSQL runs on SQLite too; any other identity change is an error. Returns whether the
    /// table is rebuilt.
    private func rowidAliasChangeRebuilds(
        _ name: TableName, _ column: String, _ identity: IdentityGeneration?, inspector: SchemaInspector?
    ) throws -> Bool {
        // Without the table the rebuild cannot run either, and says why.
        guard let table = try inspector?.table(name) else { return true }
        let isAlias = rowidAlias(of: table)?.lowercased() == column.lowercased()
        guard let identity else { return isAlias }
        let key = table.columns.first { $0.name.lowercased() == column.lowercased() }
        guard identity == .byDefault, table.primaryKey.map({ $0.lowercased() }) == [column.lowercased()],
            !table.sqliteOptions.isWithoutRowid, let key, key.hasIntegerType, key.generated == nil
        else {
            throw MigrateError(
                .script,
                "\(self.name) numbers only a table's rowid alias (its lone INTEGER primary key); \(name).\(column) "
                    + "cannot become \(IdentityGeneration.summaryText(identity))",
                hint: "Leave identity: out of this alterColumn on \(self.name), or rebuild the table yourself.")
        }
        return !isAlias
    }

    // MARK: - Checks shared by the operations

    func qualified(_ name: TableName) -> String {
        quoteQualified(name.name, schema: name.schema)
    }

    func checkSchema(_ name: TableName) throws {
        guard let schema = name.schema, !supportsSchemas else { return }
        throw MigrateError(
            .script, "\(self.name) has no schemas, but the table \(name.name) is placed in schema \(schema)",
            hint: "Leave the schema out for \(self.name).")
    }

    private func requireComments(_ what: String) throws {
        guard !supportsComments else { return }
        throw MigrateError(
            .script, "\(name) cannot store \(what): it has no table or column comments",
            hint: "Remove the comment from the migration (or from the model) for \(name); comments work on PostgreSQL.")
    }

    func missingTable(_ name: TableName) -> MigrateError {
        MigrateError(
            .script, "table \(name) does not exist, so it cannot be rebuilt",
            hint: "Check the table's name; an offline SQLite script only knows the tables its own earlier statements create, so start the range at base.")
    }

    func checkForeignKey(_ key: ForeignKey) throws {
        guard !key.columns.isEmpty, key.referencedColumns.isEmpty || key.referencedColumns.count == key.columns.count
        else {
            throw MigrateError(
                .script,
                "the foreign key (\(key.columns.joined(separator: ", "))) references \(key.referencedColumns.count) column(s) of \(key.referencedTable)",
                hint: "Give one referenced column per column of the key, in the same order.")
        }
        if key.match != nil, !supportsForeignKeyMatch {
            // SQLite parses MATCH but never enforces it; writing it would promise what it does not do.
            throw MigrateError(
                .script, "the foreign key (\(key.columns.joined(separator: ", "))) says MATCH FULL, which \(name) does not enforce",
                hint: "Remove `match:`, or enforce it with a check that the key's columns are all NULL or all set.")
        }
    }
}

extension Operation {
    /// How messages name an operation: its kind and the table (and column) it works on.
    package var title: String {
        switch self {
        case .createTable(let table): return "createTable \(table.name)"
        case .dropTable(let name, _): return "dropTable \(name)"
        case .renameTable(let name, let newName): return "renameTable \(name) to \(newName)"
        case .addColumn(let name, let column): return "addColumn \(name).\(column.name)"
        case .dropColumn(let name, let column, _): return "dropColumn \(name).\(column)"
        case .alterColumn(let name, let column, _): return "alterColumn \(name).\(column)"
        case .createIndex(let index): return "createIndex \(index.name) on \(index.table)"
        case .dropIndex(let name, let table, _): return "dropIndex \(name) on \(table)"
        case .createUniqueConstraint(let name, let constraint):
            return "createUniqueConstraint \(constraint.name ?? "(unnamed)") on \(name)"
        case .createCheckConstraint(let name, let constraint):
            return "createCheckConstraint \(constraint.name ?? "(unnamed)") on \(name)"
        case .createForeignKey(let name, let key): return "createForeignKey \(key.name ?? "(unnamed)") on \(name)"
        case .createPrimaryKey(let name, let constraintName, _):
            return "createPrimaryKey \(constraintName ?? "(unnamed)") on \(name)"
        case .dropConstraint(let name, let constraintName, let kind):
            return "dropConstraint \(constraintName) (\(kind.rawValue)) on \(name)"
        case .setTableComment(let name, _, _): return "setTableComment \(name)"
        case .alterTableOptions(let name, _): return "alterTableOptions \(name)"
        case .createSequence(let sequence): return "createSequence \(sequence.name)"
        case .alterSequence(let sequence, _): return "alterSequence \(sequence.name)"
        case .dropSequence(let name, _): return "dropSequence \(name)"
        case .createDomain(let domain): return "createDomain \(domain.name)"
        case .alterDomain(let domain, _): return "alterDomain \(domain.name)"
        case .dropDomain(let name, _): return "dropDomain \(name)"
        case .createEnumeration(let name, _): return "createEnumeration \(name)"
        case .dropEnumeration(let name, _): return "dropEnumeration \(name)"
        case .renameEnumeration(let name, let newName): return "renameEnumeration \(name) to \(newName)"
        case .addEnumerationValue(let name, let value, _, _): return "addEnumerationValue '\(value)' to \(name)"
        case .dropEnumerationValue(let name, let value, _, _): return "dropEnumerationValue '\(value)' from \(name)"
        case .renameEnumerationValue(let name, let old, let new):
            return "renameEnumerationValue '\(old)' to '\(new)' in \(name)"
        case .createSchema(let name): return "createSchema \(name)"
        case .dropSchema(let name): return "dropSchema \(name)"
        case .createExtension(let created): return "createExtension \(created.name)"
        case .alterExtension(let name, _, _): return "alterExtension \(name)"
        case .dropExtension(let name, _): return "dropExtension \(name)"
        case .createFunction(let function): return "createFunction \(function.signature)"
        case .replaceFunction(let function, _): return "replaceFunction \(function.signature)"
        case .dropFunction(let name, let arguments, _, _): return "dropFunction \(name)(\(arguments))"
        case .createView(let view): return "createView \(view.name)"
        case .dropView(let name, _, _): return "dropView \(name)"
        case .createTrigger(let trigger): return "createTrigger \(trigger.name) on \(trigger.table)"
        case .dropTrigger(let name, let table, _): return "dropTrigger \(name) on \(table)"
        case .attachPartition(let name, let partition): return "attachPartition \(name) to \(partition.parent)"
        case .detachPartition(let name, let partition): return "detachPartition \(name) from \(partition.parent)"
        case .execute: return "execute"
        case .bulkInsert(let name, _, _): return "bulkInsert \(name)"
        case .swiftCode(let label): return label.map { "run \"\($0)\"" } ?? "run"
        case .backfill(let backfill): return "backfill \(backfill.table)"
        }
    }
}
