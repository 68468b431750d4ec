import MigrateCore
import MigrateSQL

extension SQLiteConnection {
    /// Views, triggers and virtual tables of the main database, from one read of `sqlite_master`
    /// (SQLite has no schemas to include).
    package func unmodeledObjects(includeSchemas: SchemaSelection) throws -> [UnmodeledObject] {
        let rows = try query(
            """
            SELECT CASE WHEN type = 'table' THEN 'virtual table' ELSE type END, name,
              CASE WHEN type = 'trigger' THEN 'on ' || tbl_name END
            FROM sqlite_master
            WHERE type IN ('view', 'trigger')
              OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' COLLATE NOCASE)
            """)
        return rows.compactMap { row in
            guard let kind = row[0], let name = row[1] else { return nil }
            return UnmodeledObject(kind: kind, name: name, detail: row[2])
        }.sorted()
    }
}
