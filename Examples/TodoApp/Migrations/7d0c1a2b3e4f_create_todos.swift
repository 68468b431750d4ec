import MigrateKit

/// create todos
enum Rev_7d0c1a2b3e4f: Migration {
    static let revision = "7d0c1a2b3e4f"
    static let downRevision: [String] = []
    static let message = "create todos"

    static func upgrade(_ op: Operations) {
        op.createTable("todos",
            Column("id", .integer, primaryKey: true, identity: true),
            Column("title", .string(length: 200), nullable: false),
            Column("done", .boolean, nullable: false, default: .boolean(false)))
    }

    static func downgrade(_ op: Operations) {
        op.dropTable("todos")
    }
}
