import MigrateCore
import MigrateSQL

extension PostgresConnection {
    /// PostgreSQL alters tables in place and never rebuilds them, so it has no inspector to offer.
    package var schemaInspector: SchemaInspector? { nil }

    /// Reads the tables of the current schema (and of `includeSchemas`) into a ``Schema``, in ten
    /// catalog queries whatever the number of tables: tables, columns, types (the columns'
    /// enumerations and the domains), constraints, indexes; then views with sequences, the views'
    /// dependencies and indexes, triggers, schemas with extensions (`PostgresReflection+Objects.swift`)
    /// and functions with what uses them (`PostgresReflection+Functions.swift`).
    ///
    /// Per-table queries would make `check` on a few hundred tables cost hundreds of round trips;
    /// bulk queries over `pg_catalog` keyed by the tables' oids cost the same for 3 tables or 3000.
    /// Tables in the current schema get unqualified names, as declarations write them; others are
    /// qualified. Types the portable model lacks stay `.custom` with `format_type`'s text, so
    /// reflection never fails on an exotic column.
    ///
    /// Decisions worth knowing:
    /// - A `serial` column (a `nextval(…)` default on a sequence the column owns) reads as
    ///   `.serial` without a default, told apart from `GENERATED ALWAYS`/`BY DEFAULT AS IDENTITY`.
    ///   A lone integer primary key the database does not number reads with `autoincrement: false`.
    /// - Defaults that are literals read as `ServerDefault` literals through the casts PostgreSQL
    ///   adds (`'abc'::character varying` is `.string("abc")`, `'-1'::integer` is `.integer(-1)`);
    ///   `NULL` is no default; anything else is `.expression` with `pg_get_expr`'s text.
    /// - A generated column (`GENERATED ALWAYS AS (…) STORED`) reads with its expression as
    ///   `pg_get_expr` prints it, and no default.
    /// - Indexes that back a primary key, unique or exclusion constraint are not listed as indexes.
    ///   An index's access method is stated unless it is btree, a key's operator class unless it
    ///   is the type's default, its collation unless it is the column's (an expression key's: the
    ///   type's), and `NULLS FIRST/LAST` only where it differs from the direction's default.
    /// - A primary key lists its columns in the key's order (`conkey`), not the table's.
    /// - A partition is read with its parent and bound (`pg_get_expr(relpartbound)`), a partitioned
    ///   table with its key (`pg_get_partkeydef`). A partition lists no columns (they are its
    ///   parent's) and none of the keys, constraints, indexes and triggers it inherits; those it
    ///   has of its own are listed.
    ///
    /// ```swift
    /// let reflection = try connection.reflectSchema(excluding: [TableName("migrate_version")])
    /// print(reflection.schema.tables.count, reflection.queryCount)  // …, 10
    /// ```
    package func reflectSchema(includeSchemas: SchemaSelection = [], excluding excludedTables: [TableName] = []) throws
        -> SchemaReflection
    {
        // Catalog queries never gain from JIT compilation, yet once autovacuum has analyzed the
        // catalogs their cost estimates pass `jit_above_cost`: compiling then took 25 ms of a
        // 300-table reflection that otherwise runs in 5. The session's own setting comes back after.
        // One round trip reads it and turns JIT off: the materialized CTE is read before the
        // outer select list calls set_config.
        let jit = try query(
            """
            WITH previous AS MATERIALIZED (SELECT pg_catalog.current_setting('jit') AS jit)
            SELECT previous.jit, pg_catalog.set_config('jit', 'off', false) FROM previous
            """, parameters: []
        ).first?.first ?? nil
        defer { _ = try? query("SELECT pg_catalog.set_config('jit', $1, false)", parameters: [jit ?? "on"]) }
        var reader = PostgresCatalogReader(connection: self)
        return try reader.read(includeSchemas: includeSchemas, excluding: excludedTables)
    }
}

