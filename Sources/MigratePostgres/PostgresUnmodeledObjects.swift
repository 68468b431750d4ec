import MigrateCore
import MigrateSQL

extension PostgresConnection {
    /// What reflection does not read, in the current schema (and `includeSchemas`), in one catalog
    /// query: functions, triggers of foreign tables, rules, policies, grants, types the columns do
    /// not use and inheritance. (Schemas, extensions, views, triggers of tables and views,
    /// sequences, domains, partitioned tables and partitions are reflected and declared.) Objects
    /// an extension created are the extension's, which is declared: they are not listed.
    package func unmodeledObjects(includeSchemas: SchemaSelection) throws -> [UnmodeledObject] {
        let rows = try query(
            """
            WITH ns AS (
              SELECT n.oid, n.nspname, n.nspname = pg_catalog.current_schema() AS is_default
              FROM pg_catalog.pg_namespace AS n
              WHERE \(SchemaSelection.includesNamespace)
            ), from_extension AS (
              SELECT d.classid, d.objid FROM pg_catalog.pg_depend AS d WHERE d.deptype = 'e'
            )
            SELECT kind, is_default, nspname, name, detail FROM (
              SELECT CASE c.relkind WHEN 'f' THEN 'foreign table' ELSE 'composite type' END AS kind,
                ns.is_default, ns.nspname, c.relname::text AS name, NULL::text AS detail
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              WHERE c.relkind IN ('f', 'c')
                AND NOT EXISTS (SELECT 1 FROM from_extension AS e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
              UNION ALL
              SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' WHEN 'w' THEN 'window function'
                  ELSE 'function' END,
                ns.is_default, ns.nspname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', NULL
              FROM pg_catalog.pg_proc AS p JOIN ns ON ns.oid = p.pronamespace
              WHERE NOT EXISTS (SELECT 1 FROM from_extension AS e
                WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid)
              UNION ALL
              SELECT 'trigger', ns.is_default, ns.nspname, t.tgname::text, 'on ' || c.relname
              FROM pg_catalog.pg_trigger AS t JOIN pg_catalog.pg_class AS c ON c.oid = t.tgrelid
                JOIN ns ON ns.oid = c.relnamespace
              -- Reflection reads the triggers of tables, partitions and views; those of foreign
              -- tables are left to this list.
              WHERE NOT t.tgisinternal AND c.relkind NOT IN ('r', 'p', 'v', 'm')
              UNION ALL
              SELECT 'rule', ns.is_default, ns.nspname, r.rulename::text, 'on ' || c.relname
              FROM pg_catalog.pg_rewrite AS r JOIN pg_catalog.pg_class AS c ON c.oid = r.ev_class
                JOIN ns ON ns.oid = c.relnamespace
              WHERE r.rulename <> '_RETURN'
              UNION ALL
              SELECT 'policy', ns.is_default, ns.nspname, pol.polname::text, 'on ' || c.relname
              FROM pg_catalog.pg_policy AS pol JOIN pg_catalog.pg_class AS c ON c.oid = pol.polrelid
                JOIN ns ON ns.oid = c.relnamespace
              UNION ALL
              SELECT 'row level security', ns.is_default, ns.nspname, c.relname::text, NULL
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              WHERE c.relrowsecurity
              UNION ALL
              SELECT 'grants', ns.is_default, ns.nspname, c.relname::text, 'on ' ||
                  CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
                AND NOT EXISTS (SELECT 1 FROM from_extension AS e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
              UNION ALL
              SELECT 'inheritance', ns.is_default, ns.nspname, c.relname::text, 'inherits ' || parent.relname
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
                JOIN pg_catalog.pg_inherits AS i ON i.inhrelid = c.oid
                JOIN pg_catalog.pg_class AS parent ON parent.oid = i.inhparent
              WHERE NOT c.relispartition AND c.relkind = 'r'
              UNION ALL
              SELECT CASE t.typtype WHEN 'r' THEN 'range type' WHEN 'e' THEN 'enum type'
                  ELSE 'type' END,
                ns.is_default, ns.nspname, t.typname::text, NULL
              FROM pg_catalog.pg_type AS t JOIN ns ON ns.oid = t.typnamespace
              WHERE t.typtype IN ('r', 'e', 'm')
                AND NOT EXISTS (SELECT 1 FROM from_extension AS e
                  WHERE e.classid = 'pg_catalog.pg_type'::regclass AND e.objid = t.oid)
                -- An enumeration a column uses is part of that column; one nothing uses is not.
                AND NOT (t.typtype = 'e' AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS a
                  JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
                  WHERE a.atttypid = t.oid AND NOT a.attisdropped))
            ) AS found
            ORDER BY 1, 3, 4, 5
            """, parameters: includeSchemas.namespaceParameters)
        return rows.compactMap { row in
            guard let kind = row[0], let name = row[3] else { return nil }
            let qualified = row[1] == "t" || (row[2] ?? "").isEmpty ? name : "\(row[2]!).\(name)"
            return UnmodeledObject(kind: kind, name: qualified, detail: row[4])
        }.sorted()
    }
}
