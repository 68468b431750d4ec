import MigrateCore

/// Something a table definition lists: a column, a constraint or an index.
///
/// One protocol lets ``Operations/createTable(_:_:schema:comment:)`` and ``MigrateCore/Table``
/// take columns and constraints in one list, the way Alembic's `op.create_table` does:
///
/// ```swift
/// op.createTable("tasks",
///     Column("id", .integer, primaryKey: true),
///     Column("project_id", .integer, nullable: false),
///     ForeignKey(["project_id"], references: "projects", ["id"], onDelete: .cascade),
///     UniqueConstraint(["project_id", "title"], name: "uq_tasks_title"))
/// ```
public protocol TableElement: Sendable {
    /// Adds this element to `table`.
    func add(to table: inout Table)
}

extension Column: TableElement {
    /// A column as migration files write it: type second, then only what differs from a plain
    /// nullable column.
    ///
    /// ```swift
    /// Column("id", .integer, primaryKey: true)
    /// Column("name", .string(length: 50), nullable: false, default: .string("anonymous"))
    /// ```
    ///
    /// Disfavoured so that `Column("id", .integer)`, which the core initializer also matches,
    /// is not ambiguous (both build the same column).
    @_disfavoredOverload
    public init(
        _ name: String, _ type: ColumnType, primaryKey: Bool = false, nullable: Bool? = nil,
        identity: Bool = false, default defaultValue: ServerDefault? = nil, comment: String? = nil,
        collation: String? = nil
    ) {
        self.init(
            name, type, isNullable: nullable ?? true, isPrimaryKey: primaryKey, isIdentity: identity,
            defaultValue: defaultValue, comment: comment)
        // A key column is NOT NULL unless it says otherwise: SQLite lets a key other than an
        // INTEGER rowid alias hold NULL when its table was declared so.
        if primaryKey, nullable == true { isNullable = true }
        self.collation = collation
    }

    public func add(to table: inout Table) { table.columns.append(self) }
}

extension ForeignKey: TableElement {
    /// A foreign key as migration files write it: local columns, the referenced table, its columns.
    ///
    /// ```swift
    /// ForeignKey(["owner_id"], references: "accounts", ["id"], onDelete: .cascade)
    /// ```
    public init(
        _ columns: [String], references table: String, _ referencedColumns: [String],
        referencedSchema: String? = nil, onDelete: ReferentialAction? = nil, onUpdate: ReferentialAction? = nil,
        deferrable: ConstraintDeferral? = nil, match: ForeignKeyMatch? = nil, name: String? = nil
    ) {
        self.init(
            name: name, columns: columns, references: TableName(table, schema: referencedSchema),
            referencedColumns: referencedColumns, onDelete: onDelete, onUpdate: onUpdate, deferrable: deferrable,
            match: match)
    }

    public func add(to table: inout Table) { table.foreignKeys.append(self) }
}

extension UniqueConstraint: TableElement {
    /// A unique constraint on `columns`, e.g. `UniqueConstraint(["email"], name: "uq_accounts_email")`.
    public init(_ columns: [String], name: String? = nil) {
        self.init(name: name, columns: columns)
    }

    public func add(to table: inout Table) { table.uniqueConstraints.append(self) }
}

extension CheckConstraint: TableElement {
    /// A check constraint from its SQL condition, e.g. `CheckConstraint("position > 0", name: "ck_position")`.
    public init(_ condition: String, name: String? = nil) {
        self.init(name: name, expression: condition)
    }

    public func add(to table: inout Table) { table.checkConstraints.append(self) }
}

extension Index: TableElement {
    /// An index declared inside a table definition, which supplies the table.
    ///
    /// ```swift
    /// Index("ix_tasks_title", columns: ["title"], unique: true, where: "title <> ''")
    /// ```
    ///
    /// `using` names the access method (`"gin"`, `"gist"`, `"hash"`, `"brin"`, `"spgist"`; nil is
    /// btree) and `include` lists columns stored without being keys; both are PostgreSQL's.
    public init(
        _ name: String, columns: [String], unique: Bool = false, where predicate: String? = nil, using method: String? = nil,
        include: [String] = []
    ) {
        self.init(
            name: name, table: TableName(""), keys: columns.map { IndexKey.column($0) }, isUnique: unique,
            predicate: predicate, method: method, include: include)
    }

