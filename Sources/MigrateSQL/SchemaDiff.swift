import MigrateCore

/// The schemas reflection and autogenerate look at besides the default one: those listed, or
/// every schema but the engine's own (Alembic's `include_schemas=True`).
package enum SchemaSelection: Sendable, Hashable, ExpressibleByArrayLiteral {
    case listed([String])
    case all

    package init(arrayLiteral elements: String...) { self = .listed(elements) }

    /// The schema names listed; empty for `.all`, which the engine expands itself.
    package var listedNames: [String] {
        if case .listed(let names) = self { return names }
        return []
    }

    /// Whether tables of `schema` (not the default one) are looked at.
    package func contains(_ schema: String) -> Bool {
        switch self {
        case .listed(let names): return names.contains(schema)
        case .all: return !Self.isSystemSchema(schema)
        }
    }

    /// PostgreSQL's catalog schemas (`pg_catalog`, `pg_toast`, temporary schemas, and
    /// `information_schema`), which hold no application tables.
    package static func isSystemSchema(_ schema: String) -> Bool {
        schema.hasPrefix("pg_") || schema == "information_schema"
    }
}

/// What autogenerate compares and what it leaves alone; Alembic's `compare_type`,
/// `compare_server_default`, `include_schemas`, `exclude_tables` and (declaratively)
/// `include_name`/`include_object`.
package struct SchemaComparisonOptions: Sendable, Hashable {
    /// Whether a changed column type is a difference (on by default, as in Alembic).
    package var compareTypes: Bool
    /// Whether a changed server default is a difference (off by default, as in Alembic: engines
    /// print defaults back in their own words, so only normalised literals compare reliably).
    package var compareServerDefaults: Bool
    /// Schemas compared besides the default one; tables in any other schema are left alone.
    package var includeSchemas: SchemaSelection
    /// Globs (`*`, `?`) of table names left alone, matched against `name` and `schema.name`.
    package var excludeTables: [String]
    /// Objects compared: where entries name a kind, only objects of that kind matching one of them.
    package var include: [SchemaObjectFilter]
    /// Objects left alone.
    package var exclude: [SchemaObjectFilter]
    /// The schema unqualified names mean (PostgreSQL's `current_schema()`): a name qualified with
    /// it is the same table as the unqualified one.
    package var defaultSchema: String?
    /// Whether a check whose name both sides share is compared by its condition too: true when
    /// both conditions are in one spelling (SQLite keeps the text as written; on PostgreSQL
    /// autogenerate first has the server print the declared ones, see
    /// `normalizedCheckConditions`).
    package var compareCheckConditions: Bool

    package init(
        compareTypes: Bool = true, compareServerDefaults: Bool = false, includeSchemas: SchemaSelection = [],
        excludeTables: [String] = [], include: [SchemaObjectFilter] = [], exclude: [SchemaObjectFilter] = [],
        defaultSchema: String? = nil, compareCheckConditions: Bool = false
    ) {
        self.include = include
        self.exclude = exclude
        self.compareTypes = compareTypes
        self.compareServerDefaults = compareServerDefaults
        self.includeSchemas = includeSchemas
        self.excludeTables = excludeTables
        self.defaultSchema = defaultSchema
        self.compareCheckConditions = compareCheckConditions
    }
}

