import MigrateCore

/// The pieces of DDL every operation is built from: a table definition, its columns, its
/// constraints and indexes, and PostgreSQL's enumeration types.
extension SQLDialect {
    /// `CREATE TABLE` for `table`, under `name` when given (a rebuild's temporary name).
    ///
    /// One definition per line, so offline scripts read like hand-written DDL.
    package func createTableSQL(_ table: Table, as name: TableName? = nil) throws -> String {
        guard !table.columns.isEmpty else {
            throw MigrateError(.script, "table \(table.name) has no columns", hint: "Give the table at least one column.")
        }
        var seen = Set<String>()
        for column in table.columns where !seen.insert(column.name.lowercased()).inserted {
            throw MigrateError(
                .script, "table \(table.name) has two columns named \(column.name)", hint: "Give each column its own name.")
        }
        let table = numbered(table)
        let primaryKey = table.primaryKey
        let rowidAlias = try rowidAliasColumn(of: table)
        var lines: [String] = []
        for column in table.columns {
            lines.append(try columnDefinition(column, in: table, isRowidAlias: column.name == rowidAlias))
        }
        if !primaryKey.isEmpty, rowidAlias == nil {
            lines.append(primaryKeySQL(name: table.primaryKeyName, columns: primaryKey))
        }
        for constraint in table.uniqueConstraints {
            try requireColumns(constraint.columns, in: table, for: "a unique constraint")
            lines.append(uniqueSQL(constraint))
        }
        for constraint in table.checkConstraints {
            lines.append(checkSQL(constraint))
        }
        for key in table.foreignKeys {
            try requireColumns(key.columns, in: table, for: "a foreign key")
            try checkSchema(key.referencedTable)
            try checkForeignKey(key)
            lines.append(foreignKeySQL(key))
        }
        return "CREATE TABLE \(qualified(name ?? table.name)) (\n    " + lines.joined(separator: ",\n    ") + "\n)"
            + (try tableOptionsSQL(table, rowidAlias: rowidAlias))
    }

    /// ` STRICT, WITHOUT ROWID` after the column list, checked: `AUTOINCREMENT` needs the rowid
    /// alias, `WITHOUT ROWID` a primary key and no rowid alias.
    private func tableOptionsSQL(_ table: Table, rowidAlias: String?) throws -> String {
        let options = table.sqliteOptions
        guard !options.isEmpty else { return "" }
        guard supportsSQLiteTableOptions else {
            throw MigrateError(
                .script, "\(name) has no STRICT, WITHOUT ROWID or AUTOINCREMENT tables (\(table.name))",
                hint: "These are SQLite's; leave them out of tables for \(name).")
        }
        if options.autoincrement, rowidAlias == nil || options.isWithoutRowid {
            throw MigrateError(
                .script, "table \(table.name) uses AUTOINCREMENT, which needs an identity INTEGER PRIMARY KEY (the rowid)",
                hint: "Make one integer column the table's only primary key with identity: true, or drop autoincrement.")
        }
        if options.isWithoutRowid, table.primaryKey.isEmpty {
            throw MigrateError(
                .script, "table \(table.name) is WITHOUT ROWID but has no primary key",
                hint: "A WITHOUT ROWID table is stored by its primary key: declare one.")
        }
        var clauses: [String] = []
        if options.isStrict { clauses.append("STRICT") }
        if options.isWithoutRowid { clauses.append("WITHOUT ROWID") }
        return clauses.isEmpty ? "" : " " + clauses.joined(separator: ", ")
    }

    /// The table as this dialect creates it: on engines that do not number a lone integer key by
    /// themselves (PostgreSQL), that key made an identity (``Table/withImplicitIdentity``).
    package func numbered(_ table: Table) -> Table {
        identityStyle == .generatedByDefault ? table.withImplicitIdentity : table
    }

