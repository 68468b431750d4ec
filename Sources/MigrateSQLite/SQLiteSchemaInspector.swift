import MigrateCore
import MigrateSQL

/// Reflection of a SQLite database into the schema vocabulary, in a fixed number of queries.
///
/// The table-valued pragma functions (`pragma_table_xinfo`, `pragma_foreign_key_list`,
/// `pragma_index_list`, `pragma_index_xinfo`) joined with `sqlite_master` read every table at
/// once; the `CREATE TABLE` text adds what pragmas drop (constraint names, checks). Tables named
/// `sqlite_%` and virtual tables are left out; leaving out the version table is the caller's job.
///
/// ```swift
/// let connection = try SQLiteConnection(path: "app.sqlite3")
/// let schema = try connection.reflectSchema()
/// let accounts = try connection.table(TableName("accounts"))
/// ```
extension SQLiteConnection: SchemaInspector {
    /// Every table of the main database.
    package func reflectSchema() throws -> Schema {
        Schema(tables: try reflect(only: nil).map(\.table))
    }

    /// Every table but `excludedTables` (the version and history tables), in the shape PostgreSQL's
    /// reflection returns, so autogenerate and `check` treat both engines alike. SQLite has no
    /// schemas to include.
    package func reflectSchema(includeSchemas: SchemaSelection = [], excluding excludedTables: [TableName]) throws
        -> SchemaReflection
    {
        let excluded = Set(excludedTables.map { $0.name.lowercased() })
        let tables = try reflect(only: nil).map(\.table).filter { !excluded.contains($0.name.name.lowercased()) }
        return SchemaReflection(schema: Schema(tables: tables), defaultSchema: nil, queryCount: Self.reflectionQueryCount)
    }

    /// The connection itself: SQLite rebuilds tables, reading their definitions here.
    package var schemaInspector: SchemaInspector? { self }

    /// The queries one reflection sends, whatever the number of tables.
    static let reflectionQueryCount = 4

    /// One table (its name compares case-insensitively, as SQLite resolves it), or nil.
    package func table(_ name: TableName) throws -> Table? {
        try reflect(only: name.name).first?.table
    }

    package func rebuildSource(for name: TableName) throws -> TableRebuildSource? {
        guard var source = try reflect(only: name.name).first else { return nil }
        source.dependents = try dependents(of: source.table.name.name)
        return source
    }

    /// Views and triggers that mention `table`, or mention a view that does, in creation order.
    private func dependents(of table: String) throws -> [SchemaObjectDefinition] {
        let rows = try query(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid"
        )
        var names: Set<String> = [table.lowercased()]
        var selected = Set<Int>()
        var changed = true
        while changed {
            changed = false
            for (offset, row) in rows.enumerated() where !selected.contains(offset) {
                let sql = row[3] ?? ""
                let onTable = (row[2] ?? "").lowercased() == table.lowercased()
                let tokens = SQLTokenizer.tokenize(sql)
                guard onTable || tokens.contains(where: { $0.isIdentifier && names.contains($0.value.lowercased()) }) else {
                    continue
                }
                selected.insert(offset)
                if row[0] == "view" { names.insert((row[1] ?? "").lowercased()) }
                changed = true
            }
        }
        return rows.indices.filter(selected.contains).map { offset in
            let row = rows[offset]
            return SchemaObjectDefinition(
                kind: row[0] == "view" ? .view : .trigger, name: row[1] ?? "", sql: row[3] ?? "")
        }
    }

