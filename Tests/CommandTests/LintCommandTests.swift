import Foundation
import Testing
import TestSupport

/// `migrate lint` through the real binary: the fixtures of `Tests/Fixtures/lint`, the default
/// range against real databases, suppressions, settings and output formats.
@Suite struct LintCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/lint")

    /// A PostgreSQL URL nothing listens on: lint with a named range only needs the dialect.
    static let offlinePostgres = "postgresql://127.0.0.1:9/lint_offline?connect_timeout=1"

    /// An environment holding a copy of the fixture's migrations, for `url`'s dialect.
    static func fixtureEnvironment(_ name: String, engine: TestEngine = .sqlite, url: String? = nil) throws -> Environment {
        let env = try Environment(engine)
        let source = fixtures.appendingPathComponent(name).appendingPathComponent("versions")
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(
                at: source.appendingPathComponent(file), to: env.directory.appendingPathComponent("versions/\(file)"))
        }
        // The fixture's own settings (its `apply`), with the environment's database.
        let settings = try JSONSerialization.jsonObject(
            with: Data(contentsOf: fixtures.appendingPathComponent(name).appendingPathComponent("migrate.json")))
        var configuration = try #require(settings as? [String: Any])
        configuration["url"] = url ?? env.url
        let text = try JSONSerialization.data(withJSONObject: configuration, options: [.sortedKeys, .withoutEscapingSlashes])
        try env.write("migrate.json", String(decoding: text, as: UTF8.self))
        return env
    }

    /// The rule ids each fixture revision expects, from its message: `expects RULE` or `expects nothing`.
    static func expectations(_ name: String) throws -> [String: [String]] {
        let folder = fixtures.appendingPathComponent(name).appendingPathComponent("versions")
        var expected: [String: [String]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let line = try #require(text.split(separator: "\n").first { $0.contains("expects ") })
            let rules = line.components(separatedBy: "expects ")[1].split(separator: ",").map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            expected[String(file.prefix { $0 != "_" })] = rules == ["nothing"] ? [] : rules
        }
        return expected
    }

    /// Runs `lint --format json` and returns the exit status and the rule ids found per revision.
    static func lintJSON(_ env: Environment, _ arguments: String...) throws -> (status: Int32, found: [String: [String]], json: [String: Any]) {
        let result = try env.run(["lint", "--format", "json"] + arguments)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        var found: [String: [String]] = [:]
        for revision in json["revisions"] as? [String] ?? [] { found[revision] = [] }
        for finding in json["findings"] as? [[String: Any]] ?? [] {
            found[finding["revision"] as? String ?? "(graph)", default: []].append(finding["rule"] as! String)
        }
        return (result.status, found, json)
    }

    // MARK: Fixtures

    /// Each bad migration breaks exactly the rule it is named after, on tables that exist
    /// before the range.
    @Test(arguments: [("postgresql-bad", "p000"), ("sqlite-bad", "q000")])
    func eachBadFixtureYieldsItsRule(fixture: String, base: String) throws {
        let env = try Self.fixtureEnvironment(fixture, url: fixture.hasPrefix("postgresql") ? Self.offlinePostgres : nil)
        let (status, found, _) = try Self.lintJSON(env, "--since", base)
        var expected = try Self.expectations(fixture)
        expected[base] = nil
        #expect(found == expected)
        #expect(status == 1)
    }

    /// The same statements on tables created earlier in the range are harmless: only the rules
    /// that do not depend on the table being in use remain.
    @Test(arguments: ["postgresql-bad", "sqlite-bad"])
    func badFixtureOnTablesOfTheRangeYieldsOnlyUnconditionalRules(fixture: String) throws {
        let env = try Self.fixtureEnvironment(fixture, url: fixture.hasPrefix("postgresql") ? Self.offlinePostgres : nil)
        let (_, found, _) = try Self.lintJSON(env, "base:heads")
        let unconditional: Set = ["concurrently-in-transaction"]
        let expected = try Self.expectations(fixture).mapValues { $0.filter(unconditional.contains) }
        #expect(found == expected)
    }

    @Test(arguments: ["--since=s000", "base:heads"])
    func safeRewritesYieldNothing(range: String) throws {
        let env = try Self.fixtureEnvironment("postgresql-safe", url: Self.offlinePostgres)
        let (status, found, json) = try Self.lintJSON(env, range)
        let findings = found.values.flatMap { $0 }
        #expect(findings.isEmpty, "\(json)")
        #expect(found.count >= 19)
        #expect(status == 0)
    }

    /// The safe rewrites are real: they run on PostgreSQL, and afterwards nothing is left to lint.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func safeRewritesRunOnPostgreSQL() throws {
        let env = try Self.fixtureEnvironment("postgresql-safe", engine: .postgresql)
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        #expect(try env.database().versions() == ["s019"])
        let lint = try env.run("lint")
        #expect(lint.status == 0, "\(lint)")
        #expect(lint.stderr.contains("the database has not applied (it is at s019)"), "\(lint)")
        #expect(lint.stderr.contains("0 errors, 0 warnings in 0 revisions"), "\(lint)")
    }

    // MARK: Range

    /// Without a range, lint checks what the database has not applied: a table applied before
    /// is in use, so adding a required column to it is reported.
    @Test(arguments: TestEngine.enabled)
    func defaultRangeIsWhatTheDatabaseHasNotApplied(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.migration("r1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        try env.migration("r2", parent: "r1", upgrade: "ALTER TABLE items ADD COLUMN name TEXT NOT NULL;")
        if engine == .sqlite {
            // No database file yet: everything is linted, and the table is new.
            let before = try env.run("lint")
            #expect(before.status == 0, "\(before)")
            #expect(before.stderr.contains("linting base:heads"), "\(before)")
            #expect(!FileManager.default.fileExists(atPath: String(env.url.dropFirst("sqlite:///".count))))
        }
        #expect(try env.run("upgrade", "r1").status == 0)
        let after = try env.run("lint")
        #expect(after.status == 1, "\(after)")
        #expect(after.stdout.hasPrefix("versions/r2_m.sql:6: error add-column-required: NOT NULL column items.name is added without a default\n"), "\(after)")
        // No lock-timeout-missing on PostgreSQL: `upgrade` sets lock_timeout itself.
        #expect(after.stderr.contains("1 error, 0 warnings in 1 revision"), "\(after)")
    }

    @Test func rangeAndSinceChooseTheRevisions() throws {
        let env = try Environment(.sqlite)
        try env.migration("g1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        try env.migration("g2", parent: "g1", upgrade: "ALTER TABLE items ADD COLUMN a TEXT NOT NULL;")
        try env.migration("g3", parent: "g2", upgrade: "ALTER TABLE items ADD COLUMN b TEXT NOT NULL;")
        #expect(try Self.lintJSON(env, "--since", "g1").found == ["g2": ["add-column-required"], "g3": ["add-column-required"]])
        #expect(try Self.lintJSON(env, "g1:g2").found == ["g2": ["add-column-required"]])
        #expect(try Self.lintJSON(env, "g2").found == ["g1": [], "g2": []])
        let both = try env.run("lint", "g1:g2", "--since", "g1")
        #expect(both.status == 64, "\(both)")
    }

    @Test func severalHeadsAreAFinding() throws {
        let env = try Environment(.sqlite)
        try env.migration("h1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        try env.migration("h2", parent: "h1", upgrade: "CREATE TABLE a (id INTEGER);")
        try env.migration("h3", parent: "h1", upgrade: "CREATE TABLE b (id INTEGER);")
        let result = try env.run("lint", "--since", "h1")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("error multiple-heads: the graph has 2 heads: h2, h3"), "\(result)")
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lint": {"disable": ["multiple-heads"]}}"#)
        let disabled = try env.run("lint", "--since", "h1")
        #expect(disabled.status == 0, "\(disabled)")
        #expect(disabled.stderr.contains("1 suppressed"), "\(disabled)")
    }

    // MARK: Suppressions and settings

    @Test func statementAndFileSuppressionsInSQLFiles() throws {
        let env = try Environment(.sqlite)
        // Without migrate's own lock_timeout, so that lock-timeout-missing fires and can be suppressed.
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)", "apply": {"lock_timeout": 0}}"#)
        try env.migration("s1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);")
        try env.migration("s2", parent: "s1", upgrade: """
            SET lock_timeout = '5s';
            -- the table holds a dozen rows
            -- migrate:lint-ignore index-not-concurrent,drop-index-not-concurrent tiny table
            CREATE INDEX ix_items_name ON items (name);
            CREATE INDEX ix_items_id ON items (id);
            """)
        try env.migration("s3", parent: "s2", upgrade: """
            ALTER TABLE items DROP COLUMN name;
            """, extraHeader: "-- migrate:lint-ignore-file drop-column,lock-timeout-missing nothing reads it since 2.0")
        let (status, found, json) = try Self.lintJSON(env, "--since", "s1")
        #expect(found == ["s2": ["index-not-concurrent"], "s3": []])
        #expect(((json["findings"] as! [[String: Any]])[0]["line"] as! Int) == 10)
        #expect(json["suppressed"] as? Int == 3)
        #expect(status == 1)
        // The directives leave the files readable by every other command.
        let script = try env.run("upgrade", "head", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(!script.stdout.contains("lint-ignore"))
    }

    @Test func statementAndFileSuppressionsInSwiftFiles() throws {
        let env = try Environment(.sqlite)
        // Without migrate's own lock_timeout, so that lock-timeout-missing fires and can be suppressed.
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)", "apply": {"lock_timeout": 0}}"#)
        try env.migration("w1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT);")
        try env.write("versions/w2_swift.swift", """
            import MigrateKit

            // migrate:lint-ignore-file lock-timeout-missing the deploy sets it
            /// index and drop
            enum Rev_w2: Migration {
                static let revision = "w2"
                static let downRevision: [String] = ["w1"]

                static func upgrade(_ op: Operations) {
                    // migrate:lint-ignore index-not-concurrent built while the table is empty
                    op.createIndex("ix_items_name", on: "items", columns: ["name"])
                    op.dropColumn("items", "note")
                }

                static func downgrade(_ op: Operations) {}
            }
            """)
        let result = try env.run("lint", "--since", "w1")
        #expect(result.stdout == """
            versions/w2_swift.swift:12: error drop-column: column items.note is dropped
              why: dropping a column loses its data and breaks the app version still running that reads or writes it
              instead: stop using the column in a deploy first, then drop it in a later migration (suppress with a reason)

            """, "\(result)")
        #expect(result.stderr.contains("1 error, 0 warnings in 1 revision, 2 suppressed"), "\(result)")
    }

    @Test func unknownRuleInADirectiveIsAnError() throws {
        let env = try Environment(.sqlite)
        try env.migration("u1", upgrade: """
            -- migrate:lint-ignore index-not-concurent typo
            CREATE TABLE items (id INTEGER PRIMARY KEY);
            """)
        let result = try env.run("lint")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("versions/u1_m.sql:6: `migrate:lint-ignore` names 'index-not-concurent', which is no lint rule"), "\(result)")
    }

    @Test func settingsDisableRulesAndChangeSeverities() throws {
        let env = try Environment(.sqlite)
        try env.migration("c1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);")
        try env.migration("c2", parent: "c1", upgrade: "ALTER TABLE items DROP COLUMN name;")
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lint": {"severity": {"drop-column": "warning"}}}"#)
        let warned = try env.run("lint", "--since", "c1")
        #expect(warned.status == 0, "\(warned)")
        #expect(warned.stdout.hasPrefix("versions/c2_m.sql:6: warning drop-column:"), "\(warned)")
        #expect(try env.run("lint", "--since", "c1", "--strict").status == 1)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lint": {"disable": ["drop-column"]}}"#)
        let disabled = try env.run("lint", "--since", "c1", "--strict")
        #expect(disabled.status == 0, "\(disabled)")
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lint": {"disable": ["drop-colum"]}}"#)
        let typo = try env.run("lint")
        #expect(typo.status == 1)
        #expect(typo.stderr.contains("migrate.json:1:"), "\(typo)")
        #expect(typo.stderr.contains("'lint.disable' names 'drop-colum', which is no lint rule"), "\(typo)")
    }

    // MARK: Output

    @Test func githubFormatAnnotatesTheLine() throws {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)"}"#)
        try env.migration("o1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);")
        try env.migration("o2", parent: "o1", upgrade: "SET lock_timeout = '1s';\nALTER TABLE items ALTER COLUMN name SET NOT NULL;")
        let result = try env.run("lint", "--since", "o1", "--format", "github")
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix(
            "::error file=versions/o2_m.sql,line=7,title=set-not-null::SET NOT NULL on existing column items.name. Why: SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock. Instead: ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID"),
            "\(result)")
    }

    /// `upgrade` sets `lock_timeout` first in each migration (migrate.json `apply`), and lint sees
    /// what `upgrade` runs: the rule fires only when that is turned off.
    @Test func migratesOwnLockTimeoutSatisfiesTheRule() throws {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)"}"#)
        try env.migration("o1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);")
        try env.migration("o2", parent: "o1", upgrade: "ALTER TABLE items ADD COLUMN note TEXT;")
        let on = try env.run("lint", "--since", "o1", "--format", "json")
        #expect(on.status == 0, "\(on)")
        #expect(!on.stdout.contains("lock-timeout-missing"), "\(on)")
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)", "apply": {"lock_timeout": 0}}"#)
        let off = try env.run("lint", "--since", "o1", "--format", "json")
        #expect(off.stdout.contains("lock-timeout-missing"), "\(off)")
    }

    /// `op.backfill` is the safe form of a backfill: lint reports nothing for it.
    @Test func aBackfillIsNotReported() throws {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(Self.offlinePostgres)"}"#)
        try env.migration("o1", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, slug TEXT);")
        try env.write("versions/o2_slugs.swift", """
            import MigrateKit

            /// slugs
            enum Rev_o2: Migration {
                static let revision = "o2"
                static let downRevision: [String] = ["o1"]
                static func upgrade(_ op: Operations) {
                    op.backfill("items", set: ["slug": "lower(name)"], where: "slug IS NULL")
                }
                static func downgrade(_ op: Operations) {}
            }
            """)
        let result = try env.run("lint", "--since", "o1", "--format", "json", "--strict")
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("\"rule\""), "\(result)")
    }

    @Test func listRules() throws {
        let env = try Environment(.sqlite)
        let result = try env.run("lint", "--list-rules")
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 26)
        #expect(result.stdout.hasPrefix("index-not-concurrent          error    PostgreSQL: CREATE INDEX without CONCURRENTLY"))
    }

    // MARK: Autogenerate

    /// `revision --autogenerate` lints what it wrote and prints the findings on stderr, without failing.
    @Test(arguments: TestEngine.enabled)
    func autogenerateReportsFindings(engine: TestEngine) throws {
        let env = try AutogenerateCommandTests.baseEnvironment(engine)
        try env.write("models/App.swift", AutogenerateCommandTests.modelsFile([
            ("authors", AutogenerateCommandTests.authors + [#"Column("country", .string(length: 2), nullable: false)"#]),
            ("books", AutogenerateCommandTests.books),
        ]))
        let result = try env.run("revision", "--autogenerate", "-m", "country")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains(": error add-column-required: NOT NULL column authors.country is added without a default"), "\(result)")
    }
}
