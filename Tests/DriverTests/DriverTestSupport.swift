import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import TestSupport

/// A new empty database for one test, and a way to open as many connections to it as the test needs.
struct FreshDatabase {
    let engine: TestEngine
    /// The SQLite file path, or the PostgreSQL URL.
    let location: String

    init(_ engine: TestEngine) throws {
        self.engine = engine
        switch engine {
        case .sqlite: location = try freshSQLitePath()
        case .postgresql: location = try TestPostgres.freshDatabase()
        }
    }

    func connect() throws -> any DatabaseConnection {
        switch engine {
        case .sqlite: try SQLiteConnection(path: location)
        case .postgresql: try PostgresConnection(url: location)
        }
    }
}

extension TestEngine {
    /// Takes the migration lock the way a run holds it: the advisory lock on PostgreSQL, an open
    /// `BEGIN IMMEDIATE` transaction on SQLite.
    func holdLock(_ connection: any DatabaseConnection, name: String = "migrate_version") throws {
        switch self {
        case .sqlite: try connection.beginTransaction()
        case .postgresql: try connection.acquireMigrationLock(name: name, timeout: .seconds(5)) {}
        }
    }

    func releaseLock(_ connection: any DatabaseConnection) throws {
        switch self {
        case .sqlite: try connection.commit()
        case .postgresql: try connection.releaseMigrationLock()
        }
    }

    /// Takes the migration lock as a second run would, waiting at most `timeout`.
    func takeLock(
        _ connection: any DatabaseConnection, name: String = "migrate_version", timeout: Duration,
        onWait: @escaping () -> Void
    ) throws {
        try connection.acquireMigrationLock(name: name, timeout: timeout, onWait: onWait)
        if self == .sqlite { try connection.beginTransaction() }
    }
}

/// Lets a connection cross to another thread in a test that hands it over and never shares it.
final class Handover<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Counts calls of a callback (the `onWait` of a lock), for a test to check afterwards.
final class CallCounter {
    private(set) var count = 0
    func record() { count += 1 }
}

/// Runs `body` with file descriptor 2 redirected to a file and returns what was written there.
///
/// Tests run in parallel, so anything else printed to stderr meanwhile lands here too; callers
/// look for specific text, not for silence.
func capturingStandardError(_ body: () throws -> Void) throws -> String {
    let file = try makeTemporaryDirectory().appendingPathComponent("stderr.txt")
    _ = FileManager.default.createFile(atPath: file.path, contents: nil)
    let handle = try FileHandle(forWritingTo: file)
    fflush(nil)
    let saved = dup(2)
    dup2(handle.fileDescriptor, 2)
    defer {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        try? handle.close()
    }
    try body()
    fflush(nil)
    return try String(contentsOf: file, encoding: .utf8)
}
