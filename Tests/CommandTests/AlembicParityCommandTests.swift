import Foundation
import Testing
import TestSupport

/// End-to-end checks of the places where migrate follows Alembic's revision graph, on both
/// engines, online and as offline scripts. Each test is one kind of move; the graph-level
/// table of Alembic's own scenarios is `AlembicParityTests` in MigrateCoreTests.
@Suite struct AlembicParityCommandTests {
    /// Writes an SQL migration that creates (and drops) a table named after the revision.
    private func revision(
        _ env: Environment, _ id: String, parent: String? = nil, labels: String = "", dependsOn: String = "",
        file: String? = nil
    ) throws {
        let header = """
            -- migration \(id)
            -- revision: \(id)
            -- down_revision: \(parent ?? "")
            -- branch_labels: \(labels)
            -- depends_on: \(dependsOn)
            """
        try env.write(
            "versions/\(file ?? "\(id)_m.sql")",
            """
            \(header)

            -- migrate:upgrade
            CREATE TABLE t_\(id) (id INTEGER PRIMARY KEY);

            -- migrate:downgrade
            DROP TABLE t_\(id);

            """)
    }

    private func chain(_ env: Environment, _ ids: [String]) throws {
        for (index, id) in ids.enumerated() {
            try revision(env, id, parent: index == 0 ? nil : ids[index - 1])
        }
    }

    /// The revisions a printed script runs, from its `-- Running …` lines.
    private func running(_ script: CLIResult) -> [String] {
        script.lines.filter { $0.hasPrefix("-- Running ") }.map { String($0.dropFirst("-- Running ".count)) }
    }

    private func expectSuccess(_ result: CLIResult, _ comment: String = "") {
        #expect(result.status == 0, "\(comment) \(result)")
    }

    /// A downgrade reverts what grows from the target's children; a revision that only depends
    /// on the target stays, and keeps the target applied.
    @Test(arguments: TestEngine.enabled)
    func downgradeKeepsRevisionsThatOnlyDependOnTheTarget(engine: TestEngine) throws {
        let env = try Environment(engine)
        try revision(env, "a1")
        try revision(env, "b1", dependsOn: "a1")
        try revision(env, "bmerge", parent: "a1, b1")
        expectSuccess(try env.run("upgrade", "bmerge"))
        expectSuccess(try env.run("downgrade", "a1"))
        let db = try env.database()
        #expect(try db.versions() == ["b1"])
        #expect(try db.tables().isSuperset(of: ["t_a1", "t_b1"]))
        #expect(try !db.tables().contains("t_bmerge"))

        let script = try env.run("downgrade", "bmerge:a1", "--sql", "--url", OfflineGoldenTests.offlineURL(engine))
        expectSuccess(script)
        #expect(running(script) == ["downgrade bmerge -> a1, b1, migration bmerge"])
    }

    /// `heads-N` counts N steps down from the graph's head, whatever the database holds.
    @Test(arguments: TestEngine.enabled)
    func headsMinusCountsFromTheGraph(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a", "b", "c", "d", "e"])
        expectSuccess(try env.run("upgrade", "c"))
        expectSuccess(try env.run("downgrade", "heads-3"))
        #expect(try env.database().versions() == ["b"])
        let script = try env.run("downgrade", "c:heads-3", "--sql", "--url", OfflineGoldenTests.offlineURL(engine))
        #expect(running(script) == ["downgrade c -> b, migration c"])

        try revision(env, "e2", parent: "d")
        let ambiguous = try env.run("downgrade", "heads-1")
        #expect(ambiguous.status == 64, "\(ambiguous)")
        #expect(ambiguous.stderr.contains("'heads' names 2 heads (e2, e)"), "\(ambiguous)")
        #expect(try env.database().versions() == ["b"])
    }

