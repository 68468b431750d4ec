import MigrateCore
import MigrateSQL

extension PostgresConnection {
    /// Views, sequences no column owns, functions, triggers, rules, policies, grants, types the
    /// columns do not use, extensions, partitions and inheritance in the current schema (and
    /// `includeSchemas`), in one catalog query. Objects an extension created are the extension's:
    /// only the extension is named.
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
              SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                  WHEN 'f' THEN 'foreign table' WHEN 'c' THEN 'composite type' ELSE 'sequence' END AS kind,
                ns.is_default, ns.nspname, c.relname::text AS name, NULL::text AS detail
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              WHERE c.relkind IN ('v', 'm', 'f', 'c', 'S')
                AND NOT EXISTS (SELECT 1 FROM from_extension AS e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid)
                AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                    AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0))
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
              WHERE NOT t.tgisinternal
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
              UNION ALL
              SELECT 'partition', ns.is_default, ns.nspname, c.relname::text,
                'of ' || parent.relname || ' ' || pg_catalog.pg_get_expr(c.relpartbound, c.oid)
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
                JOIN pg_catalog.pg_inherits AS i ON i.inhrelid = c.oid
                JOIN pg_catalog.pg_class AS parent ON parent.oid = i.inhparent
              WHERE c.relispartition
              UNION ALL
              SELECT 'partitioning', ns.is_default, ns.nspname, c.relname::text,
                'by ' || pg_catalog.pg_get_partkeydef(c.oid)
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
              WHERE c.relkind = 'p'
              UNION ALL
              SELECT 'inheritance', ns.is_default, ns.nspname, c.relname::text, 'inherits ' || parent.relname
              FROM pg_catalog.pg_class AS c JOIN ns ON ns.oid = c.relnamespace
                JOIN pg_catalog.pg_inherits AS i ON i.inhrelid = c.oid
                JOIN pg_catalog.pg_class AS parent ON parent.oid = i.inhparent
              WHERE NOT c.relispartition AND c.relkind = 'r'
              UNION ALL
              SELECT CASE t.typtype WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range type' WHEN 'e' THEN 'enum type'
                  ELSE 'type' END,
                ns.is_default, ns.nspname, t.typname::text, NULL
              FROM pg_catalog.pg_type AS t JOIN ns ON ns.oid = t.typnamespace
              WHERE t.typtype IN ('d', 'r', 'e', 'm')
                AND NOT EXISTS (SELECT 1 FROM from_extension AS e
                  WHERE e.classid = 'pg_catalog.pg_type'::regclass AND e.objid = t.oid)
                -- An enumeration a column uses is part of that column; one nothing uses is not.
                AND NOT (t.typtype = 'e' AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS a
                  JOIN pg_catalog.pg_class AS c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
                  WHERE a.atttypid = t.oid AND NOT a.attisdropped))
              UNION ALL
              SELECT 'extension', true, '', x.extname::text, NULL
              FROM pg_catalog.pg_extension AS x
              WHERE x.extname <> 'plpgsql'
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
