import Foundation
import Testing
import TestSupport

/// Kills `migrate upgrade head` with SIGKILL at random moments and checks that the database is
/// always at a revision boundary, and that the next run finishes the job.
///
/// `MIGRATE_CRASH_TRIALS` sets the number of trials per engine (25 by default) and
/// `MIGRATE_CRASH_SEED` replays a run; every failure message names the seed and the trial.
@Suite struct CrashSafetyTests {
    /// The history every trial migrates: six revisions, each creating a table and filling it in
    /// two batches, three of them with a slow statement between the batches.
    static let revisions = (1...6).map { "crash\($0)" }
    static let slowRevisions: Set<Int> = [2, 4, 5]
    static let rowsPerBatch = 300

    static func writeHistory(_ env: Environment) throws {
        for (offset, id) in revisions.enumerated() {
            let number = offset + 1
            func batch(_ from: Int) -> String {
                """
                WITH RECURSIVE n(x) AS (SELECT \(from) UNION ALL SELECT x + 1 FROM n WHERE x < \(from + rowsPerBatch - 1))
                INSERT INTO crash_t\(number) (id, payload) SELECT x, 'row ' || x FROM n;
                """
            }
            let slow = slowRevisions.contains(number) ? slowStatement(env.engine, seconds: 0.04, sqliteRows: 150_000) : ""
            try env.migration(
                id, parent: offset == 0 ? nil : revisions[offset - 1], message: "table \(number)",
                upgrade: """
                    CREATE TABLE crash_t\(number) (id INTEGER PRIMARY KEY, payload VARCHAR(40) NOT NULL);
                    \(batch(1))
                    \(slow)
                    \(batch(rowsPerBatch + 1))
                    """,
                downgrade: "DROP TABLE crash_t\(number);")
        }
    }

    /// Checks, in one consistent snapshot, that the database is exactly at some revision of the
    /// linear history, and returns how many revisions are applied.
    static func appliedCount(_ env: Environment, context: String) throws -> Int? {
        let db = try env.database()
        return try db.inSnapshot { () -> Int? in
            let versions = try db.tableExists("migrate_version")
                ? try db.column("SELECT version_num FROM migrate_version") : []
            #expect(versions.count <= 1, "the version table holds \(versions) \(context)")
            let applied: Int
            if let head = versions.first {
                guard let index = revisions.firstIndex(of: head) else {
                    Issue.record("the version table names \(head), which is no revision \(context)")
                    return nil
                }
                applied = index + 1
            } else {
                applied = 0
            }
            var good = true
            for number in 1...revisions.count {
                let exists = try db.tableExists("crash_t\(number)")
                if number <= applied {
                    let rows = exists ? try db.scalar("SELECT count(*) FROM crash_t\(number)") : nil
                    if rows != String(2 * rowsPerBatch) {
                        Issue.record("at \(revisions[applied - 1]), crash_t\(number) has \(rows ?? "no table") rows, not \(2 * rowsPerBatch) \(context)")
                        good = false
                    }
                } else if exists {
                    Issue.record("at \(applied == 0 ? "base" : revisions[applied - 1]), crash_t\(number) of an unapplied revision exists \(context)")
                    good = false
                }
            }
            let history = try db.tableExists("migrate_version_history")
                ? try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") : []
            if history != Array(revisions.prefix(applied)) {
                Issue.record("the history table holds \(history) but the database is at \(applied) revision(s) \(context)")
                good = false
            }
            return good ? applied : nil
        }
    }

