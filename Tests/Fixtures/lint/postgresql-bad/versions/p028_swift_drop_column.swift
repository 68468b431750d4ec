import MigrateKit

/// expects drop-column
enum Rev_p028: Migration {
    static let revision = "p028"
    static let downRevision: [String] = ["p027"]

    static func upgrade(_ op: Operations) {
        op.execute("SET lock_timeout = '5s'")
        op.dropColumn("accounts", "status")
    }

    static func downgrade(_ op: Operations) {
        op.addColumn("accounts", Column("status", .text))
    }
}
