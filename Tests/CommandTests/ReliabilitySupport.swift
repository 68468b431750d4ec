import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SplitMix64: a small, fast, seedable generator, so a failing trial or fuzz case can be
/// replayed from the seed its failure message prints.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Settings of the reliability suites that a longer local run can raise through the environment.
enum ReliabilitySettings {
    /// An integer from the environment, or `fallback`.
    static func count(_ name: String, default fallback: Int) -> Int {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.map { max($0, 1) } ?? fallback
    }

    /// The seed named by `name` in the environment, or a fresh random one (printed on failure).
    static func seed(_ name: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[name], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }
}

/// A `migrate` process whose stdout and stderr are collected while it runs, so a test can wait
/// for a line (such as "Waiting for the migration lock") before it acts.
final class WatchedCLI: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private let readers = DispatchGroup()

    init(_ running: RunningCLI) {
        process = running.process
        for (pipe, isError) in [(running.out, false), (running.err, true)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: readers) { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    lock.lock()
                    if isError { stderrData.append(chunk) } else { stdoutData.append(chunk) }
                    lock.unlock()
                }
            }
        }
    }

    /// The stderr text so far.
    var stderr: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: stderrData, as: UTF8.self)
    }

    /// Waits until stderr contains `text` or the process ends; returns whether it appeared.
    func waitForStderr(containing text: String, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// Sends SIGKILL (if the process still runs).
    func sigkill() {
        if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
    }

    /// Waits for the process to end (killing it after `timeout`, which the result reports) and
    /// returns what it printed.
    func finish(timeout: Duration = .seconds(120)) -> (result: CLIResult, timedOut: Bool) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                timedOut = true
                sigkill()
                break
            }
            Thread.sleep(forTimeInterval: 0.005)
        }
        process.waitUntilExit()
        readers.wait()
        lock.lock()
        defer { lock.unlock() }
        return (
            CLIResult(
                status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                stderr: String(decoding: stderrData, as: UTF8.self)),
            timedOut
        )
    }

    /// Right after ``sigkill()``: false when the process had already exited by itself.
    var wasKilledOrRunning: Bool { process.isRunning || process.terminationReason == .uncaughtSignal }

    /// Whether the process ended by a signal (our SIGKILL) rather than by exiting.
    var wasKilled: Bool { process.terminationReason == .uncaughtSignal }
}

extension Environment {
    /// Starts `migrate` and collects its output while it runs.
    func watch(_ arguments: [String], environment: [String: String] = [:]) throws -> WatchedCLI {
        WatchedCLI(try start(arguments, environment: environment))
    }
}

extension TestDatabase {
    /// Runs `body` inside one read transaction, so every query sees the same committed state
    /// (PostgreSQL: a REPEATABLE READ snapshot; SQLite: a deferred transaction's read lock).
    func inSnapshot<T>(_ body: () throws -> T) throws -> T {
        try execute(connection.dialect == .postgresql ? "BEGIN ISOLATION LEVEL REPEATABLE READ" : "BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func tableExists(_ name: String) throws -> Bool {
        try connection.tableExists(name, schema: nil)
    }
}

/// A statement that keeps the engine busy for a while, so a kill or a second process can land
/// inside a migration: `pg_sleep` on PostgreSQL, a recursive CTE of `rows` rows on SQLite.
func slowStatement(_ engine: TestEngine, seconds: Double, sqliteRows: Int) -> String {
    switch engine {
    case .postgresql: "SELECT pg_sleep(\(seconds));"
    case .sqlite:
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(sqliteRows)) SELECT count(*) FROM c;"
    }
}

extension Environment {
    /// An environment whose migrate.json points at `url`, an empty database the test made
    /// (on a cluster of its own, say).
    init(_ engine: TestEngine, url: String) throws {
        directory = try makeTemporaryDirectory()
        self.url = url
        self.engine = engine
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("versions"), withIntermediateDirectories: true)
        try write("migrate.json", #"{"url": "\#(url)"}"#)
    }
}

/// Where a failed run's message says the database is: a revision ("base" for none), or nil when
/// it says the state could not be determined (or names no state at all).
func statedRevision(in stderr: String) -> String? {
    if stderr.contains("could not be determined") { return nil }
    for pattern in [
        #"database is (?:still )?at ([A-Za-z0-9_]+)"#, #"version table (?:still )?says ([A-Za-z0-9_]+)"#,
    ] {
        let expression = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(stderr.startIndex..., in: stderr)
        if let match = expression.firstMatch(in: stderr, range: range), let found = Range(match.range(at: 1), in: stderr) {
            return String(stderr[found])
        }
    }
    return nil
}