    /// The column SQLite numbers as the rowid's alias when `table` is created as declared: its
    /// identity, or else a lone key whose type is written exactly `INTEGER` in a rowid table,
    /// unless it says `autoincrement: false` (then written `INT`, which SQLite does not number).
    /// Nil on engines without a rowid, and where no column is the alias.
    package func rowidAlias(of table: Table) -> String? {
        guard identityStyle == .rowidAlias, table.virtualTableModule == nil, !table.sqliteOptions.isWithoutRowid else {
            return nil
        }
        if let identity = try? rowidAliasColumn(of: table) { return identity }
        let key = table.primaryKey
        guard key.count == 1, let column = table.column(named: key[0]), !column.isIdentity, column.autoincrement,
            column.generated == nil, (try? typeSQL(column.type))?.uppercased() == "INTEGER"
        else { return nil }
        return column.name
    }

    /// Whether `column` of `table`, not declared its identity, would be written `INTEGER` as the
    /// table's lone key and so become SQLite's rowid alias although it says `autoincrement: false`.
    private func isUnnumberedRowidKey(_ column: Column, in table: Table, typeText: String) -> Bool {
        identityStyle == .rowidAlias && !column.autoincrement && column.identity == nil
            && typeText.uppercased() == "INTEGER" && table.primaryKey == [column.name]
            && !table.sqliteOptions.isWithoutRowid && table.virtualTableModule == nil
    }

    /// The identity column that becomes SQLite's rowid alias, checked: it must be the table's only
    /// primary key column and an integer. Nil for other identity styles or no identity.
    private func rowidAliasColumn(of table: Table) throws -> String? {
        guard identityStyle == .rowidAlias else { return nil }
        if table.sqliteOptions.isWithoutRowid, let identity = table.columns.first(where: \.isIdentity) {
            throw MigrateError(
                .script, "table \(table.name) is WITHOUT ROWID, so \(identity.name) cannot be its identity (the rowid alias)",
                hint: "Drop identity from \(identity.name) and fill it yourself, or drop withoutRowid.")
        }
        let identities = table.columns.filter(\.isIdentity)
        guard let identity = identities.first else { return nil }
        if identities.count > 1 {
            throw MigrateError(
                .script, "table \(table.name) has \(identities.count) identity columns",
                hint: "On \(name) a table has at most one identity column: its rowid.")
        }
        guard identity.isPrimaryKey, table.primaryKey == [identity.name] else {
            throw MigrateError(
                .script,
                "on \(name) an identity column is the table's INTEGER PRIMARY KEY (its rowid), but \(identity.name) is "
                    + (identity.isPrimaryKey ? "part of a composite primary key" : "not the primary key"),
                hint: "Make \(identity.name) the only primary key column, or drop isIdentity and fill it yourself.")
        }
        return identity.name
    }

