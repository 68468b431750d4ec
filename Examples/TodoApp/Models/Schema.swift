import MigrateKit

/// The schema the migrations build, for `migrate check` and `migrate revision --autogenerate`.
enum TodoSchema: ModelSchema {
    static let tables: [Table] = [
        Table("todos",
            Column("id", .integer, primaryKey: true, identity: true),
            Column("title", .string(length: 200), nullable: false),
            Column("done", .boolean, nullable: false, default: .boolean(false)),
            Column("slug", .string(length: 200)),
            Index("ix_todos_slug", columns: ["slug"], unique: true)),
    ]
}
