import MigrateCore

/// The table that records which revisions are applied: one `version_num` row per head.
///
/// Its shape is Alembic's (`version_num VARCHAR(32)` with a primary key named `<table>_pkc`), so
/// naming it `alembic_version` adopts a database Alembic has been migrating.
public struct VersionTable: Sendable, Hashable {
    public let name: String
    public let schema: String?
    public let dialect: SQLDialect
    /// The quoted, schema-qualified name, computed once: an offline script of a long history
    /// names the table in every step.
    let qualifiedName: String

    public init(name: String, schema: String?, dialect: SQLDialect) {
        self.name = name
        self.schema = schema
        self.dialect = dialect
        self.qualifiedName = dialect.quoteQualified(name, schema: schema)
    }

    /// The name used for messages and for the migration lock.
    public var displayName: String { schema.map { "\($0).\(name)" } ?? name }

    public var createStatement: String {
        """
        CREATE TABLE IF NOT EXISTS \(qualifiedName) (
            version_num VARCHAR(32) NOT NULL,
            CONSTRAINT \(dialect.quoteIdentifier(name + "_pkc")) PRIMARY KEY (version_num)
        )
        """
    }

    public var selectStatement: String {
        "SELECT version_num FROM \(qualifiedName)"
    }

    /// The statements that turn the rows `before` into the rows `after`: an UPDATE where one
    /// head replaces another (Alembic's form for an ordinary step), then DELETEs and INSERTs.
    /// Ids are validated as `[A-Za-z0-9_]` when files are read, and quoted here regardless.
    public func changeStatements(from before: Set<String>, to after: Set<String>, order: (Set<String>) -> [String]) -> [String] {
        let removed = order(before.subtracting(after))
        let added = order(after.subtracting(before))
        var statements: [String] = []
        for (old, new) in zip(removed, added) {
            statements.append(
                "UPDATE \(qualifiedName) SET version_num = \(dialect.quoteString(new)) WHERE version_num = \(dialect.quoteString(old))")
        }
        for old in removed.dropFirst(added.count) {
            statements.append("DELETE FROM \(qualifiedName) WHERE version_num = \(dialect.quoteString(old))")
        }
        for new in added.dropFirst(removed.count) {
            statements.append("INSERT INTO \(qualifiedName) (version_num) VALUES (\(dialect.quoteString(new)))")
        }
        return statements
    }

    public var deleteAllStatement: String { "DELETE FROM \(qualifiedName)" }
}

extension VersionTable {
    /// The heads recorded in the database, or none when the table does not exist yet.
    package func currentHeads(_ connection: DatabaseConnection) throws -> Set<String> {
        guard try connection.tableExists(name, schema: schema) else { return [] }
        return Set(try connection.query(selectStatement).compactMap { $0.first ?? nil })
    }
}

extension VersionTable {
    /// The heads recorded in a table known to exist (one query, for use inside a run).
    package func readHeads(_ connection: DatabaseConnection) throws -> Set<String> {
        Set(try connection.query(selectStatement).compactMap { $0.first ?? nil })
    }
}
