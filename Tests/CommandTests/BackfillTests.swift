import Foundation
import MigratePostgres
import Testing
import TestSupport

/// `op.backfill` on a table of 50,000 rows: batches that commit one by one, progress on stderr, a
/// run killed half way that the next run finishes from where it stopped, the version recorded
/// only when every batch is done, and `--sql` output that runs.
@Suite struct BackfillTests {
    static let rows = 50_000

    /// items(id, email, email_lower) with 50,000 rows, applied as bf1; bf2 backfills email_lower
    /// with `expression`.
    static func environment(_ engine: TestEngine, expression: String = "lower(email)", batchSize: Int = 1000) throws -> Environment {
        let env = try Environment(engine)
        let fill = switch engine {
        case .postgresql:
            "INSERT INTO items (id, email) SELECT x, 'User' || x || '@Example.com' FROM generate_series(1, \(rows)) AS x;"
        case .sqlite:
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(rows)) "
                + "INSERT INTO items (id, email) SELECT x, 'User' || x || '@Example.com' FROM c;"
        }
        try env.migration("bf1", message: "items", upgrade: """
            CREATE TABLE items (id INTEGER PRIMARY KEY, email TEXT NOT NULL, email_lower TEXT);
            \(fill)
            """)
        #expect(try env.run("upgrade", "head").status == 0)
        return try rewrite(env, expression: expression, batchSize: batchSize)
    }

    /// Writes bf2, the backfill of email_lower with `expression`.
    static func rewrite(_ env: Environment, expression: String, batchSize: Int = 1000) throws -> Environment {
        try env.write("versions/bf2_lower.swift", """
            import MigrateKit

            /// lower-case emails
            enum Rev_bf2: Migration {
                static let revision = "bf2"
                static let downRevision: [String] = ["bf1"]
                static func upgrade(_ op: Operations) {
                    op.backfill("items", set: ["email_lower": \(swiftLiteral(expression))], where: "email_lower IS NULL", batchSize: \(batchSize))
                }
                static func downgrade(_ op: Operations) {}
            }
            """)
        return env
    }

    static func swiftLiteral(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// An expression that makes each batch take a while, so a run can be watched and killed half
    /// way: a sleep per batch on PostgreSQL, work per row on SQLite.
    static func slowExpression(_ engine: TestEngine) -> String {
        switch engine {
        case .postgresql: "lower(email) || (SELECT '' FROM pg_sleep(0.05))"
        case .sqlite: "lower(email) || substr(hex(zeroblob(40000 + id % 2)), 1, 0)"
        }
    }

    static func done(_ env: Environment) throws -> Int {
        Int(try env.database().scalar("SELECT count(*) FROM items WHERE email_lower IS NOT NULL") ?? "") ?? -1
    }

    @Test(arguments: TestEngine.enabled)
    func aBackfillUpdatesEveryRowInBatchesAndRecordsTheVersion(engine: TestEngine) throws {
        let env = try Self.environment(engine)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("  backfill items: 0 of 50000 rows (0%)"), "\(result)")
        #expect(result.stderr.contains("  backfill items: 50000 of 50000 rows (100%), "), "\(result)")
        #expect(result.stderr.contains(" rows/s, done in "), "\(result)")
        #expect(result.stderr.contains("Running upgrade bf1 -> bf2, lower-case emails ("), "\(result)")
        #expect(try Self.done(env) == Self.rows)
        #expect(try env.database().scalar("SELECT email_lower FROM items WHERE id = 777") == "user777@example.com")
        #expect(try env.database().versions() == ["bf2"])
        // Nothing is left to do, so running it again (after a stamp back) updates no row.
        #expect(try env.run("stamp", "bf1").status == 0)
        let again = try env.run("upgrade", "head")
        #expect(again.stderr.contains("backfill items: 0 of 0 rows (100%)"), "\(again)")
    }

    /// Killed half way, a run leaves whole batches committed (seen from another connection) and
    /// the version table untouched; the next run updates only the rows left, then records it.
    @Test(arguments: TestEngine.enabled)
    func aKilledBackfillContinuesWhereItStopped(engine: TestEngine) throws {
        let env = try Self.environment(engine, expression: Self.slowExpression(engine))
        let run = try env.watch(["upgrade", "head"])
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        var midway = false
        while ContinuousClock.now < deadline, run.process.isRunning {
            if run.stderr.range(of: #"backfill items: [1-9][0-9]* of 50000 rows"#, options: .regularExpression) != nil {
                midway = true
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        run.sigkill()
        let (killed, _) = run.finish()
        #expect(midway, "\(killed)")
        #expect(run.wasKilled, "\(killed)")

        let done = try Self.done(env)
        #expect(done > 0 && done < Self.rows, "\(done)")
        #expect(done % 1000 == 0, "whole batches only: \(done)")
        #expect(try env.database().versions() == ["bf1"])

        let rerun = try env.run("upgrade", "head")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderr.contains("backfill items: 0 of \(Self.rows - done) rows (0%)"), "\(rerun)")
        #expect(rerun.stderr.contains("backfill items: \(Self.rows - done) of \(Self.rows - done) rows (100%)"), "\(rerun)")
        #expect(try Self.done(env) == Self.rows)
        #expect(try env.database().versions() == ["bf2"])
    }

    /// A batch that fails is rolled back; those before it stay, the message says so, and after
    /// the fix the next run continues from the failed batch.
    @Test(arguments: TestEngine.enabled)
    func aFailedBatchKeepsTheBatchesBeforeIt(engine: TestEngine) throws {
        let failing = switch engine {
        case .postgresql: "CASE WHEN id = 30500 THEN (1 / (id - 30500))::text ELSE lower(email) END"
        case .sqlite: "CASE WHEN id = 30500 THEN json('not json') ELSE lower(email) END"
        }
        let env = try Self.environment(engine, expression: failing)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("upgrade bf2 (lower-case emails) failed at operation 1 of 1"), "\(result)")
        #expect(
            result.stderr.contains(
                "A backfill commits batch by batch: the batches done before the failure stay, and the migration is "
                    + "recorded only once every batch is done. The version table says bf1 (read back after the failure). "
                    + "Running the command again continues the backfill where it stopped."),
            "\(result)")
        #expect(try Self.done(env) == 30000)
        #expect(try env.database().versions() == ["bf1"])

        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/bf2_lower.swift"))
        _ = try Self.rewrite(env, expression: "lower(email)")
        let rerun = try env.run("upgrade", "head")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderr.contains("backfill items: 0 of 20000 rows (0%)"), "\(rerun)")
        #expect(try Self.done(env) == Self.rows)
        #expect(try env.database().versions() == ["bf2"])
    }

    /// A session holding one row locked stops the batch that reaches it; the batches before it
    /// are committed and visible to every other connection meanwhile.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func batchesBeforeABlockedRowAreCommittedAndVisible() throws {
        let env = try Self.environment(.postgresql)
        let blocker = try PostgresConnection(url: env.url)
        try blocker.execute("BEGIN")
        try blocker.execute("SELECT * FROM items WHERE id = 30500 FOR UPDATE")
        let run = try env.watch(["upgrade", "head", "--lock-timeout", "0"])
        let observer = try env.database()
        var seen = -1
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ContinuousClock.now < deadline {
            seen = Int(try observer.scalar("SELECT count(*) FROM items WHERE email_lower IS NOT NULL") ?? "") ?? -1
            let waiting = try observer.scalar(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE%items%'")
            if seen == 30000 && waiting == "1" { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(seen == 30000, "30 batches of 1000 committed while the 31st waits")
        #expect(try observer.versions() == ["bf1"])
        try blocker.execute("ROLLBACK")
        let (result, timedOut) = run.finish(timeout: .seconds(60))
        #expect(!timedOut)
        #expect(result.status == 0, "\(result)")
        #expect(try Self.done(env) == Self.rows)
        #expect(try env.database().versions() == ["bf2"])
    }

    /// A migration that backfills holds nothing else: the run refuses it before anything runs.
    @Test(arguments: TestEngine.enabled)
    func aBackfillMixedWithSchemaChangesIsRefused(engine: TestEngine) throws {
        let env = try Self.environment(engine)
        try env.write("versions/bf2_lower.swift", """
            import MigrateKit

            /// lower-case emails
            enum Rev_bf2: Migration {
                static let revision = "bf2"
                static let downRevision: [String] = ["bf1"]
                static func upgrade(_ op: Operations) {
                    op.addColumn("items", Column("slug", .text))
                    op.backfill("items", set: ["slug": "lower(email)"], where: "slug IS NULL")
                }
                static func downgrade(_ op: Operations) {}
            }
            """)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.contains(
                "upgrade bf2 (lower-case emails) backfills and also runs addColumn items.slug; a migration that "
                    + "backfills must hold only backfills"),
            "\(result)")
        #expect(result.stderr.contains("bf2_lower.swift:8: "), "the other operation: \(result)")
        #expect(try env.database().versions() == ["bf1"])
    }

    /// `--sql` holds the loop (PostgreSQL) or one UPDATE (SQLite) outside any transaction, and the
    /// script run by `psql`/`sqlite3` updates every row and records the version.
    @Test(arguments: TestEngine.enabled)
    func offlineScriptsHoldTheLoopAndRun(engine: TestEngine) throws {
        let env = try Self.environment(engine, batchSize: 7000)
        let script = try env.run("upgrade", "bf1:bf2", "--sql")
        #expect(script.status == 0, "\(script)")
        let expected: String
        switch engine {
        case .postgresql:
            expected = """
                -- Running upgrade bf1 -> bf2, lower-case emails

                SET lock_timeout = '5s';

                DO $backfill$
                DECLARE
                    migrate_last_key "items"."id"%TYPE;
                """
            #expect(script.stdout.contains("END\n$backfill$;\n\nRESET lock_timeout;\n\nUPDATE \"migrate_version\""), "\(script)")
        case .sqlite:
            expected = """
                -- Running upgrade bf1 -> bf2, lower-case emails

                -- backfill items in batches of 7000 rows is what `migrate upgrade` runs; a script cannot loop,
                -- so this is one UPDATE of every row still to update.
                UPDATE "items" SET "email_lower" = lower(email) WHERE (email_lower IS NULL);
                """
        }
        #expect(script.stdout.contains(expected), "\(script)")
        #expect(!script.stdout.contains("BEGIN;"), "\(script)")
        let file = env.directory.appendingPathComponent("backfill.sql")
        try script.stdout.write(to: file, atomically: true, encoding: .utf8)
        try runShellClient(engine: engine, url: env.url, script: file)
        #expect(try Self.done(env) == Self.rows)
        #expect(try env.database().versions() == ["bf2"])
    }
}