extension PostgresConnection {
    /// Each condition as `pg_get_constraintdef` prints it once applied to a scratch copy of its
    /// table: nil for one that cannot apply, and nil for all when none could be read back (a
    /// read-only standby refuses temporary tables), and then conditions are not compared.
    ///
    /// PostgreSQL keeps a check as a parsed tree and prints it back in its own words
    /// (`price > 0` becomes `price > 0::numeric`), so comparing a declared condition with a
    /// reflected one as text would see changes everywhere. Call it outside a transaction.
    package func normalizedCheckConditions(_ checks: [(table: TableName, condition: String)]) -> [String?]? {
        guard !checks.isEmpty else { return [] }
        let conditions = readBackInScratchCopies(
            checks.map { check in
                (check.table, { scratch in "ALTER TABLE \(scratch) ADD CONSTRAINT \(scratch) CHECK (\(check.condition)) NOT VALID" })
            },
            read: """
                SELECT t.relname, pg_catalog.pg_get_constraintdef(c.oid, true)
                FROM pg_catalog.pg_constraint AS c
                JOIN pg_catalog.pg_class AS t ON t.oid = c.conrelid AND t.relpersistence = 't'
                WHERE c.contype = 'c' AND t.relname LIKE 'migrate\\_scratch\\_%'
                  AND t.relnamespace = pg_catalog.pg_my_temp_schema()
                """)
        return conditions.map { $0.map { $0.map(PostgresCatalogReader.checkExpression) } }
    }

    /// Each stored generation expression as `pg_get_expr` prints it once added, as a column of
    /// its type, to a scratch copy of its table; nil for one that cannot apply.
    ///
    /// PostgreSQL prints an expression back with its casts and rewrites (`status IN ('a', 'b')`
    /// is stored as `status = ANY (ARRAY[…])`), so comparing the declared text with the reflected
    /// one would report the column changed, and drop and add it, on every run. Call it outside a
    /// transaction.
    package func normalizedGenerationExpressions(
        _ columns: [(table: TableName, type: ColumnType, expression: String)]
    ) -> [String?] {
        let dialect = self.dialect
        let expressions = readBackInScratchCopies(
            columns.map { column in
                guard let type = try? dialect.typeSQL(column.type, schema: column.table.schema) else { return nil }
                return (column.table, { scratch in
                    "ALTER TABLE \(scratch) ADD COLUMN \(dialect.quoteIdentifier("migrate_generated")) \(type) "
                        + "GENERATED ALWAYS AS (\(column.expression)) STORED"
                })
            },
            read: """
                SELECT t.relname, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                FROM pg_catalog.pg_attrdef AS d
                JOIN pg_catalog.pg_class AS t ON t.oid = d.adrelid AND t.relpersistence = 't'
                JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
                WHERE a.attname = 'migrate_generated' AND t.relname LIKE 'migrate\\_scratch\\_%'
                  AND t.relnamespace = pg_catalog.pg_my_temp_schema()
                """)
        return expressions?.map { $0.map(PostgresCatalogReader.generationExpression) } ?? columns.map { _ in nil }
    }

    /// Applies each of `alterations` to a temporary `LIKE` copy of its table (same columns,
    /// types and collations), named `migrate_scratch_<offset>` and given quoted to the closure,
    /// inside a transaction that is rolled back; then `read` (rows of a copy's name and a text)
    /// says what the server made of each. Nil for an alteration that is nil or cannot apply; nil
    /// for all when none could be read back.
    ///
    /// All are tried in one script, four round trips whatever their number. When that fails,
    /// each is tried alone behind a savepoint, so one that cannot apply (it names a column still
    /// to be added) leaves the others read back in the server's words.
    private func readBackInScratchCopies(
        _ alterations: [(table: TableName, alter: (String) -> String)?], read: String
    ) -> [String?]? {
        let scripts: [String?] = alterations.enumerated().map { offset, alteration in
            guard let alteration else { return nil }
            let scratch = dialect.quoteIdentifier("migrate_scratch_\(offset)")
            let table = dialect.quoteQualified(alteration.table.name, schema: alteration.table.schema)
            return "CREATE TEMPORARY TABLE \(scratch) (LIKE \(table));\n" + alteration.alter(scratch)
        }
        guard scripts.contains(where: { $0 != nil }), (try? beginTransaction()) != nil else { return nil }
        defer { try? rollback() }
        if (try? execute(scripts.compactMap { $0 }.joined(separator: ";\n"))) == nil {
            // One failed, and the transaction with it: start again, each behind its savepoint.
            try? rollback()
            guard (try? beginTransaction()) != nil, (try? createEach(scripts)) != nil else { return nil }
        }
        guard let rows = try? query(read, parameters: []) else { return nil }
        var byTable: [String: String] = [:]
        for row in rows {
            if let table = row[0], let text = row[1] { byTable[table] = text }
        }
        guard !byTable.isEmpty else { return nil }
        return alterations.indices.map { byTable["migrate_scratch_\($0)"] }
    }
}

