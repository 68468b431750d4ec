import MigrateCore

/// The recorder a migration's `upgrade` and `downgrade` describe their changes to.
///
/// Each method appends one ``MigrateCore/Operation``; nothing touches a database while a
/// migration runs its body, so the same recording renders for PostgreSQL, for SQLite and for
/// offline `--sql` scripts. The command line never compiles migration files: it reads these calls
/// from the source, so each argument must be a literal (see the README's "Swift migration files").
///
/// ```swift
/// static func upgrade(_ op: Operations) {
///     op.addColumn("accounts", Column("last_seen", .dateTime(timezone: true)))
///     op.createIndex("ix_accounts_last_seen", on: "accounts", columns: ["last_seen"])
/// }
/// ```
public final class Operations {
    /// What the migration recorded, in call order.
    public private(set) var operations: [Operation] = []
    /// The closures of `run` calls, by the index of their ``Operation/swiftCode(label:)`` marker.
    private(set) var swiftCode: [Int: SwiftCode] = [:]

    public init() {}

    /// Appends an operation built elsewhere (by autogenerate, or an app's own code).
    public func record(_ operation: Operation) {
        operations.append(operation)
    }

    // MARK: Tables

    /// Creates a table from columns, constraints and indexes in one list.
    ///
    /// ```swift
    /// op.createTable("accounts",
    ///     Column("id", .integer, primaryKey: true),
    ///     Column("email", .string(length: 255), nullable: false),
    ///     UniqueConstraint(["email"], name: "uq_accounts_email"))
    /// ```
    ///
    /// On PostgreSQL, `partitionBy` makes a partitioned table, and `partitionOf` with `bound` a
    /// partition of one, which takes its columns from it:
    ///
    /// ```swift
    /// op.createTable("events", Column("at", .date, nullable: false), partitionBy: .range("at"))
    /// op.createTable("events_2024", partitionOf: "events", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
    /// ```
    public func createTable(
        _ name: String, _ elements: any TableElement..., schema: String? = nil, comment: String? = nil,
        strict: Bool = false, withoutRowid: Bool = false, autoincrement: Bool = false, partitionBy: PartitionKey? = nil,
        partitionOf: String? = nil, bound: String? = nil
    ) {
        var table = Table(name, elements: elements, schema: schema, comment: comment)
        table.sqliteOptions = SQLiteTableOptions(isStrict: strict, isWithoutRowid: withoutRowid, autoincrement: autoincrement)
        table.setPartitioning(partitionBy: partitionBy, partitionOf: partitionOf, bound: bound)
        record(.createTable(table))
    }

    /// Makes an existing table a partition of `parent` (PostgreSQL's `ATTACH PARTITION`); its
    /// columns must be the parent's.
    ///
    /// ```swift
    /// op.attachPartition("events_2023", to: "events", bound: "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')")
    /// ```
    public func attachPartition(_ partition: String, to parent: String, bound: String, schema: String? = nil) {
        record(
            .attachPartition(
                TableName(partition, schema: schema), TablePartition(of: TableName(parent, schema: schema), bound: bound)))
    }

    /// Makes a partition a table of its own again (`DETACH PARTITION`), keeping its rows; `bound`
    /// is the one it had, for the reverse.
    public func detachPartition(_ partition: String, from parent: String, bound: String, schema: String? = nil) {
        record(
            .detachPartition(
                TableName(partition, schema: schema), TablePartition(of: TableName(parent, schema: schema), bound: bound)))
    }

    /// Sets an SQLite table's `STRICT`, `WITHOUT ROWID` and `AUTOINCREMENT` (all three, as given),
    /// rebuilding the table.
    ///
    /// ```swift
    /// op.alterTableOptions("events", strict: true)
    /// ```
    public func alterTableOptions(
        _ table: String, strict: Bool = false, withoutRowid: Bool = false, autoincrement: Bool = false, schema: String? = nil
    ) {
        record(
            .alterTableOptions(
                TableName(table, schema: schema),
                SQLiteTableOptions(isStrict: strict, isWithoutRowid: withoutRowid, autoincrement: autoincrement)))
    }

