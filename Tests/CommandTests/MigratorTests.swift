import Foundation
import MigrateKit
import Testing
import TestSupport

// Compiled migrations used in-process: a table, a data migration with bound parameters, and a
// migration whose Swift code fails.

enum MigA: Migration {
    static let revision = "a0000000000a"
    static let downRevision: [String] = []
    static let message = "create notes"
    static func upgrade(_ op: Operations) {
        op.createTable("notes",
            Column("id", .integer, primaryKey: true),
            Column("body", .text, nullable: false),
            Column("weight", .double),
            Column("pinned", .boolean, nullable: false, default: .boolean(false)))
        op.bulkInsert("notes", rows: [["id": 1, "body": "first"], ["id": 2, "body": "second"]])
    }
    static func downgrade(_ op: Operations) { op.dropTable("notes") }
}

enum MigB: Migration {
    static let revision = "b0000000000b"
    static let downRevision: [String] = ["a0000000000a"]
    static let message = "rewrite notes in Swift"
    static func upgrade(_ op: Operations) {
        op.addColumn("notes", Column("shout", .text))
        op.run("shout the notes") { db in
            for row in try db.query("SELECT id, body FROM notes WHERE id >= $1 ORDER BY id", 1) {
                try db.execute("UPDATE notes SET shout = $1 WHERE id = $2", .string(row.string(1)!.uppercased()), .integer(row.int(0)!))
            }
            // Values are bound, never spliced: quotes, a `$1` inside a string literal and a
            // semicolon stay data.
            try db.execute(
                "INSERT INTO notes (id, body, weight, pinned, shout) VALUES ($1, $2, $3, $4, '$1 stays')",
                3, "it's; DROP TABLE notes; --", 2.5, true)
        }
    }
    static func downgrade(_ op: Operations) {
        op.run { db in try db.execute("DELETE FROM notes WHERE id = $1", 3) }
        op.dropColumn("notes", "shout")
    }
}

/// Fails in its Swift code after an earlier statement of the same migration ran.
enum MigFailing: Migration {
    static let revision = "c0000000000c"
    static let downRevision: [String] = ["b0000000000b"]
    static let message = "fails"
    static func upgrade(_ op: Operations) {
        op.execute("UPDATE notes SET body = 'changed'")
        op.run("give up") { _ in throw MigrateError(.usage, "the app's own reason") }
    }
    static func downgrade(_ op: Operations) {}
}

/// Like ``MigFailing``, outside a transaction: what ran stays unless a backup puts it back.
enum MigFailingOutsideTransaction: Migration {
    static let revision = "c0000000000c"
    static let downRevision: [String] = ["b0000000000b"]
    static let transactional = false
    static func upgrade(_ op: Operations) {
        op.execute("CREATE TABLE scratch (id integer)")
        op.execute("UPDATE notes SET body = 'changed'")
        op.run("give up") { _ in throw MigrateError(.usage, "the app's own reason") }
    }
    static func downgrade(_ op: Operations) {}
}

/// Records every event, for the tests to read.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [String] = []
    func add(_ event: RunEvent) {
        let text: String
        switch event {
        case .stepStarted(let step): text = step.summary
        case .stepFinished(let step, _): text = "finished \(step.revision.id)"
        case .waitingForLock, .waitingForDatabase, .waitingForStatementLock: text = "waiting"
        case .replanned: text = "replanned"
        case .retryingAfterLockTimeout(let retry): text = "retry \(retry.failedTry)"
        case .backfillProgress(_, let progress): text = "backfill \(progress.rowsDone)"
        case .verificationProblem(let problem): text = "verify: \(problem)"
        }
        lock.withLock { events.append(text) }
    }
    var all: [String] { lock.withLock { events } }
}