/// One reflection's queries and the rows they returned, assembled into tables at the end.
struct PostgresCatalogReader {
    let connection: PostgresConnection
    var queryCount = 0

    init(connection: PostgresConnection) {
        self.connection = connection
    }

    /// A column as the catalog describes it, before the constraints say which ones form the key.
    struct ColumnRow {
        var name: String
        var type: ColumnType
        var isNullable: Bool
        var identity: IdentityGeneration?
        /// The options of the sequence behind an identity or serial column, only those that
        /// differ from the defaults for the column's type.
        var sequence: SequenceOptions
        var generated: GeneratedColumn?
        var defaultValue: ServerDefault?
        var comment: String?
        /// Set only when it differs from the type's own collation, as a declaration would say it.
        var collation: String?
    }

    struct TableRow {
        var name: TableName
        var comment: String?
        var columns: [Int: ColumnRow] = [:]
        var columnOrder: [Int] = []
        var primaryKey: [Int] = []
        var primaryKeyName: String?
        var foreignKeys: [ForeignKey] = []
        var uniqueConstraints: [UniqueConstraint] = []
        var checkConstraints: [CheckConstraint] = []
        var indexes: [Index] = []
        var partitionKey: PartitionKey?
        var partitionOf: TablePartition?

        func columnName(_ number: Int) -> String? { columns[number]?.name }
    }

    mutating func query(_ sql: String, _ parameters: [String?]) throws -> [[String?]] {
        queryCount += 1
        return try connection.query(sql, parameters: parameters)
    }