    /// Creates an SQLite virtual table (full-text search, R*Tree, …) from its module and arguments;
    /// drop it with ``dropTable(_:schema:definition:)`` as any table.
    ///
    /// ```swift
    /// op.createVirtualTable("documents_search", using: "fts5(title, body)")
    /// ```
    public func createVirtualTable(_ name: String, using module: String, schema: String? = nil) {
        record(.createTable(Table(virtual: name, using: module, schema: schema)))
    }

    /// Drops a table; `definition` (the table as it was) lets tools reverse the drop.
    public func dropTable(_ name: String, schema: String? = nil, definition: Table? = nil) {
        record(.dropTable(TableName(name, schema: schema), definition: definition))
    }

    /// Renames a table (within its schema).
    public func renameTable(_ name: String, to newName: String, schema: String? = nil) {
        record(.renameTable(TableName(name, schema: schema), to: newName))
    }

    /// Sets a table's comment; nil removes it. `previous` is the comment it replaces, for reverses.
    public func setTableComment(_ table: String, _ comment: String?, previous: String? = nil, schema: String? = nil) {
        record(.setTableComment(TableName(table, schema: schema), comment: comment, previous: previous))
    }

    // MARK: Columns

    /// Adds a column, e.g. `op.addColumn("tasks", Column("done", .boolean, nullable: false, default: .boolean(false)))`.
    public func addColumn(_ table: String, _ column: Column, schema: String? = nil) {
        record(.addColumn(TableName(table, schema: schema), column))
    }

    /// Drops a column; `definition` (the column as it was) lets tools reverse the drop.
    public func dropColumn(_ table: String, _ column: String, schema: String? = nil, definition: Column? = nil) {
        record(.dropColumn(TableName(table, schema: schema), column: column, definition: definition))
    }

    /// Changes a column: only the arguments given change.
    ///
    /// `dropDefault` and `dropComment` remove the default and the comment (a `nil` argument
    /// would read as "unchanged"). The `existing…` arguments describe the column before the
    /// change: SQLite's table rebuilds and reverses use them; `existingDefault: .some(nil)`
    /// says the column had no default. `identity` changes how PostgreSQL numbers the column
    /// (`true`, `.always`, `.serial`, or `false` to stop), restarting the new numbering past the
    /// largest value already there. `dropExpression: true` stops computing a generated column
    /// in place: it keeps the values it holds, and inserts may set it from then on
    /// (`existingGenerated:` says what it was computed from, for the reverse). `generated:`
    /// makes a column generated, which no engine does in place: the column is dropped and added
    /// again (SQLite rebuilds the table), its values computed from the expression. `sequence`
    /// sets every option of the sequence behind an identity or serial column (an empty one returns
    /// them to the defaults); `identity` or `existingIdentity` says which kind the column is.
    ///
    /// ```swift
    /// op.alterColumn("accounts", "name", type: .string(length: 100), nullable: false)
    /// op.alterColumn("accounts", "id", identity: true, existingIdentity: .serial)
    /// op.alterColumn("items", "total", dropExpression: true, existingGenerated: .stored("price * quantity"))
    /// op.alterColumn("accounts", "id", existingIdentity: true, sequence: SequenceOptions(start: 100, increment: 5),
    ///     existingSequence: SequenceOptions())
    /// op.alterColumn("accounts", "created", newName: "created_at", dropDefault: true)
    /// ```
    public func alterColumn(
        _ table: String, _ column: String, newName: String? = nil, type: ColumnType? = nil, nullable: Bool? = nil,
        default defaultValue: ServerDefault? = nil, dropDefault: Bool = false, comment: String? = nil,
        dropComment: Bool = false, existingType: ColumnType? = nil, existingNullable: Bool? = nil,
        existingDefault: ServerDefault?? = nil, existingComment: String?? = nil, collation: String? = nil,
        dropCollation: Bool = false, existingCollation: String?? = nil, schema: String? = nil,
        identity: ColumnIdentity? = nil, existingIdentity: ColumnIdentity? = nil, generated: GeneratedColumn? = nil,
        dropExpression: Bool = false, existingGenerated: GeneratedColumn?? = nil, sequence: SequenceOptions? = nil,
        existingSequence: SequenceOptions? = nil
    ) {
        var changes = ColumnChanges(
            newName: newName, type: type, isNullable: nullable,
            defaultValue: dropDefault ? .some(nil) : defaultValue.map { .some($0) },
            comment: dropComment ? .some(nil) : comment.map { .some($0) },
            existingType: existingType, existingNullable: existingNullable, existingDefault: existingDefault,
            existingComment: existingComment)
        changes.collation = dropCollation ? .some(nil) : collation.map { .some($0) }
        changes.existingCollation = existingCollation
        changes.identity = identity.map(\.generation)
        changes.existingIdentity = existingIdentity.map(\.generation)
        changes.generated = dropExpression ? .some(nil) : generated.map { .some($0) }
        changes.existingGenerated = existingGenerated
        changes.sequence = sequence
        changes.existingSequence = existingSequence
        record(.alterColumn(TableName(table, schema: schema), column: column, changes: changes))
    }

