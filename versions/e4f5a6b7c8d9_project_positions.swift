import MigrateKit

/// project positions and budgets
enum Rev_e4f5a6b7c8d9: Migration {
    static let revision = "e4f5a6b7c8d9"
    static let downRevision: [String] = ["d1e2f3a4b5c6"]

    static func upgrade(_ op: Operations) {
        op.addColumn("projects", Column("position", .smallInteger, nullable: false, default: .integer(0)))
        op.addColumn("projects", Column("budget", .numeric(precision: 10, scale: 2)))
        op.createIndex("ix_projects_owner_position", on: "projects", columns: ["owner_id", "position"])
        op.alterColumn("tasks", "notes", newName: "description")
        op.bulkInsert("task_states", rows: [
            ["name": "blocked", "position": 5, "is_closed": false],
            ["name": "archived", "position": 6, "is_closed": true],
        ])
        op.execute("""
            UPDATE projects SET position = id
            """)
    }

    static func downgrade(_ op: Operations) {
        op.execute("DELETE FROM task_states WHERE name IN ('blocked', 'archived')")
        op.alterColumn("tasks", "description", newName: "notes")
        op.dropIndex("ix_projects_owner_position", on: "projects")
        op.dropColumn("projects", "budget")
        op.dropColumn("projects", "position")
    }
}
