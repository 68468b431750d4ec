#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore

/// The settings of a migration environment, read from its migrate.json.
///
/// Every key is optional; a missing file is not (`migrate init` writes one). Relative paths —
/// version folders, model paths, a relative SQLite database — resolve against the folder that
/// holds the file, so commands behave the same from any working directory.
///
/// ```json
/// {
///   "url": "${DATABASE_URL:-sqlite:///dev.sqlite3}",
///   "versions": ["versions"],
///   "models": ["Sources/Models"],
///   "compare": { "exclude_tables": ["spatial_*"] }
/// }
/// ```
///
/// `${NAME}` and `${NAME:-default}` in string values expand from the environment (`$$` writes a
/// literal `$`). The database URL expands only when it is used (``resolveURL(flag:environment:currentDirectory:)``),
/// so commands that never connect do not need its variables. Unknown keys and values of the
/// wrong type are errors that point at the line of migrate.json.
public struct Configuration: Sendable, Hashable, CustomReflectable {
    /// The name `init` writes and commands look for.
    public static let fileName = "migrate.json"
    public static let defaultURL = "sqlite:///migrate.sqlite3"
    public static let defaultVersions = ["versions"]
    public static let defaultVersionTable = "migrate_version"
    /// The longest `version_table` whose history table and its primary key (`<name>_history_pkc`)
    /// still fit PostgreSQL's 63-byte names; SQLite has no limit, but a configuration should
    /// work on both.
    public static let maximumVersionTableLength = 63 - "_history_pkc".utf8.count
    /// The longest `history_table` whose primary key (`<name>_pkc`) still fits PostgreSQL's
    /// 63-byte names.
    public static let maximumHistoryTableLength = 63 - "_pkc".utf8.count
    public static let defaultLockTimeout: Duration = .seconds(300)
    /// The environment variable that overrides the file's `url` (but not `--url`).
    public static let urlEnvironmentVariable = "MIGRATE_DATABASE_URL"

    /// What autogenerate compares and what it leaves alone.
    public struct Compare: Sendable, Hashable {
        /// Whether a changed column type is a difference.
        public var types: Bool
        /// Whether a changed server default is a difference.
        public var serverDefaults: Bool
        /// Schemas to reflect besides the default one (PostgreSQL).
        public var includeSchemas: [String]
        /// `include_schemas: true`: every schema but PostgreSQL's own (Alembic's
        /// `include_schemas=True`); `includeSchemas` is then empty.
        public var includeAllSchemas: Bool
        /// Glob patterns (`*`, `?`) of table names autogenerate ignores.
        public var excludeTables: [String]
        /// `include`: where entries name a kind of object, only objects of that kind matching one
        /// of them are compared.
        public var include: [SchemaObjectFilter]
        /// `exclude`: objects autogenerate and `check` leave alone.
        public var exclude: [SchemaObjectFilter]

        public init(
            types: Bool = true, serverDefaults: Bool = false, includeSchemas: [String] = [],
            includeAllSchemas: Bool = false, excludeTables: [String] = [], include: [SchemaObjectFilter] = [],
            exclude: [SchemaObjectFilter] = []
        ) {
            self.types = types
            self.serverDefaults = serverDefaults
            self.includeSchemas = includeSchemas
            self.includeAllSchemas = includeAllSchemas
            self.excludeTables = excludeTables
            self.include = include
            self.exclude = exclude
        }
    }

    /// Template files for new migrations, by format (migrate.json `revision_template`, Alembic's
    /// `script.py.mako`); nil writes migrate's own layout. Absolute paths.
    public struct RevisionTemplates: Sendable, Hashable {
        public var swift: String?
        public var sql: String?

        public init(swift: String? = nil, sql: String? = nil) {
            self.swift = swift
            self.sql = sql
        }
    }

