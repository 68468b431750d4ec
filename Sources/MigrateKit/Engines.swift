import MigrateCore
import MigrateSQL
import MigratePostgres
import MigrateSQLite

/// The database engines `migrate` knows: the one place an engine is registered.
enum Engines {
    static let registered: [any DatabaseEngine] = [SQLiteEngine(), PostgresEngine()]

    /// The engine a URL scheme (lowercased, without a driver suffix) names, if any.
    static func engine(forScheme scheme: String) -> (any DatabaseEngine)? {
        registered.first { $0.schemes.contains(scheme) }
    }
}

extension DatabaseURL {
    /// The engine this URL names.
    var engine: any DatabaseEngine {
        switch kind {
        case .sqlite: Engines.engine(forScheme: "sqlite")!
        case .postgresql: Engines.engine(forScheme: "postgresql")!
        }
    }

    /// What the engine connects to: a file path, or a libpq connection string.
    var target: String {
        switch kind {
        case .sqlite(let path): path
        case .postgresql(let url): url
        }
    }
}
