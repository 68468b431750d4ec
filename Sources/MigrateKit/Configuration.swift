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
        /// Glob patterns (`*`, `?`) of table names autogenerate ignores.
        public var excludeTables: [String]

        public init(
            types: Bool = true, serverDefaults: Bool = false, includeSchemas: [String] = [],
            excludeTables: [String] = []
        ) {
            self.types = types
            self.serverDefaults = serverDefaults
            self.includeSchemas = includeSchemas
            self.excludeTables = excludeTables
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
    /// How long a run waits for another run's migration lock before giving up.
    public var lockTimeout: Duration
    /// `migrate lint`'s rules turned off and severities changed (`lint` in migrate.json).
    public var lint = LintSettings()
    /// The databases and tenant schemas a fleet command may select (`targets`; see docs/fleets.md).
    public var targets: [FleetTargetEntry]
    /// Where `url` is in the file, for messages about it.
    private var urlLocation: SourceLocation?

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

    /// Reads migrate.json text as if it were the file at `path`.
    public init(parsing text: String, path: String, environment: [String: String]) throws {
        let path = Configuration.absolutePath(path, relativeTo: FileManager.default.currentDirectoryPath)
        self.init(directory: FilePath.parent(path))
        self.path = path

        let root: ConfigJSONValue
        do {
            root = try ConfigJSONParser.parse(text)
        } catch {
            throw MigrateError(
                .configuration, "\(Self.fileDisplayName(path)) is not valid JSON: \(error.message)",
                location: SourceLocation(path: path, line: error.line, column: error.column))
        }
        let reader = ConfigKeyReader(path: path, environment: environment)
        // Where the history table is configured, for an error about it.
        var historyTableLocation: ConfigJSONValue?
        guard case .object(let members) = root.value else {
            throw reader.error("\(Self.fileDisplayName(path)) must hold a JSON object, found \(root.value.kindDescription)", at: root)
        }
        try reader.checkKeys(members, known: Self.keys, prefix: "")
        for member in members {
            let key = member.key
            let value = member.value
            switch key {
            case "url":
                let text = try reader.string(value, key: key)
                _ = try ConfigVariableExpansion.validate(text, key: key).mapError { reader.error($0, at: value) }.get()
                url = text
                urlLocation = reader.location(of: value)
            case "versions":
                let folders = try reader.strings(value, key: key)
                guard !folders.isEmpty else { throw reader.error("'versions' must name at least one folder", at: value) }
                versions = folders.map { Configuration.absolutePath($0, relativeTo: directory) }
            case "models":
                models = try reader.strings(value, key: key).map { Configuration.absolutePath($0, relativeTo: directory) }
            case "version_table":
                let name = try reader.string(value, key: key)
                guard !name.isEmpty else { throw reader.error("'version_table' must not be empty", at: value) }
                guard name.utf8.count <= Self.maximumVersionTableLength else {
                    throw reader.error(
                        "'version_table' is \(name.utf8.count) bytes long; it may have at most \(Self.maximumVersionTableLength)",
                        at: value,
                        hint: "PostgreSQL cuts names at 63 bytes, and the history table's key is named `<version_table>_history_pkc`: a longer name would be cut short (from 55 bytes, into the history table's own name)")
                }
                versionTable = name
            case "version_table_schema":
                if case .null = value.value {
                    versionTableSchema = nil
                } else {
                    let schema = try reader.string(value, key: key, orNull: true)
                    versionTableSchema = schema.isEmpty ? nil : schema
                }
            case "history_table":
                if case .null = value.value {
                    historyTable = nil
                } else {
                    let name = try reader.string(value, key: key, orNull: true)
                    guard !name.isEmpty else { throw reader.error("'history_table' must not be empty (null for the default)", at: value) }
                    guard name.utf8.count <= Self.maximumHistoryTableLength else {
                        throw reader.error(
                            "'history_table' is \(name.utf8.count) bytes long; it may have at most \(Self.maximumHistoryTableLength)",
                            at: value,
                            hint: "PostgreSQL cuts names at 63 bytes, and the history table's key is named `<history_table>_pkc`: a longer name would be cut short")
                    }
                    historyTable = name
                    historyTableLocation = value
                }
            case "history_table_schema":
                if case .null = value.value {
                    historyTableSchema = nil
                } else {
                    let schema = try reader.string(value, key: key, orNull: true)
                    historyTableSchema = schema.isEmpty ? nil : schema
                    historyTableLocation = historyTableLocation ?? value
                }
            case "transaction_per_migration":
                transactionPerMigration = try reader.bool(value, key: key)
            case "lock_timeout":
                let seconds = try reader.number(value, key: key)
                guard seconds >= 0, seconds <= 1_000_000_000 else {
                    throw reader.error("'lock_timeout' must be a number of seconds, 0 or more, found \(value.text)", at: value)
                }
                lockTimeout = .milliseconds(Int64((seconds * 1000).rounded()))
            case "lint":
                guard case .object(let options) = value.value else {
                    throw reader.typeError(key: key, expected: "an object", found: value)
                }
                try reader.checkKeys(options, known: ["disable", "severity"], prefix: "lint.")
                for option in options {
                    if option.key == "disable" {
                        for rule in try reader.strings(option.value, key: "lint.disable") {
                            guard LintSettings.ruleIDs.contains(rule) else {
                                throw reader.error("'lint.disable' names '\(rule)', which is no lint rule", at: option.value, hint: "`migrate lint --list-rules` lists them")
                            }
                            lint.disabled.insert(rule)
                        }
                    } else if case .object(let rules) = option.value.value {
                        for rule in rules {
                            guard LintSettings.ruleIDs.contains(rule.key) else {
                                throw reader.error("'lint.severity' names '\(rule.key)', which is no lint rule", at: rule.value, hint: "`migrate lint --list-rules` lists them")
                            }
                            let text = try reader.string(rule.value, key: "lint.severity.\(rule.key)")
                            guard let severity = LintSettings.Severity(rawValue: text) else {
                                throw reader.error("'lint.severity.\(rule.key)' must be \"error\" or \"warning\", found \(rule.value.text)", at: rule.value)
                            }
                            lint.severities[rule.key] = severity
                        }
                    } else {
                        throw reader.typeError(key: "lint.severity", expected: "an object", found: option.value)
                    }
                }
            case "compare":
                guard case .object(let options) = value.value else {
                    throw reader.typeError(key: key, expected: "an object", found: value)
                }
                try reader.checkKeys(options, known: Self.compareKeys, prefix: "compare.")
                for option in options {
                    let optionKey = "compare." + option.key
                    switch option.key {
                    case "types": compare.types = try reader.bool(option.value, key: optionKey)
                    case "server_defaults": compare.serverDefaults = try reader.bool(option.value, key: optionKey)
                    case "include_schemas": compare.includeSchemas = try reader.strings(option.value, key: optionKey)
                    case "exclude_tables": compare.excludeTables = try reader.strings(option.value, key: optionKey)
                    default: break
                    }
                }
            case "targets":
                targets = try reader.targets(value)
            default:
                break
            }
        }
        if let historyTableLocation, resolvedHistoryTable.name == versionTable,
            resolvedHistoryTable.schema == versionTableSchema
        {
            throw reader.error(
                "the history table would be the version table '\(versionTable)'", at: historyTableLocation,
                hint: "give 'history_table' another name, or leave it out for `<version_table>_history`")
        }
        if versionTableSchema != nil, let entry = targets.first(where: { $0.schemas != nil }) {
            throw MigrateError(
                .configuration, "'version_table_schema' cannot be combined with schema targets",
                hint: "each tenant schema keeps its own version table; remove 'version_table_schema'",
                location: entry.location)
        }
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
            ],
            displayStyle: .struct)
    }

    static let keys = [
        "url", "versions", "models", "version_table", "version_table_schema", "history_table",
        "history_table_schema", "transaction_per_migration", "compare", "lock_timeout", "lint", "targets",
    ]
    static let compareKeys = ["types", "server_defaults", "include_schemas", "exclude_tables"]
    /// Alembic's names for the same settings, so a user moving over gets pointed at ours.
    static let alembicKeys = [
        "sqlalchemy.url": "url", "script_location": "versions", "version_locations": "versions",
        "version_path_separator": "versions", "compare_type": "compare", "compare_server_default": "compare",
    ]

    private static func fileDisplayName(_ path: String) -> String { FilePath.lastComponent(path) }

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
        var full = path
        if !path.hasPrefix("/") {
            var base = base
            if !base.hasPrefix("/") { base = FileManager.default.currentDirectoryPath + "/" + base }
            full = base + "/" + path
        }
        var components: [Substring] = []
        for component in full.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
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

