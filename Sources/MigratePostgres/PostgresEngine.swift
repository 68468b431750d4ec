import MigrateCore
import MigrateSQL

/// PostgreSQL as `migrate` sees it: `postgresql:` URLs handed to libpq through
/// ``PostgresConnection``. It alters tables in place, so offline scripts need no scratch schema.
package struct PostgresEngine: DatabaseEngine {
    package init() {}

    package var schemes: [String] { ["postgresql", "postgres"] }
    package var dialect: SQLDialect { .postgresql }

    /// `target` is a libpq connection string: a `postgresql://` URI as the user wrote it.
    package func connect(to target: String) throws -> DatabaseConnection {
        try PostgresConnection(url: target)
    }

    package func describe(target: String, redacted: String) -> String {
        "the PostgreSQL database \(redacted)"
    }

    /// A server's database is never created by connecting; whether it is there, the connection says.
    package func databaseExists(at target: String) -> Bool { true }

    package func makeScratchSchema() throws -> (any ScratchSchema)? { nil }
}
