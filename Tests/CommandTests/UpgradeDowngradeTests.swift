import Foundation
import Testing
import TestSupport

/// Three linear migrations used by most command tests.
func writeLinearHistory(_ env: Environment) throws {
    try env.migration("aaa111", message: "create authors", upgrade: """
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
        """, downgrade: "DROP TABLE authors;")
    try env.migration("bbb222", parent: "aaa111", message: "create books", upgrade: """
        CREATE TABLE books (
            id INTEGER PRIMARY KEY,
            author_id INTEGER REFERENCES authors (id),
            title VARCHAR(200) NOT NULL -- a trailing comment; and a semicolon inside it
        );
        INSERT INTO authors (id, name) VALUES (1, 'O''Brien; Flann');
        """, downgrade: "DROP TABLE books;\nDELETE FROM authors;")
    try env.migration("ccc333", parent: "bbb222", message: "index titles", upgrade: """
        CREATE INDEX ix_books_title ON books (title);
        """, downgrade: "DROP INDEX ix_books_title;")
}

@Suite struct UpgradeDowngradeTests {
    @Test(arguments: TestEngine.enabled)
    func upgradeHeadThenDowngradeStepByStep(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(up.stderr.contains("Running upgrade  -> aaa111, create authors"), "\(up)")
        #expect(up.stderr.contains("Running upgrade bbb222 -> ccc333, index titles"), "\(up)")
        let db = try env.database()
        #expect(try db.tables().isSuperset(of: ["authors", "books", "migrate_version"]))
        #expect(try db.versions() == ["ccc333"])
        #expect(try db.scalar("SELECT name FROM authors") == "O'Brien; Flann")

        let current = try env.run("current")
        #expect(current.status == 0)
        #expect(current.stdout == "ccc333 (head)\n", "\(current)")

        let down = try env.run("downgrade", "-1")
        #expect(down.status == 0, "\(down)")
        #expect(down.stderr.contains("Running downgrade ccc333 -> bbb222, index titles"))
        #expect(try db.versions() == ["bbb222"])

        #expect(try env.run("downgrade", "base").status == 0)
        #expect(try db.versions() == [])
        #expect(try !db.tables().contains("authors"))
        #expect(try env.run("current").stdout == "")
    }

    @Test(arguments: TestEngine.enabled)
    func upgradeByRelativeStepsAndPartialIDs(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        let db = try env.database()

        #expect(try env.run("upgrade", "+1").status == 0)
        #expect(try db.versions() == ["aaa111"])
        #expect(try env.run("upgrade", "bbb").status == 0)
        #expect(try db.versions() == ["bbb222"])
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try db.versions() == ["ccc333"])
        // Already at head: nothing to do, still success.
        let again = try env.run("upgrade", "head")
        #expect(again.status == 0)
        #expect(!again.stderr.contains("Running"))
        #expect(try env.run("downgrade", "aaa111").status == 0)
        #expect(try db.versions() == ["aaa111"])
        #expect(try !db.tables().contains("books"))
    }

    @Test(arguments: TestEngine.enabled)
    func stampSetsTheVersionWithoutRunning(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        let db = try env.database()

        let stamp = try env.run("stamp", "bbb222")
        #expect(stamp.status == 0, "\(stamp)")
        #expect(try db.versions() == ["bbb222"])
        #expect(try !db.tables().contains("authors"))
        #expect(try env.run("stamp", "head").status == 0)
        #expect(try db.versions() == ["ccc333"])
        #expect(try env.run("stamp", "base").status == 0)
        #expect(try db.versions() == [])
    }

    @Test(arguments: TestEngine.enabled)
    func stampPurgeReplacesUnknownRevisions(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        let db = try env.database()
        #expect(try env.run("stamp", "aaa111").status == 0)
        try db.execute("UPDATE migrate_version SET version_num = 'gone99'")

        let current = try env.run("current")
        #expect(current.status == 1)
        #expect(current.stderr.contains("names revision gone99, which no migration file declares"), "\(current)")
        #expect(try env.run("upgrade", "head").status == 1)
        #expect(try db.versions() == ["gone99"])

        #expect(try env.run("stamp", "--purge", "bbb222").status == 0)
        #expect(try db.versions() == ["bbb222"])
    }

    @Test(arguments: TestEngine.enabled)
    func versionTableCanBeRenamed(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "version_table": "alembic_version"}"#)
        #expect(try env.run("upgrade", "head").status == 0)
        let db = try env.database()
        #expect(try db.tables().contains("alembic_version"))
        #expect(try !db.tables().contains("migrate_version"))
        #expect(try db.scalar("SELECT version_num FROM alembic_version") == "ccc333")
    }

    @Test(arguments: TestEngine.enabled)
    func oneTransactionPerRunRollsEverythingBack(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        try env.migration("ddd444", parent: "ccc333", upgrade: "CREATE TABLE broken (id INTEGER REFERENCES nowhere_at_all(id) ;; SELEKT 1;")
        try env.write("migrate.json", #"{"url": "\#(env.url)", "transaction_per_migration": false}"#)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("The run's transaction was rolled back"), "\(up)")
        let db = try env.database()
        #expect(try db.versions() == [])
        #expect(try !db.tables().contains("authors"))
    }
}