    // MARK: Indexes

    /// Creates an index on columns; `where` makes it partial.
    ///
    /// ```swift
    /// op.createIndex("ix_tasks_open", on: "tasks", columns: ["project_id"], where: "state <> 'done'")
    /// ```
    public func createIndex(
        _ name: String, on table: String, columns: [String], unique: Bool = false, where predicate: String? = nil,
        schema: String? = nil, using method: String? = nil, include: [String] = []
    ) {
        createIndex(
            name, on: table, keys: columns.map { IndexKey.column($0) }, unique: unique, where: predicate, schema: schema,
            using: method, include: include)
    }

    /// Creates an index whose keys may be SQL expressions or carry options; `using` picks the
    /// access method and `include` adds non-key columns (PostgreSQL).
    ///
    /// ```swift
    /// op.createIndex("ix_posts_search", on: "posts", keys: [.expression("to_tsvector('english', body)")], using: "gin")
    /// op.createIndex("ix_posts_recent", on: "posts", keys: [.column("created_at", descending: true)])
    /// ```
    public func createIndex(
        _ name: String, on table: String, keys: [IndexKey], unique: Bool = false, where predicate: String? = nil,
        schema: String? = nil, using method: String? = nil, include: [String] = []
    ) {
        record(.createIndex(Index(
            name: name, table: TableName(table, schema: schema), keys: keys, isUnique: unique, predicate: predicate,
            method: method, include: include)))
    }

    /// Drops an index; `definition` (the index as it was, e.g. `Index("ix", columns: ["a"])`)
    /// lets tools reverse the drop.
    public func dropIndex(_ name: String, on table: String, schema: String? = nil, definition: Index? = nil) {
        let tableName = TableName(table, schema: schema)
        let definition = definition.map { index -> Index in
            var index = index
            index.table = tableName
            return index
        }
        record(.dropIndex(name: name, table: tableName, definition: definition))
    }

    // MARK: Constraints

    /// Adds a unique constraint, e.g. `op.createUniqueConstraint("uq_accounts_email", on: "accounts", columns: ["email"])`.
    public func createUniqueConstraint(_ name: String?, on table: String, columns: [String], schema: String? = nil) {
        record(.createUniqueConstraint(TableName(table, schema: schema), UniqueConstraint(name: name, columns: columns)))
    }

    /// Adds a check constraint from its SQL condition, e.g. `condition: "position > 0"`.
    public func createCheckConstraint(_ name: String?, on table: String, condition: String, schema: String? = nil) {
        record(.createCheckConstraint(TableName(table, schema: schema), CheckConstraint(name: name, expression: condition)))
    }

    /// Adds a foreign key from `columns` of `table` to `referencedColumns` of `references`.
    ///
    /// ```swift
    /// op.createForeignKey("fk_tasks_owner", on: "tasks", columns: ["owner_id"],
    ///                     references: "accounts", referencedColumns: ["id"], onDelete: .setNull)
    /// ```
    public func createForeignKey(
        _ name: String?, on table: String, columns: [String], references referencedTable: String,
        referencedColumns: [String], onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil,
        schema: String? = nil, referencedSchema: String? = nil, deferrable: ConstraintDeferral? = nil,
        match: ForeignKeyMatch? = nil
    ) {
        let key = ForeignKey(
            name: name, columns: columns, references: TableName(referencedTable, schema: referencedSchema),
            referencedColumns: referencedColumns, onDelete: onDelete, onUpdate: onUpdate, deferrable: deferrable,
            match: match)
        record(.createForeignKey(TableName(table, schema: schema), key))
    }

