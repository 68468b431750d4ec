import MigrateKit

/// add labels
enum Rev_d1e2f3a4b5c6: Migration {
    static let revision = "d1e2f3a4b5c6"
    static let downRevision: [String] = ["c7a05e19f4b2"]

    static func upgrade(_ op: Operations) {
        op.createTable("labels",
            Column("id", .integer, primaryKey: true),
            Column("project_id", .integer, nullable: false),
            Column("name", .string(length: 50), nullable: false),
            Column("color", .string(length: 7), nullable: false, default: .string("#cccccc")),
            Column("created_at", .dateTime(timezone: false), nullable: false, default: .expression("CURRENT_TIMESTAMP")),
            ForeignKey(["project_id"], references: "projects", ["id"], onDelete: .cascade, name: "fk_labels_project"),
            UniqueConstraint(["project_id", "name"], name: "uq_labels_project_name"),
            CheckConstraint("length(color) = 7", name: "ck_labels_color"))
        op.createTable("task_labels",
            Column("task_id", .integer, nullable: false),
            Column("label_id", .integer, nullable: false),
            PrimaryKey(["task_id", "label_id"], name: "pk_task_labels"),
            ForeignKey(["task_id"], references: "tasks", ["id"], onDelete: .cascade),
            ForeignKey(["label_id"], references: "labels", ["id"], onDelete: .cascade))
        op.createIndex("ix_task_labels_label_id", on: "task_labels", columns: ["label_id"])
        // A partial index: only labels whose colour was changed from the default.
        op.createIndex("ix_labels_custom_color", on: "labels", columns: ["project_id"], where: "color <> '#cccccc'")
    }

    static func downgrade(_ op: Operations) {
        op.dropIndex("ix_labels_custom_color", on: "labels")
        op.dropIndex("ix_task_labels_label_id", on: "task_labels")
        op.dropTable("task_labels")
        op.dropTable("labels")
    }
}