    /// An index with expression or ordered keys, e.g.
    /// `keys: [.expression("to_tsvector('english', body)")], using: "gin"` or
    /// `keys: [.column("created_at", descending: true)]`.
    public init(
        _ name: String, keys: [IndexKey], unique: Bool = false, where predicate: String? = nil, using method: String? = nil,
        include: [String] = []
    ) {
        self.init(
            name: name, table: TableName(""), keys: keys, isUnique: unique, predicate: predicate, method: method,
            include: include)
    }

    public func add(to table: inout Table) {
        var index = self
        index.table = table.name
        table.indexes.append(index)
    }
}

/// A primary key listing its columns in key order, named or not; `primaryKey: true` on columns
/// makes a key in column order.
///
/// ```swift
/// PrimaryKey(["payment_date", "payment_id"], name: "pk_payments")
/// ```
public struct PrimaryKey: TableElement, Hashable {
    public var columns: [String]
    public var name: String?

    public init(_ columns: [String], name: String? = nil) {
        self.columns = columns
        self.name = name
    }

    public func add(to table: inout Table) {
        table.primaryKeyName = name
        for index in table.columns.indices where columns.contains(table.columns[index].name) {
            table.columns[index].isPrimaryKey = true
            table.columns[index].isNullable = false
        }
        // Kept only when it says something column order does not.
        table.primaryKeyOrder = table.columns.filter(\.isPrimaryKey).map(\.name) == columns ? [] : columns
    }
}

extension Table {
    /// A table definition as migration and model files write it: columns and constraints in one
    /// list.
    ///
    /// ```swift
    /// Table("accounts",
    ///     Column("id", .integer, primaryKey: true),
    ///     Column("email", .string(length: 255), nullable: false),
    ///     comment: "people who sign in")
    /// ```
    ///
    /// `strict`, `withoutRowid` and `autoincrement` are SQLite's table options (`AUTOINCREMENT`
    /// applies to the identity column).
    ///
    /// On PostgreSQL, `partitionBy` makes a partitioned table, whose rows live in its partitions;
    /// a partition names its table with `partitionOf` and the rows it takes with `bound`, as
    /// PostgreSQL prints it back (`migrate inspect` writes it so). A partition has its parent's
    /// columns, keys and indexes, so it lists only what it has of its own:
    ///
    /// ```swift
    /// Table("payments",
    ///     Column("id", .integer, nullable: false),
    ///     Column("paid_on", .date, nullable: false),
    ///     PrimaryKey(["paid_on", "id"]),
    ///     partitionBy: .range("paid_on"))
    /// Table("payments_2024", partitionOf: "payments", bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')")
    /// Table("payments_other", partitionOf: "payments", bound: "DEFAULT")
    /// ```
    public init(
        _ name: String, _ elements: any TableElement..., schema: String? = nil, comment: String? = nil,
        strict: Bool = false, withoutRowid: Bool = false, autoincrement: Bool = false, partitionBy: PartitionKey? = nil,
        partitionOf: String? = nil, bound: String? = nil
    ) {
        self.init(name, elements: elements, schema: schema, comment: comment)
        sqliteOptions = SQLiteTableOptions(isStrict: strict, isWithoutRowid: withoutRowid, autoincrement: autoincrement)
        setPartitioning(partitionBy: partitionBy, partitionOf: partitionOf, bound: bound)
    }

    /// Sets the partition key, and the parent (in the table's schema) with the bound; a parent
    /// without a bound gets an empty one, which rendering rejects with a message.
    mutating func setPartitioning(partitionBy: PartitionKey?, partitionOf: String?, bound: String?) {
        partitionKey = partitionBy
        partitionOf.map { self.partitionOf = TablePartition(of: TableName($0, schema: name.schema), bound: bound ?? "") }
    }