    /// Adds a primary key on `columns` (a table created without one).
    public func createPrimaryKey(_ name: String?, on table: String, columns: [String], schema: String? = nil) {
        record(.createPrimaryKey(TableName(table, schema: schema), name: name, columns: columns))
    }

    /// Drops a named constraint; `kind` tells engines that rebuild tables (SQLite) what to remove.
    ///
    /// ```swift
    /// op.dropConstraint("uq_accounts_email", on: "accounts", kind: .unique)
    /// ```
    public func dropConstraint(_ name: String, on table: String, kind: ConstraintKind, schema: String? = nil) {
        record(.dropConstraint(TableName(table, schema: schema), name: name, kind: kind))
    }

    // MARK: Views and triggers

    /// Creates a view from its query; `materialized` makes it a PostgreSQL materialized view
    /// (whose indexes are then created with ``createIndex(_:on:columns:unique:where:schema:)``).
    ///
    /// ```swift
    /// op.createView("open_tasks", as: "SELECT id, title FROM tasks WHERE state <> 'done'")
    /// ```
    public func createView(_ name: String, as definition: String, materialized: Bool = false, schema: String? = nil) {
        record(.createView(View(TableName(name, schema: schema), definition: definition, isMaterialized: materialized)))
    }

    /// Drops a view; `definition` (its query as it was) lets tools reverse the drop.
    public func dropView(_ name: String, materialized: Bool = false, schema: String? = nil, definition: String? = nil) {
        record(.dropView(TableName(name, schema: schema), materialized: materialized, definition: definition))
    }

    /// Creates a trigger from its whole `CREATE TRIGGER` statement, on `table`.
    ///
    /// ```swift
    /// op.createTrigger("tasks_touch", on: "tasks", """
    ///     CREATE TRIGGER tasks_touch AFTER UPDATE ON tasks BEGIN UPDATE tasks SET updated = 1 WHERE id = new.id; END
    ///     """)
    /// ```
    public func createTrigger(_ name: String, on table: String, _ definition: String, schema: String? = nil) {
        record(.createTrigger(Trigger(name, on: TableName(table, schema: schema), definition: definition)))
    }

    /// Drops a trigger; `definition` (its `CREATE TRIGGER` statement) lets tools reverse the drop.
    public func dropTrigger(_ name: String, on table: String, schema: String? = nil, definition: String? = nil) {
        record(.dropTrigger(name: name, table: TableName(table, schema: schema), definition: definition))
    }

    // MARK: Sequences

    /// Creates a sequence, e.g. `op.createSequence(DatabaseSequence("invoice_numbers", start: 1000))`.
    public func createSequence(_ sequence: DatabaseSequence) {
        record(.createSequence(sequence))
    }

    /// Sets every option and the owner of a sequence to `sequence`'s; `previous` (the sequence as
    /// it was) lets tools reverse the change.
    public func alterSequence(_ sequence: DatabaseSequence, previous: DatabaseSequence? = nil) {
        record(.alterSequence(sequence, previous: previous))
    }

    /// Drops a sequence; `definition` (the sequence as it was) lets tools reverse the drop.
    public func dropSequence(_ name: String, schema: String? = nil, definition: DatabaseSequence? = nil) {
        record(.dropSequence(TableName(name, schema: schema), definition: definition))
    }

    // MARK: Domains

    /// Creates a domain, e.g.
    /// `op.createDomain(Domain("year", .integer, checks: [CheckConstraint("VALUE >= 1901", name: "year_check")]))`.
    public func createDomain(_ domain: Domain) {
        record(.createDomain(domain))
    }

    /// Sets a domain's nullability, default and checks; `previous` (the domain as it was) says
    /// which checks go, and lets tools reverse the change.
    public func alterDomain(_ domain: Domain, previous: Domain? = nil) {
        record(.alterDomain(domain, previous: previous))
    }

    /// Drops a domain; `definition` (the domain as it was) lets tools reverse the drop.
    public func dropDomain(_ name: String, schema: String? = nil, definition: Domain? = nil) {
        record(.dropDomain(TableName(name, schema: schema), definition: definition))
    }

