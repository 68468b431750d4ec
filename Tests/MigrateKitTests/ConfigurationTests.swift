import Foundation
import MigrateCore
import MigrateKit
import Testing

private let path = "/srv/app/migrate.json"

private func parse(_ text: String, environment: [String: String] = [:]) throws -> Configuration {
    try Configuration(parsing: text, path: path, environment: environment)
}

/// The error parsing `text` throws, as `file:line:column: message` plus the hint.
private func failure(_ text: String, environment: [String: String] = [:]) -> (String, String?) {
    do {
        _ = try parse(text, environment: environment)
        return ("no error", nil)
    } catch let error as MigrateError {
        #expect(error.kind == .configuration)
        return ((error.location.map { "\($0): " } ?? "") + error.message, error.hint)
    } catch {
        return ("unexpected \(error)", nil)
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsForAnEmptyObject() throws {
        let configuration = try parse("{}")
        #expect(configuration.path == path)
        #expect(configuration.directory == "/srv/app")
        #expect(configuration.url == nil)
        #expect(configuration.versions == ["/srv/app/versions"])
        #expect(configuration.models == [])
        #expect(configuration.versionTable == "migrate_version")
        #expect(configuration.versionTableSchema == nil)
        #expect(configuration.transactionPerMigration == true)
        #expect(configuration.compare == Configuration.Compare(types: true, serverDefaults: false, includeSchemas: [], excludeTables: []))
        #expect(configuration.lockTimeout == .seconds(300))
        #expect(configuration.apply == ApplySettings(lockTimeout: .seconds(5), lockRetries: 4, retryDelay: .seconds(1), statementTimeout: nil))
    }

    @Test func defaultConfigurationWithoutAFile() throws {
        var expected = Configuration(directory: "/srv/app")
        #expect(expected.path == nil)
        #expect(expected.versions == ["/srv/app/versions"])
        expected.path = path
        #expect(try parse("{}") == expected)
    }

    @Test func everyKey() throws {
        let configuration = try parse(
            """
            {
              "url": "postgresql://localhost/app",
              "versions": ["db/versions", "/shared/versions", "../other"],
              "models": ["Sources/Models", "Sources/Extra/Audit.swift"],
              "version_table": "alembic_version",
              "version_table_schema": "meta",
              "transaction_per_migration": false,
              "compare": {
                "types": false,
                "server_defaults": true,
                "include_schemas": ["public", "audit"],
                "exclude_tables": ["spatial_*", "tmp_?"]
              },
              "lock_timeout": 2.5,
              "apply": {"lock_timeout": 1.5, "lock_retries": 2, "retry_delay": 0.25, "statement_timeout": 60}
            }
            """)
        #expect(configuration.apply == ApplySettings(
            lockTimeout: .milliseconds(1500), lockRetries: 2, retryDelay: .milliseconds(250), statementTimeout: .seconds(60)))
        #expect(configuration.url == "postgresql://localhost/app")
        #expect(configuration.versions == ["/srv/app/db/versions", "/shared/versions", "/srv/other"])
        #expect(configuration.models == ["/srv/app/Sources/Models", "/srv/app/Sources/Extra/Audit.swift"])
        #expect(configuration.versionTable == "alembic_version")
        #expect(configuration.versionTableSchema == "meta")
        #expect(configuration.transactionPerMigration == false)
        #expect(configuration.compare.types == false)
        #expect(configuration.compare.serverDefaults == true)
        #expect(configuration.compare.includeSchemas == ["public", "audit"])
        #expect(configuration.compare.excludeTables == ["spatial_*", "tmp_?"])
        #expect(configuration.lockTimeout == .milliseconds(2500))
    }

    /// The history table defaults to `<version_table>_history` in the version table's schema;
    /// `history_table` and `history_table_schema` move it, each on its own.
    /// 0 turns a timeout off; keys left out keep their defaults.
    @Test func applyZeroTurnsTheLockTimeoutOff() throws {
        let configuration = try parse(#"{"apply": {"lock_timeout": 0}}"#)
        #expect(configuration.apply == ApplySettings(lockTimeout: nil, lockRetries: 4, retryDelay: .seconds(1), statementTimeout: nil))
    }

    @Test func historyTableDefaultsBesideTheVersionTable() throws {
        let defaults = try parse(#"{"version_table": "alembic_version", "version_table_schema": "meta"}"#)
        #expect(defaults.historyTable == nil && defaults.historyTableSchema == nil)
        func history(_ configuration: Configuration) -> [String?] {
            [configuration.resolvedHistoryTable.name, configuration.resolvedHistoryTable.schema]
        }
        #expect(history(defaults) == ["alembic_version_history", "meta"])
        let named = try parse(#"{"version_table": "alembic_version", "history_table": "migrate_applied"}"#)
        #expect(history(named) == ["migrate_applied", nil])
        let moved = try parse(#"{"version_table_schema": "meta", "history_table_schema": "migrate"}"#)
        #expect(history(moved) == ["migrate_version_history", "migrate"])
        let longest = String(repeating: "h", count: Configuration.maximumHistoryTableLength)
        #expect(try parse(#"{"history_table": "\#(longest)", "history_table_schema": null}"#).historyTable == longest)
        #expect(try parse(#"{"history_table": null}"#).historyTable == nil)
    }

    /// `include_schemas: true` is Alembic's `include_schemas=True`; a list and false keep working.
    @Test func includeSchemasTakesTrueFalseOrAList() throws {
        let all = try parse(#"{"compare": {"include_schemas": true}}"#)
        #expect(all.compare.includeAllSchemas && all.compare.includeSchemas.isEmpty)
        let none = try parse(#"{"compare": {"include_schemas": false}}"#)
        #expect(!none.compare.includeAllSchemas && none.compare.includeSchemas.isEmpty)
        let listed = try parse(#"{"compare": {"include_schemas": ["audit"]}}"#)
        #expect(!listed.compare.includeAllSchemas && listed.compare.includeSchemas == ["audit"])
        #expect(failure(#"{"compare": {"include_schemas": "audit"}}"#).0
            == "/srv/app/migrate.json:1:33: 'compare.include_schemas' must be true, false or a list of schema names, found a string")
    }

    /// `compare.include`/`exclude` entries: `"kind:glob"`, a bare glob for tables, or an object.
    @Test func objectFiltersReadBothSpellings() throws {
        let configuration = try parse(#"""
            {"compare": {
              "include": ["table:app_*", {"type": "column", "name": "*.id"}],
              "exclude": ["audit_*", "index:ix_tmp_*", {"name": "legacy"}, "foreign_key_constraint:fk_x"]
            }}
            """#)
        #expect(configuration.compare.include == [SchemaObjectFilter(.table, "app_*"), SchemaObjectFilter(.column, "*.id")])
        #expect(configuration.compare.exclude == [
            SchemaObjectFilter(.table, "audit_*"), SchemaObjectFilter(.index, "ix_tmp_*"), SchemaObjectFilter(.table, "legacy"),
            SchemaObjectFilter(.foreignKeyConstraint, "fk_x"),
        ])
    }

    static let objectFilterErrorsCases: [(String, String, String?)] = [
        (#"{"compare": {"exclude": ["indx:ix_*"]}}"#,
         "/srv/app/migrate.json:1:26: 'compare.exclude[0]' names the object type 'indx', which is not one migrate compares",
         "did you mean 'index'?"),
        (#"{"compare": {"exclude": [{"type": "view", "name": "v"}]}}"#,
         "/srv/app/migrate.json:1:35: 'compare.exclude[0].type' names the object type 'view', which is not one migrate compares",
         "the types are schema, table, column, index, unique_constraint, foreign_key_constraint, check_constraint, function"),
        (#"{"compare": {"include": [{"type": "table"}]}}"#, "/srv/app/migrate.json:1:26: 'compare.include[0]' has no 'name'",
         #"write {"type": "table", "name": "audit_*"}"#),
        (#"{"compare": {"include": [{"type": "table", "glob": "x"}]}}"#,
         "/srv/app/migrate.json:1:44: unknown key 'compare.include[0].glob'", "the known keys are 'compare.include[0].type', 'compare.include[0].name'"),
        (#"{"compare": {"include": ["index:"]}}"#, "/srv/app/migrate.json:1:26: 'compare.include[0]' has no name after 'index:'",
         #"write "index:NAME", NAME a glob"#),
        (#"{"compare": {"include": [3]}}"#,
         #"/srv/app/migrate.json:1:26: 'compare.include[0]' must be a string like "index:ix_tmp_*" or an object with 'type' and 'name', found a number"#, nil),
        (#"{"compare": {"include": "table:x"}}"#,
         #"/srv/app/migrate.json:1:25: 'compare.include' must be a list of filters like "table:audit_*", found a string"#, nil),
        (#"{"revision_template": "t.swift"}"#,
         #"/srv/app/migrate.json:1:23: 'revision_template' must be an object with "swift" and/or "sql" template paths, found a string"#, nil),
        (#"{"revision_template": {"python": "t.mako"}}"#, "/srv/app/migrate.json:1:24: unknown key 'revision_template.python'",
         "the known keys are 'revision_template.swift', 'revision_template.sql'"),
    ]

    @Test(arguments: objectFilterErrorsCases)
    func objectFilterAndTemplateErrors(_ text: String, _ message: String, _ hint: String?) {
        let (actual, actualHint) = failure(text)
        #expect(actual == message)
        #expect(actualHint == hint)
    }

    @Test func revisionTemplatePathsAreRelativeToTheFile() throws {
        let configuration = try parse(#"{"revision_template": {"swift": "templates/migration.swift", "sql": "/abs/m.sql"}}"#)
        #expect(configuration.revisionTemplates == Configuration.RevisionTemplates(
            swift: "/srv/app/templates/migration.swift", sql: "/abs/m.sql"))
    }

    @Test func partialCompareKeepsOtherDefaults() throws {
        let configuration = try parse(#"{"compare": {"exclude_tables": ["x"]}, "version_table_schema": null}"#)
        #expect(configuration.compare == Configuration.Compare(excludeTables: ["x"]))
        #expect(configuration.versionTableSchema == nil)
    }

    @Test func renderedDefaultFileReadsBackAsTheDefaults() throws {
        let text = Configuration.renderFile()
        #expect(
            text == """
                {
                  "url": "sqlite:///migrate.sqlite3",
                  "versions": ["versions"],
                  "models": [],
                  "version_table": "migrate_version",
                  "version_table_schema": null,
                  "transaction_per_migration": true,
                  "compare": {
                    "types": true,
                    "server_defaults": false,
                    "include_schemas": [],
                    "exclude_tables": []
                  },
                  "lock_timeout": 300,
                  "apply": {
                    "lock_timeout": 5,
                    "lock_retries": 4,
                    "retry_delay": 1,
                    "statement_timeout": 0
                  }
                }

                """)
        var configuration = try parse(text)
        #expect(configuration.url == Configuration.defaultURL)
        configuration.url = nil
        var expected = Configuration(directory: "/srv/app")
        expected.path = path
        #expect(configuration == expected)
    }

    @Test func printingHidesAPasswordInTheURL() throws {
        let configuration = try parse(#"{"url": "postgresql://app:s3cret@db/app"}"#)
        #expect(!String(describing: configuration).contains("s3cret"))
        #expect(String(describing: configuration).contains("postgresql://app:***@db/app"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test func renderedFileWithValues() throws {
        let text = Configuration.renderFile(url: "${DATABASE_URL:-sqlite:///dev.db}", versions: ["db/\"versions\""], models: ["Sources/Models"])
        #expect(text.contains(#""url": "${DATABASE_URL:-sqlite:///dev.db}","#))
        #expect(text.contains(#""versions": ["db/\"versions\""],"#))
        #expect(text.contains(#""models": ["Sources/Models"],"#))
        let configuration = try parse(text)
        #expect(configuration.versions == ["/srv/app/db/\"versions\""])
        #expect(configuration.models == ["/srv/app/Sources/Models"])
    }

    // MARK: Environment expansion

    static let expansionsCases: [(String, [String: String], String)] = [
        ("plain", [:], "plain"),
        ("${A}", ["A": "x"], "x"),
        ("pre-${A}-post", ["A": "x"], "pre-x-post"),
        ("${A}${B}", ["A": "1", "B": "2"], "12"),
        ("${A:-fallback}", [:], "fallback"),
        ("${A:-fallback}", ["A": ""], "fallback"),
        ("${A:-fallback}", ["A": "set"], "set"),
        ("${A:-}", [:], ""),
        ("${A:-with:colon/and-dash}", [:], "with:colon/and-dash"),
        ("${A}", ["A": ""], ""),
        ("cost $5 and $$ and $${A}", ["A": "x"], "cost $5 and $ and ${A}"),
        ("${_under_1}", ["_under_1": "ok"], "ok"),
    ]

    @Test(arguments: expansionsCases)
    func expandsListEntries(_ template: String, _ environment: [String: String], _ expected: String) throws {
        let configuration = try parse(#"{"models": ["m-\#(template)"]}"#, environment: environment)
        #expect(configuration.models == ["/srv/app/m-" + expected])
    }

    @Test func expandsStringValues() throws {
        let configuration = try parse(
            #"{"version_table": "${TABLE:-migrate_version}", "version_table_schema": "${SCHEMA}", "versions": ["${DIR}/versions"]}"#,
            environment: ["SCHEMA": "meta", "DIR": "/data"])
        #expect(configuration.versionTable == "migrate_version")
        #expect(configuration.versionTableSchema == "meta")
        #expect(configuration.versions == ["/data/versions"])
    }

    static let expansionErrorsCases: [(String, [String: String], String, String)] = [
        (#"{"models": ["${MODELS}"]}"#, [:],
         "/srv/app/migrate.json:1:13: environment variable 'MODELS' is not set (used in 'models[0]')",
         "set MODELS, or give a default: ${MODELS:-value}"),
        (#"{"version_table": "${T"}"#, [:],
         "/srv/app/migrate.json:1:19: unterminated '${' in 'version_table'",
         "write ${NAME} or ${NAME:-default}, or $$ for a literal '$'"),
        (#"{"version_table": "${1T}"}"#, [:],
         "/srv/app/migrate.json:1:19: invalid variable name '1T' in 'version_table'",
         "a name has letters, digits and underscores and does not start with a digit"),
        (#"{"url": "postgresql://${HOST"}"#, [:],
         "/srv/app/migrate.json:1:9: unterminated '${' in 'url'",
         "write ${NAME} or ${NAME:-default}, or $$ for a literal '$'"),
    ]

    @Test(arguments: expansionErrorsCases)
    func expansionErrors(_ text: String, _ environment: [String: String], _ message: String, _ hint: String) {
        let (actual, actualHint) = failure(text, environment: environment)
        #expect(actual == message)
        #expect(actualHint == hint)
    }

    // MARK: The database URL

    @Test func urlPrecedence() throws {
        let configuration = try parse(#"{"url": "sqlite:///from-file.db"}"#)
        let environment = ["MIGRATE_DATABASE_URL": "sqlite:///from-env.db"]
        #expect(
            try configuration.resolveURL(flag: "sqlite:///from-flag.db", environment: environment, currentDirectory: "/work").target
                == "/work/from-flag.db")
        #expect(
            try configuration.resolveURL(flag: nil, environment: environment, currentDirectory: "/work").target
                == "/work/from-env.db")
        #expect(
            try configuration.resolveURL(flag: nil, environment: ["MIGRATE_DATABASE_URL": ""], currentDirectory: "/work").target
                == "/srv/app/from-file.db")
        #expect(
            try parse("{}").resolveURL(flag: nil, environment: [:], currentDirectory: "/work").target
                == "/srv/app/migrate.sqlite3")
    }

    @Test func urlExpandsWhenUsed() throws {
        let configuration = try parse(#"{"url": "postgresql://${PGUSER:-app}@${DB_HOST}/app"}"#)
        #expect(configuration.url == "postgresql://${PGUSER:-app}@${DB_HOST}/app")
        #expect(
            try configuration.resolveURL(flag: nil, environment: ["DB_HOST": "db"]).target
                == "postgresql://app@db/app")
        // The flag wins without needing the file's variables.
        #expect(try configuration.resolveURL(flag: "sqlite::memory:", environment: [:]).target == ":memory:")

        let error = #expect(throws: MigrateError.self) { try configuration.resolveURL(flag: nil, environment: [:]) }
        #expect(error?.description == """
            /srv/app/migrate.json:1:9: environment variable 'DB_HOST' is not set (used in 'url')
              hint: set DB_HOST, or give a default: ${DB_HOST:-value}
            """)
    }

    static let urlErrorsCases: [(String?, [String: String], String)] = [
        ("mysql://u:pw@h/db", [:], "invalid database URL 'mysql://u:***@h/db' (from --url): the scheme 'mysql' is not supported"),
        (nil, ["MIGRATE_DATABASE_URL": "postgres:db"],
         "invalid database URL 'postgres:db' (from MIGRATE_DATABASE_URL): a PostgreSQL URL starts with postgresql:// (two slashes)"),
        (nil, ["BAD": "oracle://x"],
         "/srv/app/migrate.json:1:9: invalid database URL 'oracle://x' (from 'url' in migrate.json): the scheme 'oracle' is not supported"),
    ]

    @Test(arguments: urlErrorsCases)
    func urlErrors(_ flag: String?, _ environment: [String: String], _ message: String) throws {
        let configuration = try parse(#"{"url": "${BAD:-sqlite:///x.db}"}"#)
        let error = #expect(throws: MigrateError.self) { try configuration.resolveURL(flag: flag, environment: environment) }
        #expect(error?.kind == .configuration)
        #expect(((error?.location).map { "\($0): " } ?? "") + (error?.message ?? "") == message)
    }

    // MARK: Errors

    static let keyErrorsCases: [(String, String, String?)] = [
        ("{\n  \"versoins\": [\"v\"]\n}", "/srv/app/migrate.json:2:3: unknown key 'versoins'", "did you mean 'versions'?"),
        (#"{"versionTable": "x"}"#, "/srv/app/migrate.json:1:2: unknown key 'versionTable'", "did you mean 'version_table'?"),
        (#"{"lock-timeout": 3}"#, "/srv/app/migrate.json:1:2: unknown key 'lock-timeout'", "did you mean 'lock_timeout'?"),
        (#"{"sqlalchemy.url": "x"}"#, "/srv/app/migrate.json:1:2: unknown key 'sqlalchemy.url'", "did you mean 'url'?"),
        (#"{"script_location": "x"}"#, "/srv/app/migrate.json:1:2: unknown key 'script_location'", "did you mean 'versions'?"),
        (#"{"colour": true}"#, "/srv/app/migrate.json:1:2: unknown key 'colour'",
         "the known keys are 'url', 'versions', 'models', 'version_table', 'version_table_schema', 'history_table', 'history_table_schema', 'transaction_per_migration', 'compare', 'lock_timeout', 'apply', 'lint', 'targets', 'revision_template'"),
        (#"{"compare": {"type": true}}"#, "/srv/app/migrate.json:1:14: unknown key 'compare.type'", "did you mean 'compare.types'?"),
        (#"{"compare": {"xyz": true}}"#, "/srv/app/migrate.json:1:14: unknown key 'compare.xyz'",
         "the known keys are 'compare.types', 'compare.server_defaults', 'compare.include_schemas', 'compare.exclude_tables', 'compare.include', 'compare.exclude'"),
        ("{\"url\": \"a\",\n \"url\": \"b\"}", "/srv/app/migrate.json:2:2: duplicate key 'url' (first given on line 1)", "keep one of them"),
    ]

    @Test(arguments: keyErrorsCases)
    func keyErrors(_ text: String, _ message: String, _ hint: String?) {
        let (actual, actualHint) = failure(text)
        #expect(actual == message)
        #expect(actualHint == hint)
    }

    static let typeErrorsCases: [(String, String)] = [
        (#"{"versions": "versions"}"#, "/srv/app/migrate.json:1:14: 'versions' must be a list of strings, found a string"),
        (#"{"versions": ["a", 2]}"#, "/srv/app/migrate.json:1:20: 'versions[1]' must be a string, found a number"),
        (#"{"versions": []}"#, "/srv/app/migrate.json:1:14: 'versions' must name at least one folder"),
        (#"{"models": {"a": 1}}"#, "/srv/app/migrate.json:1:12: 'models' must be a list of strings, found an object"),
        (#"{"url": 5}"#, "/srv/app/migrate.json:1:9: 'url' must be a string, found a number"),
        (#"{"url": null}"#, "/srv/app/migrate.json:1:9: 'url' must be a string, found null"),
        (#"{"version_table": ""}"#, "/srv/app/migrate.json:1:19: 'version_table' must not be empty"),
        (#"{"version_table": "\#(String(repeating: "v", count: 52))"}"#,
         "/srv/app/migrate.json:1:19: 'version_table' is 52 bytes long; it may have at most 51"),
        (#"{"version_table": "\#(String(repeating: "é", count: 26))"}"#,
         "/srv/app/migrate.json:1:19: 'version_table' is 52 bytes long; it may have at most 51"),
        (#"{"version_table_schema": 1}"#, "/srv/app/migrate.json:1:26: 'version_table_schema' must be a string or null, found a number"),
        (#"{"history_table": ""}"#, "/srv/app/migrate.json:1:19: 'history_table' must not be empty (null for the default)"),
        (#"{"history_table": "\#(String(repeating: "h", count: 60))"}"#,
         "/srv/app/migrate.json:1:19: 'history_table' is 60 bytes long; it may have at most 59"),
        (#"{"history_table": 1}"#, "/srv/app/migrate.json:1:19: 'history_table' must be a string or null, found a number"),
        (#"{"history_table_schema": []}"#, "/srv/app/migrate.json:1:26: 'history_table_schema' must be a string or null, found a list"),
        (#"{"version_table": "v", "history_table": "v"}"#,
         "/srv/app/migrate.json:1:41: the history table would be the version table 'v'"),
        (#"{"version_table_schema": "s", "history_table_schema": "s", "history_table": "migrate_version"}"#,
         "/srv/app/migrate.json:1:77: the history table would be the version table 'migrate_version'"),
        (#"{"transaction_per_migration": "yes"}"#, "/srv/app/migrate.json:1:31: 'transaction_per_migration' must be true or false, found a string"),
        (#"{"transaction_per_migration": 1}"#, "/srv/app/migrate.json:1:31: 'transaction_per_migration' must be true or false, found a number"),
        (#"{"compare": true}"#, "/srv/app/migrate.json:1:13: 'compare' must be an object, found a boolean"),
        (#"{"compare": {"types": "no"}}"#, "/srv/app/migrate.json:1:23: 'compare.types' must be true or false, found a string"),
        (#"{"compare": {"exclude_tables": "x*"}}"#, "/srv/app/migrate.json:1:32: 'compare.exclude_tables' must be a list of strings, found a string"),
        (#"{"lock_timeout": "5"}"#, "/srv/app/migrate.json:1:18: 'lock_timeout' must be a number, found a string"),
        (#"{"lock_timeout": -1}"#, "/srv/app/migrate.json:1:18: 'lock_timeout' must be a number of seconds, 0 or more, found -1"),
        (#"["versions"]"#, "/srv/app/migrate.json:1:1: migrate.json must hold a JSON object, found a list"),
        (#"{"apply": 5}"#, "/srv/app/migrate.json:1:11: 'apply' must be an object, found a number"),
        (#"{"apply": {"lock_timeout": "5s"}}"#, "/srv/app/migrate.json:1:28: 'apply.lock_timeout' must be a number, found a string"),
        (#"{"apply": {"lock_timeout": -1}}"#, "/srv/app/migrate.json:1:28: 'apply.lock_timeout' must be a number of seconds, 0 or more, found -1"),
        (#"{"apply": {"lock_retries": 1.5}}"#, "/srv/app/migrate.json:1:28: 'apply.lock_retries' must be a whole number from 0 to 100, found 1.5"),
        (#"{"apply": {"lock_timout": 1}}"#, "/srv/app/migrate.json:1:12: unknown key 'apply.lock_timout'"),
    ]

    @Test(arguments: typeErrorsCases)
    func typeErrors(_ text: String, _ message: String) {
        #expect(failure(text).0 == message)
    }

    static let syntaxErrorsCases: [(String, String)] = [
        ("", "/srv/app/migrate.json:1:1: migrate.json is not valid JSON: the file is empty; write {} for all defaults"),
        ("{\n  \"url\": \"x\",\n}", "/srv/app/migrate.json:3:1: migrate.json is not valid JSON: a trailing comma is not allowed before '}'"),
        ("{\n  \"versions\": [\"a\",]\n}", "/srv/app/migrate.json:2:20: migrate.json is not valid JSON: a trailing comma is not allowed before ']'"),
        ("{\n  \"url\": \"x\"\n  \"models\": []\n}", "/srv/app/migrate.json:3:3: migrate.json is not valid JSON: expected ',' or '}' after the value of \"url\", found '\"'"),
        ("{\"url\" \"x\"}", "/srv/app/migrate.json:1:8: migrate.json is not valid JSON: expected ':' after the key \"url\", found '\"'"),
        ("{'url': 'x'}", "/srv/app/migrate.json:1:2: migrate.json is not valid JSON: expected a key in double quotes, found '''"),
        ("{\"url\": 'x'}", "/srv/app/migrate.json:1:9: migrate.json is not valid JSON: strings must use double quotes"),
        ("{\n  // comment\n}", "/srv/app/migrate.json:2:3: migrate.json is not valid JSON: expected a key in double quotes, found '/'"),
        ("{\"a\": // c\n}", "/srv/app/migrate.json:1:7: migrate.json is not valid JSON: comments are not allowed in JSON"),
        ("{\"url\": \"abc", "/srv/app/migrate.json:1:9: migrate.json is not valid JSON: unterminated string"),
        ("{\"url\": \"a\nb\"}", "/srv/app/migrate.json:1:11: migrate.json is not valid JSON: unterminated string (a line break must be written \\n)"),
        ("{\"url\": \"a\\qb\"}", "/srv/app/migrate.json:1:11: migrate.json is not valid JSON: invalid escape '\\q'"),
        ("{\"transaction_per_migration\": True}", "/srv/app/migrate.json:1:31: migrate.json is not valid JSON: expected a value, found 'T'"),
        ("{\"transaction_per_migration\": tru}", "/srv/app/migrate.json:1:31: migrate.json is not valid JSON: expected a value (did you mean true? JSON literals are lowercase)"),
        ("{\"lock_timeout\": 01}", "/srv/app/migrate.json:1:18: migrate.json is not valid JSON: invalid number: leading zeros are not allowed"),
        ("{\"lock_timeout\": 1.}", "/srv/app/migrate.json:1:18: migrate.json is not valid JSON: invalid number: digits must follow '.'"),
        ("{} {}", "/srv/app/migrate.json:1:4: migrate.json is not valid JSON: unexpected text after the end of the JSON value"),
        ("{\"a\": [", "/srv/app/migrate.json:1:8: migrate.json is not valid JSON: expected a value, found the end of the file"),
        ("{\"é\": 1, \"ü\": x}", "/srv/app/migrate.json:1:15: migrate.json is not valid JSON: expected a value, found 'x'"),
    ]

    @Test(arguments: syntaxErrorsCases)
    func syntaxErrors(_ text: String, _ message: String) {
        #expect(failure(text).0 == message)
    }

    @Test func jsonStringsAndNumbers() throws {
        let configuration = try parse(
            #"{"version_table": "a\"b\\c\/d\u00e9\ud83d\ude00\n", "lock_timeout": 1.5e1, "models": []}"#)
        #expect(configuration.versionTable == "a\"b\\c/dé😀\n")
        #expect(configuration.lockTimeout == .seconds(15))
    }

    @Test func byteOrderMarkIsAccepted() throws {
        #expect(try parse("\u{FEFF}{\"version_table\": \"v\"}").versionTable == "v")
    }

    // MARK: Files

    @Test func loadsAFileAndResolvesAgainstItsFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/migrate.json"
        try #"{"versions": ["v"], "url": "sqlite:///db/app.db"}"#.write(toFile: file, atomically: true, encoding: .utf8)

        let configuration = try Configuration.load(from: file, environment: [:])
        #expect(configuration.path == file)
        #expect(configuration.directory == folder)
        #expect(configuration.versions == [folder + "/v"])
        #expect(try configuration.resolveURL(flag: nil, environment: [:]).target == folder + "/db/app.db")
    }

    /// migrate.json is read like migration files: text that is not UTF-8 is refused with the
    /// reason, not decoded into replacement characters (a table name would silently change).
    @Test func aFileThatIsNotUTF8IsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrate-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/migrate.json"
        try Data(Array(#"{"version_table": "v"#.utf8) + [0xFF] + Array(#""}"#.utf8)).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: MigrateError.self) { try Configuration.load(from: file, environment: [:]) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == "cannot read '\(file)'")
        #expect(error.flatMap { $0.cause.map(String.init(describing:)) }
            == "the file is not valid UTF-8 text: byte 0xFF at offset 20 (line 1, column 21) does not start a valid UTF-8 sequence")
    }

    @Test func missingFileSuggestsInit() {
        let error = #expect(throws: MigrateError.self) {
            try Configuration.load(from: "/nonexistent/folder/migrate.json", environment: [:])
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message == "no configuration file at '/nonexistent/folder/migrate.json'")
        #expect(error?.hint == "run `migrate init` to create one, or point at it with -c PATH")
    }

    @Test func folderInsteadOfAFile() {
        let folder = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: MigrateError.self) { try Configuration.load(from: folder, environment: [:]) }
        #expect(error?.message == "'\(folder)' is a folder, not a configuration file")
    }
}
