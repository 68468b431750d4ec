import MigrateCore

extension SQLDialect {
    /// The statements that rebuild table `name` with the definition `change` makes from its
    /// current one, following SQLite's documented procedure for schema changes ALTER TABLE
    /// cannot make: create the new table under a temporary name, copy the rows (rowids
    /// included), drop the old table, rename the new one, then recreate indexes, views and triggers.
    ///
    /// The runner holds the migration's transaction, and foreign key enforcement is off for the
    /// session (checked before commit), as the procedure requires. `change` receives the table
    /// and, for each of its columns, the old column it is copied from; a column it adds has none.
    func rebuild(
        _ name: TableName, inspector: SchemaInspector?,
        change: (inout Table, inout [String: String]) throws -> Void
    ) throws -> [String] {
        guard canRebuildTables else {
            throw MigrateError(
                .script, "\(self.name) cannot make this change with ALTER TABLE",
                hint: "Write the change as SQL with execute.")
        }
        guard let inspector else {
            throw MigrateError(
                .script, "on \(self.name) this change rebuilds the table, which needs its current definition, "
                    + "but no schema inspector was given",
                hint: "Run it through migrate, which reads the definition from the database (or, offline, from the script so far).")
        }
        guard let source = try inspector.rebuildSource(for: name) else { throw missingTable(name) }
        guard source.unrepresentable.isEmpty else {
            throw MigrateError(
                .script,
                "on \(self.name) this change rebuilds table \(name), which would lose "
                    + source.unrepresentable.joined(separator: ", "),
                hint: "Make the change with execute and hand-written SQL following SQLite's 12-step ALTER TABLE procedure.")
        }
        let old = source.table
        var table = old
        var sources = [String: String](uniqueKeysWithValues: old.columns.map { ($0.name, $0.name) })
        try change(&table, &sources)

        let temporary = TableName("_migrate_rebuild_" + old.name.name)
        var statements: [String] = []
        for dependent in source.dependents.reversed() {
            statements.append("DROP \(dependent.kind.rawValue) \(quoteIdentifier(dependent.name))")
        }
        var created = table
        created.indexes = []
        statements.append(try createTableSQL(created, as: temporary))

        // A generated column computes its values itself: inserting into one is an error.
        let copied = table.columns.compactMap { column in
            column.generated == nil ? sources[column.name].map { (column.name, $0) } : nil
        }
        let rowidNames: Set<String> = ["rowid", "oid", "_rowid_"]
        let aliasCopied = table.columns.contains { column in
            column.isIdentity && identityStyle == .rowidAlias && sources[column.name] != nil
        }
        let nameClash = (old.columns + table.columns).contains { rowidNames.contains($0.name.lowercased()) }
        // Copying the rowid keeps rows' identities (and anything that refers to them) when no
        // column is the rowid's alias to carry them.
        let withoutRowid = old.sqliteOptions.isWithoutRowid || table.sqliteOptions.isWithoutRowid
        let copiesRowid = !aliasCopied && !nameClash && !withoutRowid
        var targets = copied.map { quoteIdentifier($0.0) }
        var values = copied.map { quoteIdentifier($0.1) }
        if copiesRowid {
            targets.insert("rowid", at: 0)
            values.insert("rowid", at: 0)
        }
        if !targets.isEmpty {
            statements.append(
                "INSERT INTO \(qualified(temporary)) (\(targets.joined(separator: ", "))) SELECT "
                    + "\(values.joined(separator: ", ")) FROM \(qualified(old.name))")
        }
        if old.sqliteOptions.autoincrement, table.sqliteOptions.autoincrement {
            // The highest rowid ever used, which may exceed the copied rows' (RENAME carries it over).
            statements.append("DELETE FROM sqlite_sequence WHERE name = \(quoteString(temporary.name))")
            statements.append(
                "INSERT INTO sqlite_sequence (name, seq) SELECT \(quoteString(temporary.name)), seq FROM sqlite_sequence "
                    + "WHERE name = \(quoteString(old.name.name))")
        }
        statements.append("DROP TABLE \(qualified(old.name))")
        statements.append("ALTER TABLE \(qualified(temporary)) RENAME TO \(quoteIdentifier(old.name.name))")
        for index in table.indexes {
            var index = index
            index.table = old.name
            statements.append(try createIndexSQL(index))
        }
        statements += source.dependents.map(\.sql)
        return statements
    }
}

