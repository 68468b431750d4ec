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
    case table, view, function, trigger
    /// A column's default, named by its table and (as the member) its column.
    case columnDefault = "default"
    /// A table's check constraint, named by its table and (as the member) the constraint.
    case check
}

/// One schema object, by kind and (schema-qualified) name.
public struct SchemaObjectName: Sendable, Hashable, Codable, CustomStringConvertible {
    public var kind: SchemaObjectKind
    /// The object's name; for a trigger, a default or a check, its table's.
    public var name: TableName
    /// What tells the object apart within `name`: a function's argument types, a trigger's or a
    /// check's name, a default's column.
    public var member: String?

    public init(_ kind: SchemaObjectKind, _ name: TableName, member: String? = nil) {
        self.kind = kind
        self.name = name
        self.member = member
    }

    public var description: String {
        switch kind {
        case .function: return "function \(name)(\(member ?? ""))"
        case .trigger, .check, .columnDefault: return "\(kind.rawValue) \(member ?? "") on \(name)"
        case .table, .view: return "\(kind.rawValue) \(name)"
        }
    }
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

/// The options of a PostgreSQL sequence: where it starts, its step, its bounds, how many values a
/// session takes at once and whether it wraps round. Nil options are the database's defaults.
///
/// Standalone sequences (``DatabaseSequence``) and the sequences behind identity and serial
/// columns (``Column/sequence``) share it, as Alembic's `Sequence` and `Identity` share their
/// options:
///
/// ```swift
/// Column("id", .bigInteger, primaryKey: true, identity: .always, sequence: SequenceOptions(start: 1000, increment: 10))
/// ```
public struct SequenceOptions: Sendable, Hashable, Codable {
    public var start: Int?
    public var increment: Int?
    public var minValue: Int?
    public var maxValue: Int?
    public var cache: Int?
    /// Whether the sequence wraps round past its bound (`CYCLE`) rather than failing.
    public var cycles: Bool

    public init(
        start: Int? = nil, increment: Int? = nil, minValue: Int? = nil, maxValue: Int? = nil, cache: Int? = nil,
        cycle: Bool = false
    ) {
        self.start = start
        self.increment = increment
        self.minValue = minValue
        self.maxValue = maxValue
        self.cache = cache
        self.cycles = cycle
    }

    /// Whether every option is left to the database.
    public var isEmpty: Bool { self == SequenceOptions() }

    /// The options with PostgreSQL's defaults filled in for a sequence of `type`'s values (its
    /// bounds are the type's for an ascending sequence), so that a declaration leaving them out
    /// equals the database's explicit values.
    public func effective(for type: ColumnType) -> SequenceOptions {
        let bounds = Self.bounds(of: type)
        var options = self
        let step = increment ?? 1
        options.increment = step
        options.minValue = minValue ?? (step > 0 ? 1 : bounds.lowerBound)
        options.maxValue = maxValue ?? (step > 0 ? bounds.upperBound : -1)
        options.start = start ?? (step > 0 ? options.minValue : options.maxValue)
        options.cache = cache ?? 1
        return options
    }

    /// Only the options that differ from PostgreSQL's defaults for a sequence of `type`'s values:
    /// how reflection states them and how two declarations compare, so `start: 1` says nothing.
    public func stated(for type: ColumnType) -> SequenceOptions {
        let explicit = effective(for: type)
        let defaults = SequenceOptions(increment: explicit.increment).effective(for: type)
        return SequenceOptions(
            start: explicit.start == explicit.defaultStart ? nil : explicit.start,
            increment: explicit.increment == 1 ? nil : explicit.increment,
            minValue: explicit.minValue == defaults.minValue ? nil : explicit.minValue,
            maxValue: explicit.maxValue == defaults.maxValue ? nil : explicit.maxValue,
            cache: explicit.cache == 1 ? nil : explicit.cache, cycle: cycles)
    }

    /// Where a sequence with these bounds starts when it does not say: its minimum ascending, its
    /// maximum descending.
    private var defaultStart: Int? { (increment ?? 1) > 0 ? minValue : maxValue }

    /// The values a sequence of `type` can give: the type's range for the integer types, `bigint`'s
    /// otherwise (a standalone sequence's type).
    private static func bounds(of type: ColumnType) -> ClosedRange<Int> {
        switch type {
        case .smallInteger: Int(Int16.min)...Int(Int16.max)
        case .integer: Int(Int32.min)...Int(Int32.max)
        default: Int(Int64.min)...Int(Int64.max)
        }
    }
}

/// A PostgreSQL sequence with its options; nil options are the database's defaults.
///
/// Called `DatabaseSequence`, not `Sequence`, so that it never hides Swift's own protocol.
public struct DatabaseSequence: Sendable, Hashable, Codable {
    public var name: TableName
    public var options: SequenceOptions
    /// The column that owns the sequence (`OWNED BY table.column`): dropping the column or its
    /// table drops the sequence.
    public var ownerTable: TableName?
    public var ownerColumn: String?

    public init(
        _ name: TableName, start: Int? = nil, increment: Int? = nil, minValue: Int? = nil, maxValue: Int? = nil,
        cache: Int? = nil, cycles: Bool = false, ownerTable: TableName? = nil, ownerColumn: String? = nil
    ) {
        self.name = name
        self.options = SequenceOptions(
            start: start, increment: increment, minValue: minValue, maxValue: maxValue, cache: cache, cycle: cycles)
        self.ownerTable = ownerTable
        self.ownerColumn = ownerColumn
    }

    public var start: Int? {
        get { options.start }
        set { options.start = newValue }
    }

    public var increment: Int? {
        get { options.increment }
        set { options.increment = newValue }
    }

    public var minValue: Int? {
        get { options.minValue }
        set { options.minValue = newValue }
    }

    public var maxValue: Int? {
        get { options.maxValue }
        set { options.maxValue = newValue }
    }

    public var cache: Int? {
        get { options.cache }
        set { options.cache = newValue }
    }

    public var cycles: Bool {
        get { options.cycles }
        set { options.cycles = newValue }
    }

    /// The options with PostgreSQL's defaults filled in (for a `bigint` sequence), so that a
    /// declaration leaving them out equals the database's explicit values.
    public var effective: DatabaseSequence {
        var sequence = self
        sequence.options = options.effective(for: .bigInteger)
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