// MARK: - Reading keys

/// Reads typed values out of parsed JSON, with errors naming the key, the expected type, what was
/// found and where.
private struct ConfigKeyReader {
    var path: String
    var environment: [String: String]

    func location(of value: ConfigJSONValue) -> SourceLocation {
        SourceLocation(path: path, line: value.line, column: value.column)
    }

    func error(_ message: String, at value: ConfigJSONValue, hint: String? = nil) -> MigrateError {
        MigrateError(.configuration, message, hint: hint, location: location(of: value))
    }

    func error(_ error: MigrateError, at value: ConfigJSONValue) -> MigrateError {
        var error = error
        error.location = location(of: value)
        return error
    }

    func typeError(key: String, expected: String, found value: ConfigJSONValue) -> MigrateError {
        error("'\(key)' must be \(expected), found \(value.value.kindDescription)", at: value)
    }

    func checkKeys(_ members: [ConfigJSONValue.Member], known: [String], prefix: String) throws {
        var seen: [String: Int] = [:]
        for member in members {
            let at = SourceLocation(path: path, line: member.keyLine, column: member.keyColumn)
            if let firstLine = seen[member.key] {
                throw MigrateError(
                    .configuration, "duplicate key '\(prefix + member.key)' (first given on line \(firstLine))",
                    hint: "keep one of them", location: at)
            }
            seen[member.key] = member.keyLine
            guard known.contains(member.key) else {
                let suggestion = prefix.isEmpty ? Configuration.alembicKeys[member.key] : nil
                let hint =
                    if let suggestion = suggestion ?? KeySpelling.suggestion(for: member.key, among: known) {
                        "did you mean '\(prefix + suggestion)'?"
                    } else {
                        "the known keys are " + known.map { "'\(prefix + $0)'" }.joined(separator: ", ")
                    }
                throw MigrateError(.configuration, "unknown key '\(prefix + member.key)'", hint: hint, location: at)
            }
        }
    }