@Suite struct MigratorTests {
    @Test(arguments: TestEngine.enabled)
    func compiledMigrationsRunWithBoundParametersAndEvents(engine: TestEngine) throws {
        let url = try engine.freshDatabaseURL()
        let log = EventLog()
        let migrator = try Migrator(
            database: .url(url), migrations: [MigB.self, MigA.self], versionTable: "app_versions",
            onEvent: { log.add($0) })
        #expect(try migrator.current() == [])
        #expect(try migrator.pending().map(\.id) == ["a0000000000a", "b0000000000b"])

        let steps = try migrator.upgrade()
        #expect(steps.map(\.revision.id) == ["a0000000000a", "b0000000000b"])
        #expect(log.all == [
            "Running upgrade  -> a0000000000a, create notes", "finished a0000000000a",
            "Running upgrade a0000000000a -> b0000000000b, rewrite notes in Swift", "finished b0000000000b",
        ])
        let db = try TestDatabase(url: url)
        #expect(try db.versions(table: "app_versions") == ["b0000000000b"])
        #expect(try db.column("SELECT shout FROM notes ORDER BY id") == ["FIRST", "SECOND", "$1 stays"])
        #expect(try db.column("SELECT body FROM notes WHERE id = 3") == ["it's; DROP TABLE notes; --"])
        #expect(try db.column("SELECT weight FROM notes WHERE id = 3") == ["2.5"])
        #expect(try db.column("SELECT CASE WHEN pinned THEN 'yes' ELSE 'no' END FROM notes WHERE id = 3") == ["yes"])
        #expect(try migrator.current() == ["b0000000000b"])
        #expect(try migrator.pending().isEmpty)
        #expect(try migrator.upgrade().isEmpty)

        // The downgrade's Swift code runs too.
        #expect(try migrator.downgrade(to: "a0000000000a").map(\.revision.id) == ["b0000000000b"])
        #expect(try db.column("SELECT id FROM notes ORDER BY id") == ["1", "2"])
        #expect(try migrator.current() == ["a0000000000a"])
    }

    @Test(arguments: TestEngine.enabled)
    func failingSwiftCodeRollsBackItsMigrationAndNamesIt(engine: TestEngine) throws {
        let url = try engine.freshDatabaseURL()
        let migrator = try Migrator(database: .url(url), migrations: [MigA.self, MigB.self, MigFailing.self])
        do {
            try migrator.upgrade()
            Issue.record("the upgrade should have failed")
        } catch let error as MigrateError {
            // The app's own error keeps its kind, prefixed with the migration that threw it.
            #expect(error.kind == .usage, "\(error)")
            #expect(error.message == "upgrade c0000000000c (fails): the app's own reason")
            #expect(error.hint?.contains("It was rolled back: the database is at b0000000000b.") == true, "\(error)")
        }
        let db = try TestDatabase(url: url)
        #expect(try db.versions() == ["b0000000000b"])
        #expect(try db.column("SELECT body FROM notes WHERE id = 1") == ["first"])
    }

    /// A failed SQLite upgrade restored from the backup taken before it: the data are as they
    /// were, byte for byte, though two migrations committed and one ran outside a transaction.
    @Test func aFailedUpgradeIsRestoredFromItsBackup() throws {
        let path = try freshSQLitePath()
        try Migrator(database: .sqlite(path: path), migrations: [MigA.self]).upgrade()
        let before = try Self.dump(path)

        let migrator = try Migrator(
            database: .sqlite(path: path), migrations: [MigA.self, MigB.self, MigFailingOutsideTransaction.self],
            backup: .beforeMigrating)
        do {
            try migrator.upgrade()
            Issue.record("the upgrade should have failed")
        } catch let error as MigrateError {
            #expect(error.hint?.contains(
                "The database file was then restored from the backup taken before the run: it is back at a0000000000a, as it was.")
                == true, "\(error)")
        }
        #expect(try Self.dump(path) == before)
        #expect(try migrator.current() == ["a0000000000a"])
        #expect(!FileManager.default.fileExists(atPath: path + "-migrate-backup"))

        // A run that succeeds leaves no copy behind either.
        try Migrator(database: .sqlite(path: path), migrations: [MigA.self, MigB.self], backup: .beforeMigrating).upgrade()
        #expect(!FileManager.default.fileExists(atPath: path + "-migrate-backup"))

        // Without the backup, the migration outside a transaction leaves its work behind.
        let unprotected = try Migrator(
            database: .sqlite(path: path), migrations: [MigA.self, MigB.self, MigFailingOutsideTransaction.self])
        #expect(throws: MigrateError.self) { try unprotected.upgrade() }
        #expect(try TestDatabase(url: "sqlite:///" + path).tables().contains("scratch"))
    }

    /// Every table's definition and rows, in a stable order.
    static func dump(_ path: String) throws -> [String] {
        let db = try TestDatabase(url: "sqlite:///" + path)
        var lines = try db.column("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name")
        for table in try db.column("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
            let rows = try db.connection.query("SELECT * FROM \"\(table)\" ORDER BY 1", parameters: [])
            lines += rows.map { "\(table): " + $0.map { $0 ?? "NULL" }.joined(separator: "|") }
        }
        return lines
    }

    @Test func twoTypesDeclaringOneRevisionAreRefused() throws {
        #expect(throws: MigrateError.self) {
            try Migrator(database: .sqlite(path: try freshSQLitePath()), migrations: [MigFailing.self, MigFailingOutsideTransaction.self])
        }
    }
}
