import MigrateCore
import MigrateSQL

extension PostgresCatalogReader {
    /// Reads the functions and procedures of the reflected schemas, and what uses each, in one
    /// catalog query: each function's `pg_get_functiondef` and input argument types, and from
    /// `pg_depend` the triggers, views, column defaults, check constraints and functions that
    /// depend on it (they go before it is dropped and come back after it is created again).
    ///
    /// Aggregates and window functions are left out (`migrate inspect` lists them), and so are
    /// functions that belong to an extension: the extension makes them.
    mutating func readFunctions(into schema: inout Schema, includeSchemas: SchemaSelection, defaultSchema: String?)
        throws
    {
        func objectName(_ name: String, schema: String) -> TableName {
            TableName(name, schema: schema == defaultSchema ? nil : schema)
        }
        let rows = try query(
            """
            WITH fn AS (
              SELECT p.oid, n.nspname, p.proname, p.prokind, pg_catalog.oidvectortypes(p.proargtypes) AS arguments
              FROM pg_catalog.pg_proc AS p
              JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
              WHERE p.prokind IN ('f', 'p')
                AND \(SchemaSelection.includesNamespace)
                AND \(Self.notExtensionMember("pg_proc", "p.oid"))
            )
            SELECT 'function', fn.nspname, fn.proname, fn.arguments, (fn.prokind = 'p')::text,
              pg_catalog.pg_get_functiondef(fn.oid), NULL, NULL, NULL
            FROM fn
            UNION ALL
            SELECT DISTINCT 'use', fn.nspname, fn.proname, fn.arguments, used.kind, used.nspname, used.relname,
              used.member, NULL
            FROM fn
            JOIN pg_catalog.pg_depend AS d
              ON d.refclassid = 'pg_catalog.pg_proc'::regclass AND d.refobjid = fn.oid AND d.deptype = 'n'
            JOIN LATERAL (
              SELECT 'trigger' AS kind, tn.nspname, tc.relname::text, t.tgname::text AS member
              FROM pg_catalog.pg_trigger AS t
              JOIN pg_catalog.pg_class AS tc ON tc.oid = t.tgrelid
              JOIN pg_catalog.pg_namespace AS tn ON tn.oid = tc.relnamespace
              WHERE d.classid = 'pg_catalog.pg_trigger'::regclass AND t.oid = d.objid AND NOT t.tgisinternal
              UNION ALL
              SELECT 'view', vn.nspname, vc.relname::text, NULL
              FROM pg_catalog.pg_rewrite AS r
              JOIN pg_catalog.pg_class AS vc ON vc.oid = r.ev_class
              JOIN pg_catalog.pg_namespace AS vn ON vn.oid = vc.relnamespace
              WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = d.objid AND vc.relkind IN ('v', 'm')
              UNION ALL
              SELECT 'default', an.nspname, ac.relname::text, a.attname::text
              FROM pg_catalog.pg_attrdef AS ad
              JOIN pg_catalog.pg_attribute AS a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
              JOIN pg_catalog.pg_class AS ac ON ac.oid = ad.adrelid
              JOIN pg_catalog.pg_namespace AS an ON an.oid = ac.relnamespace
              WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND ad.oid = d.objid
              UNION ALL
              SELECT 'check', cn.nspname, cc.relname::text, con.conname::text
              FROM pg_catalog.pg_constraint AS con
              JOIN pg_catalog.pg_class AS cc ON cc.oid = con.conrelid
              JOIN pg_catalog.pg_namespace AS cn ON cn.oid = cc.relnamespace
              WHERE d.classid = 'pg_catalog.pg_constraint'::regclass AND con.oid = d.objid AND con.contype = 'c'
              UNION ALL
              SELECT 'function', pn.nspname, f.proname::text, pg_catalog.oidvectortypes(f.proargtypes)
              FROM pg_catalog.pg_proc AS f
              JOIN pg_catalog.pg_namespace AS pn ON pn.oid = f.pronamespace
              WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND f.oid = d.objid AND f.oid <> fn.oid
            ) AS used ON true
            ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
            """,
            includeSchemas.namespaceParameters)
        for row in rows {
            guard let namespace = row[1], let name = row[2], let arguments = row[3] else { continue }
            let functionName = objectName(name, schema: namespace)
            if row[0] == "function" {
                guard let definition = row[5] else { continue }
                schema.functions.append(
                    Function(
                        functionName, arguments: arguments, isProcedure: row[4] == "true",
                        definition: Self.declaredFunction(definition, name: functionName)))
                continue
            }
            guard let kindText = row[4], let usedSchema = row[5], let usedName = row[6],
                let kind = SchemaObjectKind(rawValue: kindText)
            else { continue }
            schema.dependencies.append(
                ObjectDependency(
                    SchemaObjectName(kind, objectName(usedName, schema: usedSchema), member: row[7]),
                    on: SchemaObjectName(.function, functionName, member: arguments)))
        }
    }

    /// `pg_get_functiondef`'s text as a declaration writes it: the function's name as
    /// `name` says it (bare in the default schema), and no trailing line break.
    static func declaredFunction(_ definition: String, name: TableName) -> String {
        var text = definition
        while text.last?.isWhitespace == true { text.removeLast() }
        guard let header = FunctionHeader(text) else { return text }
        let dialect = SQLDialect.postgresql
        let written = [name.schema, name.name].compactMap { $0 }.map(dialect.quoteIdentifierIfNeeded)
            .joined(separator: ".")
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(header.nameRange, with: Array(written.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension PostgresConnection {
    /// Declared functions as the database prints them back: each created in a scratch schema
    /// inside a transaction that is rolled back, and read back with `pg_get_functiondef` and
    /// its argument types, so that a declared function compares with a reflected one whatever
    /// its spelling (`int` or `integer`, keyword case, options' order). The scratch schema comes
    /// first on the search path, so functions that call each other find the scratch copies.
    /// A function that cannot be created there (it reads a table that does not exist yet) is
    /// returned as declared.
    package func normalizedFunctions(_ functions: [Function]) throws -> [Function] {
        guard !functions.isEmpty else { return [] }
        return try inScratchSchema(named: "migrate_functions") { scratch in
            // Indexes of the functions created, in creation order, which is the order of their oids.
            let created = try createEach(
                functions.map { function in
                    guard let header = FunctionHeader(function.definition) else { return nil }
                    var bytes = Array(function.definition.utf8)
                    let scratchName = dialect.quoteQualified(function.name.name, schema: scratch)
                    bytes.replaceSubrange(header.nameRange, with: Array(scratchName.utf8))
                    return String(decoding: bytes, as: UTF8.self)
                })
            let rows = try query(
                """
                SELECT pg_catalog.oidvectortypes(p.proargtypes), pg_catalog.pg_get_functiondef(p.oid)
                FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace
                WHERE n.nspname = $1
                ORDER BY p.oid
                """, parameters: [scratch])
            var normalized = functions
            guard rows.count == created.count else { return functions }
            for (index, row) in zip(created, rows) {
                guard let arguments = row[0], let definition = row[1] else { continue }
                normalized[index].arguments = arguments
                normalized[index].definition = PostgresCatalogReader.declaredFunction(
                    definition, name: functions[index].name)
            }
            return normalized
        }
    }
}
