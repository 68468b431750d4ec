import MigrateCore

/// What reflecting a database found, and what it cost: the benchmark and `check` report the
/// number of catalog queries, which must not grow with the number of tables.
package struct SchemaReflection: Sendable, Hashable {
    /// The tables; those in ``defaultSchema`` have unqualified names, as declarations write them.
    package var schema: Schema
    /// The schema unqualified names mean on this connection (PostgreSQL's `current_schema()`),
    /// for ``SchemaComparisonOptions/defaultSchema``; nil where tables have no schemas.
    package var defaultSchema: String?
    /// How many catalog queries the reflection sent.
    package var queryCount: Int

    package init(schema: Schema, defaultSchema: String?, queryCount: Int) {
        self.schema = schema
        self.defaultSchema = defaultSchema
        self.queryCount = queryCount
    }
}
