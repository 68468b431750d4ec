import MigrateKit

/// expects table-rebuild
enum Rev_q008: Migration {
    static let revision = "q008"
    static let downRevision: [String] = ["q007"]

    static func upgrade(_ op: Operations) {
        op.alterColumn("accounts", "email", type: .string(length: 200))
    }

    static func downgrade(_ op: Operations) {
        op.alterColumn("accounts", "email", type: .text)
    }
}