    mutating func read(includeSchemas: SchemaSelection, excluding excludedTables: [TableName]) throws -> SchemaReflection {
        let tableRows = try query(
            """
            SELECT s.name, c.oid::text, n.nspname, c.relname, d.description,
              CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
              (SELECT ARRAY[pn.nspname::text, p.relname::text] FROM pg_catalog.pg_inherits AS i
                JOIN pg_catalog.pg_class AS p ON p.oid = i.inhparent
                JOIN pg_catalog.pg_namespace AS pn ON pn.oid = p.relnamespace
                WHERE c.relispartition AND i.inhrelid = c.oid)::text,
              CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END
            FROM (SELECT pg_catalog.current_schema() AS name) AS s
            LEFT JOIN (pg_catalog.pg_class AS c
                JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace)
              ON c.relkind IN ('r', 'p')
                AND \(Self.notExtensionMember("pg_class", "c.oid"))
                AND (n.nspname = s.name OR n.nspname = ANY($1::text[])
                  OR ($2::boolean AND pg_catalog.left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'))
            LEFT JOIN pg_catalog.pg_description AS d
              ON d.objoid = c.oid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = 0
            ORDER BY n.nspname, c.relname
            """,
            [PostgresArrayLiteral.text(includeSchemas.listedNames), includeSchemas == .all ? "true" : "false"])
        let defaultSchema = tableRows.first?[0] ?? nil
        func tableName(_ name: String, schema: String) -> TableName {
            TableName(name, schema: schema == defaultSchema ? nil : schema)
        }
        let excluded = Set(excludedTables.map { TableName($0.name, schema: $0.schema == defaultSchema ? nil : $0.schema) })

        // Rows in the catalog's order, found by oid; kept in an array so that each row is changed
        // in place rather than copied out of a dictionary and back for every constraint and index.
        var tables: [TableRow] = []
        var positions: [String: Int] = [:]
        var order: [String] = []
        for row in tableRows {
            guard let oid = row[1], let schema = row[2], let name = row[3] else { continue }
            let table = tableName(name, schema: schema)
            guard !excluded.contains(table) else { continue }
            var reflected = TableRow(name: table, comment: row[4])
            reflected.partitionKey = row[5].flatMap(PartitionKey.init(definition:))
            let parent = PostgresArrayLiteral.strings(row[6] ?? "{}")
            if parent.count == 2, let bound = row[7] {
                reflected.partitionOf = TablePartition(of: tableName(parent[1], schema: parent[0]), bound: bound)
            }
            positions[oid] = tables.count
            tables.append(reflected)
            order.append(oid)
        }
        var reflectedDomains: [Domain] = []
        guard !order.isEmpty else {
            var schema = Schema()
            _ = try readTypes(
                into: &reflectedDomains, tableOIDs: "{}", includeSchemas: includeSchemas, defaultSchema: defaultSchema)
            schema.domains = reflectedDomains
            try readObjects(
                into: &schema, tableOIDs: [], includeSchemas: includeSchemas, defaultSchema: defaultSchema, tables: [:])
            try readSchemasAndExtensions(into: &schema, includeSchemas: includeSchemas, defaultSchema: defaultSchema)
            try readFunctions(into: &schema, includeSchemas: includeSchemas, defaultSchema: defaultSchema)
            return SchemaReflection(schema: schema, defaultSchema: defaultSchema, queryCount: queryCount)
        }
        let oids = "{" + order.joined(separator: ",") + "}"

        // Per column: the type's oid, name and schema only for enumerations, which are declared by
        // name; every other type is read from format_type's text.
        let columnRows = try query(
            """
            SELECT a.attrelid::text, a.attnum::text, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),
              a.attnotnull, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
              d.description, t.typtype, CASE WHEN t.typtype = 'e' THEN a.atttypid::text END,
              CASE WHEN t.typtype = 'e' THEN t.typname END, CASE WHEN t.typtype = 'e' THEN tn.nspname END,
              CASE WHEN sq.seqrelid IS NOT NULL THEN ARRAY[sq.seqstart, sq.seqincrement, sq.seqmin, sq.seqmax,
                sq.seqcache, sq.seqcycle::integer, sq.seqtypid::bigint]::text END,
              CASE WHEN a.attcollation <> t.typcollation THEN coll.collname END
            FROM pg_catalog.pg_attribute AS a
            JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
            JOIN pg_catalog.pg_namespace AS tn ON tn.oid = t.typnamespace
            LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
            LEFT JOIN pg_catalog.pg_description AS d
              ON d.objoid = a.attrelid AND d.classoid = 'pg_catalog.pg_class'::regclass AND d.objsubid = a.attnum
            LEFT JOIN pg_catalog.pg_collation AS coll ON coll.oid = a.attcollation
            LEFT JOIN (pg_catalog.pg_depend AS dep
                JOIN pg_catalog.pg_sequence AS sq ON sq.seqrelid = dep.objid)
              ON dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refclassid = 'pg_catalog.pg_class'::regclass
                AND dep.refobjid = a.attrelid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('i', 'a')
                AND dep.deptype = CASE WHEN a.attidentity <> '' THEN 'i' WHEN ad.oid IS NOT NULL THEN 'a' END
                AND (dep.deptype = 'i' OR EXISTS (
                  SELECT 1 FROM pg_catalog.pg_depend AS used
                  WHERE used.classid = 'pg_catalog.pg_attrdef'::regclass AND used.objid = ad.oid
                    AND used.refclassid = 'pg_catalog.pg_class'::regclass AND used.refobjid = dep.objid))
            WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """,
            [oids])

        let enumValues = try readTypes(
            into: &reflectedDomains, tableOIDs: oids, includeSchemas: includeSchemas, defaultSchema: defaultSchema)

        let dialect = connection.dialect
        // A schema spells a handful of types thousands of times; each spelling is read once.
        var declaredTypes: [String: ColumnType] = [:]
        for row in columnRows {
            guard let oid = row[0], let position = positions[oid], let number = row[1].flatMap({ Int($0) }),
                let name = row[2], let typeText = row[3]
            else { continue }
            // A default using two sequences the column owns joins twice; the first says enough.
            guard tables[position].columns[number] == nil else { continue }
            let type: ColumnType
            if row[9] == "e", let typeOID = row[10], let typeName = row[11], let typeSchema = row[12] {
                // Declarations name an enumeration in the table's own schema (or the default one) bare.
                let tableSchema = tables[position].name.schema ?? defaultSchema
                let bare = typeSchema == tableSchema || typeSchema == defaultSchema
                type = .enumeration(name: bare ? typeName : "\(typeSchema).\(typeName)", values: enumValues[typeOID] ?? [])
            } else if let known = declaredTypes[typeText] {
                type = known
            } else {
                type = dialect.columnType(declared: typeText)
                declaredTypes[typeText] = type
            }
            // The options of the sequence numbering an identity column, or of the sequence a
            // column's default uses and the column owns (a serial's): start, increment, minimum,
            // maximum, cache, cycle, and the type of the sequence. Found by a join that only
            // matches such columns, so a table of plain columns costs nothing more.
            let sequenceRow = row[13].map(PostgresArrayLiteral.integers)
            let ownsSequence = sequenceRow != nil
            var defaultValue = row[5].flatMap { Self.serverDefault($0, dialect: dialect) }
            var identity: IdentityGeneration? = switch row[6] {
            case "a": .always
            case "d": .byDefault
            default: nil
            }
            if ownsSequence, let sql = row[5], sql.hasPrefix("nextval(") {
                identity = .serial
                defaultValue = nil
            }
            var generated: GeneratedColumn?
            if row[7] == "s", let sql = row[5] {
                // pg_attrdef holds the generation expression, which is no default.
                generated = .stored(Self.generationExpression(sql))
                defaultValue = nil
            }
            var sequence = SequenceOptions()
            if identity != nil, let values = sequenceRow, values.count == 7 {
                // Its bounds are the defaults of its own type, which PostgreSQL gives a column's
                // sequence, but a sequence made by hand for a serial may not have.
                let sequenceType: ColumnType = switch values[6] {
                case 21: .smallInteger
                case 23: .integer
                default: .bigInteger
                }
                sequence = SequenceOptions(
                    start: values[0], increment: values[1], minValue: values[2], maxValue: values[3], cache: values[4],
                    cycle: values[5] == 1
                ).stated(for: sequenceType)
            }
            tables[position].columns[number] = ColumnRow(
                name: name, type: type, isNullable: row[4] != "t", identity: identity, sequence: sequence,
                generated: generated, defaultValue: defaultValue, comment: row[8], collation: row[14])
            tables[position].columnOrder.append(number)
        }

        // Foreign keys' referenced columns are looked up key by key through pg_attribute's index.
        let constraintRows = try query(
            """
            SELECT con.conrelid::text, con.conname, con.contype, con.conkey::text, fn.nspname, fc.relname,
              CASE WHEN con.contype = 'f' THEN ARRAY(
                SELECT (SELECT fa.attname FROM pg_catalog.pg_attribute AS fa
                        WHERE fa.attrelid = con.confrelid AND fa.attnum = k.attnum)
                FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
                ORDER BY k.position)::text END,
              con.confupdtype, con.confdeltype,
              CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END,
              con.condeferrable, con.condeferred, con.confmatchtype
            FROM pg_catalog.pg_constraint AS con
            LEFT JOIN pg_catalog.pg_class AS fc ON fc.oid = con.confrelid
            LEFT JOIN pg_catalog.pg_namespace AS fn ON fn.oid = fc.relnamespace
            WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'u', 'f', 'c') AND con.conparentid = 0
              AND (con.coninhcount = 0 OR NOT EXISTS (
                SELECT 1 FROM pg_catalog.pg_class AS pc WHERE pc.oid = con.conrelid AND pc.relispartition))
            ORDER BY con.conrelid, con.conname
            """,
            [oids])
        for row in constraintRows {
            guard let oid = row[0], let name = row[1], let kind = row[2], let position = positions[oid] else { continue }
            let numbers = PostgresArrayLiteral.integers(row[3] ?? "{}")
            let columns = numbers.compactMap { tables[position].columnName($0) }
            switch kind {
            case "p":
                // conkey lists the key's columns in the key's own order.
                tables[position].primaryKey = numbers
                tables[position].primaryKeyName = name
            case "u":
                tables[position].uniqueConstraints.append(UniqueConstraint(name: name, columns: columns))
            case "f":
                guard let schema = row[4], let referenced = row[5] else { continue }
                tables[position].foreignKeys.append(
                    ForeignKey(
                        name: name, columns: columns, references: tableName(referenced, schema: schema),
                        referencedColumns: PostgresArrayLiteral.strings(row[6] ?? "{}"),
                        onDelete: Self.action(row[8]), onUpdate: Self.action(row[7]),
                        deferrable: row[10] == "t" ? (row[11] == "t" ? .deferred : .immediate) : nil,
                        match: row[12] == "f" ? .full : nil))
            case "c":
                tables[position].checkConstraints.append(
                    CheckConstraint(name: name, expression: Self.checkExpression(row[9] ?? "")))
            default:
                continue
            }
        }

        // Per key: the expression (expression keys only), the operator class when it is not the
        // type's default, the collation when it is not the column's, and the ordering flags
        // (indoption bit 1 DESC, bit 2 NULLS FIRST). Columns past indnkeyatts are INCLUDE columns.
        // The collation is looked up key by key through the catalogs' own indexes: joined as sets,
        // the planner scanned every column of the table for each index.
        let indexRows = try query(
            """
            SELECT i.indrelid::text, ic.relname, i.indisunique, i.indkey::text,
              ARRAY(
                SELECT CASE WHEN i.indkey[k.n - 1] = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true) END
                FROM pg_catalog.generate_series(1, i.indnkeyatts) AS k(n) ORDER BY k.n)::text,
              pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),
              CASE WHEN am.amname <> 'btree' THEN am.amname END, i.indnkeyatts::text,
              ARRAY(
                SELECT CASE WHEN opc.opcdefault THEN NULL
                  WHEN opcn.nspname = 'pg_catalog' OR opcn.nspname = pg_catalog.current_schema() THEN opc.opcname
                  ELSE opcn.nspname || '.' || opc.opcname END
                FROM pg_catalog.generate_series(1, i.indnkeyatts) AS k(n)
                JOIN pg_catalog.pg_opclass AS opc ON opc.oid = i.indclass[k.n - 1]
                JOIN pg_catalog.pg_namespace AS opcn ON opcn.oid = opc.opcnamespace
                ORDER BY k.n)::text,
              ARRAY(
                SELECT CASE WHEN i.indcollation[k.n - 1] = 0 OR i.indcollation[k.n - 1] = COALESCE(
                    (SELECT ta.attcollation FROM pg_catalog.pg_attribute AS ta
                     WHERE ta.attrelid = i.indrelid AND ta.attnum = i.indkey[k.n - 1] AND i.indkey[k.n - 1] <> 0),
                    (SELECT xt.typcollation FROM pg_catalog.pg_attribute AS ia
                     JOIN pg_catalog.pg_type AS xt ON xt.oid = ia.atttypid
                     WHERE ia.attrelid = i.indexrelid AND ia.attnum = k.n))
                  THEN NULL
                  ELSE (SELECT coll.collname FROM pg_catalog.pg_collation AS coll WHERE coll.oid = i.indcollation[k.n - 1])
                  END
                FROM pg_catalog.generate_series(1, i.indnkeyatts) AS k(n)
                ORDER BY k.n)::text,
              i.indoption::text
            FROM pg_catalog.pg_index AS i
            JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
            JOIN pg_catalog.pg_am AS am ON am.oid = ic.relam
            WHERE i.indrelid = ANY($1::oid[]) AND NOT i.indisprimary AND NOT ic.relispartition
              AND NOT EXISTS (
                SELECT 1 FROM pg_catalog.pg_constraint AS con
                WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
            ORDER BY i.indrelid, ic.relname
            """,
            [oids])
        for row in indexRows {
            guard let oid = row[0], let name = row[1], let tablePosition = positions[oid] else { continue }
            let numbers = (row[3] ?? "").split(separator: " ").compactMap { Int($0) }
            let expressions = PostgresArrayLiteral.optionalStrings(row[4] ?? "{}")
            let operatorClasses = PostgresArrayLiteral.optionalStrings(row[8] ?? "{}")
            let collations = PostgresArrayLiteral.optionalStrings(row[9] ?? "{}")
            let flags = (row[10] ?? "").split(separator: " ").compactMap { Int($0) }
            var keys: [IndexKey] = []
            for (position, expression) in expressions.enumerated() {
                let number = position < numbers.count ? numbers[position] : 0
                let key: IndexKey
                if number != 0, let column = tables[tablePosition].columnName(number) {
                    key = .column(column)
                } else {
                    let sql: String = expression ?? ""
                    key = .expression(sql)
                }
                let flag = position < flags.count ? flags[position] : 0
                let isDescending = flag & 1 != 0
                let nullsFirst = flag & 2 != 0
                keys.append(key.with(IndexKeyOptions(
                    collation: position < collations.count ? collations[position] : nil,
                    operatorClass: position < operatorClasses.count ? operatorClasses[position] : nil,
                    isDescending: isDescending,
                    // NULLS LAST ascending and NULLS FIRST descending are the defaults, left unsaid.
                    nulls: nullsFirst == isDescending ? nil : (nullsFirst ? .first : .last))))
            }
            let keyCount = Int(row[7] ?? "") ?? numbers.count
            let include = numbers.dropFirst(keyCount).compactMap { tables[tablePosition].columnName($0) }
            tables[tablePosition].indexes.append(
                Index(
                    name: name, table: tables[tablePosition].name, keys: keys, isUnique: row[2] == "t",
                    predicate: row[5], method: row[6], include: include))
        }

        var schema = Schema(
            tables: tables.map { table in
                let primaryKey = Set(table.primaryKey)
                let keyOrder = table.primaryKey.compactMap(table.columnName)
                let keyInColumnOrder = table.columnOrder.filter(primaryKey.contains).compactMap(table.columnName) == keyOrder
                let columns = table.columnOrder.compactMap { number -> Column? in
                    guard let column = table.columns[number] else { return nil }
                    var reflected = Column(
                        column.name, column.type, isNullable: column.isNullable,
                        isPrimaryKey: primaryKey.contains(number), defaultValue: column.defaultValue,
                        comment: column.comment)
                    reflected.identity = column.identity
                    reflected.sequence = column.sequence
                    reflected.generated = column.generated
                    reflected.collation = column.collation
                    return reflected
                }
                // A partition's columns are its parent's.
                var reflected = Table(
                    table.name, columns: table.partitionOf == nil ? columns : [], primaryKeyName: table.primaryKeyName,
                    foreignKeys: table.foreignKeys, uniqueConstraints: table.uniqueConstraints,
                    checkConstraints: table.checkConstraints, indexes: table.indexes, comment: table.comment)
                if !keyInColumnOrder { reflected.primaryKeyOrder = keyOrder }
                reflected.partitionKey = table.partitionKey
                reflected.partitionOf = table.partitionOf
                // A lone integer key the database does not number says so, as a declaration must.
                if let plainKey = reflected.implicitIdentityColumn,
                    let position = reflected.columns.firstIndex(where: { $0.name == plainKey })
                {
                    reflected.columns[position].autoincrement = false
                }
                return reflected
            })
        try readObjects(
            into: &schema, tableOIDs: order, includeSchemas: includeSchemas, defaultSchema: defaultSchema,
            tables: Dictionary(uniqueKeysWithValues: zip(order, tables.map(\.name))))
        schema.domains = reflectedDomains
        try readSchemasAndExtensions(into: &schema, includeSchemas: includeSchemas, defaultSchema: defaultSchema)
        try readFunctions(into: &schema, includeSchemas: includeSchemas, defaultSchema: defaultSchema)
        return SchemaReflection(schema: schema, defaultSchema: defaultSchema, queryCount: queryCount)
    }

