import MigrateKit

// A data migration: the slug of each todo is computed in Swift from its title, which SQL says
// badly, and a first todo is added to an empty list. Only the app's Migrator can run it; the command
// line names it and refuses.

/// fill in slugs
enum Rev_9f2e3c4d5a6b: Migration {
    static let revision = "9f2e3c4d5a6b"
    static let downRevision: [String] = ["8e1d2b3c4f5a"]
    static let message = "fill in slugs"

    static func upgrade(_ op: Operations) {
        op.run("fill in slugs") { db in
            if try db.query("SELECT count(*) FROM todos").first?.int(0) == 0 {
                try db.execute("INSERT INTO todos (title, done) VALUES ($1, $2)", "Welcome to Todo", false)
            }
            for row in try db.query("SELECT id, title FROM todos WHERE slug IS NULL ORDER BY id") {
                try db.execute("UPDATE todos SET slug = $1 WHERE id = $2", .string(Todo.slug(row.string(1)!)), .integer(row.int(0)!))
            }
        }
        op.createIndex("ix_todos_slug", on: "todos", columns: ["slug"], unique: true)
    }

    static func downgrade(_ op: Operations) {
        op.dropIndex("ix_todos_slug", on: "todos")
        op.run("forget slugs") { db in
            try db.execute("UPDATE todos SET slug = NULL")
        }
    }
}
