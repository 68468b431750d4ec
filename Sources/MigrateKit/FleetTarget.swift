import MigrateCore
import MigrateSQL

/// One entry of migrate.json's `targets`, as written: its URL not yet expanded and its schema
/// query not yet run, so commands that never connect need neither the variables nor the server.
///
/// ```json
/// "targets": [
///   "postgresql://app@db-eu/app",
///   {"name": "us", "url": "${US_DATABASE_URL}"},
///   {"schemas_query": "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1"}
/// ]
/// ```
public struct FleetTargetEntry: Sendable, Hashable, CustomReflectable {
    /// Which schemas of the entry's database are targets.
    public enum Schemas: Sendable, Hashable {
        /// These schemas.
        case list([String])
        /// The schemas a query returns (one name a row, first column), run when the fleet is resolved.
        case query(String)
    }

    /// The target's name (a database entry) or the prefix of its schema targets' names (`NAME/schema`).
    public var name: String?
    /// The database URL as written, with `${NAME}` references; nil means the configured `url`.
    public var url: String?
    /// The tenant schemas of the database; nil when the database itself is the target.
    public var schemas: Schemas?
    /// Schemas searched after the tenant's own for unqualified names (e.g. `public`, where
    /// extensions live); objects a migration creates still land in the tenant's schema.
    public var sharedSchemas: [String] = []
    /// Where the entry is in migrate.json, for messages.
    public var location: SourceLocation?

    public init(name: String? = nil, url: String? = nil, schemas: Schemas? = nil, sharedSchemas: [String] = [], location: SourceLocation? = nil) {
        self.name = name
        self.url = url
        self.schemas = schemas
        self.sharedSchemas = sharedSchemas
        self.location = location
    }

    static let keys = ["name", "url", "schemas", "schemas_query", "shared_schemas"]

    /// Shows the entry with any password in `url` replaced by `***`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": name as Any, "url": url.map(DatabaseURL.redact) as Any, "schemas": schemas as Any,
                "sharedSchemas": sharedSchemas, "location": location as Any,
            ],
            displayStyle: .struct)
    }
}

/// One database, or one tenant schema in a PostgreSQL database, that a fleet command runs on.
///
/// A schema target keeps its version and history tables in its schema, and its runs set the
/// connection's `search_path` to that schema, so unqualified names in migrations land there.
public struct FleetTarget: Sendable, Hashable, CustomStringConvertible {
    /// What `--target` matches and output shows: given, or the schema, or the database's host and name.
    public var name: String
    public var url: DatabaseURL
    /// The tenant schema, or nil when the target is the whole database.
    public var schema: String?
    /// Schemas searched after ``schema`` (``FleetTargetEntry/sharedSchemas``).
    public var sharedSchemas: [String]

    public init(name: String, url: DatabaseURL, schema: String? = nil, sharedSchemas: [String] = []) {
        self.name = name
        self.url = url
        self.schema = schema
        self.sharedSchemas = sharedSchemas
    }

    public var description: String { name }

    /// The `search_path` a run on this target uses: the tenant schema, then the shared ones.
    func searchPathStatement(_ dialect: SQLDialect) -> String? {
        guard let schema else { return nil }
        let path = ([schema] + sharedSchemas).map(dialect.quoteIdentifier).joined(separator: ", ")
        return "SET search_path TO \(path)"
    }
}

extension Fleet {
    /// The targets `patterns` select (names, with `*` and `?` globs), or every target with `all`,
    /// in the order migrate.json lists them.
    ///
    /// Resolving expands the entries' URLs and runs their schema queries. Throws a usage error
    /// when migrate.json has no `targets`, or a pattern matches no target.
    public static func targets(_ context: Context, matching patterns: [String], all: Bool) throws -> [FleetTarget] {
        let everything = try resolveTargets(context)
        if all { return everything }
        var selected: [FleetTarget] = []
        var chosen = Set<String>()
        for pattern in patterns {
            let matches = everything.filter { Glob.matches(pattern, $0.name) }
            guard !matches.isEmpty else {
                let known = everything.prefix(5).map(\.name).joined(separator: ", ")
                throw MigrateError(
                    .usage, "--target \(pattern) matches none of the \(everything.count) targets",
                    hint: "targets are named in migrate.json (\(known)\(everything.count > 5 ? ", …" : "")); `migrate status --all` lists them all")
            }
            for target in matches where chosen.insert(target.name).inserted { selected.append(target) }
        }
        // Keep migrate.json's order whatever the order of the patterns.
        let order = Dictionary(uniqueKeysWithValues: everything.enumerated().map { ($1.name, $0) })
        return selected.sorted { order[$0.name]! < order[$1.name]! }
    }

