import Foundation
import Testing
import TestSupport

/// `migrate inspect` and `migrate init --from-database` on both engines: models written from a
/// live database, what they cannot declare named, and a database adopted at a baseline.
@Suite struct AdoptDatabaseTests {
    static let schemaSQL = """
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL, CONSTRAINT uq_authors_name UNIQUE (name));
        CREATE TABLE books (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES authors (id),
            title VARCHAR(200) NOT NULL
        );
        CREATE INDEX ix_books_title ON books (title);
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY, line TEXT);
        CREATE VIEW book_titles AS SELECT title FROM books;
        """

    /// A database holding ``schemaSQL``, with a migrate.json naming it and `Models` as models.
    static func existingDatabase(_ engine: TestEngine) throws -> Environment {
        let env = try Environment(engine)
        try env.database().execute(schemaSQL)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["Models"]}"#)
        return env
    }

    @Test(arguments: TestEngine.enabled)
    func inspectWritesModelsThatCheckFindsClean(engine: TestEngine) throws {
        let env = try Self.existingDatabase(engine)
        let first = try env.run("inspect", "--output", "Models/Schema.swift")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("Wrote 3 table(s) to Models/Schema.swift"), "\(first)")
        #expect(!first.stderr.contains("view book_titles"), "the view is declared, not listed as left out: \(first)")
        let text = try String(contentsOf: env.directory.appendingPathComponent("Models/Schema.swift"), encoding: .utf8)
        #expect(text.contains("View(\"book_titles\""), "the view is declared in the file:\n\(text)")
        for table in ["audit_log", "authors", "books"] { #expect(text.contains("Table(\"\(table)\"")) }
        // Tables by name, whatever order they were created in.
        let positions = ["audit_log", "authors", "books"].map { text.range(of: "Table(\"\($0)\"")!.lowerBound }
        #expect(positions == positions.sorted())

        let second = try env.run("inspect")
        #expect(second.status == 0 && second.stdout == text, "inspect twice gives the same bytes")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout == "No new upgrade operations detected.\n")

        // Drift after inspect is seen, so the models really are what check compares with.
        try env.database().execute("ALTER TABLE audit_log ADD COLUMN level INTEGER")
        let drift = try env.run("check")
        #expect(drift.status == 1 && drift.stdout.contains("remove_column audit_log.level"), "\(drift)")
    }

    @Test(arguments: TestEngine.enabled)
    func inspectLeavesOutExcludedTables(engine: TestEngine) throws {
        let env = try Self.existingDatabase(engine)
        let result = try env.run("inspect", "--exclude-tables", "audit_*")
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.contains("audit_log"))
        #expect(result.stdout.contains("Table(\"authors\""))
    }

    @Test func inspectReadsOtherSchemasOnRequest() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try Self.existingDatabase(.postgresql)
        try env.database().execute("CREATE SCHEMA billing; CREATE TABLE billing.invoices (id INTEGER PRIMARY KEY)")
        let without = try env.run("inspect")
        #expect(without.status == 0 && !without.stdout.contains("invoices"), "\(without)")
        let with = try env.run("inspect", "--schema", "billing", "--output", "Models/Schema.swift")
        #expect(with.status == 0, "\(with)")
        let text = try String(contentsOf: env.directory.appendingPathComponent("Models/Schema.swift"), encoding: .utf8)
        #expect(text.contains("schema: \"billing\""), "\(text)")
    }

    @Test(arguments: TestEngine.enabled)
    func initFromDatabaseAdoptsAndStamps(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.database().execute(Self.schemaSQL)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("migrate.json"))
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions"))

        let adopted = try env.run("init", "--from-database", "--url", env.url, "--stamp")
        #expect(adopted.status == 0, "\(adopted)")
        for path in ["migrate.json", "Models/Schema.swift", "versions"] {
            #expect(adopted.stdout.contains("Created ./\(path)") || adopted.stdout.contains("Created \(path)"), "\(adopted)")
        }
        #expect(!adopted.stderr.contains("view book_titles"), "\(adopted)")
        let versions = try env.database().versions()
        #expect(versions.count == 1, "stamped at the baseline: \(versions)")
        #expect(adopted.stdout.contains("Stamped"), "\(adopted)")

        // The URL came from --url without a password: migrate.json names the database.
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0 && !upgrade.stderr.contains("Running upgrade"), "upgrade head is a no-op: \(upgrade)")

        // A fresh database reaches the same tables through the baseline.
        let fresh = try engine.freshDatabaseURL()
        let up = try env.run("--url", fresh, "upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let recheck = try env.run("--url", fresh, "check")
        #expect(recheck.status == 0, "\(recheck)")
        let down = try env.run("--url", fresh, "downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try TestDatabase(url: fresh).tables().filter { !$0.hasPrefix("migrate_version") }
        #expect(left.isEmpty, "the baseline's downgrade drops what it created: \(left)")
    }

    @Test(arguments: TestEngine.enabled)
    func initFromDatabaseWithoutATerminalDoesNotStamp(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.database().execute(Self.schemaSQL)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("migrate.json"))
        let adopted = try env.run(["init", "--from-database"], environment: ["MIGRATE_DATABASE_URL": env.url])
        #expect(adopted.status == 0, "\(adopted)")
        #expect(try env.database().versions().isEmpty)
        #expect(adopted.stderr.contains("Not stamped") && adopted.stderr.contains("migrate stamp "), "\(adopted)")
        // The URL came from the environment, so the file refers to it instead of copying it.
        let config = try String(contentsOf: env.directory.appendingPathComponent("migrate.json"), encoding: .utf8)
        #expect(config.contains("${MIGRATE_DATABASE_URL}"), "\(config)")
        #expect(adopted.stderr.contains("MIGRATE_DATABASE_URL"), "\(adopted)")
    }

    @Test func initFromDatabaseNeedsADatabase() throws {
        let env = try Environment(.sqlite)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("migrate.json"))
        let result = try env.run("init", "--from-database")
        #expect(result.status != 0)
        #expect(result.stderr.contains("--url") && result.stderr.contains("MIGRATE_DATABASE_URL"), "\(result)")
        #expect(!FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("migrate.json").path))
    }

    @Test func initFromDatabaseRefusesAnExistingEnvironment() throws {
        let env = try Self.existingDatabase(.sqlite)
        let result = try env.run("init", "--from-database", "--url", env.url, "--stamp")
        #expect(result.status != 0 && result.stderr.contains("already exists"), "\(result)")
        #expect(try env.database().versions().isEmpty)
    }
}
