import MigrateKit

/// expects index-not-concurrent
enum Rev_p026: Migration {
    static let revision = "p026"
    static let downRevision: [String] = ["p025"]

    static func upgrade(_ op: Operations) {
        op.execute("SET lock_timeout = '5s'")
        op.createIndex("ix_accounts_status", on: "accounts", columns: ["status"])
    }

    static func downgrade(_ op: Operations) {
        op.dropIndex("ix_accounts_status", on: "accounts")
    }
}