    /// Every target migrate.json lists, named, with duplicate names refused.
    static func resolveTargets(_ context: Context) throws -> [FleetTarget] {
        let configuration = context.configuration
        guard !configuration.targets.isEmpty else {
            throw MigrateError(
                .usage, "migrate.json lists no targets, so --target and --all select nothing",
                hint: "add a 'targets' list to migrate.json (see docs/fleets.md), or leave out --target and --all to use the one database")
        }
        var targets: [FleetTarget] = []
        var seen: [String: Int] = [:]
        for (index, entry) in configuration.targets.enumerated() {
            let url: DatabaseURL
            if let text = entry.url {
                let key = "targets[\(index)]"
                let expanded = try configuration.expandVariables(text, key: key, environment: context.environment, at: entry.location)
                url = try DatabaseURL(expanded, relativeTo: configuration.directory, source: "\(key) in migrate.json")
            } else {
                url = try configuration.resolveURL(flag: context.urlFlag, environment: context.environment)
            }
            let found: [FleetTarget]
            switch entry.schemas {
            case nil:
                found = [FleetTarget(name: entry.name ?? derivedName(url, directory: configuration.directory), url: url)]
            case let schemas?:
                guard url.dialect == .postgresql else {
                    throw MigrateError(
                        .configuration, "targets[\(index)] names schemas, but \(url.redacted) is not a PostgreSQL database",
                        hint: "tenant schemas are a PostgreSQL feature; list SQLite databases as URLs", location: entry.location)
                }
                let names: [String]
                switch schemas {
                case .list(let list): names = list
                case .query(let sql): names = try schemaNames(context, url: url, query: sql, entry: index)
                }
                found = names.map { schema in
                    FleetTarget(
                        name: entry.name.map { "\($0)/\(schema)" } ?? schema, url: url, schema: schema,
                        sharedSchemas: entry.sharedSchemas)
                }
            }
            for target in found {
                if let first = seen[target.name] {
                    throw MigrateError(
                        .configuration, "two targets are named '\(target.name)' (from targets[\(first)] and targets[\(index)])",
                        hint: "give the entries a \"name\" (a schema entry's name prefixes its schemas: NAME/schema)",
                        location: entry.location)
                }
                seen[target.name] = index
                targets.append(target)
            }
        }
        return targets
    }

    /// Runs an entry's `schemas_query` and returns the first column of its rows.
    private static func schemaNames(_ context: Context, url: DatabaseURL, query: String, entry: Int) throws -> [String] {
        let database = "the PostgreSQL database \(url.redacted)"
        let rows = try performDatabaseAction("run the schemas_query of targets[\(entry)]", in: database,
            statementHint: "Check the query in migrate.json: it must return the tenant schemas' names in its first column.") {
            let connection = try url.engine.connect(to: url.target)
            return try connection.query(query)
        }
        return rows.compactMap { $0.first ?? nil }.filter { !$0.isEmpty }
    }

    /// A name for a database target that has none: a SQLite file's path (relative to the
    /// configuration's folder when inside it), or a PostgreSQL URL's hosts and database.
    static func derivedName(_ url: DatabaseURL, directory: String) -> String {
        url.engine.shortName(target: url.target, redacted: url.redacted, relativeTo: directory)
    }
}

extension VersionTable {
    /// The name the migration lock is keyed by: the display name (`schema.table`), as it has
    /// always been, unless a dot inside the schema or table name would let two different tables
    /// share it (`a.b`.`c` and `a`.`b.c`); then the quoted, qualified name.
    var lockName: String {
        guard schema?.contains(".") == true || name.contains(".") else { return displayName }
        return dialect.quoteQualified(name, schema: schema)
    }
}

extension Fleet {
    /// The configured database (`--url`, `MIGRATE_DATABASE_URL` or `url`) as a target, for
    /// `status` without `targets`.
    public static func configuredDatabase(_ context: Context) throws -> FleetTarget {
        let url = try context.databaseURL()
        return FleetTarget(name: derivedName(url, directory: context.configuration.directory), url: url)
    }
}
