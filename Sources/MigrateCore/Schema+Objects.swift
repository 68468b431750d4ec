/// Objects beyond tables: views and triggers, and the dependencies between schema objects that
/// decide the order in which a migration drops and creates them.

/// A view, or a PostgreSQL materialized view (with its indexes), defined by its query.
public struct View: Sendable, Hashable, Codable {
    public var name: TableName
    /// The `SELECT …` after `AS`, as written (declared) or as the database prints it (reflected).
    public var definition: String
    /// A PostgreSQL `MATERIALIZED VIEW`: its rows are stored, and it can have indexes.
    public var isMaterialized: Bool
    /// A materialized view's indexes (each `Index.table` is the view's name).
    public var indexes: [Index]

    public init(_ name: TableName, definition: String, isMaterialized: Bool = false, indexes: [Index] = []) {
        self.name = name
        self.definition = definition
        self.isMaterialized = isMaterialized
        self.indexes = indexes
    }
}

/// A trigger, kept as its whole `CREATE TRIGGER` statement: engines print triggers back in that
/// form (`pg_get_triggerdef`, SQLite's `sqlite_master`), and it is what recreating one takes.
public struct Trigger: Sendable, Hashable, Codable {
    public var name: String
    /// The table (or view) the trigger fires on.
    public var table: TableName
    /// The complete `CREATE TRIGGER …` statement.
    public var definition: String

    public init(_ name: String, on table: TableName, definition: String) {
        self.name = name
        self.table = table
        self.definition = definition
    }
}

/// What kind of object a ``SchemaObjectName`` names.
public enum SchemaObjectKind: String, Sendable, Hashable, Codable, CaseIterable {
    case table, view
}

/// One schema object, by kind and (schema-qualified) name.
public struct SchemaObjectName: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: SchemaObjectKind
    public var name: TableName

    public init(_ kind: SchemaObjectKind, _ name: TableName) {
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(kind.rawValue) \(name)" }
}

/// `dependent` cannot exist without `referenced` (PostgreSQL's `pg_depend`): a view reading a
/// table's column, a view reading another view. `column` narrows a dependency on a table to one
/// of its columns, when the database says which.
public struct ObjectDependency: Sendable, Hashable, Codable {
    public var dependent: SchemaObjectName
    public var referenced: SchemaObjectName
    public var column: String?

    public init(_ dependent: SchemaObjectName, on referenced: SchemaObjectName, column: String? = nil) {
        self.dependent = dependent
        self.referenced = referenced
        self.column = column
    }
}

/// A PostgreSQL sequence with its options; nil options are the database's defaults.
///
/// Called `DatabaseSequence`, not `Sequence`, so that it never hides Swift's own protocol.
public struct DatabaseSequence: Sendable, Hashable, Codable {
    public var name: TableName
    public var start: Int?
    public var increment: Int?
    public var minValue: Int?
    public var maxValue: Int?
    public var cache: Int?
    public var cycles: Bool
    /// The column that owns the sequence (`OWNED BY table.column`): dropping the column or its
    /// table drops the sequence.
    public var ownerTable: TableName?
    public var ownerColumn: String?

    public init(
        _ name: TableName, start: Int? = nil, increment: Int? = nil, minValue: Int? = nil, maxValue: Int? = nil,
        cache: Int? = nil, cycles: Bool = false, ownerTable: TableName? = nil, ownerColumn: String? = nil
    ) {
        self.name = name
        self.start = start
        self.increment = increment
        self.minValue = minValue
        self.maxValue = maxValue
        self.cache = cache
        self.cycles = cycles
        self.ownerTable = ownerTable
        self.ownerColumn = ownerColumn
    }

    /// The options with PostgreSQL's defaults filled in (for a `bigint` sequence), so that a
    /// declaration leaving them out equals the database's explicit values.
    public var effective: DatabaseSequence {
        var sequence = self
        let step = increment ?? 1
        sequence.increment = step
        sequence.minValue = minValue ?? (step > 0 ? 1 : Int(Int64.min))
        sequence.maxValue = maxValue ?? (step > 0 ? Int(Int64.max) : -1)
        sequence.start = start ?? (step > 0 ? sequence.minValue : sequence.maxValue)
        sequence.cache = cache ?? 1
        return sequence
    }

    /// The same sequence owned by no column.
    public var withoutOwner: DatabaseSequence {
        var sequence = self
        sequence.ownerTable = nil
        sequence.ownerColumn = nil
        return sequence
    }
}

/// A PostgreSQL domain: a named type over a base type, with its nullability, default and checks.
/// Columns use it by name, as `.custom("name")`.
public struct Domain: Sendable, Hashable, Codable {
    public var name: TableName
    public var baseType: ColumnType
    public var isNullable: Bool
    public var defaultValue: ServerDefault?
    /// Conditions on `VALUE`, e.g. `VALUE >= 1901`.
    public var checks: [CheckConstraint]

    public init(
        _ name: TableName, baseType: ColumnType, isNullable: Bool = true, defaultValue: ServerDefault? = nil,
        checks: [CheckConstraint] = []
    ) {
        self.name = name
        self.baseType = baseType
        self.isNullable = isNullable
        self.defaultValue = defaultValue
        self.checks = checks
    }
}

/// A PostgreSQL extension (`CREATE EXTENSION`): database-wide, installed in one schema.
///
/// Called `DatabaseExtension`, not `Extension`, so that it never reads as Swift's `extension`.
public struct DatabaseExtension: Sendable, Hashable, Codable {
    public var name: String
    /// The schema its objects go in; nil is the default one (`current_schema()`).
    public var schema: String?
    /// The version installed; nil is the default version, and is not compared.
    public var version: String?

    public init(_ name: String, schema: String? = nil, version: String? = nil) {
        self.name = name
        self.schema = schema
        self.version = version
    }
}