    func string(_ value: ConfigJSONValue, key: String, orNull: Bool = false) throws -> String {
        guard case .string(let text) = value.value else {
            throw typeError(key: key, expected: orNull ? "a string or null" : "a string", found: value)
        }
        if key == "url" { return text }
        return try ConfigVariableExpansion.expand(text, key: key, environment: environment)
            .mapError { error($0, at: value) }.get()
    }

    func strings(_ value: ConfigJSONValue, key: String) throws -> [String] {
        guard case .array(let elements) = value.value else {
            throw typeError(key: key, expected: "a list of strings", found: value)
        }
        return try elements.enumerated().map { index, element in
            guard case .string = element.value else {
                throw typeError(key: "\(key)[\(index)]", expected: "a string", found: element)
            }
            return try string(element, key: "\(key)[\(index)]")
        }
    }

    func bool(_ value: ConfigJSONValue, key: String) throws -> Bool {
        guard case .bool(let flag) = value.value else {
            throw typeError(key: key, expected: "true or false", found: value)
        }
        return flag
    }

    func number(_ value: ConfigJSONValue, key: String) throws -> Double {
        guard case .number(let number) = value.value else {
            throw typeError(key: key, expected: "a number", found: value)
        }
        return number
    }
}

extension ConfigKeyReader {
    /// `targets`: a list of database URLs (strings), or objects with `name`, `url`, `schemas`
    /// (a list) or `schemas_query` (SQL returning one schema name a row), and `shared_schemas`.
    func targets(_ value: ConfigJSONValue) throws -> [FleetTargetEntry] {
        guard case .array(let elements) = value.value else {
            throw typeError(key: "targets", expected: "a list", found: value)
        }
        return try elements.enumerated().map { index, element in
            let key = "targets[\(index)]"
            var entry = FleetTargetEntry(location: location(of: element))
            switch element.value {
            case .string(let url):
                _ = try ConfigVariableExpansion.validate(url, key: key).mapError { error($0, at: element) }.get()
                entry.url = url
            case .object(let members):
                try checkKeys(members, known: FleetTargetEntry.keys, prefix: key + ".")
                for member in members {
                    let memberKey = key + "." + member.key
                    switch member.key {
                    case "name":
                        let name = try string(member.value, key: memberKey)
                        guard !name.isEmpty else { throw self.error("'\(memberKey)' must not be empty", at: member.value) }
                        entry.name = name
                    case "url":
                        guard case .string(let url) = member.value.value else {
                            throw typeError(key: memberKey, expected: "a string", found: member.value)
                        }
                        _ = try ConfigVariableExpansion.validate(url, key: memberKey).mapError { error($0, at: member.value) }.get()
                        entry.url = url
                    case "schemas":
                        let schemas = try strings(member.value, key: memberKey)
                        if schemas.contains("") { throw self.error("'\(memberKey)' holds an empty schema name", at: member.value) }
                        entry.schemas = .list(schemas)
                    case "schemas_query":
                        entry.schemas = .query(try string(member.value, key: memberKey))
                    case "shared_schemas":
                        entry.sharedSchemas = try strings(member.value, key: memberKey)
                    default:
                        break
                    }
                }
                if members.contains(where: { $0.key == "schemas" }) && members.contains(where: { $0.key == "schemas_query" }) {
                    throw error("'\(key)' has both 'schemas' and 'schemas_query'", at: element, hint: "keep one of them")
                }
                if entry.schemas == nil && !entry.sharedSchemas.isEmpty {
                    throw error("'\(key).shared_schemas' needs 'schemas' or 'schemas_query'", at: element)
                }
            default:
                throw typeError(key: key, expected: "a database URL or an object", found: element)
            }
            return entry
        }
    }
}

