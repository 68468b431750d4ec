import Foundation
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

@testable import MigrateKit

/// After a failure, the message says where the database really is, read back from the version
/// table: a connection lost during COMMIT leaves the client not knowing whether it committed.
///
/// A real database underneath; only the loss of the connection at COMMIT is staged, since no
/// real server loses it at that instant on demand (the crash harness does it at random).
@Suite struct FailureStateTests {
    /// A real connection whose COMMIT "loses the connection": after committing (or rolling back)
    /// it throws a lost-connection error, and from then on every statement fails as on a dead
    /// connection.
    final class LosingConnection: DatabaseConnection {
        enum AtCommit { case commitThenLose, rollBackThenLose }
        let inner: DatabaseConnection
        let atCommit: AtCommit
        var dead = false

        init(_ inner: DatabaseConnection, atCommit: AtCommit) {
            self.inner = inner
            self.atCommit = atCommit
        }

        var dialect: SQLDialect { inner.dialect }

        private func lost(_ sql: String) -> DatabaseError {
            var error = DatabaseError(engine: "test", message: "the connection to the server was lost: server closed the connection unexpectedly", sql: sql)
            error.isConnectionLost = true
            return error
        }
        private func alive(_ sql: String) throws { if dead { throw lost(sql) } }

        func execute(_ sql: String) throws {
            try alive(sql)
            try inner.execute(sql)
        }
        func executeCountingRows(_ statements: [String]) throws -> [Int] {
            try alive(statements.first ?? "")
            return try inner.executeCountingRows(statements)
        }
        func query(_ sql: String, parameters: [String?]) throws -> [[String?]] {
            try alive(sql)
            return try inner.query(sql, parameters: parameters)
        }
        func beginTransaction() throws {
            try alive("BEGIN")
            try inner.beginTransaction()
        }
        func commit() throws {
            try alive("COMMIT")
            switch atCommit {
            case .commitThenLose: try inner.commit()
            case .rollBackThenLose: try inner.rollback()
            }
            dead = true
            throw lost("COMMIT")
        }
        func rollback() throws {
            try alive("ROLLBACK")
            try inner.rollback()
        }
        func acquireMigrationLock(name: String, timeout: Duration, onWait: @escaping () -> Void) throws {
            try inner.acquireMigrationLock(name: name, timeout: timeout, onWait: onWait)
        }
        func releaseMigrationLock() throws { try inner.releaseMigrationLock() }
        func tableExists(_ name: String, schema: String?) throws -> Bool {
            try alive("SELECT")
            return try inner.tableExists(name, schema: schema)
        }
        func beginMigrationSession() throws { try inner.beginMigrationSession() }
        func verifyBeforeCommit() throws { try inner.verifyBeforeCommit() }
        func endMigrationSession() throws { try inner.endMigrationSession() }
        func reflectSchema(includeSchemas: SchemaSelection, excluding excluded: [TableName]) throws -> SchemaReflection {
            try alive("SELECT")
            return try inner.reflectSchema(includeSchemas: includeSchemas, excluding: excluded)
        }
        func unmodeledObjects(includeSchemas: SchemaSelection) throws -> [UnmodeledObject] {
            try alive("SELECT")
            return try inner.unmodeledObjects(includeSchemas: includeSchemas)
        }
        var schemaInspector: SchemaInspector? { inner.schemaInspector }
    }

    static func connect(_ url: String) throws -> DatabaseConnection {
        if url.hasPrefix("sqlite:///") { return try SQLiteConnection(path: String(url.dropFirst("sqlite:///".count))) }
        return try PostgresConnection(url: url)
    }

    /// Runs `upgrade head` over two migrations, the second one's COMMIT losing the connection;
    /// returns the error and the database's real heads.
    static func runLosingTheSecondCommit(
        _ engine: TestEngine, atCommit: LosingConnection.AtCommit, canReconnect: Bool
    ) throws -> (error: MigrateError, heads: [String]) {
        let env = try Environment(engine)
        try env.migration("st1", message: "first", upgrade: "CREATE TABLE st_a (id INTEGER PRIMARY KEY);")
        try env.migration("st2", parent: "st1", message: "second", upgrade: "CREATE TABLE st_b (id INTEGER PRIMARY KEY);")
        #expect(try env.run("upgrade", "st1").status == 0)

        let graph = try ScriptDirectory.load(folders: [env.directory.appendingPathComponent("versions").path], useCache: false).graph
        let versionTable = VersionTable(name: "migrate_version", schema: nil, dialect: engine.dialect)
        let connection = LosingConnection(try connect(env.url), atCommit: atCommit)
        let historyTable = HistoryTable(for: versionTable)
        let recorded = try RecordedState.read(connection, versionTable: versionTable, historyTable: historyTable)
        let sink = DatabaseSink(
            connection: connection, recorded: recorded,
            reconnect: {
                guard canReconnect else {
                    throw MigrateError(.database, "cannot connect to the database", cause: DatabaseError(engine: "test", message: "connection refused"))
                }
                return try connect(env.url)
            })
        let runner = Runner(
            graph: graph, versionTable: versionTable, historyTable: historyTable, transactionPerMigration: true,
            onEvent: { _ in })
        let error = try #require(throws: MigrateError.self) {
            try runner.run(sink: sink) { heads in try graph.upgradeSteps(from: heads, to: "head") }
        }
        return (error, try env.database().versions())
    }

    @Test(arguments: TestEngine.enabled)
    func aCommitThatLandedBeforeTheConnectionWasLostIsReportedAsApplied(engine: TestEngine) throws {
        let (error, heads) = try Self.runLosingTheSecondCommit(engine, atCommit: .commitThenLose, canReconnect: true)
        #expect(heads == ["st2"])
        #expect(error.message == "upgrade st2 (second) failed at COMMIT", "\(error)")
        #expect(error.hint?.contains("Its COMMIT reached the server before the failure: the migration is applied, and the database is at st2.") == true, "\(error)")
        #expect(error.hint?.contains("rolled back") == false, "\(error)")
    }

    @Test(arguments: TestEngine.enabled)
    func aCommitThatDidNotLandIsReportedAsRolledBack(engine: TestEngine) throws {
        let (error, heads) = try Self.runLosingTheSecondCommit(engine, atCommit: .rollBackThenLose, canReconnect: true)
        #expect(heads == ["st1"])
        #expect(error.hint?.contains("It was rolled back: the database is at st1.") == true, "\(error)")
    }

    @Test(arguments: TestEngine.enabled)
    func aDatabaseThatCannotBeReadBackIsReportedAsUndetermined(engine: TestEngine) throws {
        let (error, _) = try Self.runLosingTheSecondCommit(engine, atCommit: .commitThenLose, canReconnect: false)
        let hint = try #require(error.hint)
        #expect(hint.contains("Where the database is could not be determined"), "\(error)")
        #expect(hint.contains("cannot connect to the database"), "\(error)")
        #expect(hint.contains("Run `migrate current`"), "\(error)")
        #expect(hint.contains("It is at st1 if the transaction was rolled back, or at st2 if its COMMIT reached the server."), "\(error)")
        #expect(!hint.contains("rolled back: the database is at"), "\(error)")
    }
}
