#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore

extension Configuration {
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
                    case "include_schemas":
                        if case .bool(let all) = option.value.value {
                            compare.includeAllSchemas = all
                            compare.includeSchemas = []
                        } else {
                            guard case .array = option.value.value else {
                                throw reader.typeError(key: optionKey, expected: "true, false or a list of schema names", found: option.value)
                            }
                            compare.includeSchemas = try reader.strings(option.value, key: optionKey)
                            compare.includeAllSchemas = false
                        }
                    case "exclude_tables": compare.excludeTables = try reader.strings(option.value, key: optionKey)
                    case "include": compare.include = try reader.objectFilters(option.value, key: optionKey)
                    case "exclude": compare.exclude = try reader.objectFilters(option.value, key: optionKey)
                    default: break
                    }
                }
            case "targets":
                targets = try reader.targets(value)
            case "revision_template":
                guard case .object(let formats) = value.value else {
                    throw reader.typeError(key: key, expected: "an object with \"swift\" and/or \"sql\" template paths", found: value)
                }
                try reader.checkKeys(formats, known: ["swift", "sql"], prefix: "revision_template.")
                for format in formats {
                    let formatKey = "revision_template." + format.key
                    let file = try reader.string(format.value, key: formatKey)
                    guard !file.isEmpty else { throw reader.error("'\(formatKey)' must name a template file", at: format.value) }
                    let path = Configuration.absolutePath(file, relativeTo: directory)
                    if format.key == "swift" { revisionTemplates.swift = path } else { revisionTemplates.sql = path }
                }
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
    /// `compare.include` / `compare.exclude`: a list of `"kind:glob"` strings (a glob alone names
    /// tables) or `{"type": kind, "name": glob}` objects.
    func objectFilters(_ value: ConfigJSONValue, key: String) throws -> [SchemaObjectFilter] {
        guard case .array(let elements) = value.value else {
            throw typeError(key: key, expected: "a list of filters like \"table:audit_*\"", found: value)
        }
        let kinds = SchemaObjectFilter.Kind.allCases.map(\.rawValue)
        func kind(_ text: String, at element: ConfigJSONValue, key: String) throws -> SchemaObjectFilter.Kind {
            guard let kind = SchemaObjectFilter.Kind(rawValue: text) else {
                let suggestion = KeySpelling.suggestion(for: text, among: kinds)
                throw error(
                    "'\(key)' names the object type '\(text)', which is not one migrate compares", at: element,
                    hint: suggestion.map { "did you mean '\($0)'?" } ?? "the types are \(kinds.joined(separator: ", "))")
            }
            return kind
        }
        return try elements.enumerated().map { index, element in
            let elementKey = "\(key)[\(index)]"
            switch element.value {
            case .string:
                let text = try string(element, key: elementKey)
                guard let colon = text.firstIndex(of: ":") else {
                    guard !text.isEmpty else { throw error("'\(elementKey)' is empty", at: element, hint: "write a glob, e.g. \"table:audit_*\"") }
                    return SchemaObjectFilter(.table, text)
                }
                let pattern = String(text[text.index(after: colon)...])
                guard !pattern.isEmpty else {
                    throw error("'\(elementKey)' has no name after '\(text[..<colon]):'", at: element, hint: "write \"\(text[..<colon]):NAME\", NAME a glob")
                }
                return SchemaObjectFilter(try kind(String(text[..<colon]), at: element, key: elementKey), pattern)
            case .object(let members):
                try checkKeys(members, known: ["type", "name"], prefix: elementKey + ".")
                var filterKind = SchemaObjectFilter.Kind.table
                var pattern: String?
                for member in members {
                    let text = try string(member.value, key: "\(elementKey).\(member.key)")
                    if member.key == "type" {
                        filterKind = try kind(text, at: member.value, key: "\(elementKey).type")
                    } else {
                        guard !text.isEmpty else { throw error("'\(elementKey).name' is empty", at: member.value) }
                        pattern = text
                    }
                }
                guard let pattern else {
                    throw error("'\(elementKey)' has no 'name'", at: element, hint: "write {\"type\": \"table\", \"name\": \"audit_*\"}")
                }
                return SchemaObjectFilter(filterKind, pattern)
            default:
                throw typeError(key: elementKey, expected: "a string like \"index:ix_tmp_*\" or an object with 'type' and 'name'", found: element)
            }
        }
    }

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

