import MigrateKit

/// expects set-not-null
enum Rev_p027: Migration {
    static let revision = "p027"
    static let downRevision: [String] = ["p026"]

    static func upgrade(_ op: Operations) {
        op.execute("SET lock_timeout = '5s'")
        op.alterColumn("orders", "total", nullable: false)
    }

    static func downgrade(_ op: Operations) {
        op.alterColumn("orders", "total", nullable: true)
    }
}