extension Table {
    /// Whether removing `column` needs more than SQLite's `DROP COLUMN`, which refuses columns
    /// used by a key, a unique constraint, an index, a foreign key or another column's check.
    package func hasDependents(onColumn column: String) -> Bool {
        let name = column.lowercased()
        let named: ([String]) -> Bool = { $0.contains { $0.lowercased() == name } }
        if named(primaryKey) || foreignKeys.contains(where: { named($0.columns) })
            || uniqueConstraints.contains(where: { named($0.columns) })
        {
            return true
        }
        if indexes.contains(where: { $0.mentions(column) }) { return true }
        if columns.contains(where: { other in
            other.generated.map { SQLTokenizer.mentions($0.expression, identifier: column) } ?? false
        }) {
            return true
        }
        return checkConstraints.contains { SQLTokenizer.mentions($0.expression, identifier: column) }
    }

    /// Removes a column and, as PostgreSQL's `DROP COLUMN` does, every index and constraint that
    /// uses it; a primary key that includes it goes entirely.
    mutating func removeColumn(_ column: String) throws {
        let name = column.lowercased()
        guard let position = columns.firstIndex(where: { $0.name.lowercased() == name }) else {
            throw MigrateError(
                .script, "table \(self.name) has no column \(column)",
                hint: "Columns: \(columns.map(\.name).joined(separator: ", ")).")
        }
        guard columns.count > 1 else {
            throw MigrateError(
                .script, "\(column) is the last column of table \(self.name)", hint: "Drop the table instead.")
        }
        if columns[position].isPrimaryKey {
            for index in columns.indices {
                columns[index].isPrimaryKey = false
                columns[index].isIdentity = false
            }
            primaryKeyName = nil
            primaryKeyOrder = []
        }
        columns.remove(at: position)
        let named: ([String]) -> Bool = { $0.contains { $0.lowercased() == name } }
        foreignKeys.removeAll { named($0.columns) }
        uniqueConstraints.removeAll { named($0.columns) }
        indexes.removeAll { $0.mentions(column) }
        checkConstraints.removeAll { SQLTokenizer.mentions($0.expression, identifier: column) }
    }

    /// Applies an `alterColumn`'s type, numbering, nullability, default and generation changes
    /// (renames are done apart).
    mutating func alterColumn(_ column: String, _ changes: ColumnChanges) throws {
        guard let position = columns.firstIndex(where: { $0.name.lowercased() == column.lowercased() }) else {
            throw MigrateError(
                .script, "table \(name) has no column \(column)",
                hint: "Columns: \(columns.map(\.name).joined(separator: ", ")).")
        }
        if let type = changes.type { columns[position].type = type }
        if let identity = changes.identity {
            // First, so a key that stops being the rowid alias may then hold NULL. A key that
            // stops being numbered says so, and is written `INT` rather than the alias's `INTEGER`.
            columns[position].identity = identity
            columns[position].autoincrement = identity != nil
            if identity != nil { columns[position].isNullable = false }
        }
        if let nullable = changes.isNullable {
            // A rowid table's key column other than the rowid alias may hold NULL on SQLite.
            if nullable, columns[position].isPrimaryKey,
                columns[position].isIdentity || sqliteOptions.isWithoutRowid
                    || primaryKey.count == 1 && columns[position].autoincrement && Self.isRowidAliasType(columns[position].type)
            {
                throw MigrateError(
                    .script, "column \(column) is part of the primary key of \(name), so it cannot allow NULL",
                    hint: "Drop the primary key first.")
            }
            columns[position].isNullable = nullable
        }
        if let collation = changes.collation { columns[position].collation = collation }
        if let newDefault = changes.defaultValue {
            if newDefault != nil, columns[position].isIdentity {
                throw MigrateError(
                    .script, "identity column \(column) cannot have a default",
                    hint: "Its values come from the database.")
            }
            columns[position].defaultValue = newDefault
        }
        if let generated = changes.generated {
            // The rebuild copies a column that stops being generated (reading it gives its
            // values) and leaves one that becomes generated to compute its own.
            if generated != nil {
                if case .some(.some) = changes.defaultValue {
                    throw MigrateError(
                        .script, "column \(column) of \(name) cannot become generated and get a default at once",
                        hint: "A generated column's values come from its expression; leave default: out.")
                }
                if columns[position].isPrimaryKey {
                    throw MigrateError(
                        .script, "key column \(column) of \(name) cannot become generated",
                        hint: "Key the table on another column first.")
                }
                columns[position].defaultValue = nil
            }
            columns[position].generated = generated
        }
    }

    /// Whether a column of `type` as the only primary key column is SQLite's rowid alias.
    static func isRowidAliasType(_ type: ColumnType) -> Bool {
        switch type {
        case .integer: return true
        case .custom(let text): return text.uppercased() == "INTEGER"
        default: return false
        }
    }