    /// One column's definition: name, type, identity, nullability, default, and on SQLite an
    /// enumeration's check; `isRowidAlias` makes it SQLite's `INTEGER PRIMARY KEY`.
    func columnDefinition(_ column: Column, in table: Table, isRowidAlias: Bool = false) throws -> String {
        var parts = [quoteIdentifier(column.name)]
        if let identity = column.identity {
            guard column.hasIntegerType else {
                throw MigrateError(
                    .script, "identity column \(column.name) must be an integer, not \(column.type)",
                    hint: "Use .integer or .bigInteger for columns the database numbers.")
            }
            if column.defaultValue != nil {
                throw MigrateError(
                    .script, "identity column \(column.name) also has a default",
                    hint: "An identity column's values come from the database; remove the default.")
            }
            if identity != .byDefault, identityStyle == .rowidAlias {
                throw MigrateError(
                    .script,
                    "\(name) numbers \(column.name) as its rowid alias, which has no "
                        + (identity == .always ? "GENERATED ALWAYS identity" : "serial sequence"),
                    hint: "Use identity: true on \(name).")
            }
        }
        try checkSequenceOptions(column)
        if let generated = column.generated {
            if column.identity != nil || column.defaultValue != nil {
                throw MigrateError(
                    .script, "generated column \(column.name) also has \(column.identity != nil ? "an identity" : "a default")",
                    hint: "A generated column's values come from its expression; remove the \(column.identity != nil ? "identity" : "default").")
            }
            if !generated.isStored, !supportsVirtualGeneratedColumns {
                throw MigrateError(
                    .script, "generated column \(column.name) is VIRTUAL, which \(name) does not have",
                    hint: "Use generated: .stored(…) on \(name).")
            }
            // SQLite keeps generated columns out of every primary key.
            if isRowidAlias || column.isPrimaryKey && identityStyle == .rowidAlias {
                throw MigrateError(
                    .script, "generated column \(column.name) cannot be the primary key on \(name)",
                    hint: "Key the table on another column.")
            }
        }
        if isRowidAlias {
            // Exactly INTEGER: only that spelling makes the column an alias of the rowid.
            parts.append("INTEGER")
            if let name = table.primaryKeyName { parts.append("CONSTRAINT \(quoteIdentifier(name))") }
            parts.append("PRIMARY KEY")
            if table.sqliteOptions.autoincrement { parts.append("AUTOINCREMENT") }
        } else {
            // A column without a declared type (SQLite allows it) reflects as `.custom("")`.
            var typeText = column.identity == .serial ? serialTypeSQL(column) : try typeSQL(column.type, schema: table.name.schema)
            // `INT` has the same affinity, but only `INTEGER` makes a lone key the rowid alias,
            // which numbers itself.
            if isUnnumberedRowidKey(column, in: table, typeText: typeText) { typeText = "INT" }
            if !typeText.isEmpty { parts.append(typeText) }
            if let collation = column.collation { parts.append("COLLATE \(quoteIdentifier(collation))") }
            if identityStyle == .generatedByDefault, let identity = column.identity, identity != .serial {
                let options = sequenceOptionClauses(column.sequence.stated(for: column.type))
                parts.append(
                    "GENERATED \(identity == .always ? "ALWAYS" : "BY DEFAULT") AS IDENTITY"
                        + (options.isEmpty ? "" : " (\(options.joined(separator: " ")))"))
            }
            if let generated = column.generated {
                parts.append("GENERATED ALWAYS AS (\(generated.expression)) \(generated.isStored ? "STORED" : "VIRTUAL")")
            }
            if !column.isNullable { parts.append("NOT NULL") }
        }
        if let value = column.defaultValue {
            parts.append("DEFAULT \(try defaultSQL(value))")
        }
        if case .enumeration(let enumName, let values) = column.type, enumerationStyle == .checkConstraint {
            parts.append(
                "CONSTRAINT \(quoteIdentifier(enumName)) CHECK (\(quoteIdentifier(column.name)) IN ("
                    + values.map(quoteString).joined(separator: ", ") + "))")
        }
        return parts.joined(separator: " ")
    }

    /// PostgreSQL's `serial` pseudo-type of an integer column: an owned sequence and its default.
    private func serialTypeSQL(_ column: Column) -> String {
        switch column.type {
        case .smallInteger: "SMALLSERIAL"
        case .bigInteger: "BIGSERIAL"
        default: "SERIAL"
        }
    }

    func primaryKeySQL(name: String?, columns: [String]) -> String {
        constraintPrefix(name) + "PRIMARY KEY (\(columns.map(quoteIdentifier).joined(separator: ", ")))"
    }

    func uniqueSQL(_ constraint: UniqueConstraint) -> String {
        constraintPrefix(constraint.name) + "UNIQUE (\(constraint.columns.map(quoteIdentifier).joined(separator: ", ")))"
    }

    func checkSQL(_ constraint: CheckConstraint) -> String {
        constraintPrefix(constraint.name) + "CHECK (\(constraint.expression))"
    }

    func foreignKeySQL(_ key: ForeignKey) -> String {
        var text = constraintPrefix(key.name) + "FOREIGN KEY (\(key.columns.map(quoteIdentifier).joined(separator: ", "))) "
        text += "REFERENCES \(qualified(key.referencedTable))"
        if !key.referencedColumns.isEmpty {
            text += " (\(key.referencedColumns.map(quoteIdentifier).joined(separator: ", ")))"
        }
        if let match = key.match { text += " MATCH \(match.rawValue)" }
        if let action = key.onDelete { text += " ON DELETE \(action.rawValue)" }
        if let action = key.onUpdate { text += " ON UPDATE \(action.rawValue)" }
        if let deferral = key.deferrable { text += " \(deferral.rawValue)" }
        return text
    }

    private func constraintPrefix(_ name: String?) -> String {
        name.map { "CONSTRAINT \(quoteIdentifier($0)) " } ?? ""
    }

