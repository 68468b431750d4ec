/// One entry of migrate.json's `compare.include` or `compare.exclude`: a kind of schema object
/// and a glob (`*`, `?`) its name must match. The declarative form of Alembic's
/// `include_name`/`include_object` hooks: autogenerate and `check` leave alone the objects it
/// rules out, on the database's side and the models' side alike.
///
/// Written `{"type": "index", "name": "ix_tmp_*"}` or, compactly, `"index:ix_tmp_*"`; a glob
/// with no type names tables.
public struct SchemaObjectFilter: Sendable, Hashable {
    /// The kinds of object a filter names, spelled as Alembic's `include_object` hook names them
    /// (plus `check_constraint`, which migrate compares too).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case schema, table, column, index
        case uniqueConstraint = "unique_constraint"
        case foreignKeyConstraint = "foreign_key_constraint"
        case checkConstraint = "check_constraint"
        /// A PostgreSQL function or procedure, by its name (`name` or `schema.name`).
        case function
    }

    public var kind: Kind
    /// Matched against the object's name; a table also as `schema.table`, a column also as
    /// `table.column` and `schema.table.column`.
    public var pattern: String

    public init(_ kind: Kind, _ pattern: String) {
        self.kind = kind
        self.pattern = pattern
    }
}
