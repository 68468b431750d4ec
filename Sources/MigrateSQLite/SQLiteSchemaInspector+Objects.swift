import MigrateCore
import MigrateSQL

extension SQLiteConnection {
    /// Reads the views and triggers of the main database from `sqlite_master`, in one query.
    /// SQLite keeps each as the statement that created it: a view's query is the text after its
    /// `AS`, a trigger is its whole statement. Triggers on `excluded` tables are left out.
    func readViewsAndTriggers(into schema: inout Schema, excluding excluded: Set<String>) throws {
        let rows = try query(
            """
            SELECT type, name, tbl_name, sql FROM sqlite_master
            WHERE type IN ('view', 'trigger') AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
            ORDER BY rowid
            """)
        for row in rows {
            guard let type = row[0], let name = row[1], let table = row[2], let sql = row[3] else { continue }
            if type == "view" {
                schema.views.append(View(TableName(name), definition: Self.viewQuery(sql)))
            } else if !excluded.contains(table.lowercased()) {
                schema.triggers.append(Trigger(name, on: TableName(table), definition: sql))
            }
        }
    }

    /// The query of a `CREATE [TEMP] VIEW [IF NOT EXISTS] name [(columns)] AS query` statement.
    static func viewQuery(_ sql: String) -> String {
        let tokens = SQLTokenizer.tokenize(sql)
        var depth = 0
        for (position, token) in tokens.enumerated() {
            if token.isSymbol("(") { depth += 1 }
            if token.isSymbol(")") { depth -= 1 }
            if depth == 0, token.isKeyword("AS"), position + 1 < tokens.count {
                return SQLTokenizer.text(sql, from: tokens[position + 1], through: tokens[tokens.count - 1])
            }
        }
        return sql
    }
}