    /// Reads all tables, or the one named `only`, with four queries whatever their number.
    private func reflect(only: String?) throws -> [TableRebuildSource] {
        let filter = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND (?1 IS NULL OR m.name = ?1 COLLATE NOCASE)"
        let parameters = [only]
        let tableRows = try query("SELECT m.name, m.sql FROM sqlite_master m WHERE \(filter) ORDER BY m.name", parameters: parameters)
        let columnRows = try query(
            """
            SELECT m.name, x.name, x.type, x."notnull", x.dflt_value, x.pk, x.hidden
            FROM sqlite_master m JOIN pragma_table_xinfo(m.name) x WHERE \(filter) ORDER BY m.name, x.cid
            """, parameters: parameters)
        let foreignKeyRows = try query(
            """
            SELECT m.name, f.id, f."table", f."from", f."to", f.on_update, f.on_delete
            FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE \(filter) ORDER BY m.name, f.id, f.seq
            """, parameters: parameters)
        let indexRows = try query(
            """
            SELECT m.name, l.name, l."unique", l.origin, x.name, s.sql
            FROM sqlite_master m JOIN pragma_index_list(m.name) l JOIN pragma_index_xinfo(l.name) x
            LEFT JOIN sqlite_master s ON s.type = 'index' AND s.name = l.name
            WHERE \(filter) AND x.key = 1 ORDER BY m.name, l.name, x.seqno
            """, parameters: parameters)

        let columnsByTable = Dictionary(grouping: columnRows, by: { $0[0] ?? "" })
        let keysByTable = Dictionary(grouping: foreignKeyRows, by: { $0[0] ?? "" })
        let indexesByTable = Dictionary(grouping: indexRows, by: { $0[0] ?? "" })
        var result: [TableRebuildSource] = []
        for row in tableRows {
            let tableName = row[0] ?? ""
            let definition = SQLiteTableDefinition(sql: row[1] ?? "")
            if definition.unrepresentable.contains("being a virtual table") { continue }
            result.append(
                makeTable(
                    tableName, definition: definition, columns: columnsByTable[tableName] ?? [],
                    foreignKeys: keysByTable[tableName] ?? [], indexes: indexesByTable[tableName] ?? []))
        }
        return result
    }