    /// `pg_get_expr`'s text of a default as a ``ServerDefault``: literals through their casts
    /// (numbers when the cast is to a numeric type), NULL as no default, the rest as expressions.
    static func serverDefault(_ sql: String, dialect: SQLDialect) -> ServerDefault? {
        switch SQLLiteral.parse(sql) {
        case .null:
            return nil
        case .boolean(let flag):
            return .boolean(flag)
        case .number(let text, _):
            return Int(text).map(ServerDefault.integer) ?? Double(text).map(ServerDefault.double) ?? .expression(sql)
        case .string(let text, let cast):
            switch cast.map(dialect.columnType(declared:)) {
            case .integer?, .bigInteger?, .smallInteger?, .numeric?, .float?, .double?:
                return Int(text).map(ServerDefault.integer) ?? Double(text).map(ServerDefault.double) ?? .string(text)
            default:
                return .string(text)
            }
        case nil:
            // now() and CURRENT_TIMESTAMP are the same function; the portable default says so.
            return ["now()", "CURRENT_TIMESTAMP"].contains(sql) ? .currentTimestamp : .expression(sql)
        }
    }

    /// A generated column's expression as `pg_get_expr` prints it, without the parentheses
    /// PostgreSQL puts around the whole of it.
    static func generationExpression(_ sql: String) -> String {
        var text = Substring(sql)
        while text.first == "(", text.last == ")", enclosesWhole(text) {
            text = text.dropFirst().dropLast()
        }
        return String(text)
    }

