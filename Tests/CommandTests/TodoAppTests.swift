import Foundation
import Testing
import TestSupport

/// The example app (`Examples/TodoApp`), built as an executable and run against fresh
/// databases: its Migrator upgrades at start-up, takes turns with the command line, and races
/// another process safely.
@Suite struct TodoAppTests {
    static let revisions = ["7d0c1a2b3e4f", "8e1d2b3c4f5a", "9f2e3c4d5a6b"]

    /// The built `TodoApp` executable, beside `migrate`.
    static let executable = Environment.executable.deletingLastPathComponent().appendingPathComponent("TodoApp")

    /// The example's folder in the repository.
    static let exampleFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples/TodoApp")

    /// An environment holding a copy of the example's migrate.json, migrations and models, so
    /// the command line reads the very files the app compiled and bundled.
    static func environment(_ engine: TestEngine) throws -> Environment {
        let env = try Environment(engine)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions"))
        for item in ["Migrations", "SQL", "Models"] {
            try FileManager.default.copyItem(
                at: exampleFolder.appendingPathComponent(item), to: env.directory.appendingPathComponent(item))
        }
        let config = try String(contentsOf: exampleFolder.appendingPathComponent("migrate.json"), encoding: .utf8)
        try env.write("migrate.json", config.replacingOccurrences(of: "${TODO_DATABASE_URL:-sqlite:///todo.sqlite3}", with: env.url))
        return env
    }

    static func start(_ arguments: [String]) throws -> RunningCLI {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return RunningCLI(process: process, out: out, err: err)
    }

    static func app(_ arguments: String...) throws -> CLIResult {
        try start(arguments).finish()
    }

    @Test(arguments: TestEngine.enabled)
    func theAppMigratesAFreshDatabaseAtStartUp(engine: TestEngine) throws {
        let env = try Self.environment(engine)
        let run = try Self.app(env.url)
        #expect(run.status == 0, "\(run)")
        #expect(run.stderr.contains("Running upgrade 8e1d2b3c4f5a -> 9f2e3c4d5a6b, fill in slugs"), "\(run)")
        let db = try env.database()
        #expect(try db.versions() == ["9f2e3c4d5a6b"])
        #expect(try db.column("SELECT slug FROM todos") == ["welcome-to-todo"])
        // The compiled migrations are recorded by their operations, the SQL file by its text.
        let checksums = try db.connection.query(
            "SELECT revision, checksum FROM migrate_version_history ORDER BY revision", parameters: [])
        try #require(checksums.map { $0[0] } == Self.revisions, "\(run)")
        #expect(checksums[0][1]?.hasPrefix("ops-") == true && checksums[2][1]?.hasPrefix("ops-") == true, "\(checksums)")
        #expect(checksums[1][1]?.count == 64 && checksums[1][1]?.hasPrefix("ops-") == false, "\(checksums)")

        let current = try Self.app(env.url, "current")
        #expect(current.stdout == "9f2e3c4d5a6b\n", "\(current)")
        #expect(try Self.app(env.url, "pending").stdout == "")
        // The models the app declares match what its migrations built.
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")

        // Down through the data migration's own downgrade, and up again: it fills the slugs again.
        let down = try Self.app(env.url, "downgrade", "7d0c1a2b3e4f")
        #expect(down.status == 0, "\(down)")
        #expect(try db.versions() == ["7d0c1a2b3e4f"])
        #expect(try Self.app(env.url, "pending").stdout == "8e1d2b3c4f5a\n9f2e3c4d5a6b\n")
        #expect(try Self.app(env.url).status == 0)
        #expect(try db.column("SELECT slug FROM todos") == ["welcome-to-todo"])
    }

    /// The app upgrades part way, the command line continues with what it can run, refuses the
    /// Swift data migration by name, the app finishes, and each sees the other's records
    /// without reporting them as edited.
    @Test(arguments: TestEngine.enabled)
    func theAppAndTheCommandLineTakeTurns(engine: TestEngine) throws {
        let env = try Self.environment(engine)
        let db = try env.database()
        #expect(try Self.app(env.url, "upgrade", "7d0c1a2b3e4f").status == 0)

        let cli = try env.run("upgrade", "8e1d2b3c4f5a")
        #expect(cli.status == 0, "\(cli)")
        #expect(!cli.stderr.contains("warning"), "the app's record is not an edit: \(cli)")
        #expect(try db.versions() == ["8e1d2b3c4f5a"])

        let refused = try env.run("upgrade", "head")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains(
            "upgrade 9f2e3c4d5a6b (fill in slugs) runs Swift code (op.run \"fill in slugs\" at "), "\(refused)")
        #expect(refused.stderr.contains("9f2e3c4d5a6b_fill_in_slugs.swift:14), which the command line cannot run"), "\(refused)")
        #expect(refused.stderr.contains("Run this migration with the app's Migrator"), "\(refused)")
        #expect(refused.stderr.contains("To apply the migrations before it, run `migrate upgrade 8e1d2b3c4f5a`."), "\(refused)")
        #expect(try db.versions() == ["8e1d2b3c4f5a"], "nothing ran")