// MARK: - Environment expansion

/// `${NAME}`, `${NAME:-default}` (default when unset or empty) and `$$` (a literal `$`); any
/// other `$` is kept as it is.
private enum ConfigVariableExpansion {
    static func expand(_ text: String, key: String, environment: [String: String]) -> Result<String, MigrateError> {
        guard text.contains("$") else { return .success(text) }
        var result = ""
        var rest = text[...]
        while let dollar = rest.firstIndex(of: "$") {
            result += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("$") {
                result += "$"
                rest = afterDollar.dropFirst()
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                result += "$"
                rest = afterDollar
                continue
            }
            guard let close = afterDollar.firstIndex(of: "}") else {
                return .failure(
                    MigrateError(
                        .configuration, "unterminated '${' in '\(key)'",
                        hint: "write ${NAME} or ${NAME:-default}, or $$ for a literal '$'"))
            }
            let reference = afterDollar[afterDollar.index(after: afterDollar.startIndex)..<close]
            var name = reference
            var fallback: Substring?
            if let separator = reference.firstRange(of: ":-") {
                name = reference[..<separator.lowerBound]
                fallback = reference[separator.upperBound...]
            }
            guard let first = name.first, first == "_" || (first.isASCII && first.isLetter),
                name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            else {
                return .failure(
                    MigrateError(
                        .configuration, "invalid variable name '\(name)' in '\(key)'",
                        hint: "a name has letters, digits and underscores and does not start with a digit"))
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                result += value
            } else if let fallback {
                result += fallback
            } else {
                return .failure(
                    MigrateError(
                        .configuration, "environment variable '\(name)' is not set (used in '\(key)')",
                        hint: "set \(name), or give a default: ${\(name):-value}"))
            }
            rest = afterDollar[afterDollar.index(after: close)...]
        }
        result += rest
        return .success(result)
    }