    /// `CREATE [UNIQUE] INDEX`; expression keys and the predicate are used as written.
    func createIndexSQL(_ index: Index) throws -> String {
        guard !index.keys.isEmpty else {
            throw MigrateError(.script, "index \(index.name) has no keys", hint: "Index at least one column or expression.")
        }
        if !supportsIndexAccessMethods {
            if let method = index.method, method.lowercased() != "btree" {
                throw MigrateError(
                    .script, "index \(index.name) uses the access method \(method), which \(name) does not have",
                    hint: "Remove `using:`; \(name) indexes are b-trees.")
            }
            if !index.include.isEmpty {
                throw MigrateError(
                    .script, "index \(index.name) has INCLUDE columns, which \(name) does not support",
                    hint: "Make them keys, or remove `include:`.")
            }
        }
        let keys = try index.keys.map { try indexKeySQL($0, in: index) }
        var text = "CREATE \(index.isUnique ? "UNIQUE " : "")INDEX \(quoteIdentifier(index.name)) "
        text += "ON \(qualified(index.table))"
        // SQLite's indexes are all b-trees and it has no USING clause: `btree` there says nothing.
        if let method = index.method, supportsIndexAccessMethods { text += " USING \(method)" }
        text += " (\(keys.joined(separator: ", ")))"
        if !index.include.isEmpty { text += " INCLUDE (\(index.include.map(quoteIdentifier).joined(separator: ", ")))" }
        if let predicate = index.predicate { text += " WHERE \(predicate)" }
        return text
    }

    /// One key: the column or expression, then `COLLATE`, the operator class, `DESC`, `NULLS …`.
    private func indexKeySQL(_ key: IndexKey, in index: Index) throws -> String {
        var text: String
        switch key.base {
        case .column(let column): text = quoteIdentifier(column)
        case .expression(let sql), .ordered(.expression(let sql), _): text = sql
        case .ordered(let inner, _): text = try indexKeySQL(inner, in: index)
        }
        let options = key.options
        if let collation = options.collation { text += " COLLATE \(quoteIdentifier(collation))" }
        if let operatorClass = options.operatorClass {
            guard supportsIndexAccessMethods else {
                throw MigrateError(
                    .script, "index \(index.name) names the operator class \(operatorClass), which \(name) does not have",
                    hint: "Remove `operatorClass:` from the key.")
            }
            text += " \(operatorClass)"
        }
        if options.isDescending { text += " DESC" }
        if let nulls = options.nulls {
            guard supportsIndexAccessMethods else {
                throw MigrateError(
                    .script, "index \(index.name) orders NULLs (NULLS \(nulls.rawValue)), which \(name) indexes cannot",
                    hint: "Remove `nulls:` from the key; \(name) sorts NULLs first ascending and last descending.")
            }
            text += " NULLS \(nulls.rawValue)"
        }
        return text
    }

    // MARK: - Identity changes

