/// A schema change as plain data; dialects in MigrateSQL turn it into statements.
///
/// Keeping operations free of SQL lets one migration render for PostgreSQL, for SQLite and for
/// offline scripts, and lets autogenerate compute reverses without parsing SQL.
public enum Operation: Sendable, Hashable {
    /// Raw SQL, run as written: one statement per case (SQL files are split before this).
    case execute(String)
}
