import Foundation
import Testing
import TestSupport

/// Offline scripts of a branchy history, snapshotted byte for byte so any change to them shows
/// up in review. Run with `MIGRATE_UPDATE_GOLDEN=1` to rewrite the files after a deliberate change.
@Suite struct OfflineGoldenTests {
    /// Tests/CommandTests/Golden, found from this file rather than as a bundle resource.
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// A URL of the engine's kind that offline mode never connects to.
    static func offlineURL(_ engine: TestEngine) -> String {
        switch engine {
        case .sqlite: "sqlite:///never-opened.sqlite3"
        case .postgresql: "postgresql://nobody@/nowhere?host=/nonexistent"
        }
    }

    @Test(arguments: TestEngine.allCases)
    func branchyScriptsMatchTheGoldenFiles(engine: TestEngine) throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env)
        let scripts: [(name: String, arguments: [String])] = [
            ("branchy-upgrade", ["upgrade", "heads", "--sql"]),
            ("branchy-upgrade-range", ["upgrade", "bbb222:right@head", "--sql"]),
            ("branchy-downgrade", ["downgrade", "heads:left@base", "--sql"]),
            // A stamp runs through the same runner: one transaction, Alembic's `stamp_revision`
            // marker, the version and history statements.
            ("branchy-stamp", ["stamp", "heads", "--sql"]),
        ]
        for (name, arguments) in scripts {
            let result = try env.run(arguments + ["--url", Self.offlineURL(engine)])
            #expect(result.status == 0, "\(arguments): \(result)")
            let golden = Self.goldenFolder.appendingPathComponent("\(name).\(engine).sql")
            if ProcessInfo.processInfo.environment["MIGRATE_UPDATE_GOLDEN"] == "1" {
                try FileManager.default.createDirectory(at: Self.goldenFolder, withIntermediateDirectories: true)
                try result.stdout.write(to: golden, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: golden, encoding: .utf8)
            #expect(result.stdout == expected, "\(golden.lastPathComponent) differs; rerun with MIGRATE_UPDATE_GOLDEN=1 if the change is intended")
        }
    }

    /// The printed scripts, run by `psql`/`sqlite3`, leave the same tables and version rows as
    /// online runs, through the fork, the merge and back down one branch.
    @Test(arguments: TestEngine.enabled)
    func branchyScriptsMatchOnlineRuns(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env)
        let offline = try Environment(engine)
        let online = try Environment(engine)
        try writeBranchyHistory(online)

        let stages: [(offline: [String], online: [String], rows: [String])] = [
            (["upgrade", "left@ddd444", "--sql"], ["upgrade", "left@ddd444"], ["ddd444"]),
            (["upgrade", "ddd444:heads", "--sql"], ["upgrade", "heads"], ["fff666"]),
            (["downgrade", "fff666:ccc333", "--sql"], ["downgrade", "ccc333"], ["ccc333", "ddd444"]),
            // A relative end counts from the range's start: one step down the left branch.
            (["downgrade", "ddd444:left@-1", "--sql"], ["downgrade", "left@-1"], ["bbb222", "ccc333"]),
        ]
        for (index, stage) in stages.enumerated() {
            let script = try env.run(stage.offline)
            #expect(script.status == 0, "\(stage.offline): \(script)")
            let file = env.directory.appendingPathComponent("stage\(index).sql")
            try script.stdout.write(to: file, atomically: true, encoding: .utf8)
            try runShellClient(engine: engine, url: offline.url, script: file)
            let run = try online.run(stage.online)
            #expect(run.status == 0, "\(stage.online): \(run)")
            #expect(try online.database().versions() == stage.rows, "\(stage.online)")
            #expect(try offline.database().versions() == online.database().versions(), "\(stage.offline)")
            #expect(try offline.database().tables() == online.database().tables(), "\(stage.offline)")
        }
    }

    /// A statement whose last line ends in a `--` comment gets its `;` on a line of its own, so
    /// the comment cannot swallow it, and the printed script still runs; a `--` in a string is
    /// no comment.
    @Test(arguments: TestEngine.enabled)
    func aTrailingCommentDoesNotSwallowTheSemicolon(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.write("versions/a1_notes.swift", """
            import MigrateKit

            /// notes
            enum Rev_a1: Migration {
                static let revision = "a1"
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {
                    op.execute("CREATE TABLE notes (id integer) -- the table")
                    op.execute("INSERT INTO notes VALUES (1) -- the first row, not 'a -- b'")
                    op.execute("INSERT INTO notes VALUES (2)")
                    op.execute("INSERT INTO notes VALUES (length('a -- b'))")
                }
                static func downgrade(_ op: Operations) {
                    op.dropTable("notes")
                }
            }
            """)
        let script = try env.run("upgrade", "head", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(script.stdout.contains("CREATE TABLE notes (id integer) -- the table\n;\n"))
        #expect(script.stdout.contains("INSERT INTO notes VALUES (1) -- the first row, not 'a -- b'\n;\n"))
        #expect(script.stdout.contains("INSERT INTO notes VALUES (2);\n"))
        #expect(script.stdout.contains("INSERT INTO notes VALUES (length('a -- b'));\n"))
        let file = env.directory.appendingPathComponent("notes.sql")
        try script.stdout.write(to: file, atomically: true, encoding: .utf8)
        try runShellClient(engine: engine, url: env.url, script: file)
        #expect(try env.database().scalar("SELECT count(*) FROM notes") == "3")
    }
}