    // MARK: Enumerations

    /// Creates an enumeration type on its own, e.g. the new type that replaces one losing a value.
    /// (A column of an `.enumeration` type creates the type itself when it is created.)
    public func createEnumeration(_ name: String, values: [String], schema: String? = nil) {
        record(.createEnumeration(TableName(name, schema: schema), values: values))
    }

    /// Drops an enumeration type no column uses; `values` (its values as they were) lets tools
    /// reverse the drop.
    public func dropEnumeration(_ name: String, schema: String? = nil, values: [String]? = nil) {
        record(.dropEnumeration(TableName(name, schema: schema), values: values))
    }

    /// Renames an enumeration type.
    public func renameEnumeration(_ name: String, to newName: String, schema: String? = nil) {
        record(.renameEnumeration(TableName(name, schema: schema), to: newName))
    }

    /// Adds a value to an enumeration type, before or after an existing one (last when neither
    /// is given): `op.addEnumerationValue("mood", "curious", after: "happy")`.
    ///
    /// PostgreSQL cannot use a value in the transaction that added it, so the value is added
    /// and committed on its own before the rest of the migration runs.
    public func addEnumerationValue(
        _ name: String, _ value: String, before: String? = nil, after: String? = nil, schema: String? = nil
    ) {
        record(.addEnumerationValue(TableName(name, schema: schema), value: value, before: before, after: after))
    }

    /// Takes a value out of an enumeration type, which PostgreSQL can only do by recreating the
    /// type: fails while rows hold the value; otherwise creates `<name>_new` without it, converts
    /// every column of the type (finding them when it runs, their defaults kept), drops the old
    /// type and renames the new one. `before`/`after` (where the value was) make it reversible.
    public func dropEnumerationValue(
        _ name: String, _ value: String, before: String? = nil, after: String? = nil, schema: String? = nil
    ) {
        record(.dropEnumerationValue(TableName(name, schema: schema), value: value, before: before, after: after))
    }

    /// Renames a value of an enumeration type; the rows holding it hold the new name.
    public func renameEnumerationValue(_ name: String, from oldValue: String, to newValue: String, schema: String? = nil) {
        record(.renameEnumerationValue(TableName(name, schema: schema), from: oldValue, to: newValue))
    }

    // MARK: Schemas and extensions

    /// Creates a schema (PostgreSQL namespace).
    public func createSchema(_ name: String) {
        record(.createSchema(name))
    }

    /// Drops a schema, which must be empty.
    public func dropSchema(_ name: String) {
        record(.dropSchema(name))
    }

    /// Installs an extension unless it is installed (`CREATE EXTENSION IF NOT EXISTS`), in
    /// `schema` and at `version` when they are given.
    public func createExtension(_ name: String, schema: String? = nil, version: String? = nil) {
        record(.createExtension(DatabaseExtension(name, schema: schema, version: version)))
    }

    /// Updates an extension to `version`; `previous` (the version it had) lets tools reverse it.
    public func alterExtension(_ name: String, version: String, previous: String? = nil) {
        record(.alterExtension(name, version: version, previous: previous))
    }

    /// Drops an extension; `schema` and `version` (where it was, which version) make the drop
    /// reversible.
    public func dropExtension(_ name: String, schema: String? = nil, version: String? = nil) {
        record(.dropExtension(name, definition: DatabaseExtension(name, schema: schema, version: version)))
    }

    // MARK: Functions and procedures

    /// Creates a function or procedure from its whole `CREATE FUNCTION`/`CREATE PROCEDURE`
    /// statement (PostgreSQL), e.g.
    /// `op.createFunction("CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'")`.
    public func createFunction(_ definition: String) {
        record(.createFunction(Function(definition)))
    }

    /// Replaces a function's body and options in place (`CREATE OR REPLACE`), keeping the triggers,
    /// views and defaults that use it; `previous` (its `CREATE` statement as it was) lets tools
    /// reverse the change. A new result type or new argument names need a drop and a create.
    public func replaceFunction(_ definition: String, previous: String? = nil) {
        record(.replaceFunction(Function(definition), previous: previous.map(Function.init)))
    }

