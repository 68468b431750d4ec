import MigrateKit

/// expects nothing
enum Rev_s018: Migration {
    static let revision = "s018"
    static let downRevision: [String] = ["s017"]

    static func upgrade(_ op: Operations) {
        op.createTable("tags",
            Column("id", .bigInteger, primaryKey: true),
            Column("account_id", .bigInteger, nullable: false),
            Column("name", .string(length: 50), nullable: false),
            ForeignKey(["account_id"], references: "accounts", ["id"], name: "fk_tags_account"))
        op.createIndex("ix_tags_account", on: "tags", columns: ["account_id"])
        op.addColumn("tags", Column("color", .string(length: 7), nullable: false, default: .string("#cccccc")))
    }

    static func downgrade(_ op: Operations) {
        op.dropTable("tags")
    }
}
