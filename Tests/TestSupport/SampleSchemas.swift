import MigrateCore

/// Declared schemas of realistic shape, shared by the reflection tests and the reflection
/// benchmark so both measure the same thing.
package enum SampleSchemas {
    /// `count` tables `t000`, `t001`, … of ten columns each, with two indexes (one on an
    /// expression), a unique constraint and a foreign key to the previous table (the first
    /// table's to itself); portable to both engines (no comments, defaults both accept).
    ///
    /// ```swift
    /// let schema = SampleSchemas.realistic(tables: 300)
    /// ```
    package static func realistic(tables count: Int) -> Schema {
        Schema(tables: (0..<count).map(table))
    }

    private static func table(_ number: Int) -> Table {
        let name = TableName(tableName(number))
        let parent = TableName(tableName(max(number - 1, 0)))
        return Table(
            name,
            columns: [
                Column("id", .integer, isPrimaryKey: true, isIdentity: true),
                Column("parent_id", .integer),
                Column("name", .string(length: 100), isNullable: false),
                Column("email", .string(length: 255), isNullable: false),
                Column("status", .string(length: 20), isNullable: false, defaultValue: .string("active")),
                Column("amount", .numeric(precision: 12, scale: 2), isNullable: false, defaultValue: .integer(0)),
                Column("is_active", .boolean, isNullable: false, defaultValue: .boolean(true)),
                Column("created_at", .dateTime(timezone: true), isNullable: false,
                       defaultValue: .expression("CURRENT_TIMESTAMP")),
                Column("updated_at", .dateTime(timezone: false)),
                Column("notes", .text),
            ],
            foreignKeys: [
                ForeignKey(
                    name: "fk_\(name.name)_parent", columns: ["parent_id"], references: parent,
                    referencedColumns: ["id"], onDelete: .cascade)
            ],
            uniqueConstraints: [UniqueConstraint(columns: ["email"])],
            indexes: [
                Index(name: "ix_\(name.name)_parent_id", table: name, columns: ["parent_id"]),
                Index(name: "ix_\(name.name)_lower_name", table: name, keys: [.expression("lower(name)")]),
            ])
    }

    private static func tableName(_ number: Int) -> String {
        let digits = String(number)
        return "t" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