/// Compares a declared schema with a reflected one and says, as operations, how to turn the
/// database into the declaration; pure, so it is tested without a database.
///
/// Operations come in an order that runs: new tables (referenced ones first, partitions after
/// their parent) and their indexes; detached partitions; then, on tables both sides have,
/// dropped foreign keys, indexes and constraints; added and altered columns; created keys,
/// constraints and indexes; created foreign keys; attached partitions; dropped columns; and last
/// the dropped tables, referencing ones and partitions first. Each drop and alter carries the
/// definition it replaces, so the reversed list, each operation ``Operation/reversed``, is the
/// downgrade; only a dropped constraint has no reverse, since `dropConstraint` keeps no definition.
///
/// ```swift
/// let operations = SchemaDiff.compare(
///     declared: models, reflected: try connection.reflectSchema().schema, dialect: .postgresql,
///     options: SchemaComparisonOptions(excludeTables: ["spatial_*"], defaultSchema: "public"))
/// ```
package enum SchemaDiff {
    ///
    /// Views and triggers (``ObjectComparison``) are dropped before the table changes and created
    /// after them; `normalizedViews` holds declared views' queries as the database prints them
    /// (see `DatabaseConnection.normalizedViewDefinitions`), by name.
    package static func compare(
        declared: Schema, reflected: Schema, dialect: SQLDialect,
        options: SchemaComparisonOptions = SchemaComparisonOptions(), normalizedViews: [TableName: String] = [:]
    ) -> [Operation] {
        var comparison = Comparison(dialect: dialect, options: options)
        let tableOperations = comparison.run(declared: declared, reflected: reflected)
        let namespaces = NamespaceComparison(dialect: dialect, options: options).run(declared: declared, reflected: reflected)
        guard !(declared.views.isEmpty && reflected.views.isEmpty && declared.triggers.isEmpty
            && reflected.triggers.isEmpty && declared.sequences.isEmpty && reflected.sequences.isEmpty
            && declared.domains.isEmpty && reflected.domains.isEmpty && declared.functions.isEmpty
            && reflected.functions.isEmpty)
        else { return namespaces.first + tableOperations + namespaces.last }
        var objects = ObjectComparison(dialect: dialect, options: options, normalizedDefinitions: normalizedViews)
        let (before, after) = objects.run(declared: declared, reflected: reflected, tableOperations: tableOperations)
        return namespaces.first + before + tableOperations + after + namespaces.last
    }
}

/// One comparison's working state: the operations of each phase, concatenated at the end.
struct Comparison {
    let dialect: SQLDialect
    let options: SchemaComparisonOptions

    var createTables: [Operation] = []
    var detachPartitions: [Operation] = []
    var dropForeignKeys: [Operation] = []
    var dropIndexes: [Operation] = []
    var dropConstraints: [Operation] = []
    var addColumns: [Operation] = []
    var alterColumns: [Operation] = []
    var createConstraints: [Operation] = []
    var createIndexes: [Operation] = []
    var createForeignKeys: [Operation] = []
    var attachPartitions: [Operation] = []
    var dropColumns: [Operation] = []
    var dropTables: [Operation] = []
    /// Comparable forms already computed: a schema repeats a handful of types thousands of times.
    var comparableTypes: [ColumnType: ColumnType] = [:]

    init(dialect: SQLDialect, options: SchemaComparisonOptions) {
        self.dialect = dialect
        self.options = options
    }