    @Test(arguments: TestEngine.enabled)
    func killedUpgradesLeaveTheDatabaseAtARevisionBoundary(engine: TestEngine) throws {
        let trials = ReliabilitySettings.count("MIGRATE_CRASH_TRIALS", default: 25)
        let seed = ReliabilitySettings.seed("MIGRATE_CRASH_SEED")
        var random = SeededGenerator(seed: seed)
        let replay = "(engine \(engine), MIGRATE_CRASH_SEED=\(seed))"

        // Calibrate: how long an uninterrupted run takes here, so kills spread over all of it.
        let calibration = try Environment(engine)
        try Self.writeHistory(calibration)
        let clock = ContinuousClock()
        let started = clock.now
        let full = try calibration.run("upgrade", "head")
        var window = (clock.now - started) / 1
        try #require(full.status == 0, "\(full)")
        try #require(try Self.appliedCount(calibration, context: replay) == Self.revisions.count)

        var killedMidRun = 0
        var landedAt = [Int](repeating: 0, count: Self.revisions.count + 1)
        var waitedForKilledLock = 0
        for trial in 1...trials {
            let context = "in trial \(trial) of \(trials) \(replay)"
            let env = try Environment(engine)
            try Self.writeHistory(env)
            let windowSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
            let delay = Double.random(in: 0...1, using: &random) * windowSeconds
            let runStarted = clock.now
            let process = try env.watch(["upgrade", "head"])
            Thread.sleep(forTimeInterval: delay)
            process.sigkill()
            if !process.wasKilledOrRunning {
                // The run finished before the kill: runs are quicker now than when calibrated.
                window = min(window, (clock.now - runStarted) * 0.8)
            }
            let (killed, _) = process.finish(timeout: .seconds(60))
            if process.wasKilled {
                killedMidRun += 1
            } else {
                #expect(killed.status == 0, "the run the kill missed failed \(context): \(killed)")
            }
            #expect(!killed.stderr.contains("Fatal error"), "\(context): \(killed)")

            let applied = try Self.appliedCount(env, context: "after a kill after \(Int(delay * 1000)) ms \(context)")
            try #require(applied != nil, "the database is not at a revision boundary after the kill \(context)")
            landedAt[applied!] += 1

            // The next deploy finishes the job (on PostgreSQL perhaps after the killed run's
            // backend lets go of the migration lock).
            let next = try env.run("upgrade", "head")
            #expect(next.status == 0, "the upgrade after the kill failed \(context): \(next)")
            if next.stderr.contains("Waiting for the migration lock") { waitedForKilledLock += 1 }
            #expect(try Self.appliedCount(env, context: "after the following upgrade \(context)") == Self.revisions.count)
        }
        print(
            "crash safety \(engine): \(trials) trials, \(killedMidRun) killed mid-run, "
                + "database found at revision 0…6: \(landedAt), \(waitedForKilledLock) following runs waited for a killed run's lock, "
                + "kill window \(window) \(replay)")
        // Kills must land inside runs, not only before or after them, or the test proves nothing.
        #expect(killedMidRun >= trials / 2, "only \(killedMidRun) of \(trials) kills landed in a run \(replay)")
        #expect(landedAt.dropFirst().dropLast().reduce(0, +) > 0 || trials < 10, "no kill left the database between revisions \(landedAt) \(replay)")
    }
    /// Stops the PostgreSQL server (`pg_ctl stop -m immediate`, a crash) or ends the run's
    /// backend (`pg_terminate_backend`) at random moments during `upgrade head`, on a cluster of
    /// the test's own, and checks that where each failure message says the database is agrees
    /// with `migrate current` once the server is back, or says it could not be determined.
    ///
    /// `MIGRATE_SERVER_CRASH_TRIALS` sets the number of trials (12 by default); half stop the
    /// server, half end the backend. `MIGRATE_CRASH_SEED` replays a run.
    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func failureMessagesAfterServerCrashesStateWhereTheDatabaseIs() throws {
        let trials = ReliabilitySettings.count("MIGRATE_SERVER_CRASH_TRIALS", default: 12)
        let seed = ReliabilitySettings.seed("MIGRATE_CRASH_SEED")
        var random = SeededGenerator(seed: seed)
        let replay = "(MIGRATE_CRASH_SEED=\(seed))"
        let cluster = try ThrowawayCluster()

        // Calibrate: how long the migrations take here once the first one starts, so the
        // disruptions spread over the run itself rather than the process's start-up.
        let calibration = try Environment(.postgresql, url: try cluster.freshDatabase())
        try Self.writeHistory(calibration)
        let clock = ContinuousClock()
        let calibrationRun = try calibration.watch(["upgrade", "head"])
        try #require(calibrationRun.waitForStderr(containing: "Running upgrade", timeout: .seconds(60)))
        let started = clock.now
        let (full, _) = calibrationRun.finish(timeout: .seconds(120))
        let window = clock.now - started
        try #require(full.status == 0, "\(full)")

        var outcomes: [String: Int] = [:]
        for trial in 1...trials {
            let crash = trial % 2 == 1
            let context = "in trial \(trial) of \(trials) (\(crash ? "server stopped" : "backend ended")) \(replay)"
            let env = try Environment(.postgresql, url: try cluster.freshDatabase())
            try Self.writeHistory(env)
            let windowSeconds = Double(window.components.seconds) + Double(window.components.attoseconds) / 1e18
            let delay = Double.random(in: 0...1, using: &random) * windowSeconds
            let process = try env.watch(["upgrade", "head"])
            _ = process.waitForStderr(containing: "Running upgrade", timeout: .seconds(60))
            Thread.sleep(forTimeInterval: delay)
            if crash {
                try cluster.stop(immediately: true)
            } else {
                // The only migrate sessions on the cluster besides this one are the run's.
                _ = try TestDatabase(url: cluster.adminURL).column(
                    """
                    SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity
                    WHERE application_name = 'migrate' AND pid <> pg_backend_pid() AND datname LIKE 'crash\\_%'
                    """)
            }
            let (result, timedOut) = process.finish(timeout: .seconds(120))
            if crash { try cluster.start() }
            #expect(!timedOut, "the run hung \(context): \(result)")
            #expect(!result.stderr.contains("Fatal error"), "\(context): \(result)")

            let current = try env.run("current")
            try #require(current.status == 0, "\(context): \(current)")
            let actual = current.stdout.split(separator: "\n").first.map { String($0.split(separator: " ")[0]) } ?? "base"
            let outcome: String
            if result.status == 0 {
                outcome = "completed before the \(crash ? "stop" : "termination")"
                #expect(actual == Self.revisions.last!, "\(context): \(result)")
            } else if result.stderr.contains("error: cannot connect to PostgreSQL") {
                // Stopped before the run connected: it changed nothing and says so by saying nothing else.
                outcome = "could not connect"
                #expect(actual == "base", "\(context): \(result)")
            } else if let stated = statedRevision(in: result.stderr) {
                let how = result.stderr.contains("COMMIT reached the server") ? ", the lost COMMIT had landed" : ""
                outcome = "stated the revision (\(crash ? "server stopped" : "backend ended")\(how))"
                #expect(stated == actual, "the message says \(stated) but the database is at \(actual) \(context): \(result)")
            } else {
                outcome = "could not be determined (\(crash ? "server stopped" : "backend ended"))"
                #expect(result.stderr.contains("could not be determined") && result.stderr.contains("migrate current"), "\(context): \(result)")
            }
            outcomes[outcome, default: 0] += 1
            #expect(try Self.appliedCount(env, context: context) != nil, "\(context)")
        }
        print("server crashes: \(trials) trials; " + outcomes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + " \(replay)")
    }
}
