import MigrateCore

/// Reads a table's current definition, for the operations SQLite can only carry out by
/// rebuilding the table. Online runs read the database; offline SQLite scripts read a scratch
/// in-memory database that the script's statements are also applied to.
package protocol SchemaInspector: AnyObject {
    func table(_ name: TableName) throws -> Table?
}

extension SQLDialect {
    /// The statements that carry out one operation on this dialect.
    ///
    /// Throws when the dialect cannot express the operation: a clause is never silently dropped.
    package func statements(for operation: Operation, inspector: SchemaInspector?) throws -> [String] {
        switch operation {
        case .execute(let sql):
            return [sql]
        default:
            throw MigrateError(.script, "\(name) cannot render \(operation) yet")
        }
    }
}