    /// The steps that change how PostgreSQL numbers `column` from `existing` to `identity`, each
    /// said plainly: an identity's kind is set in place; otherwise the old numbering goes (`DROP
    /// IDENTITY`, or a serial's default and owned sequence) and the new one comes, with `options`,
    /// restarted past the largest value already in the column (the smallest, descending) so that
    /// no existing row is numbered again, and at its start at the earliest.
    func identityChangeStatements(
        _ table: TableName, _ column: String, from existing: IdentityGeneration?, to identity: IdentityGeneration?,
        type: ColumnType?, options: SequenceOptions = SequenceOptions()
    ) throws -> [String] {
        guard existing != identity else { return [] }
        let target = "ALTER TABLE \(qualified(table)) ALTER COLUMN \(quoteIdentifier(column))"
        func isIdentity(_ generation: IdentityGeneration?) -> Bool { generation == .byDefault || generation == .always }
        if isIdentity(existing), isIdentity(identity) {
            return ["\(target) SET GENERATED \(identity == .always ? "ALWAYS" : "BY DEFAULT")"]
        }
        var statements: [String] = []
        let ownedSequence = "pg_catalog.pg_get_serial_sequence(\(quoteString(qualified(table)))"
            + ", \(quoteString(column)))"
        switch existing {
        case .byDefault?, .always?:
            statements.append("\(target) DROP IDENTITY")
        case .serial?:
            statements.append("\(target) DROP DEFAULT")
            statements.append(
                try dollarQuotedBlock(
                    """
                    BEGIN
                        IF \(ownedSequence) IS NOT NULL THEN
                            EXECUTE 'DROP SEQUENCE ' || \(ownedSequence);
                        END IF;
                    END
                    """))
        case nil:
            break
        }
        let clauses = sequenceOptionClauses(options)
        let quotedColumn = quoteIdentifier(column)
        var next = "COALESCE(MAX(\(quotedColumn)), 0) + 1"
        if !clauses.isEmpty {
            let start = options.effective(for: type ?? .bigInteger)
            next = (start.increment ?? 1) > 0
                ? "GREATEST(COALESCE(MAX(\(quotedColumn)), 0) + 1, \(start.start ?? 1))"
                : "LEAST(COALESCE(MIN(\(quotedColumn)), 0) - 1, \(start.start ?? -1))"
        }
        let restart = "SELECT pg_catalog.setval(\(ownedSequence), \(next), false) FROM \(qualified(table))"
        switch identity {
        case .byDefault?, .always?:
            statements.append(
                "\(target) ADD GENERATED \(identity == .always ? "ALWAYS" : "BY DEFAULT") AS IDENTITY"
                    + (clauses.isEmpty ? "" : " (\(clauses.joined(separator: " ")))"))
            statements.append(restart)
        case .serial?:
            let sequence = quoteQualified("\(table.name)_\(column)_seq", schema: table.schema)
            let sequenceType = type.map { $0 == .bigInteger ? " AS BIGINT" : $0 == .smallInteger ? " AS SMALLINT" : " AS INTEGER" } ?? ""
            statements.append(
                "CREATE SEQUENCE \(sequence)\(sequenceType)" + clauses.map { " \($0)" }.joined()
                    + " OWNED BY \(qualified(table)).\(quotedColumn)")
            statements.append("\(target) SET DEFAULT nextval(\(quoteString(sequence))::regclass)")
            statements.append(restart)
        case nil:
            break
        }
        return statements
    }

    // MARK: - Sequence options

    /// Fails when `column` states sequence options it cannot have: on an engine whose identity is
    /// the rowid (no sequence behind it), or on a column the database does not number.
    func checkSequenceOptions(_ column: Column) throws {
        let options = column.sequence.stated(for: column.type)
        guard !options.isEmpty else { return }
        guard supportsSequences else {
            throw MigrateError(
                .script,
                "\(name) numbers \(column.name) without a sequence, so its sequence options (\(options.summaryText)) cannot be set",
                hint: "Leave sequence: out on \(name); sequence options work on PostgreSQL.")
        }
        guard column.identity != nil else {
            throw MigrateError(
                .script, "column \(column.name) has sequence options (\(options.summaryText)) but the database does not number it",
                hint: "Give \(column.name) identity: true, .always or .serial, or remove sequence:.")
        }
    }

    /// The clauses that create a sequence with `options`, only those stated, in the order of
    /// PostgreSQL's `CREATE SEQUENCE`.
    func sequenceOptionClauses(_ options: SequenceOptions) -> [String] {
        var clauses: [String] = []
        if let increment = options.increment { clauses.append("INCREMENT BY \(increment)") }
        if let minimum = options.minValue { clauses.append("MINVALUE \(minimum)") }
        if let maximum = options.maxValue { clauses.append("MAXVALUE \(maximum)") }
        if let start = options.start { clauses.append("START WITH \(start)") }
        if let cache = options.cache { clauses.append("CACHE \(cache)") }
        if options.cycles { clauses.append("CYCLE") }
        return clauses
    }

    /// The clauses that take a sequence from `previous` to `options`: those whose value changes,
    /// or every one when `previous` is unknown or the direction turns (a bound left to the
    /// default then means another value). A nil bound is `NO MINVALUE`/`NO MAXVALUE`, the type's.
    func sequenceOptionChangeClauses(to options: SequenceOptions, from previous: SequenceOptions?) -> [String] {
        func clauses(_ options: SequenceOptions) -> [String] {
            let increment = options.increment ?? 1
            return [
                "INCREMENT BY \(increment)",
                options.minValue.map { "MINVALUE \($0)" } ?? "NO MINVALUE",
                options.maxValue.map { "MAXVALUE \($0)" } ?? "NO MAXVALUE",
                // PostgreSQL's default start: 1 ascending, -1 descending, unless a bound says otherwise.
                "START WITH \(options.start ?? (increment > 0 ? options.minValue ?? 1 : options.maxValue ?? -1))",
                "CACHE \(options.cache ?? 1)",
                options.cycles ? "CYCLE" : "NO CYCLE",
            ]
        }
        let wanted = clauses(options)
        guard let previous, ((previous.increment ?? 1) > 0) == ((options.increment ?? 1) > 0) else { return wanted }
        return zip(wanted, clauses(previous)).filter { $0 != $1 }.map(\.0)
    }

