import MigrateCore
import MigrateSQL

extension PostgresCatalogReader {
    /// Reads views, materialized views (with their indexes), sequences, triggers and the views'
    /// dependencies into `schema`, in three catalog queries whatever their number (even none):
    /// the views and the sequences (both `pg_class` rows); the views' dependencies (`pg_depend`
    /// through each view's rewrite rule, by column) and materialized views' index keys; the
    /// triggers of the reflected tables and views.
    ///
    /// Objects that belong to an extension are left out: the extension makes them. So are
    /// identity columns' sequences and those of `serial` columns (a `nextval` default on a
    /// sequence the column owns), which reflection reads as identity columns.
    mutating func readObjects(
        into schema: inout Schema, tableOIDs: [String], includeSchemas: SchemaSelection, defaultSchema: String?,
        tables: [String: TableName]
    ) throws {
        func relationName(_ name: String, schema: String) -> TableName {
            TableName(name, schema: schema == defaultSchema ? nil : schema)
        }
        let viewRows = try query(
            """
            SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, pg_catalog.pg_get_viewdef(c.oid, true),
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM pg_catalog.pg_class AS c
            JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm')
              AND \(SchemaSelection.includesNamespace)
              AND \(Self.notExtensionMember("pg_class", "c.oid"))
            UNION ALL
            SELECT c.oid::text, n.nspname, c.relname, 'S', NULL, s.seqstart::text, s.seqincrement::text,
              s.seqmin::text, s.seqmax::text, s.seqcache::text, s.seqcycle::text, own.nspname, own.relname,
              own.attname
            FROM pg_catalog.pg_sequence AS s
            JOIN pg_catalog.pg_class AS c ON c.oid = s.seqrelid
            JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
            LEFT JOIN LATERAL (
              SELECT tn.nspname, t.relname, a.attname, d.deptype,
                pg_catalog.pg_get_expr(ad.adbin, ad.adrelid) AS column_default
              FROM pg_catalog.pg_depend AS d
              JOIN pg_catalog.pg_class AS t ON t.oid = d.refobjid
              JOIN pg_catalog.pg_namespace AS tn ON tn.oid = t.relnamespace
              JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              LEFT JOIN pg_catalog.pg_attrdef AS ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
              WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
              LIMIT 1) AS own ON true
            WHERE \(SchemaSelection.includesNamespace)
              AND (own.deptype IS NULL
                OR (own.deptype = 'a' AND COALESCE(own.column_default NOT LIKE 'nextval(%', true)))
              AND \(Self.notExtensionMember("pg_class", "c.oid"))
            ORDER BY 2, 3
            """,
            includeSchemas.namespaceParameters)
        var views: [String: View] = [:]
        var viewOrder: [String] = []
        for row in viewRows {
            guard let oid = row[0], let namespace = row[1], let name = row[2] else { continue }
            if row[3] == "S" {
                schema.sequences.append(
                    DatabaseSequence(
                        relationName(name, schema: namespace), start: row[5].flatMap { Int($0) },
                        increment: row[6].flatMap { Int($0) }, minValue: row[7].flatMap { Int($0) },
                        maxValue: row[8].flatMap { Int($0) }, cache: row[9].flatMap { Int($0) },
                        cycles: row[10] == "true",
                        ownerTable: row[12].flatMap { table in row[11].map { relationName(table, schema: $0) } },
                        ownerColumn: row[13]))
                continue
            }
            views[oid] = View(
                relationName(name, schema: namespace), definition: SQLDialect.viewBody(row[4] ?? ""),
                isMaterialized: row[3] == "m")
            viewOrder.append(oid)
        }
        let viewOIDs = "{" + viewOrder.joined(separator: ",") + "}"

        do {
            let detailRows = try query(
                """
                SELECT DISTINCT 'dependency', r.ev_class::text, rn.nspname, rc.relname, rc.relkind::text,
                  CASE WHEN d.refobjsubid > 0 THEN a.attname END, NULL
                FROM pg_catalog.pg_depend AS d
                JOIN pg_catalog.pg_rewrite AS r ON r.oid = d.objid
                JOIN pg_catalog.pg_class AS rc ON rc.oid = d.refobjid
                JOIN pg_catalog.pg_namespace AS rn ON rn.oid = rc.relnamespace
                LEFT JOIN pg_catalog.pg_attribute AS a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                  AND r.ev_class = ANY($1::oid[]) AND d.refobjid <> r.ev_class
                  AND rc.relkind IN ('r', 'p', 'v', 'm', 'f')
                UNION ALL
                SELECT 'index', i.indrelid::text, ic.relname, i.indisunique::text,
                  ARRAY(
                    SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k.n, true)
                    FROM pg_catalog.generate_series(1, i.indnkeyatts) AS k(n) ORDER BY k.n)::text,
                  pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), NULL
                FROM pg_catalog.pg_index AS i
                JOIN pg_catalog.pg_class AS ic ON ic.oid = i.indexrelid
                WHERE i.indrelid = ANY($1::oid[])
                """,
                [viewOIDs])
            for row in detailRows {
                guard let kind = row[0], let oid = row[1], var view = views[oid] else { continue }
                if kind == "index" {
                    guard let name = row[2] else { continue }
                    let keys = PostgresArrayLiteral.optionalStrings(row[4] ?? "{}").map { Self.indexKey($0 ?? "") }
                    view.indexes.append(
                        Index(name: name, table: view.name, keys: keys, isUnique: row[3] == "true", predicate: row[5]))
                    views[oid] = view
                    continue
                }
                guard let namespace = row[2], let name = row[3], let relkind = row[4] else { continue }
                let referencedKind: SchemaObjectKind = relkind == "v" || relkind == "m" ? .view : .table
                schema.dependencies.append(
                    ObjectDependency(
                        SchemaObjectName(.view, view.name),
                        on: SchemaObjectName(referencedKind, relationName(name, schema: namespace)), column: row[5]))
            }
        }
        schema.views = viewOrder.compactMap { oid in
            guard var view = views[oid] else { return nil }
            view.indexes.sort { $0.name < $1.name }
            return view
        }
        schema.dependencies.sort {
            ($0.dependent.name.description, $0.referenced.name.description, $0.column ?? "")
                < ($1.dependent.name.description, $1.referenced.name.description, $1.column ?? "")
        }

        let relationOIDs = "{" + (tableOIDs + viewOrder).joined(separator: ",") + "}"
        let triggerRows = try query(
            """
            SELECT t.tgname, n.nspname, c.relname, pg_catalog.pg_get_triggerdef(t.oid, true)
            FROM pg_catalog.pg_trigger AS t
            JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid
            JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
            WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal AND t.tgparentid = 0
            ORDER BY n.nspname, c.relname, t.tgname
            """,
            [relationOIDs])
        for row in triggerRows {
            guard let name = row[0], let namespace = row[1], let table = row[2], let definition = row[3] else { continue }
            let relation = relationName(table, schema: namespace)
            schema.triggers.append(
                Trigger(name, on: relation, definition: Self.unqualifiedTrigger(definition, relation: relation, schema: namespace)))
        }
    }

