import Foundation
import Testing
import TestSupport

/// A fleet to run commands on: 200 tenant schemas in one PostgreSQL database, or 50 SQLite
/// files, listed in migrate.json's `targets`, with two migrations that each record themselves
/// in a marker table whose primary key refuses a second run.
struct TestFleet {
    let env: Environment
    let engine: TestEngine
    let names: [String]
    /// One connection to the PostgreSQL database holding the schemas.
    private let database: TestDatabase?

    static func make(_ engine: TestEngine) throws -> TestFleet {
        let env = try Environment(engine)
        let count = engine == .postgresql ? 200 : 50
        let names = (1...count).map { String(format: "tenant_%04d", $0) }
        var database: TestDatabase?
        switch engine {
        case .postgresql:
            let db = try env.database()
            try db.execute("""
                DO $$ BEGIN
                FOR i IN 1..\(count) LOOP EXECUTE format('CREATE SCHEMA tenant_%s', lpad(i::text, 4, '0')); END LOOP;
                END $$
                """)
            database = db
            try env.write("migrate.json", #"""
                {"url": "\#(env.url)",
                 "targets": [{"schemas_query": "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' ORDER BY 1"}]}
                """#)
        case .sqlite:
            try FileManager.default.createDirectory(at: env.directory.appendingPathComponent("db"), withIntermediateDirectories: true)
            let entries = names.map { #"{"name": "\#($0)", "url": "sqlite:///db/\#($0).sqlite3"}"# }
            try env.write("migrate.json", #"{"targets": [\#(entries.joined(separator: ",\n"))]}"#)
        }
        try env.migration("f1", message: "markers", upgrade: """
            CREATE TABLE applied_markers (revision VARCHAR(20) PRIMARY KEY);
            INSERT INTO applied_markers (revision) VALUES ('f1');
            """)
        try env.migration("f2", parent: "f1", message: "items", upgrade: """
            CREATE TABLE items (id INTEGER PRIMARY KEY);
            INSERT INTO applied_markers (revision) VALUES ('f2');
            """)
        return TestFleet(env: env, engine: engine, names: names, database: database)
    }

    /// Runs SQL in one target: its schema, or its file.
    func execute(_ target: String, _ sql: String) throws {
        if let database {
            try database.execute("SET search_path TO \(target); \(sql); RESET search_path")
        } else {
            try file(target).execute(sql)
        }
    }

    private func file(_ target: String) throws -> TestDatabase {
        try TestDatabase(url: "sqlite:///" + env.directory.appendingPathComponent("db/\(target).sqlite3").path)
    }

    /// Each target's version table rows, or nil where it has none (the target was never touched).
    func versions() throws -> [String: [String]?] {
        var result: [String: [String]?] = [:]
        if let database {
            let present = Set(try database.column(
                "SELECT schemaname FROM pg_tables WHERE tablename = 'migrate_version' AND schemaname LIKE 'tenant%'"))
            for name in names { result.updateValue(present.contains(name) ? [] : nil, forKey: name) }
            guard !present.isEmpty else { return result }
            let sql = present.sorted().map { "SELECT '\($0)', version_num FROM \($0).migrate_version" }
                .joined(separator: " UNION ALL ")
            for row in try database.connection.query(sql, parameters: []) {
                result[row[0]!]!!.append(row[1]!)
            }
        } else {
            for name in names {
                let path = env.directory.appendingPathComponent("db/\(name).sqlite3").path
                result.updateValue(FileManager.default.fileExists(atPath: path) ? try file(name).versions() : nil, forKey: name)
            }
        }
        return result
    }

    /// The marker rows of one target: each migration that ran there, once.
    func markers(_ target: String) throws -> [String] {
        let sql = "SELECT revision FROM applied_markers ORDER BY revision"
        if let database { return try database.column(sql.replacingOccurrences(of: "applied_markers", with: "\(target).applied_markers")) }
        return try file(target).column(sql)
    }
}

/// One command over many databases and tenant schemas: failures, reruns, stops, canaries and
/// races, end to end through the binary.
@Suite struct FleetTests {
    /// A sabotaged target fails, every other one is upgraded, one error names the target; a
    /// rerun fixes only that target.
    @Test(arguments: TestEngine.enabled)
    func continueOnErrorUpgradesTheRestAndARerunFixesTheOne(engine: TestEngine) throws {
        let fleet = try TestFleet.make(engine)
        let broken = fleet.names[fleet.names.count / 2]
        try fleet.execute(broken, "CREATE TABLE items (id INTEGER)")

        let run = try fleet.env.run("upgrade", "head", "--all", "--jobs", "4", "--continue-on-error")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.components(separatedBy: "error: ").count - 1 == 1, "\(run)")
        #expect(run.stderr.contains("error: \(broken): "), "\(run)")
        #expect(run.stderr.contains("upgrade f2 (items) failed"), "\(run)")
        #expect(run.stderr.contains("upgrade: \(fleet.names.count - 1) of \(fleet.names.count) targets done, 1 failed"), "\(run)")
        let versions = try fleet.versions()
        for name in fleet.names where name != broken {
            #expect(versions[name] == ["f2"], "\(name)")
        }
        #expect(versions[broken] == ["f1"])

        try fleet.execute(broken, "DROP TABLE items")
        let rerun = try fleet.env.run("upgrade", "head", "--all", "--jobs", "4")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderr.contains("\(broken): ran 1 migration, now at f2"), "\(rerun)")
        #expect(rerun.stderr.components(separatedBy: ": nothing to do").count - 1 == fleet.names.count - 1, "\(rerun)")
        #expect(try fleet.versions().values.allSatisfy { $0 == ["f2"] })
        #expect(try fleet.markers(broken) == ["f1", "f2"])
    }

    /// Without --continue-on-error the first failure stops the rollout: the targets that had not
    /// started are untouched (not even a version table), and a rerun after the fix finishes.
    @Test(arguments: TestEngine.enabled)
    func aFailureStopsTheRolloutAndLeavesTheRestUntouched(engine: TestEngine) throws {
        let fleet = try TestFleet.make(engine)
        let broken = fleet.names[0]
        try fleet.execute(broken, "CREATE TABLE items (id INTEGER)")

        let run = try fleet.env.run("upgrade", "head", "--all", "--jobs", "4")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("error: \(broken): "), "\(run)")
        #expect(run.stderr.contains("upgrade f2 (items) failed"), "\(run)")
        #expect(run.stderr.contains("not run: "), "\(run)")
        let versions = try fleet.versions()
        let untouched = fleet.names.filter { versions[$0]! == nil }
        let upgraded = fleet.names.filter { versions[$0]! == ["f2"] }
        #expect(versions[broken] == ["f1"])
        #expect(untouched.count + upgraded.count == fleet.names.count - 1)
        #expect(untouched.count > fleet.names.count / 2, "the rollout went on: \(upgraded.count) upgraded")
        #expect(run.stderr.contains(", \(untouched.count) not run"), "\(run)")

        try fleet.execute(broken, "DROP TABLE items")
        let rerun = try fleet.env.run("upgrade", "head", "--all", "--jobs", "4")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(try fleet.versions().values.allSatisfy { $0 == ["f2"] })
    }

    /// A canary that fails stops everything, even with --continue-on-error.
    @Test(arguments: TestEngine.enabled)
    func aFailedCanaryStopsTheRollout(engine: TestEngine) throws {
        let fleet = try TestFleet.make(engine)
        let canary = fleet.names[2]
        try fleet.execute(canary, "CREATE TABLE items (id INTEGER)")

        let run = try fleet.env.run(
            "upgrade", "head", "--all", "--canary-target", canary, "--continue-on-error", "--jobs", "4")
        #expect(run.status == 1, "\(run)")
        #expect(run.stderr.contains("upgrade: canary \(canary) first"), "\(run)")
        #expect(run.stderr.contains("upgrade: 0 of \(fleet.names.count) targets done, 1 failed, \(fleet.names.count - 1) not run"), "\(run)")
        let versions = try fleet.versions()
        #expect(fleet.names.filter { versions[$0]! != nil } == [canary])

        try fleet.execute(canary, "DROP TABLE items")
        let rerun = try fleet.env.run("upgrade", "head", "--all", "--canary", "--jobs", "4")
        #expect(rerun.status == 0, "\(rerun)")
        #expect(rerun.stderr.contains("upgrade: canary \(fleet.names[0]) first"), "\(rerun)")
        #expect(try fleet.versions().values.allSatisfy { $0 == ["f2"] })
    }

    /// Two fleet runs racing over the same targets apply every migration exactly once per
    /// target: each target's lock is its own, and each run waits for the other's.
    @Test(arguments: TestEngine.enabled)
    func twoRacingFleetRunsApplyEachMigrationOncePerTarget(engine: TestEngine) throws {
        let fleet = try TestFleet.make(engine)
        let runs = try (0..<2).map { _ in try fleet.env.watch(["upgrade", "head", "--all", "--jobs", "4"]) }
        let results = runs.map { $0.finish(timeout: .seconds(300)) }
        for (result, timedOut) in results {
            #expect(!timedOut, "\(result)")
            #expect(result.status == 0, "\(result)")
        }
        for name in fleet.names {
            #expect(try fleet.markers(name) == ["f1", "f2"], "\(name)")
        }
        #expect(try fleet.versions().values.allSatisfy { $0 == ["f2"] })
        // Between them, the two runs applied each target's two migrations once.
        let applied = results.map { result in
            result.result.stderr.split(separator: "\n").reduce(0) { total, line in
                if line.hasSuffix("ran 2 migrations, now at f2") { return total + 2 }
                if line.hasSuffix("ran 1 migration, now at f2") { return total + 1 }
                return total
            }
        }
        #expect(applied.reduce(0, +) == 2 * fleet.names.count, "\(applied)")
    }

    /// `status` shows each target and a summary, as text and JSON; `current --all` is the same.
    @Test(arguments: TestEngine.enabled)
    func statusShowsEachTargetAndASummary(engine: TestEngine) throws {
        let fleet = try TestFleet.make(engine)
        let before = try fleet.env.run("status", "--all")
        #expect(before.status == 0, "\(before)")
        #expect(before.stdout.contains("\(fleet.names[0])  behind by 2 (at base)"), "\(before)")
        #expect(before.stdout.hasSuffix("\(fleet.names.count) targets: \(fleet.names.count) behind\n"), "\(before)")

        #expect(try fleet.env.run("upgrade", "head", "--all").status == 0)
        #expect(try fleet.env.run("downgrade", "f1", "--target", fleet.names[1]).status == 0)
        try fleet.execute(fleet.names[2], "INSERT INTO migrate_version (version_num) VALUES ('fffff9')")
        let after = try fleet.env.run("status", "--all", "--jobs", "2")
        #expect(after.status == 0, "\(after)")
        #expect(after.stdout.contains("\(fleet.names[0])  at head (f2)"), "\(after)")
        #expect(after.stdout.contains("\(fleet.names[1])  behind by 1 (at f1)"), "\(after)")
        #expect(after.stdout.contains("\(fleet.names[2])  ahead (at f2, fffff9, which no migration file declares)"), "\(after)")
        #expect(after.stdout.hasSuffix("\(fleet.names.count) targets: \(fleet.names.count - 2) at head, 1 behind, 1 ahead\n"), "\(after)")
        #expect(try fleet.env.run("current", "--all").stdout == after.stdout)

        let json = try fleet.env.run("status", "--target", "*_0002", "--target", fleet.names[1], "--json")
        #expect(json.status == 0, "\(json)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let targets = object["targets"] as! [[String: Any]]
        #expect(targets.map { $0["name"] as! String } == [fleet.names[1]])
        #expect(targets[0]["state"] as? String == "behind")
        #expect(targets[0]["pending"] as? Int == 1)
        #expect(targets[0]["heads"] as? [String] == ["f1"])
        #expect(object["summary"] as? [String: Int] == ["behind": 1])
        #expect(object["heads"] as? [String] == ["f2"])
    }
}
