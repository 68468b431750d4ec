import MigrateCore
import MigrateSQL

/// Runs statements against a live database, under the migration lock.
final class DatabaseSink: MigrationSink {
    let connection: DatabaseConnection
    var dialect: SQLDialect { connection.dialect }
    var inspector: SchemaInspector? { nil }

    init(connection: DatabaseConnection) {
        self.connection = connection
    }

    var recordsDurations: Bool { true }

    func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String> {
        let missing = try [(versionTable.name, versionTable.createStatement), (historyTable.name, historyTable.createStatement)]
            .filter { try !connection.tableExists($0.0, schema: versionTable.schema) }
        if !missing.isEmpty {
            try connection.beginTransaction()
            do {
                for (_, statement) in missing { try connection.execute(statement) }
                try connection.commit()
            } catch {
                rollback()
                throw error
            }
        }
        return try versionTable.readHeads(connection)
    }

    func beginTransaction() throws { try connection.beginTransaction() }

    func commit() throws {
        try connection.verifyBeforeCommit()
        try connection.commit()
    }
    func rollback() { try? connection.rollback() }

    func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String> {
        try versionTable.readHeads(connection)
    }

    func startStep(_ step: MigrationStep) {}

    func execute(_ statement: String) throws { try connection.execute(statement) }

    func finish() throws {}
}

/// Writes the statements as a script for `psql -f` or `sqlite3`, byte for byte the same for the
/// same input (DESIGN §5).
final class ScriptSink: MigrationSink {
    let dialect: SQLDialect
    let startHeads: Set<String>
    private(set) var text = ""
    var inspector: SchemaInspector? { nil }

    init(dialect: SQLDialect, startHeads: Set<String>) {
        self.dialect = dialect
        self.startHeads = startHeads
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

    func startStep(_ step: MigrationStep) {
        text += "-- \(step.summary)\n\n"
    }

    func execute(_ statement: String) throws { emit(statement) }

    func finish() throws {}

    /// Appends one statement and its terminator; a statement ending in a line comment gets the
    /// `;` on a line of its own so the comment cannot swallow it.
    private func emit(_ statement: String) {
        let lastLine = statement.split(separator: "\n", omittingEmptySubsequences: false).last ?? ""
        text += statement + (lastLine.contains("--") ? "\n;" : ";") + "\n\n"
    }
}