    /// Checks the syntax of the references without looking the variables up.
    static func validate(_ text: String, key: String) -> Result<Void, MigrateError> {
        var probe: [String: String] = [:]
        // Defining every referenced name makes expansion fail only on syntax.
        var rest = text[...]
        while let open = rest.firstRange(of: "${") {
            let afterOpen = rest[open.upperBound...]
            let end = afterOpen.firstIndex { $0 == "}" || $0 == ":" } ?? afterOpen.endIndex
            probe[String(afterOpen[..<end])] = "x"
            rest = afterOpen
        }
        return expand(text, key: key, environment: probe).map { _ in () }
    }
}

// MARK: - Suggestions

/// "Did you mean" for misspelt keys: same letters ignoring case and `_`/`-`, or a small edit distance.
enum KeySpelling {
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        func normalized(_ text: String) -> String { text.lowercased().filter { $0 != "_" && $0 != "-" && $0 != " " } }
        let target = normalized(word)
        if let exact = candidates.first(where: { normalized($0) == target }) { return exact }
        let scored = candidates.map { (candidate: $0, distance: editDistance(normalized($0), target)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let allowed = max(1, min(3, best.candidate.count / 3))
        return best.distance <= allowed ? best.candidate : nil
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

// MARK: - JSON with positions

/// A parsed JSON value with the line and column it starts at, so errors can point into the file.
///
/// Foundation's JSONSerialization gives neither positions of values nor a reliable difference
/// between `true` and `1` on Linux; migrate.json is small, so a strict little parser is simpler.
private struct ConfigJSONValue {
    struct Member {
        var key: String
        var keyLine: Int
        var keyColumn: Int
        var value: ConfigJSONValue
    }

    enum Value {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
        case array([ConfigJSONValue])
        case object([Member])

        var kindDescription: String {
            switch self {
            case .string: "a string"
            case .number: "a number"
            case .bool: "a boolean"
            case .null: "null"
            case .array: "a list"
            case .object: "an object"
            }
        }
    }

    var value: Value
    var line: Int
    var column: Int
    /// The value's source text, for messages.
    var text: String
}

private struct ConfigJSONSyntaxError: Error {
    var message: String
    var line: Int
    var column: Int
}

private struct ConfigJSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    static func parse(_ text: String) throws(ConfigJSONSyntaxError) -> ConfigJSONValue {
        var parser = ConfigJSONParser(bytes: Array(text.utf8))
        // A byte order mark is not JSON, but editors write one.
        if parser.bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            parser.index = 3
            parser.lineStart = 3
        }
        parser.skipSpace()
        guard parser.index < parser.bytes.count else { throw parser.failure("the file is empty; write {} for all defaults") }
        let value = try parser.parseValue()
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw parser.failure("unexpected text after the end of the JSON value")
        }
        return value
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// The 1-based column of `position` on the current line, in characters.
    private func column(at position: Int) -> Int {
        var column = 1
        var cursor = lineStart
        while cursor < position {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        return column
    }

    private func failure(_ message: String, at position: Int? = nil) -> ConfigJSONSyntaxError {
        ConfigJSONSyntaxError(message: message, line: line, column: column(at: position ?? index))
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        if byte < 0x80, byte >= 0x20 { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "a byte 0x\(String(byte, radix: 16))"
    }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                index += 1
            case UInt8(ascii: "\n"):
                index += 1
                line += 1
                lineStart = index
            default:
                return
            }
        }
    }

