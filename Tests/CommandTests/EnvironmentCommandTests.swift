import Foundation
import Testing
import TestSupport

@Suite struct InitAndRevisionTests {
    @Test func initWritesAnEnvironmentThatUpgrades() throws {
        let env = try Environment(.sqlite)
        let folder = env.directory.appendingPathComponent("fresh")
        let result = try env.run("init", "fresh")
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("migrate.json").path))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("versions").path))

        let again = try env.run("init", "fresh")
        #expect(again.status != 0)
        #expect(again.stderr.contains("already exists"), "\(again)")

        // The new environment works as it is, on the default embedded SQLite database.
        let config = folder.appendingPathComponent("migrate.json").path
        let revision = try env.run("-c", config, "revision", "-m", "First table!", "--format", "sql")
        #expect(revision.status == 0, "\(revision)")
        let path = revision.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasSuffix("_first_table.sql"), "\(revision)")
        #expect(path.hasPrefix(folder.appendingPathComponent("versions").path), "\(revision)")
        #expect(try env.run("-c", config, "upgrade", "head").status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("migrate.sqlite3").path))

        // The models file init wrote is read by check, and autogenerate works from it.
        #expect(try env.run("-c", config, "check").status == 0)
        let models = folder.appendingPathComponent("Models/Schema.swift")
        let declared = try String(contentsOf: models, encoding: .utf8).replacingOccurrences(
            of: "static let tables: [Table] = [",
            with: "static let tables: [Table] = [\n        Table(\"notes\", Column(\"id\", .integer, primaryKey: true), Column(\"body\", .text)),")
        try declared.write(to: models, atomically: true, encoding: .utf8)
        let drift = try env.run("-c", config, "check")
        #expect(drift.status == 1, "\(drift)")
        #expect(drift.stdout.contains("notes"), "\(drift)")
        let autogenerate = try env.run("-c", config, "revision", "--autogenerate", "-m", "add notes")
        #expect(autogenerate.status == 0, "\(autogenerate)")
        #expect(try env.run("-c", config, "upgrade", "head").status == 0)
        #expect(try env.run("-c", config, "check").status == 0)
    }

    @Test func revisionChainsOntoTheHead() throws {
        let env = try Environment(.sqlite)
        let first = try env.run("revision", "-m", "one", "--rev-id", "aaa111", "--format", "sql")
        #expect(first.status == 0, "\(first)")
        let second = try env.run("revision", "-m", "two", "--rev-id", "bbb222", "--format", "sql")
        #expect(second.status == 0, "\(second)")
        let text = try String(contentsOfFile: second.stdout.trimmingCharacters(in: .whitespacesAndNewlines), encoding: .utf8)
        #expect(text.contains("-- revision: bbb222"))
        #expect(text.contains("-- down_revision: aaa111"))
        #expect(text.contains("-- migrate:upgrade"))
        #expect(text.contains("-- migrate:downgrade"))

        let duplicate = try env.run("revision", "-m", "three", "--rev-id", "bbb222", "--format", "sql")
        #expect(duplicate.status == 64, "\(duplicate)")
        #expect(duplicate.stderr.contains("already used"), "\(duplicate)")
        let badID = try env.run("revision", "-m", "four", "--rev-id", "x'; DROP", "--format", "sql")
        #expect(badID.status == 64)

        // Both files upgrade and downgrade (empty migrations are valid).
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.database().versions() == ["bbb222"])
    }
}

@Suite struct URLPrecedenceTests {
    @Test func flagThenEnvironmentThenFile() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let fromEnv = env.directory.appendingPathComponent("env.sqlite3").path
        let fromFlag = env.directory.appendingPathComponent("flag.sqlite3").path

        #expect(try env.run("upgrade", "aaa111", environment: ["MIGRATE_DATABASE_URL": "sqlite:///\(fromEnv)"]).status == 0)
        #expect(try TestDatabase(url: "sqlite:///\(fromEnv)").versions() == ["aaa111"])
        #expect(try env.database().versions() == [])

