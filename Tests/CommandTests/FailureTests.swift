import Foundation
import Testing
import TestSupport

@Suite struct FailureTests {
    @Test(arguments: TestEngine.enabled)
    func failingMigrationIsRolledBackAndNamed(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        try env.migration("ddd444", parent: "ccc333", message: "add reviews", upgrade: """
            CREATE TABLE reviews (id INTEGER PRIMARY KEY, body TEXT);
            INSERT INTO reviews (id, body) VALUES (1, 'fine');
            INSERT INTO no_such_table (id) VALUES (1);
            """)

        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        // The message names the revision, the file, the statement and the engine's error.
        #expect(up.stderr.contains("upgrade ddd444 (add reviews) failed at operation 3 of 3 (statement 3 of the migration)"), "\(up)")
        // The third statement is on line 8 of the file the test writes (header, blank, marker, 2 statements).
        #expect(up.stderr.contains("versions/ddd444_m.sql:8: upgrade ddd444"), "\(up)")
        #expect(up.stderr.contains("INSERT INTO no_such_table (id) VALUES (1)"), "\(up)")
        #expect(up.stderr.contains(engine == .postgresql ? "42P01" : "no such table"), "\(up)")
        #expect(up.stderr.contains("the database is at ccc333"), "\(up)")
        #expect(!up.stderr.contains("Fatal error"))

        // The earlier migrations committed; the failed one left nothing behind.
        let db = try env.database()
        #expect(try db.versions() == ["ccc333"])
        #expect(try !db.tables().contains("reviews"))
        #expect(try db.tables().contains("books"))
    }

    @Test(arguments: TestEngine.enabled)
    func unknownRevisionIsAUsageErrorAndTouchesNothing(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "aaa111").status == 0)

        let result = try env.run("upgrade", "zzz")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("no revision matches 'zzz'"), "\(result)")
        #expect(try env.database().versions() == ["aaa111"])

        let down = try env.run("downgrade", "ccc333")
        #expect(down.status == 64, "\(down)")
        #expect(down.stderr.contains("ccc333 is not a valid downgrade target"), "\(down)")
        #expect(down.stderr.contains("it is not applied"), "\(down)")
    }

    @Test(arguments: TestEngine.enabled)
    func malformedHeaderNamesTheFileAndLine(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        try env.write("versions/eee555_bad.sql", """
            -- broken header
            -- revision: eee555
            -- down_revison: ccc333

            -- migrate:upgrade
            SELECT 1;
            """)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("versions/eee555_bad.sql:3"), "\(result)")
        #expect(result.stderr.contains("down_revison"), "\(result)")
        #expect(try env.database().versions() == [])
    }

    @Test func missingConfigurationSuggestsInit() throws {
        let env = try Environment(.sqlite)
        let result = try env.run("-c", "nowhere.json", "current")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("nowhere.json"), "\(result)")
        #expect(result.stderr.contains("migrate init"), "\(result)")
    }

    @Test func missingParentIsAGraphError() throws {
        let env = try Environment(.sqlite)
        try env.migration("fff666", parent: "missing1", upgrade: "SELECT 1;")
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("revision fff666 names down_revision missing1"), "\(result)")
    }

    @Test func unreachablePostgresIsAClearErrorWithoutThePassword() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let result = try env.run(
            "--url", "postgresql://deploy:s3cret-pw@/appdb?host=/nonexistent/socket/dir", "upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("cannot connect to PostgreSQL"), "\(result)")
        #expect(!result.stderr.contains("s3cret-pw"), "\(result)")
        #expect(!result.stdout.contains("s3cret-pw"))
    }

    @Test func badArgumentsExitWithUsageStatus() throws {
        let env = try Environment(.sqlite)
        let result = try env.run("upgrade")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("Missing expected argument"), "\(result)")
    }

    @Test func headWithSeveralHeadsListsThem() throws {
        let env = try Environment(.sqlite)
        try env.migration("aaa111", upgrade: "SELECT 1;")
        try env.migration("bbb222", parent: "aaa111", upgrade: "SELECT 1;")
        try env.migration("ccc333", parent: "aaa111", upgrade: "SELECT 1;")
        let result = try env.run("upgrade", "head")
        #expect(result.status == 64, "\(result)")
        #expect(result.stderr.contains("there are 2 heads (bbb222, ccc333)"), "\(result)")
        #expect(result.stderr.contains("merge"), "\(result)")
        #expect(try env.run("upgrade", "heads").status == 0)
        #expect(try env.database().versions() == ["bbb222", "ccc333"])
    }
}