    /// Sets options of the sequence a serial column owns, found by `pg_get_serial_sequence` when
    /// the statement runs: PostgreSQL names it (shortened and made unique as it must), and a
    /// rename keeps it.
    func serialSequenceOptionsStatement(_ table: TableName, _ column: String, clauses: [String]) throws -> String {
        let ownedSequence = "pg_catalog.pg_get_serial_sequence(\(quoteString(qualified(table)))"
            + ", \(quoteString(column)))"
        return try dollarQuotedBlock(
            """
            BEGIN
                EXECUTE 'ALTER SEQUENCE ' || \(ownedSequence) || \(quoteString(" " + clauses.joined(separator: " ")));
            END
            """)
    }

    /// Whether `changes` makes the column a new sequence: any identity change other than between
    /// the two identity kinds (``identityChangeStatements``), which keeps the sequence.
    static func identityChangeMakesASequence(_ changes: ColumnChanges) -> Bool {
        func isIdentity(_ generation: IdentityGeneration?) -> Bool { generation == .byDefault || generation == .always }
        guard let identity = changes.identity, identity != nil, identity != changes.existingIdentity ?? nil else { return false }
        return !(isIdentity(identity) && isIdentity(changes.existingIdentity ?? nil))
    }

    /// The statements that set the options of a numbered column's sequence to `changes.sequence`:
    /// `ALTER COLUMN … SET …` for an identity, `ALTER SEQUENCE` for a serial. An identity change
    /// that makes a new sequence states the options there instead.
    func sequenceOptionChangeStatements(_ table: TableName, _ column: String, _ changes: ColumnChanges) throws -> [String] {
        guard let options = changes.sequence else { return [] }
        guard supportsSequences else {
            guard options.isEmpty else {
                throw MigrateError(
                    .script,
                    "\(name) numbers \(column) without a sequence, so its sequence options (\(options.summaryText)) cannot be set",
                    hint: "Leave sequence: out of this alterColumn on \(name); sequence options work on PostgreSQL.")
            }
            return []
        }
        guard let numbering = changes.identity ?? changes.existingIdentity else {
            throw MigrateError(
                .script, "setting the sequence options of \(column) needs to know how the column is numbered",
                hint: "Give existingIdentity: (true, .always or .serial) with sequence:.")
        }
        guard let numbering else {
            // A column that stops being numbered loses its sequence, options and all.
            guard options.isEmpty else {
                throw MigrateError(
                    .script, "column \(column) has sequence options (\(options.summaryText)) but is not numbered",
                    hint: "Give identity: true, .always or .serial with sequence:, or leave sequence: out.")
            }
            return []
        }
        // A numbering that makes a new sequence is given the options as it is made.
        if Self.identityChangeMakesASequence(changes) { return [] }
        let clauses = sequenceOptionChangeClauses(to: options, from: changes.existingSequence)
        guard !clauses.isEmpty else { return [] }
        if numbering == .serial {
            return [try serialSequenceOptionsStatement(table, column, clauses: clauses)]
        }
        return [
            "ALTER TABLE \(qualified(table)) ALTER COLUMN \(quoteIdentifier(column)) "
                + clauses.map { "SET \($0)" }.joined(separator: " ")
        ]
    }

    // MARK: - Enumeration types

