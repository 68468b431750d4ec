import MigrateCore

/// The statements of views and triggers, kept apart from the table operations they sit beside.
extension SQLDialect {
    func createViewStatements(_ view: View) throws -> [String] {
        try checkSchema(view.name)
        if view.isMaterialized { try requireMaterializedViews(view.name) }
        let body = Self.viewBody(view.definition)
        guard !body.isEmpty else {
            throw MigrateError(
                .script, "the view \(view.name) has no query",
                hint: "Give the view's query, e.g. \"SELECT id, title FROM tasks\".")
        }
        let kind = view.isMaterialized ? "MATERIALIZED VIEW" : "VIEW"
        var statements = ["CREATE \(kind) \(qualified(view.name)) AS \(body)"]
        for index in view.indexes {
            var index = index
            index.table = view.name
            statements.append(try createIndexSQL(index))
        }
        return statements
    }

    func dropViewStatements(_ name: TableName, materialized: Bool) throws -> [String] {
        try checkSchema(name)
        if materialized { try requireMaterializedViews(name) }
        return ["DROP \(materialized ? "MATERIALIZED VIEW" : "VIEW") \(qualified(name))"]
    }

    func dropTriggerStatements(_ name: String, table: TableName) throws -> [String] {
        try checkSchema(table)
        guard dropTriggerNamesTable else {
            return ["DROP TRIGGER \(quoteIdentifier(name))"]
        }
        return ["DROP TRIGGER \(quoteIdentifier(name)) ON \(qualified(table))"]
    }

    private func requireMaterializedViews(_ name: TableName) throws {
        guard !supportsMaterializedViews else { return }
        throw MigrateError(
            .script, "\(self.name) has no materialized views, so \(name) cannot be one",
            hint: "Declare \(name) as a plain view for \(self.name); materialized views work on PostgreSQL.")
    }

