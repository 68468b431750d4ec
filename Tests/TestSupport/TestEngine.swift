import Foundation
import MigrateSQL

/// The database engines every behaviour suite runs against, as `@Test(arguments:)` values.
///
/// Use ``enabled`` as the arguments so SQLite cases always run and PostgreSQL cases run when
/// ``TestPostgres/isEnabled`` (and fail, rather than vanish, when a required server is missing).
///
/// ```swift
/// @Test(arguments: TestEngine.enabled)
/// func roundTrip(engine: TestEngine) throws {
///     let url = try engine.freshDatabaseURL()
/// }
/// ```
package enum TestEngine: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgresql

    /// The engines whose tests should run now.
    package static var enabled: [TestEngine] {
        allCases.filter(\.isEnabled)
    }

    package var isEnabled: Bool {
        switch self {
        case .sqlite: true
        case .postgresql: TestPostgres.isEnabled
        }
    }

    package var dialect: SQLDialect {
        switch self {
        case .sqlite: .sqlite
        case .postgresql: .postgresql
        }
    }

    package var description: String { rawValue }

    /// A URL, in the form `migrate` accepts, of a new empty database: `sqlite:////abs/path/test.sqlite3`
    /// in a new temporary folder, or a new database on the test PostgreSQL server.
    package func freshDatabaseURL() throws -> String {
        switch self {
        case .sqlite: "sqlite:///" + (try freshSQLitePath())
        case .postgresql: try TestPostgres.freshDatabase()
        }
    }

    /// `$1` for PostgreSQL, `?` for SQLite: the placeholder for the `index`-th (1-based) query parameter.
    package func placeholder(_ index: Int) -> String {
        switch self {
        case .sqlite: "?"
        case .postgresql: "$\(index)"
        }
    }
}

/// The absolute path of a not-yet-existing SQLite file in a new temporary folder.
package func freshSQLitePath() throws -> String {
    try makeTemporaryDirectory().appendingPathComponent("test.sqlite3").path
}

/// Creates a new, empty, uniquely named folder under the system's temporary folder.
///
/// Tests run in parallel, so each gets its own folder instead of sharing fixed names.
package func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("migrate-tests-" + UUID().uuidString.lowercased(), isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
