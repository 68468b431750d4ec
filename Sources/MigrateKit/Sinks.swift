import MigrateCore
import MigrateSQL

/// Runs statements against a live database, under the migration lock.
final class DatabaseSink: MigrationSink {
    let connection: DatabaseConnection
    /// What the database recorded when the command started, read under the migration lock.
    let recorded: RecordedState
    var dialect: SQLDialect { connection.dialect }
    /// The connection itself, where the dialect rebuilds tables and so must read definitions.
    var inspector: SchemaInspector? { connection.schemaInspector }

    /// Opens a new connection to the same database, for reading the version table back when
    /// the run's connection died.
    let reconnect: (() throws -> DatabaseConnection)?

    init(connection: DatabaseConnection, recorded: RecordedState, reconnect: (() throws -> DatabaseConnection)? = nil) {
        self.connection = connection
        self.recorded = recorded
        self.reconnect = reconnect
    }

    var recordsDurations: Bool { true }

    /// Creates the version and history tables the database lacked, and returns the heads it
    /// recorded: the migration lock has been held since they were read, and each step reads
    /// them again inside its transaction before it runs.
    func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> {
        var missing: [String] = []
        if !recorded.versionTableExists { missing.append(versionTable.createStatement) }
        if !recorded.historyTableExists { missing.append(historyTable.createStatement) }
        if !missing.isEmpty {
            try connection.beginTransaction()
            do {
                for statement in missing { try connection.execute(statement) }
                try connection.commit()
            } catch {
                rollback()
                throw error
            }
        }
        return recorded.heads
    }

    /// Whether the runner has a transaction open.
    private var inTransaction = false

    func beginTransaction() throws {
        try connection.beginTransaction()
        inTransaction = true
    }

    func commit() throws {
        try connection.verifyBeforeCommit()
        try connection.commit()
        inTransaction = false
    }

    func rollback() {
        inTransaction = false
        try? connection.rollback()
    }

    func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> {
        try versionTable.readHeads(connection)
    }

    func startStep(summary: String) {}

    func execute(_ statement: String) throws { try connection.execute(statement) }

    var runsSwiftCode: Bool { true }

    func runSwiftCode(_ code: SwiftCodeCall) throws {
        guard let body = code.body else { throw code.cannotRun(databaseName: "the database") }
        try body(MigrationDatabase(connection: connection))
    }

    /// Both engines take several statements in one call that counts the rows each changed;
    /// PostgreSQL then gets them in one round trip instead of three for each step. A step that
    /// runs outside a transaction (`transactional: false`) records itself in a transaction of
    /// its own, so a record that finds the database moved leaves nothing behind.
    func record(_ changes: [VersionTable.Change], history: [String]) throws {
        let statements = changes.map(\.sql) + history
        guard !statements.isEmpty else { return }
        let ownTransaction = !inTransaction
        if ownTransaction { try connection.beginTransaction() }
        do {
            let counts = try connection.executeCountingRows(statements)
            for (change, count) in zip(changes, counts) where count == 0 {
                if let head = change.replacedHead { throw VersionRowMissing(head: head) }
            }
            if ownTransaction { try connection.commit() }
        } catch {
            if ownTransaction { try? connection.rollback() }
            throw error
        }
    }

    func finish() throws {}

    /// Reads the version table on the run's connection (after the rollback) or, when that fails
    /// (the connection died), once on a new connection.
    func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure {
        readHeadsBack(versionTable, on: connection, reconnect: reconnect)
    }

    func leftoverObjects() -> Set<LeftoverObject> {
        (try? connection.leftoverObjects()) ?? []
    }

    func checkForLeftovers(before statement: String) throws {
        try connection.checkForLeftovers(before: statement)
    }
}

