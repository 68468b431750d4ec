import Foundation
import Testing
import TestSupport

/// Adoption of real application schemas (`Tests/Fixtures/schemas`), on both engines: the source
/// loaded into a database, `inspect` writes models that `check` finds clean; on an empty database
/// those models autogenerate a migration whose `upgrade head` gives back the source's catalog,
/// except for the differences recorded in `expected/` (reasons in docs/adopting.md), and whose
/// `downgrade base` leaves only the version tables. Where the declared objects need ones models
/// cannot declare (the functions that views and triggers call), `<engine>-outside-models.sql` is
/// applied first as a hand-written migration, as an adopting project would.
///
/// `MIGRATE_UPDATE_FIXTURES=1` rewrites the files in `expected/` from what the run found, for
/// review in the diff; without it any change in what differs fails the test.
@Suite struct RealSchemaTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schemas")

    /// Pagila is PostgreSQL's own port of Sakila (partitions, an enumeration, domains, a
    /// full-text column), so it has no SQLite file.
    static let cases: [(String, TestEngine)] = ["chinook", "sakila", "synapse"].flatMap { name in
        TestEngine.enabled.map { (name, $0) }
    } + (TestEngine.postgresql.isEnabled ? [("pagila", TestEngine.postgresql)] : [])

    @Test(arguments: cases)
    func adoptAndRebuild(name: String, engine: TestEngine) throws {
        let source = try Environment(engine)
        try load(fixture: name, into: source)
        try source.write("migrate.json", #"{"url": "\#(source.url)", "models": ["Models"]}"#)

        let inspected = try source.run("inspect", "--output", "Models/Schema.swift")
        #expect(inspected.status == 0, "\(inspected)")
        let models = try String(contentsOf: source.directory.appendingPathComponent("Models/Schema.swift"), encoding: .utf8)
        let again = try source.run("inspect")
        #expect(again.status == 0 && again.stdout == models, "inspecting twice gives the same bytes")
        let unmodeled = inspected.stderr.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        try expectRecorded(unmodeled, file: "\(name)-\(engine)-unmodeled.txt")

        let check = try source.run("check")
        #expect(check.status == 0 && check.stdout == "No new upgrade operations detected.\n", "\(check)")

        // An empty database reaches the same tables from the inspected models.
        let rebuilt = try Environment(engine)
        try rebuilt.write("migrate.json", #"{"url": "\#(rebuilt.url)", "models": ["Models"]}"#)
        try FileManager.default.createDirectory(
            at: rebuilt.directory.appendingPathComponent("Models"), withIntermediateDirectories: true)
        try rebuilt.write("Models/Schema.swift", models)
        // What the tables need but models cannot declare comes first, from a migration by hand.
        let outside = Self.fixtures.appendingPathComponent("\(name)/\(engine)-outside-models.sql")
        if let sql = try? String(contentsOf: outside, encoding: .utf8) {
            try rebuilt.migration("outside", message: "objects the models cannot declare", upgrade: sql)
            let first = try rebuilt.run("upgrade", "head")
            #expect(first.status == 0, "\(first)")
        }
        let autogenerate = try rebuilt.run("revision", "--autogenerate", "-m", "initial")
        #expect(autogenerate.status == 0, "\(autogenerate)")
        let upgrade = try rebuilt.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        let recheck = try rebuilt.run("check")
        #expect(recheck.status == 0, "\(recheck)")
        let differences = try Self.catalogDifferences(source, rebuilt)
        try expectRecorded(differences, file: "\(name)-\(engine)-differences.txt")

        let downgrade = try rebuilt.run("downgrade", "base")
        #expect(downgrade.status == 0, "\(downgrade)")
        let left = try rebuilt.database().tables().filter { !$0.hasPrefix("migrate_version") }
        #expect(left.isEmpty, "downgrade base leaves only the version tables; also left: \(left.sorted())")
    }

    // MARK: Loading and comparing

    func load(fixture name: String, into env: Environment) throws {
        let file = Self.fixtures.appendingPathComponent("\(name)/\(env.engine).sql").path
        switch env.engine {
        case .sqlite:
            let path = String(env.url.dropFirst("sqlite:///".count))
            let result = try Self.tool("sqlite3", ["-bail", path, ".read \(file)"])
            #expect(result.status == 0, "loading \(file): \(result)")
        case .postgresql:
            let result = try Self.tool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", env.url, "-f", file])
            #expect(result.status == 0, "loading \(file): \(result)")
        }
    }

    /// Compares `lines` with the recorded file (rewriting it under MIGRATE_UPDATE_FIXTURES=1).
    func expectRecorded(_ lines: [String], file: String) throws {
        let url = Self.fixtures.appendingPathComponent("expected/\(file)")
        let text = lines.map { $0 + "\n" }.joined()
        if ProcessInfo.processInfo.environment["MIGRATE_UPDATE_FIXTURES"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let recorded = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        #expect(text == recorded, "\(file) differs from what was found:\n\(text)")
    }

    /// The source's catalog against the rebuilt one, one line per statement or catalog row found
    /// on one side only: `- …` only in the source, `+ …` only in the rebuilt database.
    static func catalogDifferences(_ source: Environment, _ rebuilt: Environment) throws -> [String] {
        let before = try catalog(source)
        let after = try catalog(rebuilt)
        var remaining = after
        var lines: [String] = []
        for entry in before {
            if let found = remaining.firstIndex(of: entry) {
                remaining.remove(at: found)
            } else {
                lines.append("- " + entry)
            }
        }
        lines += remaining.map { "+ " + $0 }
        return lines.sorted { ($0.dropFirst(2), $0) < ($1.dropFirst(2), $1) }
    }

    /// PostgreSQL: `pg_dump --schema-only`'s statements, comments and settings dropped and each
    /// statement on one line. SQLite: `sqlite_master`'s objects and the pragmas' view of every
    /// table (columns, indexes and their keys, foreign keys). `migrate`'s version tables left out.
    static func catalog(_ env: Environment) throws -> [String] {
        switch env.engine {
        case .postgresql:
            let dump = try tool("pg_dump", ["--schema-only", "--no-owner", "--no-privileges", "-d", env.url])
            #expect(dump.status == 0, "\(dump)")
            // `\restrict KEY` lines carry a random key per dump; settings and comments say nothing.
            let lines = dump.stdout.split(separator: "\n", omittingEmptySubsequences: true).filter {
                !$0.hasPrefix("--") && !$0.hasPrefix("SET ") && !$0.hasPrefix("SELECT pg_catalog.set_config")
                    && !$0.hasPrefix("\\restrict") && !$0.hasPrefix("\\unrestrict")
            }
            // Statements end with `;` at the end of a line outside a `$$`/`$_$` function body.
            var statements: [String] = []
            var current: [Substring] = []
            var inBody = false
            for line in lines {
                current.append(line)
                let quotes = line.components(separatedBy: "$$").count + line.components(separatedBy: "$_$").count - 2
                if quotes % 2 == 1 { inBody.toggle() }
                if !inBody && line.hasSuffix(";") {
                    statements.append(current.joined(separator: " "))
                    current = []
                }
            }
            return statements
                .map { String($0.dropLast()).split(whereSeparator: \.isWhitespace).joined(separator: " ") }
                .filter { !$0.isEmpty && !$0.contains("migrate_version") }
        case .sqlite:
            let database = try env.database()
            return try database.column(
                """
                SELECT 'object ' || m.type || ' ' || m.name || ' on ' || m.tbl_name FROM sqlite_master AS m
                WHERE m.name NOT LIKE 'migrate_version%' AND m.tbl_name NOT LIKE 'migrate_version%'
                UNION ALL
                SELECT 'column ' || m.name || '.' || c.name || ' ' || c.type || ' notnull=' || c."notnull"
                  || ' default=' || coalesce(c.dflt_value, '-') || ' pk=' || c.pk || ' hidden=' || c.hidden
                FROM sqlite_master AS m, pragma_table_xinfo(m.name) AS c
                WHERE m.type = 'table' AND m.name NOT LIKE 'migrate_version%' AND m.name NOT LIKE 'sqlite_%'
                UNION ALL
                SELECT 'index ' || m.name || ' ' || i.name || ' unique=' || i."unique" || ' origin=' || i.origin
                  || ' partial=' || i.partial || ' (' || (SELECT group_concat(coalesce(k.name, '<expr>') || ' desc=' || k."desc" || ' ' || k.coll, ', ')
                    FROM pragma_index_xinfo(i.name) AS k WHERE k.key) || ')'
                FROM sqlite_master AS m, pragma_index_list(m.name) AS i
                WHERE m.type = 'table' AND m.name NOT LIKE 'migrate_version%'
                UNION ALL
                SELECT 'foreign key ' || m.name || '(' || f."from" || ') -> ' || f."table" || '(' || coalesce(f."to", '<key>')
                  || ') on update ' || f.on_update || ' on delete ' || f.on_delete || ' match ' || f."match"
                FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f
                WHERE m.type = 'table' AND m.name NOT LIKE 'migrate_version%'
                """)
        }
    }

    /// Runs a command-line tool found on PATH.
    static func tool(_ name: String, _ arguments: [String]) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
