import Foundation
import Testing
import TestSupport

/// Migrations through PgBouncer, and the read commands on a hot standby: what fleets of
/// production databases sit behind.
@Suite(.serialized) struct PoolerAndStandbyTests {
    static var poolerTestsEnabled: Bool {
        TestEngine.postgresql.isEnabled && (ServerFixtures.hasPgBouncer || ProcessInfo.processInfo.environment["MIGRATE_REQUIRE_POSTGRES"] == "1")
    }

    /// The database name of a test environment's URL (`postgresql://…/NAME?host=…`).
    static func databaseName(_ url: String) -> String {
        let path = url.split(separator: "?")[0]
        return String(path[path.index(after: path.lastIndex(of: "/")!)...])
    }

    static func writeMigrations(_ env: Environment) throws {
        try env.migration("p1", message: "items", upgrade: "CREATE TABLE items (id INTEGER PRIMARY KEY);")
        try env.migration("p2", parent: "p1", message: "labels", upgrade: "CREATE TABLE labels (id INTEGER PRIMARY KEY);")
    }

    /// In session pooling each client keeps its server session: migrations run, one database
    /// or a fleet of schemas, with as many workers as the pool has sessions.
    @Test(.enabled(if: poolerTestsEnabled))
    func sessionPoolingRunsMigrations() throws {
        let pooler = try PgBouncerFixture(poolMode: "session")
        defer { pooler.stop() }
        let env = try Environment(.postgresql)
        try Self.writeMigrations(env)
        let url = pooler.url(database: Self.databaseName(env.url))
        let run = try env.run("upgrade", "head", "--url", url)
        #expect(run.status == 0, "\(run)")
        #expect(try env.database().versions() == ["p2"])

        try env.database().execute("CREATE SCHEMA t1; CREATE SCHEMA t2; CREATE SCHEMA t3; CREATE SCHEMA t4; CREATE SCHEMA t5")
        try env.write("migrate.json", #"{"url": "\#(url)", "targets": [{"schemas": ["t1", "t2", "t3", "t4", "t5"]}]}"#)
        let fleet = try env.run("upgrade", "head", "--all", "--jobs", "4")
        #expect(fleet.status == 0, "\(fleet)")
        #expect(try env.database().column("SELECT count(*) FROM pg_tables WHERE tablename = 'labels'") == ["6"])
    }

    /// In transaction pooling the session advisory lock would stay behind on one server session:
    /// commands that lock refuse, naming the setting; commands that only read work.
    @Test(.enabled(if: poolerTestsEnabled))
    func transactionPoolingIsRefusedForMigrationsAndFineForReads() throws {
        let pooler = try PgBouncerFixture(poolMode: "transaction")
        defer { pooler.stop() }
        let env = try Environment(.postgresql)
        try Self.writeMigrations(env)
        let url = pooler.url(database: Self.databaseName(env.url))

        for command in [["upgrade", "head"], ["stamp", "p1"]] {
            let run = try env.run(command + ["--url", url])
            #expect(run.status == 1, "\(run)")
            #expect(run.stderr.hasPrefix("error: the PostgreSQL database \(url) is reached through a connection pooler"), "\(run)")
            #expect(run.stderr.contains("pool_mode = session"), "\(run)")
        }
        #expect(try env.database().tables().isEmpty, "nothing ran, not even the version table")

        #expect(try env.run("upgrade", "head").status == 0)
        let current = try env.run("current", "--url", url)
        #expect(current.status == 0, "\(current)")
        #expect(current.stdout == "p2 (head)\n")
        #expect(try env.run("status", "--url", url).status == 0)
        #expect(try env.run("verify", "--url", url).status == 0)

        // A fleet through the pooler: every target fails with the same message, after one probe.
        try env.database().execute("CREATE SCHEMA t1; CREATE SCHEMA t2")
        try env.write("migrate.json", #"{"url": "\#(url)", "targets": [{"schemas": ["t1", "t2"]}]}"#)
        let fleet = try env.run("upgrade", "head", "--all", "--continue-on-error")
        #expect(fleet.status == 1, "\(fleet)")
        #expect(fleet.stderr.contains("error: t1: the PostgreSQL database \(url) is reached through a connection pooler"), "\(fleet)")
        #expect(fleet.stderr.contains("error: t2: the PostgreSQL database \(url) is reached through a connection pooler"), "\(fleet)")
        #expect(fleet.stderr.contains("upgrade: 0 of 2 targets done, 2 failed"), "\(fleet)")
        let status = try env.run("status", "--all")
        #expect(status.status == 0, "\(status)")
        #expect(status.stdout == "t1  behind by 2 (at base)\nt2  behind by 2 (at base)\n2 targets: 2 behind\n")
    }

    /// A hot standby answers every command that only reads; upgrade fails clearly there; a
    /// multi-host URL with target_session_attrs=read-write finds the primary, past a standby or a
    /// host that is down.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func readCommandsWorkOnAStandbyAndMultiHostURLsFindThePrimary() throws {
        let pair = try StandbyPairFixture()
        defer { pair.stop() }
        let env = try Environment(.postgresql)
        try Self.writeMigrations(env)
        try FileManager.default.createDirectory(at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write("models/App.swift", """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("items", Column("id", .integer, primaryKey: true, autoincrement: false)),
                    Table("labels", Column("id", .integer, primaryKey: true, autoincrement: false)),
                ]
            }

            """)
        try env.write("migrate.json", #"{"url": "\#(pair.primaryURL)", "models": ["models"]}"#)
        #expect(try env.run("upgrade", "head").status == 0)
        try pair.waitForReplay()

        for command in [["current"], ["status"], ["check"], ["verify"], ["heads"], ["history", "--indicate-current"]] {
            let run = try env.run(command + ["--url", pair.standbyURL])
            #expect(run.status == 0, "\(command): \(run)")
        }
        #expect(try env.run("current", "--url", pair.standbyURL).stdout == "p2 (head)\n")
        let status = try env.run("status", "--url", pair.standbyURL, "--json")
        #expect(status.stdout.contains(#""state": "at_head""#), "\(status)")

        try env.migration("p3", parent: "p2", message: "tags", upgrade: "CREATE TABLE tags (id INTEGER PRIMARY KEY);")
        let refused = try env.run("upgrade", "head", "--url", pair.standbyURL)
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("read-only transaction"), "\(refused)")
        #expect(try env.run("status", "--url", pair.standbyURL).stdout.hasPrefix("127.0.0.1:\(pair.standbyPort)/postgres  behind by 1 (at p2)"))

        let downPort = try ServerFixtures.freePort()
        for first in ["127.0.0.1:\(pair.standbyPort)", "127.0.0.1:\(downPort)"] {
            let url = "postgresql://postgres@\(first),127.0.0.1:\(pair.primaryPort)/postgres?target_session_attrs=read-write&connect_timeout=10"
            let run = try env.run("upgrade", "head", "--url", url)
            #expect(run.status == 0, "\(first): \(run)")
        }
        let primary = try TestDatabase(url: pair.primaryURL)
        #expect(try primary.versions() == ["p3"])
    }
}