    /// `confupdtype`/`confdeltype` codes; NO ACTION, the default, reads as unspecified.
    static func action(_ code: String?) -> ReferentialAction? {
        switch code {
        case "r": .restrict
        case "c": .cascade
        case "n": .setNull
        case "d": .setDefault
        default: nil
        }
    }

    /// The condition of `CHECK (…)` as `pg_get_constraintdef` prints it, without the keyword, the
    /// parentheses around it and a trailing `NOT VALID`.
    static func checkExpression(_ definition: String) -> String {
        var text = Substring(definition)
        if text.hasSuffix(" NOT VALID") { text = text.dropLast(" NOT VALID".count) }
        if text.hasSuffix(" NO INHERIT") { text = text.dropLast(" NO INHERIT".count) }
        guard text.hasPrefix("CHECK ") else { return String(text) }
        text = text.dropFirst("CHECK ".count)
        while text.first == "(", text.last == ")", enclosesWhole(text) {
            text = text.dropFirst().dropLast()
        }
        return String(text)
    }

    /// Whether the parenthesis opening `text` is the one closing it (quotes respected).
    static func enclosesWhole(_ text: Substring) -> Bool {
        var depth = 0
        var quote: Character?
        for (offset, character) in text.enumerated() {
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            switch character {
            case "'", "\"": quote = character
            case "(": depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return offset == text.count - 1 }
            default: break
            }
        }
        return false
    }
}

