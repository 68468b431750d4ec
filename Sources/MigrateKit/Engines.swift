import MigrateCore
import MigrateSQL
import MigratePostgres
import MigrateSQLite

/// The database engines `migrate` knows: the one place an engine is registered. Their order is
/// the order messages list their URL forms in.
package enum Engines {
    package static let registered: [any DatabaseEngine] = [PostgresEngine(), SQLiteEngine()]
}