    /// The absolute path of the migrate.json this was read from; nil for ``init(directory:)``.
    public var path: String?
    /// The absolute folder relative paths resolve against: the one holding migrate.json.
    public var directory: String
    /// `url` as written in the file, before `${NAME}` expansion; nil when the file has none.
    public var url: String?
    /// The absolute paths of the folders holding migration files, in the file's order.
    public var versions: [String]
    /// The absolute paths of the files or folders declaring the models.
    public var models: [String]
    public var versionTable: String
    public var versionTableSchema: String?
    /// The table that keeps each applied revision's checksum; nil for `<version_table>_history`.
    /// A team moving from Alembic names it so that Alembic's own `check` does not see it.
    public var historyTable: String?
    /// The history table's schema; nil for the version table's.
    public var historyTableSchema: String?
    public var transactionPerMigration: Bool
    public var compare: Compare
    /// The templates `revision` and `merge` write new files from.
    public var revisionTemplates = RevisionTemplates()
    /// How long a run waits for another run's migration lock before giving up.
    public var lockTimeout: Duration
    /// `migrate lint`'s rules turned off and severities changed (`lint` in migrate.json).
    public var lint = LintSettings()
    /// The databases and tenant schemas a fleet command may select (`targets`; see docs/fleets.md).
    public var targets: [FleetTargetEntry]
    /// Where `url` is in the file, for messages about it.
    var urlLocation: SourceLocation?

    /// The default configuration of an environment in `directory`, as if its migrate.json were `{}`.
    public init(directory: String) {
        self.path = nil
        let directory = Configuration.absolutePath(directory, relativeTo: FileManager.default.currentDirectoryPath)
        self.directory = directory
        self.url = nil
        self.versions = Self.defaultVersions.map { Configuration.absolutePath($0, relativeTo: directory) }
        self.models = []
        self.versionTable = Self.defaultVersionTable
        self.versionTableSchema = nil
        self.historyTable = nil
        self.historyTableSchema = nil
        self.transactionPerMigration = true
        self.compare = Compare()
        self.lockTimeout = Self.defaultLockTimeout
        self.targets = []
        self.urlLocation = nil
    }

    /// Reads the migrate.json at `path` (relative paths are relative to the current directory).
    public static func load(
        from path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Configuration {
        let path = Configuration.absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw MigrateError(
                .configuration, "no configuration file at '\(path)'",
                hint: "run `migrate init` to create one, or point at it with -c PATH")
        }
        if isDirectory {
            throw MigrateError(
                .configuration, "'\(path)' is a folder, not a configuration file",
                hint: "pass the path of the file, e.g. -c \(path)/\(fileName)")
        }
        let text: String
        do {
            text = try FileText.contents(of: path)
        } catch {
            throw MigrateError(.configuration, "cannot read '\(path)'", cause: error)
        }
        return try Configuration(parsing: text, path: path, environment: environment)
    }


    /// The history table's name and schema, defaults applied.
    public var resolvedHistoryTable: (name: String, schema: String?) {
        (historyTable ?? versionTable + "_history", historyTableSchema ?? versionTableSchema)
    }