    /// Reads, in one query, the values of the enumerations the columns of `tableOIDs` (an `oid[]`
    /// literal) use, returned by type oid, and the domains of the reflected schemas into `domains`:
    /// base type, nullability, default and check constraints (named, with
    /// `pg_get_constraintdef`'s condition). Domains that belong to an extension are left out.
    mutating func readTypes(
        into domains: inout [Domain], tableOIDs: String, includeSchemas: SchemaSelection, defaultSchema: String?
    ) throws -> [String: [String]] {
        let rows = try query(
            """
            SELECT t.typtype::text, t.oid::text, n.nspname, t.typname,
              CASE WHEN t.typtype = 'e' THEN ARRAY(
                SELECT e.enumlabel FROM pg_catalog.pg_enum AS e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)::text
              END,
              pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull::text, t.typdefault,
              ARRAY(SELECT c.conname FROM pg_catalog.pg_constraint AS c
                WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)::text,
              ARRAY(SELECT pg_catalog.pg_get_constraintdef(c.oid, true) FROM pg_catalog.pg_constraint AS c
                WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname)::text
            FROM pg_catalog.pg_type AS t
            JOIN pg_catalog.pg_namespace AS n ON n.oid = t.typnamespace
            WHERE (t.typtype = 'e' AND t.oid IN (
                SELECT a.atttypid FROM pg_catalog.pg_attribute AS a
                WHERE a.attrelid = ANY($3::oid[]) AND a.attnum > 0 AND NOT a.attisdropped))
              OR (t.typtype = 'd'
                AND \(SchemaSelection.includesNamespace)
                AND \(Self.notExtensionMember("pg_type", "t.oid")))
            ORDER BY n.nspname, t.typname
            """,
            includeSchemas.namespaceParameters + [tableOIDs])
        let dialect = connection.dialect
        var enumValues: [String: [String]] = [:]
        for row in rows {
            guard let kind = row[0], let oid = row[1], let namespace = row[2], let name = row[3] else { continue }
            if kind == "e" {
                enumValues[oid] = PostgresArrayLiteral.strings(row[4] ?? "{}")
                continue
            }
            guard let baseType = row[5] else { continue }
            let names = PostgresArrayLiteral.strings(row[8] ?? "{}")
            let conditions = PostgresArrayLiteral.strings(row[9] ?? "{}")
            let checks = zip(names, conditions).map { CheckConstraint(name: $0, expression: Self.checkExpression($1)) }
            domains.append(
                Domain(
                    TableName(name, schema: namespace == defaultSchema ? nil : namespace),
                    baseType: dialect.columnType(declared: baseType), isNullable: row[6] != "true",
                    defaultValue: row[7].flatMap { Self.serverDefault($0, dialect: dialect) }, checks: checks))
        }
        return enumValues
    }