    mutating func run(declared: Schema, reflected: Schema) -> [Operation] {
        let declaredTables = declared.tables.filter { isIncluded($0.name) }.map(normalized).map(filtered)
        let reflectedTables = reflected.tables.filter { isIncluded($0.name) }.map(normalized).map(filtered)
        let declaredNames = Set(declaredTables.map(\.name))
        let reflectedByName = Dictionary(reflectedTables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        let added = declaredTables.filter { reflectedByName[$0.name] == nil }
        addTables(added)
        for table in declaredTables {
            guard var existing = reflectedByName[table.name] else { continue }
            if table.virtualTableModule != nil || existing.virtualTableModule != nil {
                replaceVirtualTable(table, existing)
                continue
            }
            guard comparePartitioning(table, existing) else { continue }
            if let parent = existing.partitionOf?.parent, table.partitionOf == nil,
                let reflectedParent = reflectedByName[normalized(parent)]
            {
                // Once detached, the partition has its parent's columns and key.
                existing.columns = reflectedParent.columns
                existing.primaryKeyOrder = reflectedParent.primaryKeyOrder
            }
            compareTable(table, existing)
        }
        removeTables(reflectedTables.filter { !declaredNames.contains($0.name) })
        let enumerations = compareEnumerations(declared: declaredTables, reflected: reflectedTables)

        return enumerations + createTables + detachPartitions + dropForeignKeys + dropIndexes + dropConstraints + addColumns
            + alterColumns + createConstraints + createIndexes + createForeignKeys + attachPartitions + dropColumns
            + dropTables
    }

    // MARK: - Partitions

    /// Detaches and attaches partitions whose parent or bound changed; false when the rest of the
    /// table is not to be compared: a table about to be attached takes its columns, key and
    /// inherited constraints from its parent, which the database reports only once it is attached.
    mutating func comparePartitioning(_ declared: Table, _ reflected: Table) -> Bool {
        let wanted = declared.partitionOf
        let existing = reflected.partitionOf
        if let wanted, let existing, wanted.parent == existing.parent,
            SQLExpressionText.comparable(wanted.bound) == SQLExpressionText.comparable(existing.bound)
        {
            return true
        }
        if let existing { detachPartitions.append(.detachPartition(declared.name, existing)) }
        if let wanted {
            attachPartitions.append(.attachPartition(declared.name, wanted))
            return existing != nil
        }
        return true
    }

    // MARK: - Names and filters

    func normalized(_ name: TableName) -> TableName {
        guard dialect.supportsSchemas, let schema = name.schema, !schema.isEmpty, schema != options.defaultSchema else {
            return TableName(name.name)
        }
        return name
    }

    func isIncluded(_ name: TableName) -> Bool {
        let name = normalized(name)
        if let schema = name.schema {
            guard options.includeSchemas.contains(schema), passes(.schema, [schema]) else { return false }
        }
        if options.excludeTables.contains(where: { Glob.matches($0, name.name) || Glob.matches($0, name.description) }) {
            return false
        }
        return passes(.table, [name.name, name.description])
    }

    /// Whether an object of `kind` known by any of `names` passes `include` and `exclude`: no
    /// exclude entry of its kind matches, and when include entries name its kind, one matches.
    func passes(_ kind: SchemaObjectFilter.Kind, _ names: [String]) -> Bool {
        func matches(_ filter: SchemaObjectFilter) -> Bool {
            filter.kind == kind && names.contains { Glob.matches(filter.pattern, $0) }
        }
        if options.exclude.contains(where: matches) { return false }
        guard options.include.contains(where: { $0.kind == kind }) else { return true }
        return options.include.contains(where: matches)
    }

    /// The table without the columns, indexes and constraints `include`/`exclude` rule out
    /// (unnamed constraints are always kept: a filter matches names).
    func filtered(_ table: Table) -> Table {
        guard !options.include.isEmpty || !options.exclude.isEmpty else { return table }
        var table = table
        let tableNames = [table.name.name, table.name.description]
        func named(_ kind: SchemaObjectFilter.Kind, _ name: String?) -> Bool { name.map { passes(kind, [$0]) } ?? true }
        table.columns = table.columns.filter { column in
            passes(.column, [column.name] + tableNames.map { "\($0).\(column.name)" })
        }
        table.indexes = table.indexes.filter { named(.index, $0.name) }
        table.uniqueConstraints = table.uniqueConstraints.filter { named(.uniqueConstraint, $0.name) }
        table.foreignKeys = table.foreignKeys.filter { named(.foreignKeyConstraint, $0.name) }
        table.checkConstraints = table.checkConstraints.filter { named(.checkConstraint, $0.name) }
        return table
    }

    /// The table with every name in it (its own, its indexes', its keys' targets) normalised.
    func normalized(_ table: Table) -> Table {
        var table = table
        table.name = normalized(table.name)
        table.indexes = table.indexes.map { index in
            var index = index
            index.table = table.name
            return index
        }
        table.foreignKeys = table.foreignKeys.map { key in
            var key = key
            key.referencedTable = normalized(key.referencedTable)
            return key
        }
        if let parent = table.partitionOf?.parent { table.partitionOf?.parent = normalized(parent) }
        return table
    }

    // MARK: - New tables

    /// Creates tables so that a table comes after those its foreign keys point to; keys that
    /// would point forward (a cycle) are created after every table, as separate operations.
    mutating func addTables(_ tables: [Table]) {
        var pending = tables
        var created = Set<TableName>()
        let newNames = Set(tables.map(\.name))
        while !pending.isEmpty {
            // A partition waits for its parent, whatever its keys say.
            let ready =
                pending.firstIndex { table in
                    table.foreignKeys.allSatisfy { key in
                        key.referencedTable == table.name || !newNames.contains(key.referencedTable)
                            || created.contains(key.referencedTable)
                    } && table.partitionOf.map { !newNames.contains($0.parent) || created.contains($0.parent) } ?? true
                } ?? pending.firstIndex { table in
                    table.partitionOf.map { !newNames.contains($0.parent) || created.contains($0.parent) } ?? true
                } ?? 0
            var table = pending.remove(at: ready)
            let (inline, deferred) = partition(table.foreignKeys) { key in
                key.referencedTable == table.name || !newNames.contains(key.referencedTable)
                    || created.contains(key.referencedTable)
            }
            let indexes = table.indexes
            table.foreignKeys = inline
            table.indexes = []
            createTables.append(.createTable(table))
            createTables += indexes.map(Operation.createIndex)
            for key in deferred {
                createForeignKeys.append(.createForeignKey(table.name, named(key, in: table)))
            }
            created.insert(table.name)
        }
    }

    // MARK: - Removed tables

    /// Drops tables so that a table goes before those its foreign keys point to; in a cycle, the
    /// keys of the other tables that point at the next one to go are dropped first.
    mutating func removeTables(_ tables: [Table]) {
        var pending = tables
        while !pending.isEmpty {
            // A table no other pending table points to, and with no pending partition (dropping a
            // partitioned table drops its partitions), can go now.
            let ready = pending.firstIndex { candidate in
                !pending.contains { other in
                    other.name != candidate.name
                        && (other.foreignKeys.contains { $0.referencedTable == candidate.name }
                            || other.partitionOf?.parent == candidate.name)
                }
            }
            if ready == nil {
                let target = pending[0].name
                for position in pending.indices where pending[position].name != target {
                    let (blocking, kept) = partition(pending[position].foreignKeys) { $0.referencedTable == target }
                    for key in blocking {
                        dropTables.append(
                            .dropConstraint(
                                pending[position].name, name: constraintName(key, in: pending[position]),
                                kind: .foreignKey))
                    }
                    pending[position].foreignKeys = kept
                }
            }
            var table = pending.remove(at: ready ?? 0)
            for index in table.indexes {
                dropTables.append(.dropIndex(name: index.name, table: table.name, definition: index))
            }
            table.indexes = []
            dropTables.append(.dropTable(table.name, definition: table))
        }
    }

    // MARK: - Virtual tables

    /// A virtual table is its module and arguments: any change to them (or a table turning
    /// virtual or ordinary) drops it and creates it again, as SQLite cannot alter one.
    mutating func replaceVirtualTable(_ declared: Table, _ reflected: Table) {
        if let module = declared.virtualTableModule, let existing = reflected.virtualTableModule,
            Self.comparableModule(module) == Self.comparableModule(existing)
        {
            return
        }
        var dropped = reflected
        for index in dropped.indexes {
            createTables.append(.dropIndex(name: index.name, table: dropped.name, definition: index))
        }
        dropped.indexes = []
        createTables.append(.dropTable(dropped.name, definition: dropped))
        var created = declared
        let indexes = created.indexes
        created.indexes = []
        createTables.append(.createTable(created))
        createTables += indexes.map(Operation.createIndex)
    }

    /// A `USING` clause as tokens, words lowercased, spacing ignored: `FTS5(Title,body)` and
    /// `fts5(title, body)` declare the same table.
    static func comparableModule(_ module: String) -> String {
        SQLTokenizer.tokenize(module).map { $0.kind == .word ? $0.text.lowercased() : $0.text }.joined(separator: " ")
    }

    // MARK: - Tables on both sides

    mutating func compareTable(_ declared: Table, _ reflected: Table) {
        let name = declared.name
        // Both sides as the engine numbers them: reflection states a plain key (`autoincrement:
        // false`), so only a table written as a declaration gains an identity here.
        var declared = dialect.numbered(declared)
        var reflected = dialect.numbered(reflected)
        Self.pairEquivalentUniqueness(&declared, &reflected)
        compareColumns(declared, reflected)
        comparePrimaryKey(declared, reflected)
        compareForeignKeys(declared, reflected)
        compareUniqueConstraints(declared, reflected)
        compareCheckConstraints(declared, reflected)
        compareIndexes(declared, reflected)
        if dialect.supportsSQLiteTableOptions, declared.sqliteOptions != reflected.sqliteOptions {
            alterColumns.append(.alterTableOptions(name, declared.sqliteOptions))
        }
        if dialect.supportsComments, Self.comment(declared.comment) != Self.comment(reflected.comment) {
            alterColumns.append(.setTableComment(name, comment: declared.comment, previous: reflected.comment))
        }
    }

    mutating func compareColumns(_ declared: Table, _ reflected: Table) {
        let name = declared.name
        // SQLite numbers only the rowid alias: whether the lone key is it, on both sides alike.
        let sameRowidTable = dialect.identityStyle == .rowidAlias
            && !declared.sqliteOptions.isWithoutRowid && !reflected.sqliteOptions.isWithoutRowid
            && declared.primaryKey.count == 1 && declared.primaryKey == reflected.primaryKey
        let aliases = sameRowidTable ? (dialect.rowidAlias(of: declared), dialect.rowidAlias(of: reflected)) : (nil, nil)
        for column in declared.columns {
            guard let existing = reflected.column(named: column.name) else {
                // The primary key is compared as a whole, so a new key column is added as a plain
                // NOT NULL column and the key created by `createPrimaryKey`.
                var added = column
                added.isPrimaryKey = false
                addColumns.append(.addColumn(name, added))
                continue
            }
            // Equal as written is the same column; most columns of a schema in step are.
            if column == existing { continue }
            // A generated column turning plain stops being computed in place and keeps its
            // values (`changes(from:to:)`). No engine changes a column's expression in place, nor
            // computes an existing plain column: the column is dropped and added again, computed
            // anew from the new expression.
            if !Self.sameGeneration(column.generated, existing.generated), column.generated != nil {
                var added = column
                added.isPrimaryKey = false
                alterColumns.append(.dropColumn(name, column: existing.name, definition: existing))
                alterColumns.append(.addColumn(name, added))
                continue
            }
            let numbering = sameRowidTable && column.isPrimaryKey
                ? (declared: aliases.0 == column.name, reflected: aliases.1 == column.name) : nil
            if let changes = changes(from: existing, to: column, rowidAlias: numbering) {
                alterColumns.append(.alterColumn(name, column: column.name, changes: changes))
            }
        }
        for column in reflected.columns where declared.column(named: column.name) == nil {
            dropColumns.append(.dropColumn(name, column: column.name, definition: column))
        }
    }

    /// The changes turning `existing` into `column`, with every `existing…` field filled in (for
    /// the reverse, and for engines that rebuild the table), or nil when nothing differs.
    /// `rowidAlias` says, for a lone key on SQLite, whether each side is the rowid alias.
    mutating func changes(
        from existing: Column, to column: Column, rowidAlias: (declared: Bool, reflected: Bool)? = nil
    ) -> ColumnChanges? {
        var changes = ColumnChanges(
            existingType: existing.type, existingNullable: existing.isNullable,
            existingDefault: .some(existing.defaultValue), existingComment: .some(existing.comment))
        var changed = false
        if column.isNullable != existing.isNullable {
            changes.isNullable = column.isNullable
            changed = true
        }
        if options.compareTypes, comparable(column.type) != comparable(existing.type),
            !isSameEnumeration(column.type, existing.type)
        {
            changes.type = column.type
            changed = true
        }
        // PostgreSQL tells identity kinds and serial apart; SQLite numbers a lone key exactly
        // when it is the rowid alias (declared `INTEGER`, not `INT`), however it was declared.
        if dialect.identityStyle == .generatedByDefault, column.identity != existing.identity {
            changes.identity = .some(column.identity)
            changes.existingIdentity = .some(existing.identity)
            changed = true
        } else if let rowidAlias, rowidAlias.declared != rowidAlias.reflected {
            changes.identity = .some(rowidAlias.declared ? .byDefault : nil)
            changes.existingIdentity = .some(rowidAlias.reflected ? .byDefault : nil)
            changed = true
        }
        // The options of the sequence behind the numbering, those that differ from the defaults
        // for each side's type; a column not numbered has none. PostgreSQL only, as identity is.
        if dialect.identityStyle == .generatedByDefault {
            func stated(_ column: Column) -> SequenceOptions {
                column.identity == nil ? SequenceOptions() : column.sequence.stated(for: column.type)
            }
            if stated(column) != stated(existing) {
                changes.sequence = stated(column)
                changes.existingSequence = stated(existing)
                if changes.identity == nil { changes.existingIdentity = .some(existing.identity) }
                changed = true
            }
        }
        // An identity column's values come from the database, whatever its default says.
        if options.compareServerDefaults, !column.isIdentity, !existing.isIdentity,
            dialect.comparableDefault(column.defaultValue) != dialect.comparableDefault(existing.defaultValue)
        {
            changes.defaultValue = .some(column.defaultValue)
            changed = true
        }
        if dialect.supportsComments, Self.comment(column.comment) != Self.comment(existing.comment) {
            changes.comment = .some(column.comment)
            changed = true
        }
        if column.collation?.lowercased() != existing.collation?.lowercased() {
            changes.collation = .some(column.collation)
            changes.existingCollation = .some(existing.collation)
            changed = true
        }
        if column.generated == nil, existing.generated != nil {
            changes.generated = .some(nil)
            changes.existingGenerated = .some(existing.generated)
            changed = true
        }
        return changed ? changes : nil
    }

    /// Both plain, or both generated alike: same storage, same loosely normalised expression.
    static func sameGeneration(_ generated: GeneratedColumn?, _ other: GeneratedColumn?) -> Bool {
        switch (generated, other) {
        case (nil, nil): return true
        case (let generated?, let other?):
            return generated.isStored == other.isStored
                && SQLExpressionText.comparable(generated.expression) == SQLExpressionText.comparable(other.expression)
        default: return false
        }
    }

    mutating func comparePrimaryKey(_ declared: Table, _ reflected: Table) {
        guard declared.primaryKey != reflected.primaryKey else { return }
        if !reflected.primaryKey.isEmpty {
            dropConstraints.append(
                .dropConstraint(
                    declared.name, name: reflected.primaryKeyName ?? "\(reflected.name.name)_pkey", kind: .primaryKey))
        }
        if !declared.primaryKey.isEmpty {
            createConstraints.append(
                .createPrimaryKey(declared.name, name: declared.primaryKeyName, columns: declared.primaryKey))
        }
    }

    mutating func compareForeignKeys(_ declared: Table, _ reflected: Table) {
        let name = declared.name
        var unmatched = reflected.foreignKeys
        for key in declared.foreignKeys {
            if let match = unmatched.firstIndex(where: { sameTarget(key, $0) }) {
                let existing = unmatched.remove(at: match)
                if Self.action(key.onDelete) == Self.action(existing.onDelete)
                    && Self.action(key.onUpdate) == Self.action(existing.onUpdate)
                    && key.deferrable == existing.deferrable && key.match == existing.match
                {
                    continue
                }
                dropForeignKeys.append(
                    .dropConstraint(name, name: constraintName(existing, in: reflected), kind: .foreignKey))
                var replacement = key
                replacement.name = key.name ?? existing.name
                createForeignKeys.append(.createForeignKey(name, named(replacement, in: declared)))
            } else {
                createForeignKeys.append(.createForeignKey(name, named(key, in: declared)))
            }
        }
        for key in unmatched {
            dropForeignKeys.append(.dropConstraint(name, name: constraintName(key, in: reflected), kind: .foreignKey))
        }
    }

    /// Keys are the same when they join the same columns to the same table; names are not
    /// compared, since a database names what a declaration leaves unnamed.
    func sameTarget(_ key: ForeignKey, _ other: ForeignKey) -> Bool {
        guard key.columns == other.columns, key.referencedTable == other.referencedTable else { return false }
        // An empty list means the referenced table's primary key.
        return key.referencedColumns.isEmpty || other.referencedColumns.isEmpty
            || key.referencedColumns == other.referencedColumns
    }

    mutating func compareUniqueConstraints(_ declared: Table, _ reflected: Table) {
        let name = declared.name
        var unmatched = reflected.uniqueConstraints
        var unpaired: [UniqueConstraint] = []
        // Names first, so a named and an unnamed constraint on the same columns each find their own.
        for constraint in declared.uniqueConstraints {
            if let constraintName = constraint.name,
                let match = unmatched.firstIndex(where: { $0.name == constraintName && $0.columns == constraint.columns })
            {
                unmatched.remove(at: match)
            } else {
                unpaired.append(constraint)
            }
        }
        let declaredNames = Set(declared.uniqueConstraints.compactMap(\.name))
        for constraint in unpaired {
            // Another name on the same columns is the same constraint, unless the models declare
            // that name too.
            if let match = unmatched.firstIndex(where: { existing in
                existing.columns == constraint.columns && (existing.name.map { !declaredNames.contains($0) } ?? true)
            }) {
                unmatched.remove(at: match)
                continue
            }
            var created = constraint
            created.name = constraint.name ?? conventionalName(declared, constraint.columns, suffix: "key")
            createConstraints.append(.createUniqueConstraint(name, created))
        }
        for constraint in unmatched {
            let dropped = constraint.name ?? "\(reflected.name.name)_\(constraint.columns.joined(separator: "_"))_key"
            dropConstraints.append(.dropConstraint(name, name: dropped, kind: .unique))
        }
    }

    /// Checks are matched by name, then by their loosely normalised condition, and an unnamed
    /// declared check finally by the database's automatic name (`<table>_…check`). A check
    /// matched by name whose condition changed is dropped and created again when
    /// ``SchemaComparisonOptions/compareCheckConditions`` says both sides are spelled alike.
    mutating func compareCheckConstraints(_ declared: Table, _ reflected: Table) {
        let name = declared.name
        var unmatched = reflected.checkConstraints
        var unpaired: [CheckConstraint] = []
        for check in declared.checkConstraints {
            if let checkName = check.name, let match = unmatched.firstIndex(where: { $0.name == checkName }) {
                let existing = unmatched.remove(at: match)
                if options.compareCheckConditions,
                    SQLExpressionText.comparable(existing.expression) != SQLExpressionText.comparable(check.expression)
                {
                    dropConstraints.append(.dropConstraint(name, name: checkName, kind: .check))
                    createConstraints.append(.createCheckConstraint(name, check))
                }
            } else if let match = unmatched.firstIndex(where: {
                ($0.name == nil || check.name == nil)
                    && SQLExpressionText.comparable($0.expression) == SQLExpressionText.comparable(check.expression)
            }) {
                unmatched.remove(at: match)
            } else {
                unpaired.append(check)
            }
        }
        for check in unpaired {
            if check.name == nil, let match = unmatched.firstIndex(where: { isAutomaticCheckName($0.name, reflected) }) {
                unmatched.remove(at: match)
                continue
            }
            var created = check
            if created.name == nil {
                let taken = Set((declared.checkConstraints + reflected.checkConstraints).compactMap(\.name))
                created.name = (0...).lazy.map { "\(declared.name.name)_check" + ($0 == 0 ? "" : String($0)) }
                    .first { !taken.contains($0) }
                    .flatMap { $0.utf8.count <= Self.maximumNameLength ? $0 : nil }
            }
            createConstraints.append(.createCheckConstraint(name, created))
        }
        for check in unmatched {
            dropConstraints.append(
                .dropConstraint(name, name: check.name ?? "\(reflected.name.name)_check", kind: .check))
        }
    }

    /// Takes out of both sides a unique constraint on one side and a plain unique index on the
    /// same columns on the other: they enforce the same rule, and databases made by other tools
    /// hold either. Replacing one with the other would drop the rule for a while, fail where a
    /// foreign key depends on it, and rebuild the index on a large table for nothing.
    static func pairEquivalentUniqueness(_ declared: inout Table, _ reflected: inout Table) {
        func isPlainUnique(_ index: Index) -> Bool {
            index.isUnique && index.predicate == nil && index.include.isEmpty
                && comparableMethod(index.method) == "btree" && index.keys.allSatisfy { $0.columnName != nil }
        }
        func lowercased(_ columns: [String]) -> [String] { columns.map { $0.lowercased() } }
        func indexColumns(_ index: Index) -> [String] { lowercased(index.keys.compactMap(\.columnName)) }
        for constraint in declared.uniqueConstraints
        where !reflected.uniqueConstraints.contains(where: { lowercased($0.columns) == lowercased(constraint.columns) }) {
            let declaredIndexNames = Set(declared.indexes.map(\.name))
            guard let match = reflected.indexes.firstIndex(where: { index in
                isPlainUnique(index) && indexColumns(index) == lowercased(constraint.columns)
                    && !declaredIndexNames.contains(index.name)
            }) else { continue }
            reflected.indexes.remove(at: match)
            declared.uniqueConstraints.removeAll { $0 == constraint }
        }
        for index in declared.indexes
        where isPlainUnique(index) && !reflected.indexes.contains(where: { $0.name == index.name }) {
            let declaredUniqueColumns = declared.uniqueConstraints.map { lowercased($0.columns) }
            guard let match = reflected.uniqueConstraints.firstIndex(where: { constraint in
                lowercased(constraint.columns) == indexColumns(index) && !declaredUniqueColumns.contains(indexColumns(index))
            }) else { continue }
            reflected.uniqueConstraints.remove(at: match)
            declared.indexes.removeAll { $0 == index }
        }
    }

    func isAutomaticCheckName(_ name: String?, _ table: Table) -> Bool {
        guard let name else { return true }
        return name.hasPrefix(table.name.name + "_") && name.hasSuffix("check")
    }

    mutating func compareIndexes(_ declared: Table, _ reflected: Table) {
        for index in declared.indexes {
            guard let existing = reflected.indexes.first(where: { $0.name == index.name }) else {
                createIndexes.append(.createIndex(index))
                continue
            }
            if !sameDefinition(index, existing) {
                dropIndexes.append(.dropIndex(name: existing.name, table: existing.table, definition: existing))
                createIndexes.append(.createIndex(index))
            }
        }
        for index in reflected.indexes where !declared.indexes.contains(where: { $0.name == index.name }) {
            dropIndexes.append(.dropIndex(name: index.name, table: index.table, definition: index))
        }
    }

    func sameDefinition(_ index: Index, _ other: Index) -> Bool {
        // Most indexes of a schema in step are equal as written; normalising is for the rest.
        if index == other { return true }
        func keys(_ index: Index) -> [String] {
            index.keys.map { key in
                switch key.base {
                case .column(let name): return SQLExpressionText.comparable(dialect.quoteIdentifier(name))
                case .expression(let sql), .ordered(.expression(let sql), _): return SQLExpressionText.comparable(sql)
                case .ordered(.column(let name), _): return SQLExpressionText.comparable(dialect.quoteIdentifier(name))
                case .ordered: return ""
                }
            }
        }
        // Unquoted identifiers fold to lowercase, so a bare column read back as an expression matches.
        func unquoted(_ keys: [String]) -> [String] {
            keys.map { $0.hasPrefix("\"") && $0.hasSuffix("\"") && $0.count > 1 ? String($0.dropFirst().dropLast()) : $0 }
        }
        return index.isUnique == other.isUnique
            && unquoted(keys(index)) == unquoted(keys(other))
            && index.keys.map(Self.comparableOptions) == other.keys.map(Self.comparableOptions)
            && Self.comparableMethod(index.method) == Self.comparableMethod(other.method)
            && index.include.map { $0.lowercased() } == other.include.map { $0.lowercased() }
            && index.predicate.map(SQLExpressionText.comparable) == other.predicate.map(SQLExpressionText.comparable)
    }

    /// A key's options as they decide the index: NULLS stated only where it differs from the
    /// direction's default, names compared without case (both engines fold them).
    static func comparableOptions(_ key: IndexKey) -> IndexKeyOptions {
        var options = key.options
        if options.nulls == (options.isDescending ? .first : .last) { options.nulls = nil }
        options.collation = options.collation.map { $0.lowercased() }
        options.operatorClass = options.operatorClass.map { $0.lowercased() }
        return options
    }

    /// The access method, btree being what no method means.
    static func comparableMethod(_ method: String?) -> String {
        method?.lowercased() ?? "btree"
    }

    // MARK: - Constraint names

    /// PostgreSQL's limit on identifiers, which generated names must respect to be kept whole.
    static let maximumNameLength = 63

    /// The key with a name, so its creation can be reversed: the declared one, else the name
    /// PostgreSQL would give it (`<table>_<columns>_fkey`), when that fits.
    func named(_ key: ForeignKey, in table: Table) -> ForeignKey {
        var key = key
        if key.name == nil { key.name = conventionalName(table, key.columns, suffix: "fkey") }
        return key
    }

    func constraintName(_ key: ForeignKey, in table: Table) -> String {
        key.name ?? "\(table.name.name)_\(key.columns.joined(separator: "_"))_fkey"
    }

    func conventionalName(_ table: Table, _ columns: [String], suffix: String) -> String? {
        let name = ([table.name.name] + columns + [suffix]).joined(separator: "_")
        return name.utf8.count <= Self.maximumNameLength ? name : nil
    }

    // MARK: - Helpers

    mutating func comparable(_ type: ColumnType) -> ColumnType {
        if let known = comparableTypes[type] { return known }
        let comparable = dialect.comparableType(type)
        comparableTypes[type] = comparable
        return comparable
    }

    /// NO ACTION is what an unspecified action means.
    static func action(_ action: ReferentialAction?) -> ReferentialAction {
        action ?? .noAction
    }

    /// An empty comment is no comment (PostgreSQL removes a comment set to '').
    static func comment(_ comment: String?) -> String? {
        comment?.isEmpty == true ? nil : comment
    }

    func partition<Element>(_ elements: [Element], by isFirst: (Element) -> Bool) -> ([Element], [Element]) {
        var first: [Element] = []
        var second: [Element] = []
        for element in elements {
            if isFirst(element) { first.append(element) } else { second.append(element) }
        }
        return (first, second)
    }
}