    /// Drops a function, named with its input argument types as `DROP FUNCTION` takes them
    /// (`arguments: "integer, text"`); `definition` (its `CREATE` statement) lets tools reverse
    /// the drop.
    public func dropFunction(
        _ name: String, arguments: String, schema: String? = nil, procedure: Bool = false, definition: String? = nil
    ) {
        record(
            .dropFunction(
                TableName(name, schema: schema), arguments: arguments, procedure: procedure, definition: definition))
    }

    // MARK: SQL and data

    /// Runs one SQL statement as written: the way out for anything the other methods do not say.
    ///
    /// ```swift
    /// op.execute("""
    ///     UPDATE tasks SET state = 'done' WHERE closed_at IS NOT NULL
    ///     """)
    /// ```
    public func execute(_ sql: String) {
        record(.execute(sql))
    }

    /// Inserts rows given as dictionaries; the columns are the rows' keys in sorted order
    /// (a dictionary has no order of its own), and a key a row lacks inserts NULL.
    ///
    /// ```swift
    /// op.bulkInsert("task_states", rows: [
    ///     ["name": "todo", "position": 1, "is_closed": false],
    ///     ["name": "done", "position": 2, "is_closed": true],
    /// ])
    /// ```
    public func bulkInsert(_ table: String, rows: [[String: SQLValue]], schema: String? = nil) {
        let columns = Set(rows.flatMap(\.keys)).sorted()
        bulkInsert(table, columns: columns, rows: rows.map { row in columns.map { row[$0] ?? .null } }, schema: schema)
    }

    /// Inserts rows given positionally, in the order of `columns`.
    public func bulkInsert(_ table: String, columns: [String], rows: [[SQLValue]], schema: String? = nil) {
        record(.bulkInsert(TableName(table, schema: schema), columns: columns, rows: rows))
    }

    // MARK: Backfills

    /// Updates many rows in batches of `batchSize`, each batch in its own transaction, so the
    /// table stays usable while it runs and a run that stops loses at most one batch.
    ///
    /// `where` is SQL that is true for the rows still to update and false once they are: it is
    /// the record of what is done, so a run that stopped half way continues where it stopped.
    /// Batches walk the table in the order of `key`, a unique, indexed column (the primary key).
    /// A migration that backfills holds only backfills and runs outside a transaction; it is
    /// recorded once every batch is done (see docs/operations.md).
    ///
    /// ```swift
    /// op.backfill("accounts", set: ["email_lower": "lower(email)"], where: "email_lower IS NULL", batchSize: 5000)
    /// ```
    public func backfill(
        _ table: String, set: KeyValuePairs<String, String>, where condition: String,
        key: String = Backfill.defaultKey, batchSize: Int = Backfill.defaultBatchSize, schema: String? = nil
    ) {
        record(
            .backfill(
                Backfill(
                    table: TableName(table, schema: schema),
                    assignments: set.map { Backfill.Assignment(column: $0.key, expression: $0.value) },
                    condition: condition, key: key, batchSize: batchSize)))
    }

    // MARK: Swift code

    /// Runs Swift code against the database, inside the migration's transaction: row work that
    /// SQL alone says badly (computing values, reading one table to fill another).
    ///
    /// Only an app that compiles the migration can run it (through ``Migrator``); the command
    /// line reads files without compiling them, so it refuses to run this migration, naming it,
    /// and `upgrade --sql` marks the place with a comment. `label` says what the code does, for
    /// messages and scripts.
    ///
    /// ```swift
    /// op.run("number the positions") { db in
    ///     for (position, row) in try db.query("SELECT id FROM todos ORDER BY created_at").enumerated() {
    ///         try db.execute("UPDATE todos SET position = $1 WHERE id = $2", .integer(position + 1), .integer(row.int(0)!))
    ///     }
    /// }
    /// ```
    public func run(
        _ label: String? = nil, fileID: StaticString = #fileID, line: UInt = #line,
        _ body: @escaping @Sendable (MigrationDatabase) throws -> Void
    ) {
        swiftCode[operations.count] = SwiftCode(body: body, place: "\(fileID):\(line)")
        record(.swiftCode(label: label))
    }
}

/// A compiled `op.run` closure and where it was written, for messages.
struct SwiftCode: Sendable {
    var body: @Sendable (MigrationDatabase) throws -> Void
    var place: String
}