        #expect(try env.run("--url", "sqlite:///\(fromFlag)", "upgrade", "bbb222",
                            environment: ["MIGRATE_DATABASE_URL": "sqlite:///\(fromEnv)"]).status == 0)
        #expect(try TestDatabase(url: "sqlite:///\(fromFlag)").versions() == ["bbb222"])
        #expect(try TestDatabase(url: "sqlite:///\(fromEnv)").versions() == ["aaa111"])
    }

    @Test func configurationExpandsEnvironmentVariables() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        try env.write("migrate.json", #"{"url": "sqlite:///${DB_NAME:-fallback}.sqlite3"}"#)
        #expect(try env.run("upgrade", "head", environment: ["DB_NAME": "chosen"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("chosen.sqlite3").path))
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(FileManager.default.fileExists(atPath: env.directory.appendingPathComponent("fallback.sqlite3").path))

        try env.write("migrate.json", #"{"url": "${NOT_SET_ANYWHERE}"}"#)
        let result = try env.run("current")
        #expect(result.status == 1)
        #expect(result.stderr.contains("NOT_SET_ANYWHERE"), "\(result)")
    }
}

@Suite struct OfflineTests {
    /// The printed script, run by the engine's own shell, leaves the same schema and version
    /// table as an online run.
    @Test(arguments: TestEngine.enabled)
    func offlineScriptMatchesOnlineRun(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        let script = try env.run("upgrade", "head", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(script.stdout.contains("-- Running upgrade  -> aaa111, create authors\n"))
        #expect(script.stdout.contains("-- Running upgrade aaa111 -> bbb222, create books\n"))
        #expect(script.stdout.contains("BEGIN;"))
        #expect(script.stdout.contains("INSERT INTO \"migrate_version\" (version_num) VALUES ('aaa111');"))
        #expect(script.stdout.contains("UPDATE \"migrate_version\" SET version_num = 'bbb222' WHERE version_num = 'aaa111';"))
        #expect(try env.run("upgrade", "head", "--sql").stdout == script.stdout, "offline output is deterministic")

        let scriptFile = env.directory.appendingPathComponent("upgrade.sql")
        try script.stdout.write(to: scriptFile, atomically: true, encoding: .utf8)
        let offline = try Environment(engine)
        try runShellClient(engine: engine, url: offline.url, script: scriptFile)
        let online = try Environment(engine)
        try writeLinearHistory(online)
        #expect(try online.run("upgrade", "head").status == 0)
        #expect(try offline.database().versions() == online.database().versions())
        #expect(try offline.database().tables() == online.database().tables())

        let down = try env.run("downgrade", "head:base", "--sql")
        #expect(down.status == 0, "\(down)")
        #expect(down.stdout.contains("-- Running downgrade ccc333 -> bbb222, index titles"))
        #expect(down.stdout.contains("DELETE FROM \"migrate_version\" WHERE version_num = 'aaa111';"))
        let downFile = env.directory.appendingPathComponent("downgrade.sql")
        try down.stdout.write(to: downFile, atomically: true, encoding: .utf8)
        try runShellClient(engine: engine, url: offline.url, script: downFile)
        #expect(try offline.database().versions() == [])
        #expect(try !offline.database().tables().contains("authors"))
    }

    @Test func offlineRangeStartsFromTheLowerEnd() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let script = try env.run("upgrade", "aaa111:ccc333", "--sql")
        #expect(script.status == 0, "\(script)")
        #expect(!script.stdout.contains("-> aaa111"))
        #expect(script.stdout.contains("Running upgrade aaa111 -> bbb222"))
        // Without a range the script starts at base, so a relative step counts from there.
        let relative = try env.run("upgrade", "+1", "--sql")
        #expect(relative.status == 0, "\(relative)")
        #expect(relative.stdout.contains("Running upgrade  -> aaa111"), "\(relative)")
        #expect(!relative.stdout.contains("bbb222"), "\(relative)")
        let downgrade = try env.run("downgrade", "base", "--sql")
        #expect(downgrade.status == 64)
        #expect(downgrade.stderr.contains("needs a range"), "\(downgrade)")
    }
}

/// Runs a script with `sqlite3` or `psql`, stopping at the first error.
func runShellClient(engine: TestEngine, url: String, script: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    switch engine {
    case .sqlite:
        let path = String(url.dropFirst("sqlite:///".count))
        process.arguments = ["sqlite3", "-bail", path, ".read \(script.path)"]
    case .postgresql:
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", script.path]
    }
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(message)")
}
