import CSQLite
import MigrateCore
import MigrateSQL

/// Reflection of a SQLite database into the schema vocabulary, in a fixed number of queries.
///
/// The table-valued pragma functions (`pragma_table_xinfo`, `pragma_foreign_key_list`,
/// `pragma_index_list`, `pragma_index_xinfo`) joined with `sqlite_master` read every table at
/// once; the `CREATE TABLE` text adds what pragmas drop (constraint names, checks). Tables named
/// `sqlite_%` and the shadow tables virtual tables keep their data in are left out; a virtual table
/// is reflected by its `USING` clause; leaving out the version table is the caller's job.
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
        var schema = Schema(tables: tables)
        try readViewsAndTriggers(into: &schema, excluding: excluded)
        return SchemaReflection(schema: schema, defaultSchema: nil, queryCount: Self.reflectionQueryCount)
    }

    /// The connection itself: SQLite rebuilds tables, reading their definitions here.
    package var schemaInspector: SchemaInspector? { self }

    /// The queries one reflection sends, whatever the number of tables.
    static let reflectionQueryCount = 5

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
        // SQLite 3.37 and later name the tables a virtual table keeps its data in ('shadow').
        let shadowFlag =
            sqlite3_libversion_number() >= 3_037_000
            ? "m.name IN (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow')" : "0"
        let tableRows = try query(
            "SELECT m.name, m.sql, \(shadowFlag) FROM sqlite_master m WHERE \(filter) ORDER BY m.name",
            parameters: parameters)
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
        let virtualTables = tableRows.compactMap { row in
            SQLiteTableDefinition.virtualTable(sql: row[1] ?? "").map { (row[0] ?? "", $0) }
        }
        // A schema repeats a handful of declared type names thousands of times: read each once.
        var declaredTypes: [String: ColumnType] = [:]
        for row in tableRows {
            let tableName = row[0] ?? ""
            if row[2] == "1" || Self.isShadowTable(tableName, of: virtualTables) { continue }
            if let module = SQLiteTableDefinition.virtualTable(sql: row[1] ?? "") {
                // A rebuild has nothing to copy: the module owns the table's columns and storage.
                result.append(
                    TableRebuildSource(
                        table: Table(virtual: TableName(tableName), using: module),
                        unrepresentable: ["being a virtual table (\(module))"]))
                continue
            }
            let definition = SQLiteTableDefinition(sql: row[1] ?? "")
            result.append(
                makeTable(
                    tableName, definition: definition, columns: columnsByTable[tableName] ?? [],
                    foreignKeys: keysByTable[tableName] ?? [], indexes: indexesByTable[tableName] ?? [],
                    declaredTypes: &declaredTypes))
        }
        return result
    }

    /// The tables each module keeps a virtual table's data in, by suffix: what `PRAGMA table_list`
    /// calls 'shadow' tables, for SQLite versions before it (3.37) and as a second guard.
    static let shadowSuffixes: [String: [String]] = [
        "fts3": ["_content", "_segments", "_segdir", "_docsize", "_stat"],
        "fts4": ["_content", "_segments", "_segdir", "_docsize", "_stat"],
        "fts5": ["_data", "_idx", "_content", "_docsize", "_config"],
        "rtree": ["_node", "_rowid", "_parent"],
        "rtree_i32": ["_node", "_rowid", "_parent"],
        "geopoly": ["_node", "_rowid", "_parent"],
    ]

    /// Whether `name` is where one of `virtualTables` (name, `USING` text) keeps its data.
    static func isShadowTable(_ name: String, of virtualTables: [(String, String)]) -> Bool {
        let lowered = name.lowercased()
        return virtualTables.contains { owner, module in
            let moduleName = SQLTokenizer.tokenize(module).first?.value.lowercased() ?? ""
            return (shadowSuffixes[moduleName] ?? []).contains { lowered == owner.lowercased() + $0 }
        }
    }

    private func makeTable(
        _ tableName: String, definition: SQLiteTableDefinition, columns columnRows: [[String?]],
        foreignKeys foreignKeyRows: [[String?]], indexes indexRows: [[String?]],
        declaredTypes: inout [String: ColumnType]
    ) -> TableRebuildSource {
        var unrepresentable = definition.unrepresentable
        var checks = definition.checks
        let keyColumns = columnRows.filter { Int($0[5] ?? "0") ?? 0 > 0 }
            .sorted { Int($0[5] ?? "0") ?? 0 < Int($1[5] ?? "0") ?? 0 }.compactMap { $0[1] }
        var columns: [Column] = []
        for row in columnRows {
            let name = row[1] ?? ""
            // A generated column (hidden 2 VIRTUAL, 3 STORED) takes its expression from the table's SQL.
            let hidden = Int(row[6] ?? "0") ?? 0
            let generated = hidden > 1 ? definition.generated[name.lowercased()] : nil
            if hidden > 1, generated == nil {
                if !unrepresentable.contains("generated column \(name)") { unrepresentable.append("generated column \(name)") }
                continue
            }
            let declared = row[2] ?? ""
            var type: ColumnType
            if let known = declaredTypes[declared] {
                type = known
            } else {
                type = dialect.columnType(declared: declared)
                declaredTypes[declared] = type
            }
            if case .string = type,
                let index = checks.firstIndex(where: { $0.column == name && $0.name != nil }),
                let values = SQLiteTableDefinition.enumerationValues(checks[index].expression, column: name),
                let enumName = checks[index].name
            {
                type = .enumeration(name: enumName, values: values)
                checks.remove(at: index)
            }
            let isKey = keyColumns.contains(name)
            // Exactly `INTEGER` as the only key column of a rowid table makes the rowid's alias.
            let isRowidAlias = isKey && keyColumns.count == 1 && declared.uppercased() == "INTEGER"
                && !definition.options.isWithoutRowid
            let isIdentity = isRowidAlias && definition.inlinePrimaryKey == name
            if definition.options.isStrict, Self.strictTypeNames.contains(declared.uppercased()),
                (try? dialect.typeSQL(type))?.uppercased() != declared.uppercased()
            {
                // A STRICT table accepts only its few type names: keep the one declared.
                type = .custom(declared)
            }
            var column = Column(
                name, type, isNullable: row[3] != "1", isPrimaryKey: isKey, isIdentity: isIdentity,
                defaultValue: Self.defaultValue(row[4], type: type))
            // Other key columns of a rowid table hold NULL unless declared NOT NULL (a quirk SQLite keeps).
            if isKey, !isRowidAlias, !definition.options.isWithoutRowid { column.isNullable = row[3] != "1" }
            column.collation = definition.collations[name.lowercased()]
            column.generated = generated
            // A lone integer key SQLite does not number (`INT PRIMARY KEY`, `BIGINT`, any key of a
            // WITHOUT ROWID table) says so, as PostgreSQL's plain keys do: only the rowid alias
            // numbers itself.
            if isKey, keyColumns.count == 1, !isRowidAlias, column.hasIntegerType { column.autoincrement = false }
            columns.append(column)
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
        for (indexName, rows) in Dictionary(grouping: indexRows, by: { $0[1] ?? "" }).sorted(by: { $0.key < $1.key }) {
            switch rows[0][3] {
            case "u":
                // Read from the definition below: SQLite makes one index for several unique
                // constraints on the same columns (a named and an unnamed one, say).
                continue
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
        // Unique constraints as the text declares them, in its order, with the columns' own spelling.
        for constraint in definition.uniques {
            let names = constraint.columns.map { written in
                columns.first { $0.name.lowercased() == written.lowercased() }?.name ?? written
            }
            uniques.append(UniqueConstraint(name: constraint.name, columns: names))
        }
        var table = Table(
            TableName(tableName), columns: columns, primaryKeyName: definition.primaryKeyName, foreignKeys: foreignKeys,
            uniqueConstraints: uniques,
            checkConstraints: checks.map { CheckConstraint(name: $0.name, expression: $0.expression) },
            indexes: indexes)
        // table_xinfo's pk is the column's position in the key, which may differ from column order.
        if keyColumns != columns.filter(\.isPrimaryKey).map(\.name) { table.primaryKeyOrder = keyColumns }
        table.sqliteOptions = definition.options
        return TableRebuildSource(table: table, unrepresentable: unrepresentable)
    }

    /// The type names a STRICT table accepts.
    static let strictTypeNames: Set<String> = ["INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"]

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
