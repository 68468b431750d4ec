import Foundation
import MigrateCore
import MigratePostgres

/// The PostgreSQL server the tests may use, named by `MIGRATE_TEST_POSTGRES_URL`.
///
/// `scripts/with-postgres` starts a throwaway cluster and sets both variables below; each test
/// then gets its own database from ``freshDatabase()``, so tests run in parallel without sharing
/// state.
///
/// ```swift
/// @Test(.enabled(if: TestPostgres.isEnabled))
/// func locks() throws {
///     let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
/// }
/// ```
package enum TestPostgres {
    /// The admin URL (any database the test user can `CREATE DATABASE` from), or nil.
    package static var adminURL: String? {
        guard let url = ProcessInfo.processInfo.environment["MIGRATE_TEST_POSTGRES_URL"], !url.isEmpty else {
            return nil
        }
        return url
    }

    /// Whether PostgreSQL tests run: a server is named, or one is required (`MIGRATE_REQUIRE_POSTGRES=1`),
    /// in which case a missing server makes them fail instead of silently skipping.
    package static var isEnabled: Bool {
        adminURL != nil || ProcessInfo.processInfo.environment["MIGRATE_REQUIRE_POSTGRES"] == "1"
    }

    /// Creates an empty database with a unique name and returns a URL for it on the same server,
    /// with the same user, host, socket folder and port as the admin URL.
    package static func freshDatabase() throws -> String {
        guard let adminURL else {
            throw MigrateError(
                .configuration, "MIGRATE_TEST_POSTGRES_URL is not set, but the PostgreSQL tests are required",
                hint: "Run the tests through scripts/with-postgres, or set MIGRATE_TEST_POSTGRES_URL to a URL "
                    + "of a server where the user may CREATE DATABASE.")
        }
        let name = "migrate_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: adminURL)
        try admin.execute("CREATE DATABASE \(admin.dialect.quoteIdentifier(name))")
        return url(adminURL, database: name)
    }

    /// `url` with its database replaced by `database`: the URI's path segment, or a trailing
    /// `dbname=` for a keyword/value string (libpq lets the last one win).
    package static func url(_ url: String, database: String) -> String {
        for scheme in ["postgresql://", "postgres://"] where url.hasPrefix(scheme) {
            let rest = url.dropFirst(scheme.count)
            let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
            let authorityEnd = rest[..<queryStart].firstIndex(of: "/") ?? queryStart
            return scheme + rest[..<authorityEnd] + "/" + database + rest[queryStart...]
        }
        return url + " dbname=" + database
    }
}
