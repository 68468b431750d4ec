import MigrateKit

/// number the keys on PostgreSQL
///
/// The first migrations create `id INTEGER PRIMARY KEY`, which SQLite numbers as its rowid but
/// PostgreSQL leaves for the inserts to fill; these keys become identities there, starting past
/// the rows already in them. On SQLite they are numbered already, and nothing runs.
enum Rev_a9b8c7d6e5f4: Migration {
    static let revision = "a9b8c7d6e5f4"
    static let downRevision: [String] = ["f0a1b2c3d4e5"]
    static let createDate = "2026-12-06 07:30:00.000000"

    static func upgrade(_ op: Operations) {
        op.alterColumn("accounts", "id", identity: true, existingIdentity: false)
        op.alterColumn("projects", "id", identity: true, existingIdentity: false)
        op.alterColumn("tasks", "id", identity: true, existingIdentity: false)
    }

    static func downgrade(_ op: Operations) {
        op.alterColumn("tasks", "id", identity: false, existingIdentity: true)
        op.alterColumn("projects", "id", identity: false, existingIdentity: true)
        op.alterColumn("accounts", "id", identity: false, existingIdentity: true)
    }
}