/// PostgreSQL's text form of one-dimensional arrays (`{a,"b c",NULL}`), read and written, so
/// bulk queries can pass lists in and return lists per row.
enum PostgresArrayLiteral {
    /// A `text[]` literal of `values`, every element quoted.
    static func text(_ values: [String]) -> String {
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }

    static func strings(_ literal: String) -> [String] {
        optionalStrings(literal).compactMap { $0 }
    }

    static func integers(_ literal: String) -> [Int] {
        strings(literal).compactMap { Int($0) }
    }

    /// The elements, NULL as nil; quoted elements unescaped.
    static func optionalStrings(_ literal: String) -> [String?] {
        let characters = Array(literal)
        guard characters.first == "{", characters.last == "}" else { return [] }
        var elements: [String?] = []
        var index = 1
        let end = characters.count - 1
        guard index < end else { return [] }
        while index <= end {
            if characters[index] == "\"" {
                var value = ""
                index += 1
                while index < end, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < end { index += 1 }
                    value.append(characters[index])
                    index += 1
                }
                elements.append(value)
                index += 1  // the closing quote
            } else {
                var value = ""
                while index < end, characters[index] != "," {
                    value.append(characters[index])
                    index += 1
                }
                elements.append(value == "NULL" ? nil : value)
            }
            index += 1  // the comma, or the closing brace
        }
        return elements
    }
}