    /// Makes `columns` the primary key (none may exist yet).
    mutating func addPrimaryKey(name constraintName: String?, columns keyColumns: [String]) throws {
        guard primaryKey.isEmpty else {
            throw MigrateError(
                .script, "table \(name) already has a primary key (\(primaryKey.joined(separator: ", ")))",
                hint: "Drop it first with dropConstraint.")
        }
        try requireColumns(keyColumns, in: self, for: "the primary key")
        for index in columns.indices where keyColumns.contains(where: { $0.lowercased() == columns[index].name.lowercased() }) {
            columns[index].isPrimaryKey = true
            columns[index].isNullable = false
        }
        // The key keeps the order it was given in, with the columns' own spelling.
        primaryKeyOrder = keyColumns.compactMap { key in columns.first { $0.name.lowercased() == key.lowercased() }?.name }
        primaryKeyName = constraintName
    }

    /// PostgreSQL's name for an unnamed constraint on `columns` (`users_email_key`), which an
    /// unnamed unique constraint or foreign key answers to on SQLite.
    func conventionalName(_ constraintColumns: [String], _ suffix: String) -> String {
        ([name.name] + constraintColumns + [suffix]).joined(separator: "_")
    }

    /// Removes the constraint `constraintName` of `kind`, failing when there is none by that name.
    ///
    /// Where a table has a named and an unnamed constraint on the same columns, the name picks the
    /// named one. An unnamed unique constraint or foreign key answers to the name PostgreSQL would
    /// have given it (`<table>_<columns>_key`, `_fkey`), and an unnamed check `<table>_check`,
    /// which is what autogenerate drops them by; an unnamed primary key matches any name: a table has only one, and PostgreSQL's
    /// generated name (`<table>_pkey`) is what portable migrations use for it.
    mutating func removeConstraint(named constraintName: String, kind: ConstraintKind, dialect: SQLDialect) throws {
        let matches: (String?) -> Bool = { $0?.lowercased() == constraintName.lowercased() }
        let known: [String?]
        switch kind {
        case .unique:
            if let position = uniqueConstraints.firstIndex(where: { matches($0.name) })
                ?? uniqueConstraints.firstIndex(where: { $0.name == nil && matches(conventionalName($0.columns, "key")) })
            {
                uniqueConstraints.remove(at: position)
                return
            }
            known = uniqueConstraints.map { $0.name ?? conventionalName($0.columns, "key") }
        case .check:
            let before = checkConstraints.count
            checkConstraints.removeAll { matches($0.name) }
            if checkConstraints.count < before { return }
            // The name autogenerate drops an unnamed check by: one at a time, in declaration order.
            if matches(name.name + "_check"), let position = checkConstraints.firstIndex(where: { $0.name == nil }) {
                checkConstraints.remove(at: position)
                return
            }
            known = checkConstraints.map(\.name)
        case .foreignKey:
            if let position = foreignKeys.firstIndex(where: { matches($0.name) })
                ?? foreignKeys.firstIndex(where: { $0.name == nil && matches(conventionalName($0.columns, "fkey")) })
            {
                foreignKeys.remove(at: position)
                return
            }
            known = foreignKeys.map { $0.name ?? conventionalName($0.columns, "fkey") }
        case .primaryKey:
            if !primaryKey.isEmpty, primaryKeyName == nil || matches(primaryKeyName) {
                if let identity = columns.first(where: \.isIdentity), dialect.identityStyle == .rowidAlias {
                    throw MigrateError(
                        .script,
                        "the primary key of \(name) is its identity column \(identity.name), the rowid alias on \(dialect.name)",
                        hint: "Add a new primary key column instead, or drop \(identity.name)'s identity first.")
                }
                for index in columns.indices { columns[index].isPrimaryKey = false }
                primaryKeyName = nil
                primaryKeyOrder = []
                return
            }
            known = primaryKey.isEmpty ? [] : [primaryKeyName]
        }
        let names = known.map { $0 ?? "(unnamed)" }
        throw MigrateError(
            .script, "table \(name) has no \(kind.rawValue) constraint named \(constraintName)",
            hint: names.isEmpty
                ? "It has no \(kind.rawValue) constraints."
                : "Its \(kind.rawValue) constraints: \(names.joined(separator: ", "))."
                    + (names.contains("(unnamed)")
                        ? " On \(dialect.name) an unnamed check answers to \(name.name)_check; name constraints when you create them."
                        : ""))
    }
}

extension Index {
    /// Whether the index uses `column`, as a key, in a key expression or in its predicate.
    func mentions(_ column: String) -> Bool {
        keys.contains { key in
            switch key.base {
            case .column(let name), .ordered(.column(let name), _): return name.lowercased() == column.lowercased()
            case .expression(let sql), .ordered(.expression(let sql), _): return SQLTokenizer.mentions(sql, identifier: column)
            case .ordered: return false
            }
        } || include.contains { $0.lowercased() == column.lowercased() } || predicate.map { SQLTokenizer.mentions($0, identifier: column) } == true
    }
}