    /// `REV@TARGET` keeps a downgrade to REV's line; `LABEL@+1` steps that branch from
    /// wherever the database is on it.
    @Test(arguments: TestEngine.enabled)
    func branchQualifiedTargets(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a", "b"])
        try revision(env, "c1", parent: "b", labels: "c1branch")
        try revision(env, "d1", parent: "c1")
        try revision(env, "c2", parent: "b", labels: "c2branch")
        try revision(env, "d2", parent: "c2")
        let db = try env.database()
        expectSuccess(try env.run("upgrade", "heads"))
        expectSuccess(try env.run("downgrade", "d1@b"))
        #expect(try db.versions() == ["d2"])
        expectSuccess(try env.run("downgrade", "base"))
        expectSuccess(try env.run("upgrade", "d1"))
        let step = try env.run("upgrade", "c2branch@+1")
        expectSuccess(step)
        #expect(try db.versions() == ["c2", "d1"])
        #expect(step.stderr.contains("Running upgrade b -> c2"), "\(step)")

        let url = OfflineGoldenTests.offlineURL(engine)
        let script = try env.run("downgrade", "heads:d1@b", "--sql", "--url", url)
        #expect(script.status == 64, "offline `heads` names two revisions: \(script)")
        let fromD1 = try env.run("downgrade", "d1:d1@b", "--sql", "--url", url)
        #expect(running(fromD1) == ["downgrade d1 -> c1, migration d1", "downgrade c1 -> b, migration c1"])
    }

    /// Relative steps that cannot be taken are errors that change nothing.
    @Test(arguments: TestEngine.enabled)
    func relativeStepsThatCannotBeTakenFail(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a", "b", "c"])
        expectSuccess(try env.run("upgrade", "b"))
        for arguments in [["upgrade", "-2"], ["upgrade", "+5"], ["downgrade", "-5"], ["downgrade", "+1"]] {
            let result = try env.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
        }
        #expect(try env.database().versions() == ["b"])
        let url = OfflineGoldenTests.offlineURL(engine)
        let script = try env.run("upgrade", "b:+5", "--sql", "--url", url)
        #expect(script.status == 64, "\(script)")
        #expect(script.stdout.isEmpty, "\(script)")
    }

    /// `current` shows the newest applied revision of each line, including one applied only
    /// because a row depends on it, with Alembic's markers, and never a row below another.
    @Test(arguments: TestEngine.enabled)
    func currentShowsWhatTheRowsImply(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a1", "a2", "a3"])
        try revision(env, "d1")
        try revision(env, "d2", parent: "d1", dependsOn: "a3")
        try revision(env, "m0")
        try revision(env, "m1", parent: "m0")
        try revision(env, "m2", parent: "m0")
        try revision(env, "mm", parent: "m1, m2")
        expectSuccess(try env.run("upgrade", "d2"))
        let current = try env.run("current")
        expectSuccess(current)
        #expect(current.stdout == "a3 (effective head)\nd2 (head)\n", "\(current)")
        let json = try #require(try env.run("current", "--json").json() as? [String: Any])
        #expect(json["database_heads"] as? [String] == ["d2"])
        #expect((json["revisions"] as? [[String: Any]])?.map { $0["revision"] as? String } == ["a3", "d2"])

        expectSuccess(try env.run("upgrade", "m0"))
        #expect(try env.run("current").stdout == "a3 (effective head)\nd2 (head)\nm0 (branchpoint)\n")
        expectSuccess(try env.run("upgrade", "mm"))
        #expect(try env.run("current").stdout == "a3 (effective head)\nd2 (head)\nmm (head) (mergepoint)\n")
        // Stamping two revisions of one line leaves both rows, as Alembic does; `current`
        // shows only the newer.
        expectSuccess(try env.run("stamp", "--purge", "m0", "m1"))
        #expect(try env.database().versions() == ["m0", "m1"])
        #expect(try env.run("current").stdout == "m1\n")
    }

    /// Upgrading to a revision that is already applied is a no-op, as in Alembic.
    @Test(arguments: TestEngine.enabled)
    func upgradeToAnAppliedRevisionDoesNothing(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a", "b", "c"])
        expectSuccess(try env.run("upgrade", "c"))
        let again = try env.run("upgrade", "a")
        expectSuccess(again)
        #expect(!again.stderr.contains("Running"), "\(again)")
        #expect(try env.database().versions() == ["c"])
        let script = try env.run("upgrade", "c:a", "--sql", "--url", OfflineGoldenTests.offlineURL(engine))
        expectSuccess(script)
        #expect(running(script).isEmpty, "\(script)")
    }

