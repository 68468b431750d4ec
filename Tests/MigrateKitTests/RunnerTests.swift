import Foundation
import MigrateCore
@testable import MigrateKit
import MigrateSQL
import Testing
import TestSupport

/// The runner over a sink that records every call: what an upgrade, a downgrade and a stamp ask
/// of a database, in order, with no database at all.
@Suite struct RunnerTests {
    /// A sink that answers like a database at `heads` and writes down every call.
    final class RecordingSink: MigrationSink {
        var calls: [String] = []
        var heads: Set<String>
        /// Heads another run moved the database to, seen at the next transaction's start.
        var headsSeenInTransaction: Set<String>?

        init(heads: Set<String> = []) { self.heads = heads }

        var dialect: SQLDialect { .postgresql }
        var inspector: SchemaInspector? { nil }
        var recordsDurations: Bool { false }

        func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> {
            calls.append("prepare")
            return heads
        }
        func beginTransaction() throws { calls.append("BEGIN") }
        func commit() throws { calls.append("COMMIT") }
        func rollback() { calls.append("ROLLBACK") }
        func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> {
            defer { headsSeenInTransaction = nil }
            return headsSeenInTransaction ?? expected
        }
        func startStep(summary: String) { calls.append("-- " + summary) }
        func execute(_ statement: String) throws { calls.append(statement) }
        var runsSwiftCode: Bool { false }
        func runSwiftCode(_ code: SwiftCodeCall) throws { calls.append("swift: " + code.description) }
        /// Whether the version table lost its rows underneath: an UPDATE or DELETE then finds none.
        var versionRowsGone = false
        func record(_ changes: [VersionTable.Change], history: [String]) throws {
            if versionRowsGone, let head = changes.compactMap(\.replacedHead).first { throw VersionRowMissing(head: head) }
            calls.append(contentsOf: (changes.map(\.sql) + history).map { "record: " + $0 })
        }
        func finish() throws { calls.append("finish") }
        func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure {
            calls.append("read back")
            return .read(expected)
        }
        func leftoverObjects() -> Set<LeftoverObject> { [] }
        func checkForLeftovers(before statement: String) throws {}
    }

    static let graph = try! RevisionGraph([
        Revision(id: "a1", message: "first", upgrade: [.execute("CREATE TABLE a (id int)")], downgrade: [.execute("DROP TABLE a")]),
        Revision(
            id: "b2", downRevisions: ["a1"], message: "second", upgrade: [.execute("CREATE TABLE b (id int)")],
            downgrade: [.execute("DROP TABLE b")]),
    ])

    func runner(transactionPerMigration: Bool = true) -> Runner {
        let versionTable = VersionTable(name: "migrate_version", schema: nil, dialect: .postgresql)
        return Runner(
            graph: Self.graph, versionTable: versionTable, historyTable: HistoryTable(for: versionTable),
            transactionPerMigration: transactionPerMigration, onEvent: { _ in })
    }

