import Foundation
import MigrateSQL
import MigrateSQLite
import MigratePostgres

/// A connection to a test environment's database, for checking what a command did to it.
final class TestDatabase {
    let connection: DatabaseConnection

    init(url: String) throws {
        if url.hasPrefix("sqlite:///") {
            connection = try SQLiteConnection(path: String(url.dropFirst("sqlite:///".count)))
        } else {
            connection = try PostgresConnection(url: url)
        }
    }

    /// The user tables of the database (PostgreSQL: the public schema).
    func tables() throws -> Set<String> {
        let sql = connection.dialect == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        return Set(try column(sql))
    }

    /// The rows of the version table, sorted; empty when the table does not exist.
    func versions(table: String = "migrate_version") throws -> [String] {
        guard try connection.tableExists(table, schema: nil) else { return [] }
        return try column("SELECT version_num FROM \(table) ORDER BY version_num")
    }

    func column(_ sql: String) throws -> [String] {
        try connection.query(sql, parameters: []).map { $0.first.flatMap { $0 } ?? "NULL" }
    }

    func scalar(_ sql: String) throws -> String? {
        try column(sql).first
    }

    func execute(_ sql: String) throws {
        try connection.execute(sql)
    }
}