    /// The query without surrounding space and a trailing semicolon (PostgreSQL prints one).
    package static func viewBody(_ definition: String) -> String {
        var text = Substring(definition)
        while let last = text.last, last.isWhitespace || last == ";" { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}

/// The statements of sequences.
extension SQLDialect {
    func createSequenceStatements(_ sequence: DatabaseSequence) throws -> [String] {
        try requireSequences(sequence.name)
        let clauses = sequenceOptionClauses(sequence.options)
        var statements = [(["CREATE SEQUENCE \(qualified(sequence.name))"] + clauses).joined(separator: " ")]
        if let owner = try ownerClause(sequence), sequence.ownerTable != nil {
            statements.append("ALTER SEQUENCE \(qualified(sequence.name)) \(owner)")
        }
        return statements
    }

    /// Every option stated, so the sequence ends as described whatever it was.
    func alterSequenceStatements(_ sequence: DatabaseSequence) throws -> [String] {
        try requireSequences(sequence.name)
        var clauses = ["INCREMENT BY \(sequence.increment ?? 1)"]
        clauses.append(sequence.minValue.map { "MINVALUE \($0)" } ?? "NO MINVALUE")
        clauses.append(sequence.maxValue.map { "MAXVALUE \($0)" } ?? "NO MAXVALUE")
        if let start = sequence.start { clauses.append("START WITH \(start)") }
        clauses.append("CACHE \(sequence.cache ?? 1)")
        clauses.append(sequence.cycles ? "CYCLE" : "NO CYCLE")
        clauses.append(try ownerClause(sequence) ?? "OWNED BY NONE")
        return [(["ALTER SEQUENCE \(qualified(sequence.name))"] + clauses).joined(separator: " ")]
    }

    private func ownerClause(_ sequence: DatabaseSequence) throws -> String? {
        switch (sequence.ownerTable, sequence.ownerColumn) {
        case (nil, nil):
            return nil
        case (let table?, let column?):
            try checkSchema(table)
            return "OWNED BY \(qualified(table)).\(quoteIdentifier(column))"
        default:
            throw MigrateError(
                .script, "the sequence \(sequence.name) names an owner table or column, not both",
                hint: "Give both `ownedByTable:` and `ownedByColumn:`, or neither.")
        }
    }

    func requireSequences(_ name: TableName) throws {
        try checkSchema(name)
        guard !supportsSequences else { return }
        throw MigrateError(
            .script, "\(self.name) has no sequences, so \(name) cannot be created, altered or dropped",
            hint: "Leave sequences out for \(self.name) (an identity column numbers rows there); sequences work on PostgreSQL.")
    }
}

/// The statements of domains.
extension SQLDialect {
    func createDomainStatements(_ domain: Domain) throws -> [String] {
        try requireDomains(domain.name)
        var parts = ["CREATE DOMAIN \(qualified(domain.name)) AS \(try typeSQL(domain.baseType, schema: domain.name.schema))"]
        if let value = domain.defaultValue { parts.append("DEFAULT \(try defaultSQL(value))") }
        if !domain.isNullable { parts.append("NOT NULL") }
        parts += domain.checks.map(checkSQL)
        return [parts.joined(separator: " ")]
    }

    /// Nullability and default stated; the previous domain's checks dropped by name and the new
    /// ones added (without `previous`, only added).
    func alterDomainStatements(_ domain: Domain, previous: Domain?) throws -> [String] {
        try requireDomains(domain.name)
        let target = "ALTER DOMAIN \(qualified(domain.name))"
        var statements = [
            try domain.defaultValue.map { "\(target) SET DEFAULT \(try defaultSQL($0))" } ?? "\(target) DROP DEFAULT",
            "\(target) \(domain.isNullable ? "DROP" : "SET") NOT NULL",
        ]
        let kept = Set(domain.checks.filter { check in previous?.checks.contains(check) ?? false })
        for check in previous?.checks ?? [] where !kept.contains(check) {
            guard let name = check.name else {
                throw MigrateError(
                    .script, "a check of the domain \(domain.name) has no name, so it cannot be dropped",
                    hint: "Name the domain's checks (`CheckConstraint(\"VALUE > 0\", name: \"…\")`).")
            }
            statements.append("\(target) DROP CONSTRAINT \(quoteIdentifier(name))")
        }
        for check in domain.checks where !kept.contains(check) {
            statements.append("\(target) ADD \(checkSQL(check))")
        }
        return statements
    }

    func requireDomains(_ name: TableName) throws {
        try checkSchema(name)
        guard !supportsDomains else { return }
        throw MigrateError(
            .script, "\(self.name) has no domains, so \(name) cannot be created, altered or dropped",
            hint: "Use the base type and a check constraint on the column for \(self.name); domains work on PostgreSQL.")
    }
}

/// The statements of enumeration types on their own: values added, renamed, and the type
/// created, dropped and renamed, which is how a value is taken out (PostgreSQL cannot drop one).
extension SQLDialect {
    func enumerationStatements(_ operation: Operation) throws -> [String] {
        let name: TableName
        switch operation {
        case .createEnumeration(let type, _), .dropEnumeration(let type, _), .renameEnumeration(let type, _),
            .addEnumerationValue(let type, _, _, _), .dropEnumerationValue(let type, _, _, _),
            .renameEnumerationValue(let type, _, _):
            name = type
        default:
            return []
        }
        try checkSchema(name)
        guard enumerationStyle == .namedType else {
            throw MigrateError(
                .script, "\(self.name) keeps an enumeration as a check on each column, not as a type \(name)",
                hint: "Alter each column to the enumeration with its new values (`alterColumn(…, type: .enumeration(…))`), "
                    + "which rebuilds its table.")
        }
        let type = qualified(name)
        switch operation {
        case .createEnumeration(_, let values):
            guard !values.isEmpty else {
                throw MigrateError(.script, "the enumeration \(name) has no values", hint: "List its values.")
            }
            return ["CREATE TYPE \(type) AS ENUM (\(values.map(quoteString).joined(separator: ", ")))"]
        case .dropEnumeration:
            return ["DROP TYPE \(type)"]
        case .renameEnumeration(_, let newName):
            return ["ALTER TYPE \(type) RENAME TO \(quoteIdentifier(newName))"]
        case .addEnumerationValue(_, let value, let before, let after):
            if before != nil && after != nil {
                throw MigrateError(
                    .script, "the value '\(value)' is placed both before and after another value",
                    hint: "Give `before:` or `after:`, not both.")
            }
            // IF NOT EXISTS: the value stays if the rest of its migration fails (it was committed
            // first), and running the migration again must not fail on it.
            let position = before.map { " BEFORE \(quoteString($0))" } ?? after.map { " AFTER \(quoteString($0))" } ?? ""
            return ["ALTER TYPE \(type) ADD VALUE IF NOT EXISTS \(quoteString(value))\(position)"]
        case .renameEnumerationValue(_, let old, let new):
            return ["ALTER TYPE \(type) RENAME VALUE \(quoteString(old)) TO \(quoteString(new))"]
        case .dropEnumerationValue(_, let value, _, _):
            return [try dropEnumerationValueBlock(type: type, value: value)]
        default:
            return []
        }
    }

    /// A block that takes `value` out of the enumeration `type` (quoted) the way autogenerate's
    /// steps do, finding the columns of the type when it runs: it fails, naming the column, while
    /// rows hold the value; creates `<type>_new` without it; drops each column's default,
    /// converts the column through text, drops the old type, renames the new one and sets the
    /// defaults again.
    private func dropEnumerationValueBlock(type: String, value: String) throws -> String {
        let typeText = quoteString(type)
        let valueText = quoteString(value)
        return try dollarQuotedBlock(
            """
            DECLARE
                old_type regtype := to_regtype(\(typeText));
                type_schema name;
                type_name name;
                labels text;
                relations regclass[];
                columns name[];
                defaults text[];
                holds boolean;
            BEGIN
                IF old_type IS NULL THEN
                    RAISE EXCEPTION 'the enumeration % does not exist', \(typeText);
                END IF;
                IF NOT EXISTS (SELECT 1 FROM pg_enum WHERE enumtypid = old_type AND enumlabel = \(valueText)) THEN
                    RAISE EXCEPTION 'the enumeration % has no value %', \(typeText), quote_literal(\(valueText));
                END IF;
                SELECT n.nspname, t.typname INTO type_schema, type_name
                FROM pg_type AS t JOIN pg_namespace AS n ON n.oid = t.typnamespace WHERE t.oid = old_type;
                SELECT array_agg(a.attrelid::regclass ORDER BY a.attrelid, a.attnum), array_agg(a.attname ORDER BY a.attrelid, a.attnum),
                    array_agg(pg_get_expr(d.adbin, d.adrelid) ORDER BY a.attrelid, a.attnum)
                INTO relations, columns, defaults
                FROM pg_attribute AS a
                JOIN pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
                LEFT JOIN pg_attrdef AS d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.atttypid = old_type AND a.attnum > 0 AND NOT a.attisdropped;
                FOR i IN 1..coalesce(array_length(relations, 1), 0) LOOP
                    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I::text = %L)', relations[i], columns[i], \(valueText))
                        INTO holds;
                    IF holds THEN
                        RAISE EXCEPTION 'rows of %.% hold %, the value taken out of the enumeration %',
                            relations[i], columns[i], quote_literal(\(valueText)), \(typeText)
                            USING HINT = 'Change those rows to another value first.';
                    END IF;
                END LOOP;
                SELECT string_agg(quote_literal(enumlabel), ', ' ORDER BY enumsortorder) INTO labels
                FROM pg_enum WHERE enumtypid = old_type AND enumlabel <> \(valueText);
                IF labels IS NULL THEN
                    RAISE EXCEPTION 'the enumeration % would have no values left', \(typeText)
                        USING HINT = 'Drop the type instead.';
                END IF;
                EXECUTE format('CREATE TYPE %I.%I AS ENUM (%s)', type_schema, type_name || '_new', labels);
                FOR i IN 1..coalesce(array_length(relations, 1), 0) LOOP
                    IF defaults[i] IS NOT NULL THEN
                        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', relations[i], columns[i]);
                    END IF;
                    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I TYPE %I.%I USING %I::text::%I.%I', relations[i], columns[i],
                        type_schema, type_name || '_new', columns[i], type_schema, type_name || '_new');
                END LOOP;
                EXECUTE format('DROP TYPE %I.%I', type_schema, type_name);
                EXECUTE format('ALTER TYPE %I.%I RENAME TO %I', type_schema, type_name || '_new', type_name);
                FOR i IN 1..coalesce(array_length(relations, 1), 0) LOOP
                    IF defaults[i] IS NOT NULL THEN
                        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', relations[i], columns[i], defaults[i]);
                    END IF;
                END LOOP;
            END
            """)
    }
}

/// The statements of schemas and extensions.
extension SQLDialect {
    func schemaAndExtensionStatements(_ operation: Operation) throws -> [String] {
        switch operation {
        case .createSchema(let name):
            try requireSchemas(name)
            return ["CREATE SCHEMA \(quoteIdentifier(name))"]
        case .dropSchema(let name):
            try requireSchemas(name)
            return ["DROP SCHEMA \(quoteIdentifier(name))"]
        case .createExtension(let created):
            try requireExtensions(created.name)
            var statement = "CREATE EXTENSION IF NOT EXISTS \(quoteIdentifier(created.name))"
            if let schema = created.schema { statement += " WITH SCHEMA \(quoteIdentifier(schema))" }
            if let version = created.version { statement += " VERSION \(quoteString(version))" }
            return [statement]
        case .alterExtension(let name, let version, _):
            try requireExtensions(name)
            return ["ALTER EXTENSION \(quoteIdentifier(name)) UPDATE TO \(quoteString(version))"]
        case .dropExtension(let name, _):
            try requireExtensions(name)
            // IF EXISTS, like the create's IF NOT EXISTS: an extension belongs to the whole
            // database, and a fleet runs the same migration once per schema.
            return ["DROP EXTENSION IF EXISTS \(quoteIdentifier(name))"]
        default:
            return []
        }
    }

    private func requireSchemas(_ name: String) throws {
        guard !supportsSchemas else { return }
        throw MigrateError(
            .script, "\(self.name) has no schemas, so \(name) cannot be created or dropped",
            hint: "Leave schemas out for \(self.name) (an attached database plays that part there); schemas work on PostgreSQL.")
    }

    private func requireExtensions(_ name: String) throws {
        guard !supportsExtensions else { return }
        throw MigrateError(
            .script, "\(self.name) has no extensions, so \(name) cannot be created, updated or dropped",
            hint: "Leave extensions out for \(self.name); extensions work on PostgreSQL.")
    }
}

/// The statements of functions and procedures.
extension SQLDialect {
    /// `definition` as a `CREATE OR REPLACE` statement (`OR REPLACE` added after `CREATE` when
    /// it is not there), which keeps the triggers, views and defaults that use the function.
    static func replacing(_ definition: String) -> String {
        let tokens = SQLTokenizer.tokenize(definition, dollarQuotes: true)
        guard tokens.count > 1, tokens[0].isKeyword("CREATE"), !tokens[1].isKeyword("OR") else { return definition }
        let utf8 = Array(definition.utf8)
        return String(decoding: utf8[..<tokens[0].end], as: UTF8.self) + " OR REPLACE"
            + String(decoding: utf8[tokens[0].end...], as: UTF8.self)
    }

    /// `function` must be defined by a `CREATE FUNCTION` or `CREATE PROCEDURE` statement.
    func requireFunctions(_ function: Function) throws {
        try requireFunctions(function.name)
        guard FunctionHeader(function.definition) == nil else { return }
        throw MigrateError(
            .script, "a function's definition is not a `CREATE FUNCTION` or `CREATE PROCEDURE` statement: \(function.definition.prefix(60))",
            hint: "Give the whole statement, e.g. \"CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'\".")
    }

    func requireFunctions(_ name: TableName) throws {
        try checkSchema(name)
        guard !supportsFunctions else { return }
        throw MigrateError(
            .script, "\(self.name) has no stored functions, so \(name) cannot be created, replaced or dropped",
            hint: "Leave functions out for \(self.name); functions and procedures work on PostgreSQL.")
    }
}

/// The statements of partitioned tables and their partitions (PostgreSQL).
extension SQLDialect {
    /// ` PARTITION BY RANGE (…)` after a partitioned table's definition; empty for other tables.
    func partitionKeySQL(_ table: Table) throws -> String {
        guard let key = table.partitionKey else { return "" }
        try requirePartitions(table.name, bound: nil)
        guard !key.keys.allSatisfy(\.isWhitespace) else {
            throw MigrateError(
                .script, "the partitioned table \(table.name) has no partition key",
                hint: "Name the columns or expressions that place its rows, e.g. partitionBy: .range(\"created_at\").")
        }
        return " PARTITION BY \(key.definition)"
    }

    /// `CREATE TABLE p PARTITION OF parent (constraints…) FOR VALUES …`: the columns are the
    /// parent's, so only the partition's own constraints are listed.
    func createPartitionSQL(_ table: Table, of partition: TablePartition) throws -> String {
        try requirePartitions(table.name, bound: partition.bound)
        if let column = table.columns.first {
            throw MigrateError(
                .script, "the partition \(table.name) declares the column \(column.name), but a partition has its parent's columns",
                hint: "Declare the columns on \(partition.parent) and leave them out of the partition.")
        }
        var lines: [String] = []
        for constraint in table.uniqueConstraints { lines.append(uniqueSQL(constraint)) }
        for constraint in table.checkConstraints { lines.append(checkSQL(constraint)) }
        for key in table.foreignKeys {
            try checkSchema(key.referencedTable)
            lines.append(foreignKeySQL(key))
        }
        let constraints = lines.isEmpty ? "" : " (\n    " + lines.joined(separator: ",\n    ") + "\n)"
        return "CREATE TABLE \(qualified(table.name)) PARTITION OF \(qualified(partition.parent))\(constraints) "
            + partition.bound + (try partitionKeySQL(table))
    }

    /// Throws unless the dialect partitions tables, and (given a bound) unless the bound says something.
    func requirePartitions(_ name: TableName, bound: String?) throws {
        try checkSchema(name)
        guard supportsPartitions else {
            throw MigrateError(
                .script, "\(self.name) has no partitioned tables, so \(name) cannot be partitioned or be a partition",
                hint: "Leave partitionBy, partitionOf and partitions out for \(self.name); they work on PostgreSQL.")
        }
        if let bound, bound.allSatisfy(\.isWhitespace) {
            throw MigrateError(
                .script, "the partition \(name) has no bound",
                hint: "Say which rows it takes, e.g. bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\" or bound: \"DEFAULT\".")
        }
    }
}
