import Foundation
import Testing
import TestSupport

/// What one run of the `migrate` executable did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// A migration environment in a temporary folder, driven through the real `migrate` binary,
/// so tests see exactly what users see: arguments, output streams and exit statuses.
struct Environment {
    let directory: URL
    let url: String
    let engine: TestEngine

    /// A new environment with `migrate.json` pointing at a fresh database of `engine`.
    init(_ engine: TestEngine) throws {
        directory = try makeTemporaryDirectory()
        url = try engine.freshDatabaseURL()
        self.engine = engine
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("versions"), withIntermediateDirectories: true)
        try write("migrate.json", #"{"url": "\#(url)"}"#)
    }

    /// A fresh database of `engine` built from a models file's `text` by `revision
    /// --autogenerate` and `upgrade head`, with `check` clean afterwards: what adopting a
    /// database promises of the models `inspect` writes.
    static func built(
        fromModels text: String, _ engine: TestEngine, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Environment {
        let fresh = try Environment(engine)
        try FileManager.default.createDirectory(
            at: fresh.directory.appendingPathComponent("Models"), withIntermediateDirectories: true)
        try fresh.write("Models/Schema.swift", text)
        try fresh.write("migrate.json", #"{"url": "\#(fresh.url)", "models": ["Models"]}"#)
        let revision = try fresh.run("revision", "--autogenerate", "-m", "adopted")
        #expect(revision.status == 0, "\(revision)", sourceLocation: sourceLocation)
        let up = try fresh.run("upgrade", "head")
        #expect(up.status == 0, "\(up)", sourceLocation: sourceLocation)
        let check = try fresh.run("check")
        #expect(check.status == 0, "\(check)", sourceLocation: sourceLocation)
        return fresh
    }

    /// The built `migrate` executable, next to the test bundle.
    static let executable: URL = {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("migrate").path), folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("migrate")
    }()

    @discardableResult
    func run(_ arguments: String..., environment: [String: String] = [:]) throws -> CLIResult {
        try run(arguments, environment: environment)
    }

    /// Runs `migrate` in the environment's folder and waits for it.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let process = try start(arguments, environment: environment)
        return process.finish()
    }

    /// Starts `migrate` without waiting, for tests of concurrent runs.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningCLI {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["MIGRATE_DATABASE_URL"] = nil
        env["NO_COLOR"] = "1"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return RunningCLI(process: process, out: out, err: err)
    }

    /// Writes a file relative to the environment's folder.
    func write(_ path: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    /// Writes an SQL migration file into versions/.
    func migration(
        _ id: String, parent: String? = nil, message: String? = nil, upgrade: String, downgrade: String = "",
        extraHeader: String = ""
    ) throws {
        try write(
            "versions/\(id)_m.sql",
            """
            -- \(message ?? "migration \(id)")
            -- revision: \(id)
            -- down_revision: \(parent ?? "")
            \(extraHeader)
            -- migrate:upgrade
            \(upgrade)

            -- migrate:downgrade
            \(downgrade)

            """)
    }

    /// Opens the environment's database for inspection.
    func database() throws -> TestDatabase { try TestDatabase(url: url) }
}

/// A `migrate` process started by ``Environment/start(_:environment:)``.
struct RunningCLI {
    let process: Process
    let out: Pipe
    let err: Pipe

    func finish() -> CLIResult {
        // Read both pipes before waiting, so a chatty process cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var stdout = Data()
        nonisolated(unsafe) var stderr = Data()
        DispatchQueue.global().async(group: group) { stdout = out.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { stderr = err.fileHandleForReading.readDataToEndOfFile() }
        group.wait()
        process.waitUntilExit()
        return CLIResult(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