    @Test func anUpgradeRunsEachMigrationInItsOwnTransactionWithItsVersionRow() throws {
        let sink = RecordingSink()
        let steps = try runner().run(sink: sink) { try Self.graph.upgradeSteps(from: $0, to: "b2") }
        #expect(steps.map(\.revision.id) == ["a1", "b2"])
        #expect(sink.calls == [
            "prepare",
            "BEGIN", "-- Running upgrade  -> a1, first", "CREATE TABLE a (id int)",
            #"record: INSERT INTO "migrate_version" (version_num) VALUES ('a1')"#,
            #"record: DELETE FROM "migrate_version_history" WHERE revision = 'a1'"#,
            #"record: INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('a1', NULL, NULL)"#,
            "COMMIT",
            "BEGIN", "-- Running upgrade a1 -> b2, second", "CREATE TABLE b (id int)",
            #"record: UPDATE "migrate_version" SET version_num = 'b2' WHERE version_num = 'a1'"#,
            #"record: DELETE FROM "migrate_version_history" WHERE revision = 'b2'"#,
            #"record: INSERT INTO "migrate_version_history" (revision, checksum, duration_ms) VALUES ('b2', NULL, NULL)"#,
            "COMMIT",
            "finish",
        ])
    }

    @Test func oneTransactionPerRunWrapsEveryMigration() throws {
        let sink = RecordingSink()
        _ = try runner(transactionPerMigration: false).run(sink: sink) { try Self.graph.upgradeSteps(from: $0, to: "b2") }
        #expect(sink.calls.filter { $0 == "BEGIN" || $0 == "COMMIT" } == ["BEGIN", "COMMIT"])
        #expect(sink.calls.last == "finish")
    }

    @Test func aStampOnlyRecordsInsideItsOwnTransaction() throws {
        let sink = RecordingSink(heads: ["a1"])
        let completed = try runner().run(sink: sink, steps: { heads in
            [.stamp(StampStep(headsBefore: heads, headsAfter: ["b2"], purge: false))]
        })
        #expect(completed.count == 1)
        #expect(sink.calls == [
            "prepare", "BEGIN", "-- Running stamp_revision a1 -> b2",
            #"record: UPDATE "migrate_version" SET version_num = 'b2' WHERE version_num = 'a1'"#,
            #"record: DELETE FROM "migrate_version_history" WHERE revision NOT IN ('a1', 'b2')"#,
            "COMMIT", "finish",
        ])
    }

    @Test func aStampThatFindsItsHeadGoneRollsBackAndSaysSo() throws {
        let sink = RecordingSink(heads: ["a1"])
        sink.versionRowsGone = true
        let error = try #require(throws: MigrateError.self) {
            _ = try runner().run(sink: sink, steps: { heads in
                [.stamp(StampStep(headsBefore: heads, headsAfter: ["b2"], purge: false))]
            })
        }
        #expect(error.message.contains("another run moved the database"))
        #expect(sink.calls.contains("ROLLBACK"))
        #expect(!sink.calls.contains("COMMIT"))
    }

    @Test func aPurgingStampEmptiesTheTableEvenOfUnknownRevisions() throws {
        let sink = RecordingSink(heads: ["gone"])
        var runner = runner()
        runner.validatesRecordedHeads = false
        _ = try runner.run(sink: sink, steps: { heads in
            [.stamp(StampStep(headsBefore: heads, headsAfter: ["a1"], purge: true))]
        })
        #expect(sink.calls.contains("-- Running stamp_revision gone -> a1"))
        #expect(sink.calls.contains(#"record: DELETE FROM "migrate_version""#))
        #expect(sink.calls.contains(#"record: INSERT INTO "migrate_version" (version_num) VALUES ('a1')"#))
    }

    @Test func unknownRecordedHeadsStopARunBeforeAnythingRuns() throws {
        let sink = RecordingSink(heads: ["gone"])
        #expect(throws: MigrateError.self) {
            _ = try runner().run(sink: sink) { try Self.graph.upgradeSteps(from: $0, to: "b2") }
        }
        // Nothing began; the failure only reads back where the database is, for its message.
        #expect(sink.calls == ["prepare", "ROLLBACK", "read back"])
    }

    /// Another run applied a1 while this one waited: the plan is made again from a1, and a1 is
    /// not applied twice.
    @Test func headsMovedUnderneathMakeThePlanAgain() throws {
        let sink = RecordingSink()
        sink.headsSeenInTransaction = ["a1"]
        var events: [String] = []
        var runner = runner()
        runner.onEvent = { event in
            if case .replanned(let heads) = event { events.append("replanned \(heads.sorted())") }
        }
        let steps = try runner.run(sink: sink) { try Self.graph.upgradeSteps(from: $0, to: "b2") }
        #expect(steps.map(\.revision.id) == ["b2"])
        #expect(events == [#"replanned ["a1"]"#])
        #expect(!sink.calls.contains("CREATE TABLE a (id int)"))
        #expect(sink.calls.filter { $0 == "ROLLBACK" }.count == 1)
    }

    @Test func aFailingStatementRollsBackAndNamesTheRevision() throws {
        final class FailingSink: MigrationSink {
            let inner = RecordingSink()
            var dialect: SQLDialect { inner.dialect }
            var inspector: SchemaInspector? { nil }
            var recordsDurations: Bool { false }
            func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> {
                try inner.prepare(versionTable: versionTable, historyTable: historyTable)
            }
            func beginTransaction() throws { try inner.beginTransaction() }
            func commit() throws { try inner.commit() }
            func rollback() { inner.rollback() }
            func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> { expected }
            func startStep(summary: String) { inner.startStep(summary: summary) }
            func execute(_ statement: String) throws {
                if statement.contains("TABLE b") {
                    throw DatabaseError(engine: "PostgreSQL", sqlState: .duplicateTable, message: "relation \"b\" already exists", sql: statement)
                }
                try inner.execute(statement)
            }
            var runsSwiftCode: Bool { false }
            func runSwiftCode(_ code: SwiftCodeCall) throws { try inner.runSwiftCode(code) }
            func record(_ changes: [VersionTable.Change], history: [String]) throws {
                try inner.record(changes, history: history)
            }
            func finish() throws { try inner.finish() }
            func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure {
                inner.headsAfterFailure(versionTable: versionTable, expected: expected)
            }
            func leftoverObjects() -> Set<LeftoverObject> { [] }
            func checkForLeftovers(before statement: String) throws {}
        }
        let sink = FailingSink()
        do {
            _ = try runner().run(sink: sink) { try Self.graph.upgradeSteps(from: $0, to: "b2") }
            Issue.record("the run should have failed")
        } catch let error as MigrateError {
            #expect(error.kind == .migration)
            #expect(error.message.contains("b2"))
            #expect(error.hint?.contains("It was rolled back: the database is at a1.") == true)
        }
        #expect(sink.inner.calls.suffix(3) == ["-- Running upgrade a1 -> b2, second", "ROLLBACK", "read back"])
        #expect(!sink.inner.calls.contains("finish"))
    }
}

