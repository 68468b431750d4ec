import MigrateCore

extension SQLDialect {
    /// The statements that carry out one operation on this dialect.
    ///
    /// Throws when the dialect cannot express the operation: a clause is never silently dropped.
    public func statements(for operation: Operation) throws -> [String] {
        switch operation {
        case .execute(let sql):
            return [sql]
        }
    }
}
