import MigrateCore
import MigrateSQL

/// The database as a compiled migration's Swift code sees it (`op.run { db in … }`): statements
/// and queries with bound parameters, inside the migration's transaction.
///
/// Parameters are written `$1`, `$2`, … on every engine (SQLite's `?NNN` is what they become
/// there) and are always bound, never spliced into the SQL text, so a value can hold any
/// character. Values travel as text, as the engines' text protocols do: a column's type decides
/// what is stored.
///
/// ```swift
/// op.run("fill in slugs") { db in
///     for row in try db.query("SELECT id, title FROM todos WHERE slug IS NULL") {
///         let slug = row.string(1)!.lowercased().split(separator: " ").joined(separator: "-")
///         try db.execute("UPDATE todos SET slug = $1 WHERE id = $2", .string(slug), .integer(row.int(0)!))
///     }
/// }
/// ```
///
/// Only valid while the closure runs; do not keep it.
public final class MigrationDatabase {
    let connection: DatabaseConnection

    init(connection: DatabaseConnection) {
        self.connection = connection
    }

    /// The engines a migration may meet, for the rare SQL that must differ between them.
    public enum Engine: Sendable, Hashable {
        case sqlite, postgresql
    }

    public var engine: Engine { connection.dialect == .sqlite ? .sqlite : .postgresql }

    /// Runs one statement that returns no rows, e.g. an `UPDATE` or `INSERT`.
    public func execute(_ sql: String, _ parameters: SQLValue...) throws {
        try execute(sql, parameters: parameters)
    }

    public func execute(_ sql: String, parameters: [SQLValue]) throws {
        _ = try query(sql, parameters: parameters)
    }

    /// Runs one statement and returns its rows.
    public func query(_ sql: String, _ parameters: SQLValue...) throws -> [MigrationRow] {
        try query(sql, parameters: parameters)
    }

    public func query(_ sql: String, parameters: [SQLValue]) throws -> [MigrationRow] {
        let dialect = connection.dialect
        let statement = dialect == .sqlite ? Self.sqlitePlaceholders(sql) : sql
        return try connection.query(statement, parameters: parameters.map { Self.text($0, dialect: dialect) })
            .map(MigrationRow.init)
    }

    /// A parameter's text: booleans as the engine spells them (SQLite has no boolean type and
    /// stores 1 and 0).
    static func text(_ value: SQLValue, dialect: SQLDialect) -> String? {
        switch value {
        case .null: nil
        case .integer(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): text
        case .boolean(let flag): dialect == .sqlite ? (flag ? "1" : "0") : (flag ? "true" : "false")
        }
    }

    /// `$N` placeholders as SQLite's numbered `?N`, outside strings, quoted names and comments.
    static func sqlitePlaceholders(_ sql: String) -> String {
        let placeholders = SQLTokenizer.tokenize(sql).filter { token in
            token.kind == .word && token.text.utf8.count > 1 && token.text.utf8.first == UInt8(ascii: "$")
                && token.text.utf8.dropFirst().allSatisfy(\.isASCIIDigit)
        }
        guard !placeholders.isEmpty else { return sql }
        var bytes = Array(sql.utf8)
        for token in placeholders { bytes[token.start] = UInt8(ascii: "?") }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// One row of ``MigrationDatabase/query(_:_:)``: each value as the engine's text, nil for NULL.
public struct MigrationRow: Sendable, Hashable {
    public var values: [String?]

    public subscript(_ column: Int) -> String? { values[column] }

    public func string(_ column: Int) -> String? { values[column] }
    public func int(_ column: Int) -> Int? { values[column].flatMap { Int($0) } }
    public func double(_ column: Int) -> Double? { values[column].flatMap { Double($0) } }
    /// SQLite's 1/0 and PostgreSQL's t/f (and true/false).
    public func bool(_ column: Int) -> Bool? {
        switch values[column] {
        case "1", "t", "true", "TRUE": true
        case "0", "f", "false", "FALSE": false
        default: nil
        }
    }
}