    /// Creates the named enumeration types among `types` that do not exist yet, and fails when
    /// one exists with other values; nothing for dialects that keep enumerations in checks.
    ///
    /// The guard lets several tables share one enumeration, which a bare `CREATE TYPE` would refuse.
    func createEnumerationTypes(usedBy types: [ColumnType], schema: String?) throws -> [String] {
        guard enumerationStyle == .namedType else { return [] }
        return try enumerations(in: types).map { name, values in
            let type = quoteQualified(name, schema: schema)
            let list = values.map(quoteString).joined(separator: ", ")
            return try dollarQuotedBlock(
                """
                BEGIN
                    IF to_regtype(\(quoteString(type))) IS NULL THEN
                        CREATE TYPE \(type) AS ENUM (\(list));
                    ELSIF enum_range(NULL::\(type))::text[] <> ARRAY[\(list)]::text[] THEN
                        RAISE EXCEPTION 'enumeration type % already exists with other values', \(quoteString(type));
                    END IF;
                END
                """)
        }
    }

    /// Drops the named enumeration types among `types` once no column uses them any more.
    func dropEnumerationTypes(usedBy types: [ColumnType], schema: String?) throws -> [String] {
        guard enumerationStyle == .namedType else { return [] }
        return try enumerations(in: types).map { name, _ in
            let type = quoteQualified(name, schema: schema)
            return try dollarQuotedBlock(
                """
                BEGIN
                    IF to_regtype(\(quoteString(type))) IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM pg_attribute
                        WHERE atttypid = to_regtype(\(quoteString(type))) AND NOT attisdropped
                    ) THEN
                        DROP TYPE \(type);
                    END IF;
                END
                """)
        }
    }

    /// A block that fails, naming the values, when rows of `column` hold values that the
    /// enumeration being given to it lacks: converting them would fail with a bare "invalid
    /// input value", and taking a value out of a type must not lose rows silently.
    func enumerationValuesCheck(_ table: TableName, column: String, enumeration: String, values: [String]) throws -> String {
        let source = quoteQualified(table.name, schema: table.schema)
        let target = quoteIdentifier(column)
        let list = values.map(quoteString).joined(separator: ", ")
        let outside = "\(target) IS NOT NULL AND \(target)::text <> ALL (ARRAY[\(list)]::text[])"
        return try dollarQuotedBlock(
            """
            BEGIN
                IF EXISTS (SELECT 1 FROM \(source) WHERE \(outside)) THEN
                    RAISE EXCEPTION 'rows of % hold %, which the enumeration % does not have', \(quoteString("\(table).\(column)")),
                        (SELECT string_agg(DISTINCT quote_literal(\(target)::text), ', ') FROM \(source) WHERE \(outside)),
                        \(quoteString(enumeration))
                        USING HINT = 'Change those rows to one of its values (' || \(quoteString(values.joined(separator: ", "))) || ') first.';
                END IF;
            END
            """)
    }

    /// The distinct enumerations among `types`, in first-use order.
    private func enumerations(in types: [ColumnType]) throws -> [(String, [String])] {
        var result: [(String, [String])] = []
        for case .enumeration(let name, let values) in types {
            if let earlier = result.first(where: { $0.0 == name }) {
                guard earlier.1 == values else {
                    throw MigrateError(
                        .script, "enumeration \(name) is used with two different value lists",
                        hint: "Use one list of values for every column of the enumeration.")
                }
                continue
            }
            guard !values.isEmpty else {
                throw MigrateError(.script, "the enumeration \(name) has no values", hint: "List the values the column may hold.")
            }
            result.append((name, values))
        }
        return result
    }

    func dollarQuotedBlock(_ body: String) throws -> String {
        let tag = "$migrate$"
        guard !body.contains(tag) else {
            throw MigrateError(
                .script, "an enumeration's name or values contain \(tag)", hint: "Remove \(tag) from the enumeration.")
        }
        return "DO \(tag)\n\(body)\n\(tag)"
    }
}

/// Fails unless every column of `columns` is one of `table`'s, naming what is missing.
func requireColumns(_ columns: [String], in table: Table, for what: String) throws {
    guard !columns.isEmpty else {
        throw MigrateError(.script, "\(what) on \(table.name) names no columns", hint: "List its columns.")
    }
    for column in columns where table.column(named: column) == nil && !table.columns.contains(where: {
        $0.name.lowercased() == column.lowercased()
    }) {
        throw MigrateError(
            .script, "\(what) on \(table.name) names column \(column), which the table does not have",
            hint: "Columns: \(table.columns.map(\.name).joined(separator: ", ")).")
    }
}