    /// An SQLite virtual table, whose module and arguments (`CREATE VIRTUAL TABLE … USING`) declare
    /// its columns and storage; in a models file, a full-text index beside the tables it searches.
    ///
    /// ```swift
    /// Table(virtual: "documents_search", using: "fts5(title, body, content='documents')")
    /// ```
    public init(virtual name: String, using module: String, schema: String? = nil) {
        self.init(virtual: TableName(name, schema: schema), using: module)
    }

    /// The array form of ``init(_:_:schema:comment:)``, for callers that build the list.
    public init(_ name: String, elements: [any TableElement], schema: String? = nil, comment: String? = nil) {
        self.init(TableName(name, schema: schema), columns: [], comment: comment)
        // Columns first, so that a PrimaryKey listed before its columns still marks them.
        for element in elements where element is Column { element.add(to: &self) }
        for element in elements where !(element is Column) { element.add(to: &self) }
    }
}

extension View {
    /// A view as models files declare it: its name, its query, and for a PostgreSQL materialized
    /// view its indexes.
    ///
    /// ```swift
    /// View("open_tasks", "SELECT id, title FROM tasks WHERE state <> 'done'")
    /// View("task_counts", "SELECT project_id, count(*) AS n FROM tasks GROUP BY project_id",
    ///      materialized: true, indexes: [Index("ix_task_counts_project", columns: ["project_id"])])
    /// ```
    public init(
        _ name: String, _ definition: String, schema: String? = nil, materialized: Bool = false, indexes: [Index] = []
    ) {
        let viewName = TableName(name, schema: schema)
        self.init(
            viewName, definition: definition, isMaterialized: materialized,
            indexes: indexes.map { index in
                var index = index
                index.table = viewName
                return index
            })
    }
}

extension Trigger {
    /// A trigger as models files declare it: its name, its table, and its whole `CREATE TRIGGER`
    /// statement, written as the database prints it back (`migrate inspect` writes it so).
    ///
    /// ```swift
    /// Trigger("tasks_touch", on: "tasks", "CREATE TRIGGER tasks_touch AFTER UPDATE ON tasks BEGIN SELECT 1; END")
    /// ```
    public init(_ name: String, on table: String, _ definition: String, schema: String? = nil) {
        self.init(name, on: TableName(table, schema: schema), definition: definition)
    }
}

extension DatabaseSequence {
    /// A sequence as migration and models files write it; options left out are the database's
    /// defaults, and `ownedByTable`/`ownedByColumn` name the column that owns it.
    ///
    /// ```swift
    /// DatabaseSequence("invoice_numbers", start: 1000, increment: 1)
    /// DatabaseSequence("tasks_position_seq", ownedByTable: "tasks", ownedByColumn: "position")
    /// ```
    public init(
        _ name: String, schema: String? = nil, start: Int? = nil, increment: Int? = nil, minValue: Int? = nil,
        maxValue: Int? = nil, cache: Int? = nil, cycle: Bool = false, ownedByTable: String? = nil,
        ownedByColumn: String? = nil
    ) {
        self.init(
            TableName(name, schema: schema), start: start, increment: increment, minValue: minValue,
            maxValue: maxValue, cache: cache, cycles: cycle, ownerTable: ownedByTable.map { TableName($0, schema: schema) },
            ownerColumn: ownedByColumn)
    }
}

extension Domain {
    /// A domain as migration and models files write it.
    ///
    /// ```swift
    /// Domain("year", .integer, checks: [CheckConstraint("VALUE >= 1901 AND VALUE <= 2155", name: "year_check")])
    /// ```
    public init(
        _ name: String, _ baseType: ColumnType, schema: String? = nil, nullable: Bool = true,
        default defaultValue: ServerDefault? = nil, checks: [CheckConstraint] = []
    ) {
        self.init(
            TableName(name, schema: schema), baseType: baseType, isNullable: nullable, defaultValue: defaultValue,
            checks: checks)
    }
}
