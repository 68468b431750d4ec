import MigrateKit

/// expects nothing
enum Rev_s019: Migration {
    static let revision = "s019"
    static let downRevision: [String] = ["s018"]
    static let transactional = false

    static func upgrade(_ op: Operations) {
        op.execute("SET lock_timeout = '5s'")
        op.execute("CREATE INDEX CONCURRENTLY ix_accounts_status ON accounts (status)")
    }

    static func downgrade(_ op: Operations) {
        op.execute("DROP INDEX CONCURRENTLY ix_accounts_status")
    }
}
