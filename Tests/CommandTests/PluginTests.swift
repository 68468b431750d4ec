import Foundation
import Testing
import TestSupport

/// `swift package migrate …` in a package that depends on this one by path.
///
/// SwiftPM builds `migrate` (and swift-syntax) for that package, which takes minutes the first
/// time; the package and its build folder are kept under this repository's `.build/plugin-test/`
/// so later runs on the same machine only rebuild what changed. The build runs at the lowest CPU
/// priority so the rest of the suite is not starved meanwhile.
@Suite struct PluginTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `swift package --scratch-path … ARGUMENTS` in `directory`, waiting at most 40 minutes.
    static func swiftPackage(_ arguments: [String], in directory: URL, scratch: URL) throws -> CLIResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["nice", "-n", "19", "swift", "package", "--scratch-path", scratch.path] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["MIGRATE_DATABASE_URL"] = nil
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let (result, timedOut) = WatchedCLI(RunningCLI(process: process, out: out, err: err)).finish(timeout: .seconds(2400))
        #expect(!timedOut, "swift package \(arguments) did not finish within 40 minutes")
        return result
    }

    @Test func thePluginRunsEveryCommandInADependentPackage() throws {
        let root = Self.repository.appendingPathComponent(".build/plugin-test")
        let package = root.appendingPathComponent("package")
        let scratch = root.appendingPathComponent("scratch")
        // The package is written afresh each time; its build folder is kept.
        try? FileManager.default.removeItem(at: package)
        try FileManager.default.createDirectory(
            at: package.appendingPathComponent("Sources/Notes"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: package.appendingPathComponent("versions"), withIntermediateDirectories: true)
        try """
            // swift-tools-version:6.0
            import PackageDescription

            let package = Package(
                name: "Notes",
                dependencies: [.package(path: \(String(reflecting: Self.repository.path)))],
                targets: [.target(name: "Notes")]
            )

            """.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        try "public let notes = 1\n".write(
            to: package.appendingPathComponent("Sources/Notes/Notes.swift"), atomically: true, encoding: .utf8)
        try #"{"url": "sqlite:///notes.sqlite3"}"#.write(
            to: package.appendingPathComponent("migrate.json"), atomically: true, encoding: .utf8)

        let revision = try Self.swiftPackage(
            ["--allow-writing-to-package-directory", "migrate", "revision", "-m", "create notes", "--format", "sql",
             "--rev-id", "abc123"],
            in: package, scratch: scratch)
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stdout.hasSuffix("\(package.path)/versions/abc123_create_notes.sql\n"), "\(revision)")
        #expect(FileManager.default.fileExists(atPath: package.appendingPathComponent("versions/abc123_create_notes.sql").path))

        let heads = try Self.swiftPackage(
            ["--allow-writing-to-package-directory", "migrate", "heads"], in: package, scratch: scratch)
        #expect(heads.status == 0, "\(heads)")
        #expect(heads.stdout.hasSuffix("abc123 (head)\n"), "\(heads)")

        let upgrade = try Self.swiftPackage(
            ["--allow-writing-to-package-directory", "migrate", "upgrade", "head"], in: package, scratch: scratch)
        #expect(upgrade.status == 0, "\(upgrade)")
        // SwiftPM passes on all of the plugin's output, the tool's stderr included, on its stdout.
        #expect((upgrade.stdout + upgrade.stderr).contains("Running upgrade  -> abc123, create notes"), "\(upgrade)")
        #expect(try TestDatabase(url: "sqlite:///" + package.appendingPathComponent("notes.sqlite3").path).versions() == ["abc123"])

        // A failing command fails the plugin, with migrate's own message.
        let failing = try Self.swiftPackage(
            ["--allow-writing-to-package-directory", "migrate", "upgrade", "nosuchrevision"], in: package, scratch: scratch)
        #expect(failing.status != 0, "\(failing)")
        #expect((failing.stdout + failing.stderr).contains("nosuchrevision"), "\(failing)")
    }
}