    /// Reads, in one query, the reflected schemas other than the default one (and `public`, which
    /// every database has), and the installed extensions but `plpgsql` (every database has it
    /// too), with their schema and version.
    mutating func readSchemasAndExtensions(
        into schema: inout Schema, includeSchemas: SchemaSelection, defaultSchema: String?
    ) throws {
        let rows = try query(
            """
            SELECT 'schema', n.nspname, NULL, NULL
            FROM pg_catalog.pg_namespace AS n
            WHERE \(SchemaSelection.includesNamespace)
              AND n.nspname <> pg_catalog.current_schema() AND n.nspname <> 'public'
              AND pg_catalog.left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'
              AND \(Self.notExtensionMember("pg_namespace", "n.oid"))
            UNION ALL
            SELECT 'extension', x.extname, n.nspname, x.extversion
            FROM pg_catalog.pg_extension AS x
            JOIN pg_catalog.pg_namespace AS n ON n.oid = x.extnamespace
            WHERE x.extname <> 'plpgsql'
            ORDER BY 1, 2
            """,
            includeSchemas.namespaceParameters)
        for row in rows {
            guard let kind = row[0], let name = row[1] else { continue }
            if kind == "schema" {
                schema.schemas.append(name)
            } else {
                schema.extensions.append(
                    DatabaseExtension(name, schema: row[2] == defaultSchema ? nil : row[2], version: row[3]))
            }
        }
    }

    /// An index key as `pg_get_indexdef` prints it: a lone identifier is a column.
    static func indexKey(_ text: String) -> IndexKey {
        let tokens = SQLTokenizer.tokenize(text, dollarQuotes: true)
        if tokens.count == 1, tokens[0].isIdentifier { return .column(tokens[0].value) }
        return .expression(text)
    }

    /// `pg_get_triggerdef` always qualifies the table (`ON public.tasks`); for a table in the
    /// default schema the declaration names it bare, so the reflected text does too.
    static func unqualifiedTrigger(_ definition: String, relation: TableName, schema: String) -> String {
        guard relation.schema == nil else { return definition }
        let dialect = SQLDialect.postgresql
        for qualified in [
            "\(schema).\(relation.name)", dialect.quoteQualified(relation.name, schema: schema),
            "\(schema).\(dialect.quoteIdentifier(relation.name))",
        ] {
            if let range = definition.firstRange(of: " ON \(qualified) ") {
                var bare = definition
                bare.replaceSubrange(range, with: " ON \(dialect.quoteIdentifierIfNeeded(relation.name)) ")
                return bare
            }
        }
        return definition
    }
}

extension SQLDialect {
    /// The name bare when PostgreSQL would print it bare (lowercase letters, digits, `_`).
    func quoteIdentifierIfNeeded(_ name: String) -> String {
        let plain = name.first.map { $0 == "_" || ($0.isLetter && $0.isLowercase) } == true
            && name.allSatisfy { $0 == "_" || $0.isNumber || ($0.isLetter && $0.isLowercase && $0.isASCII) }
        return plain ? name : quoteIdentifier(name)
    }
}

extension PostgresConnection {
    /// Creates the declared views in a scratch schema inside a transaction that is rolled back,
    /// and reads them back with `pg_get_viewdef`, so a declared query compares with a reflected
    /// one in the database's own words. The scratch schema comes first on the search path, so
    /// declared views read each other there and print, like reflected ones, unqualified.
    /// A view that cannot be created (a table it reads does not exist yet) is left out.
    package func normalizedViewDefinitions(_ views: [View]) throws -> [TableName: String] {
        guard !views.isEmpty else { return [:] }
        return try inScratchSchema(named: "migrate_views") { scratch in
            let ordered = Self.readFirst(views)
            let created = try createEach(
                ordered.map {
                    "CREATE VIEW \(dialect.quoteQualified($0.name.name, schema: scratch)) AS "
                        + SQLDialect.viewBody($0.definition)
                })
            var names: [String: TableName] = [:]
            for index in created where names[ordered[index].name.name] == nil {
                names[ordered[index].name.name] = ordered[index].name
            }
            let rows = try query(
                """
                SELECT c.relname, pg_catalog.pg_get_viewdef(c.oid, true)
                FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
                WHERE n.nspname = $1
                """, parameters: [scratch])
            var result: [TableName: String] = [:]
            for row in rows {
                guard let name = row[0], let definition = row[1], let declared = names[name] else { continue }
                result[declared] = SQLDialect.viewBody(definition)
            }
            return result
        }
    }

