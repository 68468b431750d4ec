import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// What is in versions/ is reported, never waited on: a named pipe, text that is not UTF-8 and a
/// cycle in the revisions each end the command with an error naming the place.
@Suite struct HostileFilesTests {
    /// A command that hangs is killed after this long and reported; a run takes well under a second.
    static let deadline: Duration = .seconds(60)

    /// Runs `migrate`, killing it if it is still running after ``deadline``.
    static func run(_ env: Environment, _ arguments: [String]) throws -> CLIResult {
        let running = try env.start(arguments)
        let clock = ContinuousClock()
        let start = clock.now
        while running.process.isRunning && clock.now - start < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        if running.process.isRunning {
            kill(running.process.processIdentifier, SIGKILL)
            Issue.record("migrate \(arguments.joined(separator: " ")) still ran after \(deadline)")
        }
        return running.finish()
    }

    static func writeLinearHistory(_ env: Environment) throws {
        try env.migration("aaa111", upgrade: "CREATE TABLE a (id INTEGER);", downgrade: "DROP TABLE a;")
        try env.migration("bbb222", parent: "aaa111", upgrade: "CREATE TABLE b (id INTEGER);", downgrade: "DROP TABLE b;")
    }

    /// A named pipe with a migration file's name is refused, naming it, without being opened:
    /// opening it would wait for a writer forever.
    @Test(arguments: ["ccc333_m.sql", "ccc333_m.swift"])
    func aNamedPipeInVersionsIsRefusedWithoutWaiting(name: String) throws {
        let env = try Environment(.sqlite)
        try Self.writeLinearHistory(env)
        let path = env.directory.appendingPathComponent("versions/\(name)").path
        try #require(mkfifo(path, 0o644) == 0)
        for command in [["heads"], ["history"], ["upgrade", "head"], ["upgrade", "head", "--sql"], ["check"]] {
            let result = try Self.run(env, command)
            #expect(result.status == 1, "\(command): \(result)")
            #expect(result.stderr.contains("versions/\(name)"), "\(command): \(result)")
            #expect(result.stderr.contains("a named pipe (FIFO) is not a migration file"), "\(command): \(result)")
            #expect(result.stderr.contains("must be regular files"), "\(command): \(result)")
        }
        #expect(try env.database().versions() == [])
        // Removing it is the remedy the message gives.
        try FileManager.default.removeItem(atPath: path)
        #expect(try Self.run(env, ["upgrade", "head"]).status == 0)
    }

    /// A symbolic link to a regular file is a migration file like any other; a folder with a
    /// migration file's name is refused like a named pipe.
    @Test func linksToFilesAreReadAndFoldersAreRefused() throws {
        let env = try Environment(.sqlite)
        try Self.writeLinearHistory(env)
        let elsewhere = env.directory.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        try env.write("shared/ccc333.sql", """
            -- linked
            -- revision: ccc333
            -- down_revision: bbb222

            -- migrate:upgrade
            CREATE TABLE c (id INTEGER);

            """)
        try FileManager.default.createSymbolicLink(
            atPath: env.directory.appendingPathComponent("versions/ccc333_m.sql").path,
            withDestinationPath: elsewhere.appendingPathComponent("ccc333.sql").path)
        let heads = try Self.run(env, ["heads"])
        #expect(heads.status == 0 && heads.stdout.contains("ccc333"), "\(heads)")

        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("versions/ddd444.sql"), withIntermediateDirectories: true)
        let folder = try Self.run(env, ["heads"])
        #expect(folder.status == 1, "\(folder)")
        #expect(folder.stderr.contains("versions/ddd444.sql: a folder is not a migration file"), "\(folder)")
    }

    /// Bytes that are not UTF-8 are reported at their place: the line and column (in bytes),
    /// and the offset of the first bad byte in the file.
    @Test(arguments: ["sql", "swift"])
    func textThatIsNotUTF8IsReportedAtTheFirstBadByte(fileExtension: String) throws {
        let env = try Environment(.sqlite)
        try Self.writeLinearHistory(env)
        let header = fileExtension == "sql" ? "-- caf" : "// caf"
        // Line 3 is "-- café" in Latin-1: 0xE9 is the 7th byte of the line, at offset 21 + 6.
        let text = Array("-- first line\n-- second\n".utf8) + Array(header.utf8) + [0xE9] + Array("\nmore\n".utf8)
        let path = env.directory.appendingPathComponent("versions/ccc333_m.\(fileExtension)")
        try Data(text).write(to: path)
        let offset = "-- first line\n-- second\n".utf8.count + 6
        for command in [["heads"], ["upgrade", "head", "--sql"]] {
            let result = try Self.run(env, command)
            #expect(result.status == 1, "\(command): \(result)")
            #expect(result.stderr.contains("versions/ccc333_m.\(fileExtension):3:7"), "\(command): \(result)")
            #expect(
                result.stderr.contains(
                    "byte 0xE9 at offset \(offset) (line 3, column 7) does not start a valid UTF-8 sequence"),
                "\(command): \(result)")
            #expect(result.stderr.contains("save it as UTF-8 text"), "\(command): \(result)")
        }
    }

    /// A cycle is reported by the revisions on it, not by every revision that builds on it.
    @Test func aCycleNamesOnlyTheRevisionsOnIt() throws {
        let env = try Environment(.sqlite)
        try env.migration("aaa111", parent: "ccc333", upgrade: "SELECT 1;")
        try env.migration("bbb222", parent: "aaa111", upgrade: "SELECT 1;")
        try env.migration("ccc333", parent: "bbb222", upgrade: "SELECT 1;")
        try env.migration("ddd444", parent: "ccc333", upgrade: "SELECT 1;")
        try env.migration("eee555", parent: "ddd444", upgrade: "SELECT 1;")
        let result = try Self.run(env, ["heads"])
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.contains(
                "versions/aaa111_m.sql: revisions form a cycle through down_revision or depends_on: aaa111 -> bbb222 -> ccc333 -> aaa111"),
            "\(result)")
        #expect(!result.stderr.contains("ddd444") && !result.stderr.contains("eee555"), "\(result)")
    }
}
