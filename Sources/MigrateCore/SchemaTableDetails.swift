/// The finer parts of a table's definition: index key options, foreign key timing and matching.
///
/// Kept apart from `Schema.swift` so each is documented once, next to the others of its kind.

/// Where NULLs sort in an index key.
public enum NullsOrder: String, Sendable, Hashable, Codable, CaseIterable {
    case first = "FIRST"
    case last = "LAST"
}

/// What an index key adds to its column or expression: `COLLATE`, an operator class,
/// `DESC`, `NULLS FIRST/LAST`.
///
/// `nulls` nil is the engine's default for the direction (PostgreSQL: last ascending, first
/// descending), so a reflected key states it only when it differs from that default.
public struct IndexKeyOptions: Sendable, Hashable, Codable {
    public var collation: String?
    public var operatorClass: String?
    public var isDescending: Bool
    public var nulls: NullsOrder?

    public init(collation: String? = nil, operatorClass: String? = nil, isDescending: Bool = false, nulls: NullsOrder? = nil) {
        self.collation = collation
        self.operatorClass = operatorClass
        self.isDescending = isDescending
        self.nulls = nulls
    }

    /// Whether the key says nothing beyond its column or expression.
    public var isPlain: Bool { self == IndexKeyOptions() }
}

extension IndexKey {
    /// A column key with options; a plain `.column(name)` when none is given.
    ///
    /// ```swift
    /// .column("created_at", descending: true, nulls: .last)
    /// .column("title", operatorClass: "text_pattern_ops")
    /// ```
    public static func column(
        _ name: String, collation: String? = nil, operatorClass: String? = nil, descending: Bool = false,
        nulls: NullsOrder? = nil
    ) -> IndexKey {
        IndexKey.column(name).with(
            IndexKeyOptions(collation: collation, operatorClass: operatorClass, isDescending: descending, nulls: nulls))
    }

    /// An expression key with options; a plain `.expression(sql)` when none is given.
    public static func expression(
        _ sql: String, collation: String? = nil, operatorClass: String? = nil, descending: Bool = false,
        nulls: NullsOrder? = nil
    ) -> IndexKey {
        IndexKey.expression(sql).with(
            IndexKeyOptions(collation: collation, operatorClass: operatorClass, isDescending: descending, nulls: nulls))
    }

    /// The column of a plain column key (no options), nil for any other key.
    public var columnName: String? {
        if case .column(let name) = self { return name }
        return nil
    }

    /// This key's column or expression without options.
    public var base: IndexKey {
        if case .ordered(let key, _) = self { return key.base }
        return self
    }

    /// This key's options (all defaults for a plain key).
    public var options: IndexKeyOptions {
        if case .ordered(_, let options) = self { return options }
        return IndexKeyOptions()
    }

    /// The key with `options` in place of its own; plain when they are all defaults, so that
    /// equal keys are equal values.
    public func with(_ options: IndexKeyOptions) -> IndexKey {
        options.isPlain ? base : .ordered(base, options)
    }
}

/// When a constraint is checked, for constraints that may wait until commit.
public enum ConstraintDeferral: String, Sendable, Hashable, Codable, CaseIterable {
    /// `DEFERRABLE INITIALLY IMMEDIATE`: checked per statement unless a transaction defers it.
    case immediate = "DEFERRABLE INITIALLY IMMEDIATE"
    /// `DEFERRABLE INITIALLY DEFERRED`: checked at commit.
    case deferred = "DEFERRABLE INITIALLY DEFERRED"
}

/// How a multicolumn foreign key treats NULLs: `MATCH FULL` requires all or none of its
/// columns to be NULL (the default, `MATCH SIMPLE`, is nil in the model).
public enum ForeignKeyMatch: String, Sendable, Hashable, Codable, CaseIterable {
    case full = "FULL"
}