    /// Runs `body` in a transaction that is always rolled back, with a fresh schema (its name
    /// starting with `prefix`) first on the search path: declared objects are created there to be
    /// printed back in the database's own words, and nothing of them stays.
    func inScratchSchema<Result>(named prefix: String, _ body: (String) throws -> Result) throws -> Result {
        let scratch = "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
        try beginTransaction()
        defer { try? rollback() }
        let path = try query("SELECT pg_catalog.current_setting('search_path')", parameters: []).first?.first ?? nil
        try execute("CREATE SCHEMA \(scratch)")
        try execute("SET LOCAL search_path = \(scratch)" + (path.map { $0.isEmpty ? "" : ", " + $0 } ?? ""))
        return try body(scratch)
    }

    /// Runs each statement (nil: skipped) in a savepoint, again and again while any of those that
    /// failed succeeds, since declared order need not be the order the objects need each other
    /// in; returns the indexes of those that ran, in the order they ran.
    func createEach(_ statements: [String?]) throws -> [Int] {
        var created: [Int] = []
        var pending = statements.indices.filter { statements[$0] != nil }
        var progressed = true
        while progressed && !pending.isEmpty {
            progressed = false
            var failed: [Int] = []
            for index in pending {
                try execute("SAVEPOINT migrate_scratch")
                do {
                    try execute(statements[index]!)
                    try execute("RELEASE SAVEPOINT migrate_scratch")
                    created.append(index)
                    progressed = true
                } catch {
                    try execute("ROLLBACK TO SAVEPOINT migrate_scratch")
                    failed.append(index)
                }
            }
            pending = failed
        }
        return created
    }

    /// `views` so that a view comes after the declared views its query mentions: created in
    /// that order, each reads the scratch copies (a view created before the one it reads would
    /// read the real one, and print its name qualified).
    static func readFirst(_ views: [View]) -> [View] {
        let names = Set(views.map { $0.name.name })
        var mentions: [String: Set<String>] = [:]
        for view in views {
            let tokens = SQLTokenizer.tokenize(view.definition, dollarQuotes: true)
            mentions[view.name.name] = Set(tokens.filter(\.isIdentifier).map(\.value).filter(names.contains))
                .subtracting([view.name.name])
        }
        var pending = views
        var placed: [View] = []
        var done = Set<String>()
        while !pending.isEmpty {
            let ready = pending.firstIndex { mentions[$0.name.name, default: []].isSubset(of: done) } ?? 0
            let view = pending.remove(at: ready)
            placed.append(view)
            done.insert(view.name.name)
        }
        return placed
    }
}

extension PostgresCatalogReader {
    /// A condition true unless the object `oid` (a row of `catalog`, e.g. `pg_class`) belongs
    /// to an extension: what an extension created is the extension's, declared with it, and
    /// never reflected as the user's own.
    static func notExtensionMember(_ catalog: String, _ oid: String) -> String {
        """
        NOT EXISTS (
          SELECT 1 FROM pg_catalog.pg_depend AS extension_member
          WHERE extension_member.classid = 'pg_catalog.\(catalog)'::regclass AND extension_member.objid = \(oid)
            AND extension_member.deptype = 'e')
        """
    }
}

extension SchemaSelection {
    /// The condition that keeps the rows of a namespace `n` this selection includes: the current
    /// schema, the listed ones (`$1`), or every schema but PostgreSQL's own when `$2` is true.
    static let includesNamespace = """
        (n.nspname = pg_catalog.current_schema() OR n.nspname = ANY($1::text[])
          OR ($2::boolean AND pg_catalog.left(n.nspname, 3) <> 'pg_' AND n.nspname <> 'information_schema'))
        """

    /// The parameters ``includesNamespace`` reads: the listed names, and whether all are included.
    var namespaceParameters: [String?] { [PostgresArrayLiteral.text(listedNames), self == .all ? "true" : "false"] }
}