/// Reads the version table on `connection` (after a rollback) or, when that fails (the
/// connection died), once on a new connection from `reconnect`.
///
/// A database another connection holds locked is waited for only briefly: the failure (or the
/// signal) being reported must not wait out the whole lock timeout to say where the database is.
func readHeadsBack(
    _ versionTable: VersionTable, on connection: DatabaseConnection, reconnect: (() throws -> DatabaseConnection)?
) -> HeadsAfterFailure {
    let briefWait = Duration.seconds(2)
    do {
        connection.waitForLocks(timeout: briefWait, onWait: nil)
        return .read(try versionTable.currentHeads(connection))
    } catch {
        guard let reconnect else { return .unknown(error) }
        do {
            let fresh = try reconnect()
            fresh.waitForLocks(timeout: briefWait, onWait: nil)
            return .read(try versionTable.currentHeads(fresh))
        } catch {
            return .unknown(error)
        }
    }
}

/// Writes the statements as a script for `psql -f` or `sqlite3`, byte for byte the same for the
/// same input.
final class ScriptSink: MigrationSink {
    let dialect: SQLDialect
    let startHeads: Set<String>
    /// The script so far, as UTF-8: appending bytes costs a copy, where appending to a String
    /// cost several times that for each of the 15,000 pieces of a 1000-revision script.
    private var bytes: [UInt8] = []
    /// The script written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }
    /// Where the dialect rebuilds tables, a scratch database that the emitted statements are
    /// applied to, so a rebuild reads the schema as the script leaves it.
    private let scratch: (any ScratchSchema)?
    var inspector: SchemaInspector? { scratch }

    init(engine: any DatabaseEngine, startHeads: Set<String>) throws {
        self.dialect = engine.dialect
        self.startHeads = startHeads
        self.scratch = try engine.makeScratchSchema()
    }

    var recordsDurations: Bool { false }

    func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> {
        emit(versionTable.createStatement)
        emit(historyTable.createStatement)
        return startHeads
    }

    func beginTransaction() throws { emit("BEGIN") }
    func commit() throws { emit("COMMIT") }
    func rollback() {}

    func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> {
        expected
    }

    func startStep(summary: String) {
        append("-- ")
        append(summary)
        append("\n\n")
    }

    func execute(_ statement: String) throws { emit(statement) }

    var runsSwiftCode: Bool { false }

    /// A script cannot hold Swift code: a comment marks where it runs, so whoever runs the
    /// script knows the data work is missing.
    func runSwiftCode(_ code: SwiftCodeCall) throws {
        // A label may hold a line break, which would end the comment and leave text as SQL.
        let description = String(code.description.map { $0.isNewline ? " " : $0 })
        append("-- Swift code of \(code.step.revision.id) runs here (\(description)); run it with the app's Migrator\n\n")
    }

    func record(_ changes: [VersionTable.Change], history: [String]) throws {
        for change in changes { emit(change.sql) }
        for statement in history { emit(statement) }
    }

    func finish() throws {}

    func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure {
        .read(expected)
    }

    func leftoverObjects() -> Set<LeftoverObject> { [] }
    func checkForLeftovers(before statement: String) throws {}

    /// Appends one statement and its terminator; a statement ending in a line comment gets the
    /// `;` on a line of its own so the comment cannot swallow it.
    private func emit(_ statement: String) {
        scratch?.record(statement)
        append(statement)
        append(endsInLineComment(statement) ? "\n;\n\n" : ";\n\n")
    }

    private func append(_ piece: String) {
        var piece = piece
        piece.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Whether `statement` ends inside a `--` comment, as the dialect's lexer reads it (a `--`
    /// in a string is no comment). Only a statement whose last line holds `--` is lexed, since
    /// this runs for every statement of an offline script.
    private func endsInLineComment(_ statement: String) -> Bool {
        var statement = statement
        let dialect = dialect
        return statement.withUTF8 { bytes in
            var index = bytes.count - 1
            var lastLineHasDashes = false
            while index > 0, bytes[index] != UInt8(ascii: "\n") {
                if bytes[index] == UInt8(ascii: "-"), bytes[index - 1] == UInt8(ascii: "-") {
                    lastLineHasDashes = true
                    break
                }
                index -= 1
            }
            guard lastLineHasDashes else { return false }
            var lexer = SQLLexer(bytes: bytes, rules: SQLLexicalRules(dialect))
            var last: SQLLexeme?
            while let lexeme = lexer.next() { last = lexeme }
            return last == .lineComment
        }
    }
}