    /// A label whose branch ends in a revision another branch depends on still names that end.
    @Test(arguments: TestEngine.enabled)
    func labelOnABranchOthersDependOn(engine: TestEngine) throws {
        let env = try Environment(engine)
        try revision(env, "t1", labels: "t")
        try revision(env, "t2", parent: "t1")
        try revision(env, "q1", dependsOn: "t2")
        let script = try env.run("upgrade", "t@head", "--sql", "--url", OfflineGoldenTests.offlineURL(engine))
        expectSuccess(script)
        #expect(running(script) == ["upgrade  -> t1, migration t1", "upgrade t1 -> t2, migration t2"])
        expectSuccess(try env.run("stamp", "t@head"))
        #expect(try env.database().versions() == ["t2"])
        let unknown = try env.run("stamp", "nope@head")
        #expect(unknown.status == 64, "\(unknown)")
        #expect(try env.database().versions() == ["t2"])
    }

    /// Offline ranges: a relative end counts from the range's start, `stamp A:B` prints the
    /// version-table moves, and what cannot be known offline is refused.
    @Test(arguments: TestEngine.enabled)
    func offlineRanges(engine: TestEngine) throws {
        let env = try Environment(engine)
        try chain(env, ["a", "b", "c"])
        let url = OfflineGoldenTests.offlineURL(engine)
        #expect(running(try env.run("upgrade", "a:+1", "--sql", "--url", url)) == ["upgrade a -> b, migration b"])
        #expect(running(try env.run("downgrade", "c:-2", "--sql", "--url", url))
            == ["downgrade c -> b, migration c", "downgrade b -> a, migration b"])
        for arguments in [
            ["stamp", "--purge", "b", "--sql"], ["downgrade", "c:", "--sql"], ["upgrade", ":c", "--sql"],
            ["stamp", "a:b", "b:c", "--sql"],
        ] {
            let refused = try env.run(arguments + ["--url", url])
            #expect(refused.status == 64, "\(arguments): \(refused)")
            #expect(refused.stdout.isEmpty, "\(arguments): \(refused)")
        }

        // The stamp script moves a database at a to c without running anything.
        expectSuccess(try env.run("upgrade", "a"))
        let stamp = try env.run("stamp", "a:c", "--sql", "--url", url)
        expectSuccess(stamp)
        let file = env.directory.appendingPathComponent("stamp.sql")
        try stamp.stdout.write(to: file, atomically: true, encoding: .utf8)
        try runShellClient(engine: engine, url: env.url, script: file)
        #expect(try env.database().versions() == ["c"])
        #expect(try !env.database().tables().contains("t_b"))
    }

    /// Independent branches run, list and show in the order their files load (names sorted),
    /// not by revision id.
    @Test(arguments: TestEngine.enabled)
    func independentBranchesFollowFileOrder(engine: TestEngine) throws {
        let env = try Environment(engine)
        try revision(env, "zz1", file: "1_first.sql")
        try revision(env, "aa1", file: "2_second.sql")
        #expect(try env.run("heads").stdout == "zz1 (head)\naa1 (head)\n")
        #expect(try env.run("history").lines.filter { !$0.isEmpty }
            == ["<base> -> zz1 (head), migration zz1", "<base> -> aa1 (head), migration aa1"])
        let upgrade = try env.run("upgrade", "heads")
        expectSuccess(upgrade)
        // Alembic runs the last-listed line first.
        let ran = upgrade.stderr.split(separator: "\n").filter { $0.contains("Running upgrade") }
        #expect(ran.count == 2 && ran[0].contains("-> aa1") && ran[1].contains("-> zz1"), "\(upgrade)")
        #expect(try env.run("current").stdout == "zz1 (head)\naa1 (head)\n")
        let script = try env.run("upgrade", "heads", "--sql", "--url", OfflineGoldenTests.offlineURL(engine))
        #expect(running(script) == ["upgrade  -> aa1, migration aa1", "upgrade  -> zz1, migration zz1"])
    }
}