/// The commands as a library: what an app or a tool embedding MigrateKit calls, in-process, on
/// real databases.
@Suite struct CommandsInProcessTests {
    func context(engine: TestEngine) throws -> Context {
        let directory = try makeTemporaryDirectory()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("versions"), withIntermediateDirectories: true)
        try """
            -- create accounts
            -- revision: a1
            -- down_revision:

            -- migrate:upgrade
            CREATE TABLE accounts (id integer PRIMARY KEY);

            -- migrate:downgrade
            DROP TABLE accounts;
            """.write(to: directory.appendingPathComponent("versions/a1_accounts.sql"), atomically: true, encoding: .utf8)
        try """
            -- create projects
            -- revision: b2
            -- down_revision: a1

            -- migrate:upgrade
            CREATE TABLE projects (id integer PRIMARY KEY, account_id integer REFERENCES accounts (id));

            -- migrate:downgrade
            DROP TABLE projects;
            """.write(to: directory.appendingPathComponent("versions/b2_projects.sql"), atomically: true, encoding: .utf8)
        let configuration = Configuration(directory: directory.path)
        return Context(configuration: configuration, urlFlag: try engine.freshDatabaseURL(), environment: [:])
    }

    @Test(arguments: TestEngine.enabled)
    func upgradeCurrentStampAndDowngrade(engine: TestEngine) throws {
        let context = try context(engine: engine)
        #expect(try Commands.current(context).isEmpty)

        let upgraded = try Commands.upgrade(context, to: "head")
        #expect(upgraded.map(\.revision.id) == ["a1", "b2"])
        #expect(try Commands.current(context).map(\.revision) == ["b2"])
        #expect(try Commands.current(context).map(\.isHead) == [true])

        #expect(try Commands.stamp(context, to: ["a1"], purge: false) == ["a1"])
        #expect(try Commands.current(context).map(\.revision) == ["a1"])
        #expect(try Commands.stamp(context, to: ["b2"], purge: false) == ["b2"])

        let downgraded = try Commands.downgrade(context, to: "base")
        #expect(downgraded.map(\.revision.id) == ["b2", "a1"])
        #expect(try Commands.current(context).isEmpty)
    }

    @Test(arguments: TestEngine.allCases)
    func offlineScriptsNeedNoDatabase(engine: TestEngine) throws {
        var context = try context(engine: engine)
        context.urlFlag = engine == .sqlite ? "sqlite:///never-opened.sqlite3" : "postgresql://nobody@/nowhere?host=/nonexistent"
        let script = try Commands.upgradeSQL(context, to: "head")
        #expect(script.contains("-- Running upgrade  -> a1, create accounts"))
        #expect(script.contains("-- Running upgrade a1 -> b2, create projects"))
        let stamp = try Commands.stampSQL(context, to: ["head"], purge: false)
        #expect(stamp.contains("-- Running stamp_revision  -> b2"))
        #expect(!FileManager.default.fileExists(atPath: context.configuration.directory + "/never-opened.sqlite3"))
    }
}