        let script = try env.run("upgrade", "8e1d2b3c4f5a:head", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(script.stdout.contains(
            "-- Swift code of 9f2e3c4d5a6b runs here (op.run \"fill in slugs\" at \(env.directory.path)/Migrations/"
                + "9f2e3c4d5a6b_fill_in_slugs.swift:14); run it with the app's Migrator\n"), "\(script)")

        let app = try Self.app(env.url)
        #expect(app.status == 0, "\(app)")
        #expect(!app.stderr.contains("verify:"), "\(app)")
        #expect(app.stderr.contains("Running upgrade 8e1d2b3c4f5a -> 9f2e3c4d5a6b"), "\(app)")
        #expect(!app.stderr.contains("-> 8e1d2b3c4f5a"), "the app sees what the command line applied: \(app)")
        #expect(try env.run("current").stdout == "9f2e3c4d5a6b (head)\n")
        let verify = try env.run("verify")
        #expect(verify.status == 0, "\(verify)")

        // The command line compares an app's operation checksum with the operations it reads:
        // a comment changes nothing, an edited operation is reported.
        let path = env.directory.appendingPathComponent("Migrations/9f2e3c4d5a6b_fill_in_slugs.swift")
        let original = try String(contentsOf: path, encoding: .utf8)
        try (original + "\n// a note\n").write(to: path, atomically: true, encoding: .utf8)
        #expect(try env.run("verify").status == 0)
        try original.replacingOccurrences(of: "unique: true", with: "unique: false")
            .write(to: path, atomically: true, encoding: .utf8)
        let edited = try env.run("verify")
        #expect(edited.status == 1, "\(edited)")
        #expect(edited.stdout.contains("changed: revision 9f2e3c4d5a6b was applied at"), "\(edited)")
    }

    /// The command line applies a compiled migration's file; the app, which cannot see the
    /// file's text, does not take its checksum for an edit.
    @Test func aMigrationTheCommandLineAppliedIsNotAnEditToTheApp() throws {
        let env = try Self.environment(.sqlite)
        #expect(try env.run("upgrade", "8e1d2b3c4f5a").status == 0)
        let app = try Self.app(env.url)
        #expect(app.status == 0, "\(app)")
        #expect(!app.stderr.contains("verify:"), "\(app)")
        #expect(try env.database().versions() == ["9f2e3c4d5a6b"])
    }

    /// Two processes of the app start at once on one fresh database: each migration, the data
    /// migration's insert included, happens exactly once.
    @Test(arguments: TestEngine.enabled)
    func twoAppsRacingApplyEachMigrationOnce(engine: TestEngine) throws {
        for _ in 0..<3 {
            let env = try Self.environment(engine)
            let runs = try (0..<2).map { _ in try Self.start([env.url]) }
            let results = runs.map { $0.finish() }
            for result in results { #expect(result.status == 0, "\(result)") }
            let db = try env.database()
            #expect(try db.column("SELECT title FROM todos") == ["Welcome to Todo"], "\(results)")
            #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == Self.revisions)
            let reported = results.map { $0.stderr.components(separatedBy: "Running upgrade").count - 1 }
            #expect(reported.reduce(0, +) == 3, "\(results)")
        }
    }

    /// The app and the command line racing on one SQLite file share the run lock.
    @Test func theAppAndTheCommandLineRacingShareTheLock() throws {
        let env = try Self.environment(.sqlite)
        let app = try Self.start([env.url, "upgrade", "8e1d2b3c4f5a"])
        let cli = try env.start(["upgrade", "8e1d2b3c4f5a"])
        let results = [app.finish(), cli.finish()]
        for result in results { #expect(result.status == 0, "\(result)") }
        let reported = results.map { $0.stderr.components(separatedBy: "Running upgrade").count - 1 }
        #expect(reported.reduce(0, +) == 2, "\(results)")
        #expect(try env.database().versions() == ["8e1d2b3c4f5a"])
    }
}