    /// The database to use: `--url` first, then `MIGRATE_DATABASE_URL`, then the file's `url`
    /// (with `${NAME}` expanded from `environment`), then ``defaultURL``.
    ///
    /// A relative SQLite path from `--url` or the environment is relative to `currentDirectory`,
    /// like any path typed in a shell; one from the file (or the default) is relative to
    /// ``directory``, like the file's other paths.
    public func resolveURL(
        flag: String?, environment: [String: String],
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> DatabaseURL {
        if let flag {
            return try DatabaseURL(flag, relativeTo: currentDirectory, source: "--url")
        }
        if let fromEnvironment = environment[Self.urlEnvironmentVariable], !fromEnvironment.isEmpty {
            return try DatabaseURL(fromEnvironment, relativeTo: currentDirectory, source: Self.urlEnvironmentVariable)
        }
        guard let url else {
            return try DatabaseURL(Self.defaultURL, relativeTo: directory)
        }
        let source = "'url' in \(path.map(Self.fileDisplayName) ?? Self.fileName)"
        do {
            let expanded = try ConfigVariableExpansion.expand(url, key: "url", environment: environment).get()
            return try DatabaseURL(expanded, relativeTo: directory, source: source)
        } catch var error as MigrateError {
            error.location = urlLocation
            throw error
        }
    }

    /// `text` from the file with its `${NAME}` references expanded (a target's URL, expanded
    /// only when the target is used).
    func expandVariables(_ text: String, key: String, environment: [String: String], at location: SourceLocation?) throws -> String {
        do {
            return try ConfigVariableExpansion.expand(text, key: key, environment: environment).get()
        } catch var error {
            error.location = location
            throw error
        }
    }

    /// The migrate.json `migrate init` writes: every key, with its default unless given, in a
    /// stable order.
    public static func renderFile(
        url: String = defaultURL, versions: [String] = defaultVersions, models: [String] = []
    ) -> String {
        func list(_ values: [String]) -> String { "[" + values.map(jsonString).joined(separator: ", ") + "]" }
        return """
            {
              "url": \(jsonString(url)),
              "versions": \(list(versions)),
              "models": \(list(models)),
              "version_table": \(jsonString(defaultVersionTable)),
              "version_table_schema": null,
              "transaction_per_migration": true,
              "compare": {
                "types": true,
                "server_defaults": false,
                "include_schemas": [],
                "exclude_tables": []
              },
              "lock_timeout": 300
            }

            """
    }

    /// Two configurations are equal when their settings are, wherever in the file they were written.
    public static func == (lhs: Configuration, rhs: Configuration) -> Bool {
        lhs.path == rhs.path && lhs.directory == rhs.directory && lhs.url == rhs.url && lhs.versions == rhs.versions
            && lhs.models == rhs.models && lhs.versionTable == rhs.versionTable
            && lhs.versionTableSchema == rhs.versionTableSchema
            && lhs.historyTable == rhs.historyTable && lhs.historyTableSchema == rhs.historyTableSchema
            && lhs.transactionPerMigration == rhs.transactionPerMigration && lhs.compare == rhs.compare
            && lhs.lockTimeout == rhs.lockTimeout && lhs.lint == rhs.lint && lhs.targets == rhs.targets
            && lhs.revisionTemplates == rhs.revisionTemplates
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(directory)
        hasher.combine(url)
        hasher.combine(versions)
        hasher.combine(models)
        hasher.combine(versionTable)
        hasher.combine(versionTableSchema)
        hasher.combine(historyTable)
        hasher.combine(historyTableSchema)
        hasher.combine(transactionPerMigration)
        hasher.combine(compare)
        hasher.combine(lockTimeout)
        hasher.combine(lint)
        hasher.combine(targets)
        hasher.combine(revisionTemplates)
    }

    /// Shows the settings with any password in `url` replaced by `***`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "path": path as Any, "directory": directory, "url": url.map(DatabaseURL.redact) as Any,
                "versions": versions, "models": models, "versionTable": versionTable,
                "versionTableSchema": versionTableSchema as Any, "historyTable": historyTable as Any,
                "historyTableSchema": historyTableSchema as Any, "transactionPerMigration": transactionPerMigration,
                "compare": compare, "lockTimeout": lockTimeout, "lint": lint, "targets": targets,
                "revisionTemplates": revisionTemplates,
            ],
            displayStyle: .struct)
    }

    static let keys = [
        "url", "versions", "models", "version_table", "version_table_schema", "history_table",
        "history_table_schema", "transaction_per_migration", "compare", "lock_timeout", "lint", "targets",
        "revision_template",
    ]
    static let compareKeys = ["types", "server_defaults", "include_schemas", "exclude_tables", "include", "exclude"]
    /// Alembic's names for the same settings, so a user moving over gets pointed at ours.
    static let alembicKeys = [
        "sqlalchemy.url": "url", "script_location": "versions", "version_locations": "versions",
        "version_path_separator": "versions", "compare_type": "compare", "compare_server_default": "compare",
    ]

    static func fileDisplayName(_ path: String) -> String { FilePath.lastComponent(path) }

    private static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension Configuration {
    /// `path` made absolute against `base` (itself made absolute against the current directory),
    /// with `.` and `..` removed lexically (symbolic links are left alone).
    package static func absolutePath(_ path: String, relativeTo base: String) -> String {
        guard !path.hasPrefix("/") else { return FilePath.absolute(path, relativeTo: "/") }
        let base = base.hasPrefix("/") ? base : FileManager.default.currentDirectoryPath + "/" + base
        return FilePath.absolute(path, relativeTo: base)
    }
}

extension DatabaseURL {
    /// Parses a URL, naming where it came from (`--url`, a variable, the file) in errors.
    init(_ text: String, relativeTo baseDirectory: String, source: String) throws {
        do {
            try self.init(text, relativeTo: baseDirectory)
        } catch var error as MigrateError {
            let quoted = "'\(DatabaseURL.redact(text))'"
            if let range = error.message.firstRange(of: quoted) {
                error.message.replaceSubrange(range, with: quoted + " (from \(source))")
            }
            throw error
        }
    }
}