    private func makeTable(
        _ tableName: String, definition: SQLiteTableDefinition, columns columnRows: [[String?]],
        foreignKeys foreignKeyRows: [[String?]], indexes indexRows: [[String?]]
    ) -> TableRebuildSource {
        var unrepresentable = definition.unrepresentable
        var checks = definition.checks
        let keyColumns = columnRows.filter { Int($0[5] ?? "0") ?? 0 > 0 }
            .sorted { Int($0[5] ?? "0") ?? 0 < Int($1[5] ?? "0") ?? 0 }.compactMap { $0[1] }
        var columns: [Column] = []
        for row in columnRows {
            let name = row[1] ?? ""
            if (Int(row[6] ?? "0") ?? 0) > 1 {
                // A generated column (hidden 2 or 3): the vocabulary has no place for its expression.
                if !unrepresentable.contains("generated column \(name)") { unrepresentable.append("generated column \(name)") }
                continue
            }
            let declared = row[2] ?? ""
            var type = dialect.columnType(declared: declared)
            if case .string = type,
                let index = checks.firstIndex(where: { $0.column == name && $0.name != nil }),
                let values = SQLiteTableDefinition.enumerationValues(checks[index].expression, column: name),
                let enumName = checks[index].name
            {
                type = .enumeration(name: enumName, values: values)
                checks.remove(at: index)
            }
            let isKey = keyColumns.contains(name)
            let isIdentity = isKey && keyColumns.count == 1 && definition.inlinePrimaryKey == name
                && declared.uppercased() == "INTEGER"
                && !unrepresentable.contains("WITHOUT ROWID")
            columns.append(
                Column(
                    name, type, isNullable: row[3] != "1", isPrimaryKey: isKey, isIdentity: isIdentity,
                    defaultValue: Self.defaultValue(row[4], type: type)))
        }

        var namedKeys = definition.foreignKeys
        var foreignKeys: [ForeignKey] = []
        for (_, rows) in Dictionary(grouping: foreignKeyRows, by: { $0[1] ?? "" }).sorted(by: {
            (Int($0.key) ?? 0) > (Int($1.key) ?? 0)
        }) {
            let from = rows.compactMap { $0[3] }
            let to = rows.compactMap { $0[4] }
            var text: SQLiteTableDefinition.NamedColumns?
            if let match = namedKeys.firstIndex(where: { $0.columns.map { $0.lowercased() } == from.map { $0.lowercased() } }) {
                text = namedKeys.remove(at: match)
            }
            foreignKeys.append(
                ForeignKey(
                    name: text?.name, columns: from, references: TableName(rows[0][2] ?? ""),
                    referencedColumns: to.count == from.count ? to : [],
                    onDelete: Self.action(rows[0][6]), onUpdate: Self.action(rows[0][5]), deferrable: text?.deferral))
        }

        var uniques: [UniqueConstraint] = []
        var indexes: [Index] = []
        var namedUniques = definition.uniques
        for (indexName, rows) in Dictionary(grouping: indexRows, by: { $0[1] ?? "" }).sorted(by: { $0.key < $1.key }) {
            let origin = rows[0][3]
            let indexColumns = rows.compactMap { $0[4] }
            switch origin {
            case "u":
                var name: String?
                if let match = namedUniques.firstIndex(where: {
                    $0.columns.map { $0.lowercased() } == indexColumns.map { $0.lowercased() }
                }) {
                    name = namedUniques[match].name
                    namedUniques.remove(at: match)
                }
                uniques.append(UniqueConstraint(name: name, columns: indexColumns))
            case "c":
                guard let sql = rows[0][5], let parsed = SQLiteTableDefinition.indexKeys(sql: sql) else { continue }
                indexes.append(
                    Index(
                        name: indexName, table: TableName(tableName), keys: parsed.keys, isUnique: rows[0][2] == "1",
                        predicate: parsed.predicate))
            default:
                continue  // "pk": the primary key's own index
            }
        }
        // Unique constraints in declaration order, as the text lists them.
        let declared = definition.uniques.map { $0.columns.map { $0.lowercased() } }
        uniques.sort {
            (declared.firstIndex(of: $0.columns.map { $0.lowercased() }) ?? .max)
                < (declared.firstIndex(of: $1.columns.map { $0.lowercased() }) ?? .max)
        }
        var table = Table(
            TableName(tableName), columns: columns, primaryKeyName: definition.primaryKeyName, foreignKeys: foreignKeys,
            uniqueConstraints: uniques,
            checkConstraints: checks.map { CheckConstraint(name: $0.name, expression: $0.expression) },
            indexes: indexes)
        // table_xinfo's pk is the column's position in the key, which may differ from column order.
        if keyColumns != columns.filter(\.isPrimaryKey).map(\.name) { table.primaryKeyOrder = keyColumns }
        return TableRebuildSource(table: table, unrepresentable: unrepresentable)
    }

    /// A reflected default: literals as literals (0/1 on a boolean column as booleans), anything
    /// else as the expression, without the parentheses SQLite requires around it.
    private static func defaultValue(_ text: String?, type: ColumnType) -> ServerDefault? {
        guard let text else { return nil }
        switch SQLLiteral.parse(text) {
        case .null?:
            return nil
        case .string(let value, nil)?:
            return .string(value)
        case .number(let number, nil)?:
            if type == .boolean, number == "0" || number == "1" { return .boolean(number == "1") }
            if let integer = Int(number) { return .integer(integer) }
            if let double = Double(number) { return .double(double) }
        case .boolean(let flag)?:
            return .boolean(flag)
        default:
            break
        }
        let expression = strippingParentheses(text)
        return expression.uppercased() == "CURRENT_TIMESTAMP" ? .currentTimestamp : .expression(expression)
    }

    private static func strippingParentheses(_ text: String) -> String {
        let tokens = SQLTokenizer.tokenize(text)[...]
        guard let first = tokens.first, first.isSymbol("("),
            SQLTokenizer.closingParenthesis(tokens, from: tokens.startIndex) == tokens.endIndex - 1, tokens.count > 2
        else { return text }
        return SQLTokenizer.text(text, from: tokens[tokens.startIndex + 1], through: tokens[tokens.endIndex - 2])
    }

    private static func action(_ text: String?) -> ReferentialAction? {
        guard let text, text.uppercased() != "NO ACTION" else { return nil }
        return ReferentialAction(rawValue: text.uppercased())
    }
}
