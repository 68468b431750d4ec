import MigrateCore

/// The table beside the version table that remembers, for each applied revision, the checksum
/// of its file, when it was applied and how long it took.
///
/// The version table only says where the database is (Alembic's shape, kept for adoption); this
/// one lets `verify` notice a migration file edited after it ran, or one deleted from versions/.
public struct HistoryTable: Sendable, Hashable {
    public let name: String
    public let schema: String?
    public let dialect: SQLDialect
    /// The quoted, schema-qualified name and the fixed starts of the statements each step runs,
    /// computed once (see ``VersionTable``).
    package let qualifiedName: String
    private let insertStart: String
    private let forgetStart: String

    /// The history table that belongs to a version table by default: `<version table>_history`,
    /// in the version table's schema.
    public init(for versionTable: VersionTable) {
        self.init(name: versionTable.name + "_history", schema: versionTable.schema, dialect: versionTable.dialect)
    }

    /// A history table named in the configuration (`history_table`, `history_table_schema`), so
    /// that it can be kept out of another tool's sight.
    public init(name: String, schema: String?, dialect: SQLDialect) {
        self.name = name
        self.schema = schema
        self.dialect = dialect
        let qualifiedName = dialect.quoteQualified(name, schema: schema)
        self.qualifiedName = qualifiedName
        self.insertStart = "INSERT INTO \(qualifiedName) (revision, checksum, duration_ms) VALUES ("
        self.forgetStart = "DELETE FROM \(qualifiedName) WHERE revision = "
    }

    public var createStatement: String {
        """
        CREATE TABLE IF NOT EXISTS \(qualifiedName) (
            revision VARCHAR(32) NOT NULL,
            checksum VARCHAR(64),
            applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            duration_ms INTEGER,
            CONSTRAINT \(dialect.quoteIdentifier(name + "_pkc")) PRIMARY KEY (revision)
        )
        """
    }

    /// Records a revision as applied; `durationMilliseconds` is nil in offline scripts, whose
    /// text must not depend on timing.
    public func recordStatements(revision: String, checksum: String?, durationMilliseconds: Int?) -> [String] {
        let checksum = checksum.map(dialect.quoteString) ?? "NULL"
        let duration = durationMilliseconds.map(String.init) ?? "NULL"
        return [
            forgetStatement(revision: revision),
            [insertStart, dialect.quoteString(revision), ", ", checksum, ", ", duration, ")"].joined(),
        ]
    }

    public func forgetStatement(revision: String) -> String {
        forgetStart + dialect.quoteString(revision)
    }

    /// Forgets every revision but `kept` (a stamp keeps only the revisions still applied).
    public func forgetAllStatement(except kept: [String]) -> String {
        kept.isEmpty
            ? "DELETE FROM \(qualifiedName)"
            : "DELETE FROM \(qualifiedName) WHERE revision NOT IN (\(kept.map(dialect.quoteString).joined(separator: ", ")))"
    }

    /// One applied revision as the history table remembers it.
    public struct Entry: Sendable, Hashable {
        public var revision: String
        public var checksum: String?
        public var appliedAt: String
        public var durationMilliseconds: Int?
    }

    /// Every remembered revision, or none when the table does not exist (a database migrated
    /// before the table existed, or by Alembic).
    package func entries(_ connection: DatabaseConnection) throws -> [Entry] {
        guard try connection.tableExists(name, schema: schema) else { return [] }
        return try readEntries(connection)
    }

    /// Every remembered revision of a table known to exist (one query).
    package func readEntries(_ connection: DatabaseConnection) throws -> [Entry] {
        try connection.query(
            "SELECT revision, checksum, CAST(applied_at AS VARCHAR(40)), duration_ms FROM \(qualifiedName) ORDER BY revision"
        ).map { row in
            Entry(
                revision: row[0] ?? "", checksum: row[1], appliedAt: row[2] ?? "",
                durationMilliseconds: row[3].flatMap { Int($0) })
        }
    }
}