    private mutating func parseValue() throws(ConfigJSONSyntaxError) -> ConfigJSONValue {
        let start = index
        let startLine = line
        let startColumn = column(at: index)
        let value: ConfigJSONValue.Value
        guard let byte = current else { throw failure("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "{"): value = try parseObject()
        case UInt8(ascii: "["): value = try parseArray()
        case UInt8(ascii: "\""): value = .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); value = .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); value = .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); value = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): value = .number(try parseNumber())
        case UInt8(ascii: "/"): throw failure("comments are not allowed in JSON")
        case UInt8(ascii: "'"): throw failure("strings must use double quotes")
        default: throw failure("expected a value, found \(describe(byte))")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        return ConfigJSONValue(value: value, line: startLine, column: startColumn, text: text)
    }

    private mutating func expectWord(_ word: String) throws(ConfigJSONSyntaxError) {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else {
            throw failure("expected a value (did you mean \(word)? JSON literals are lowercase)")
        }
        index += expected.count
    }

    private mutating func enter() throws(ConfigJSONSyntaxError) {
        depth += 1
        if depth > 64 { throw failure("values are nested too deeply") }
    }

    private mutating func parseObject() throws(ConfigJSONSyntaxError) -> ConfigJSONValue.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [ConfigJSONValue.Member] = []
        skipSpace()
        if current == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard current == UInt8(ascii: "\"") else {
                if current == UInt8(ascii: "}") { throw failure("a trailing comma is not allowed before '}'") }
                throw failure("expected a key in double quotes, found \(describe(current))")
            }
            let keyLine = line
            let keyColumn = column(at: index)
            let key = try parseString()
            skipSpace()
            guard current == UInt8(ascii: ":") else {
                throw failure("expected ':' after the key \"\(key)\", found \(describe(current))")
            }
            index += 1
            skipSpace()
            let value = try parseValue()
            members.append(ConfigJSONValue.Member(key: key, keyLine: keyLine, keyColumn: keyColumn, value: value))
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            case let byte: throw failure("expected ',' or '}' after the value of \"\(key)\", found \(describe(byte))")
            }
        }
    }

    private mutating func parseArray() throws(ConfigJSONSyntaxError) -> ConfigJSONValue.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [ConfigJSONValue] = []
        skipSpace()
        if current == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipSpace()
            if current == UInt8(ascii: "]") { throw failure("a trailing comma is not allowed before ']'") }
            elements.append(try parseValue())
            skipSpace()
            switch current {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            case let byte: throw failure("expected ',' or ']' in the list, found \(describe(byte))")
            }
        }
    }

    private mutating func parseString() throws(ConfigJSONSyntaxError) -> String {
        let open = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flush(_ end: Int) {
            scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let byte = current else { throw failure("unterminated string", at: open) }
            switch byte {
            case UInt8(ascii: "\""):
                flush(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush(index)
                index += 1
                scalars.append(try parseEscape())
                runStart = index
            case 0..<0x20:
                throw failure(byte == UInt8(ascii: "\n") ? "unterminated string (a line break must be written \\n)" : "a control character must be escaped in a string")
            default:
                index += 1
            }
        }
    }

    private mutating func parseEscape() throws(ConfigJSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw failure("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4()
            if (0xD800..<0xDC00).contains(high) {
                guard bytes[index...].starts(with: [UInt8(ascii: "\\"), UInt8(ascii: "u")]) else {
                    throw failure("a high surrogate \\u\(String(high, radix: 16)) must be followed by a low one")
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid low surrogate") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw failure("a lone low surrogate is not a character") }
            return scalar
        default:
            throw failure("invalid escape '\\\(Character(Unicode.Scalar(byte)))'", at: index - 2)
        }
    }

    private mutating func parseHex4() throws(ConfigJSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw failure("\\u must be followed by four hex digits") }
        index += 4
        return value
    }

    private mutating func parseNumber() throws(ConfigJSONSyntaxError) -> Double {
        let start = index
        func digits() -> Int {
            let before = index
            while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
            return index - before
        }
        if current == UInt8(ascii: "-") { index += 1 }
        if current == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw failure("invalid number", at: start)
        }
        if current == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw failure("invalid number: digits must follow '.'", at: start) }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw failure("invalid number: digits must follow the exponent", at: start) }
        }
        if let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            throw failure("invalid number: leading zeros are not allowed", at: start)
        }
        guard let value = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
            throw failure("invalid number", at: start)
        }
        return value
    }
}
