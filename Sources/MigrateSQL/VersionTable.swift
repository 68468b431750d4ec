import MigrateCore

/// The table that records which revisions are applied: one `version_num` row per head.
///
/// Its shape is Alembic's (`version_num VARCHAR(32)` with a primary key named `<table>_pkc`), so
/// naming it `alembic_version` adopts a database Alembic has been migrating.
public struct VersionTable: Sendable, Hashable {
    public let name: String
    public let schema: String?
    public let dialect: SQLDialect
    /// The quoted, schema-qualified name, and the fixed starts of the statements each step
    /// runs, computed once: an offline script of a long history has them in every step.
    let qualifiedName: String
    private let updateStart: String
    private let deleteStart: String
    private let insertStart: String

    public init(name: String, schema: String?, dialect: SQLDialect) {
        self.name = name
        self.schema = schema
        self.dialect = dialect
        let qualifiedName = dialect.quoteQualified(name, schema: schema)
        self.qualifiedName = qualifiedName
        self.updateStart = "UPDATE \(qualifiedName) SET version_num = "
        self.deleteStart = "DELETE FROM \(qualifiedName) WHERE version_num = "
        self.insertStart = "INSERT INTO \(qualifiedName) (version_num) VALUES ("
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
        changes(from: before, to: after, order: order).map(\.sql)
    }

    /// One statement that moves the version table, with the head it must find.
    public struct Change: Sendable, Hashable {
        public var sql: String
        /// The head an UPDATE or DELETE replaces: if the statement changes no row, another run
        /// moved the database since this one read it (Alembic checks the same row counts).
        /// Nil for an INSERT, which fails on its own if the head is already there.
        public var replacedHead: String?

        public init(sql: String, replacedHead: String?) {
            self.sql = sql
            self.replacedHead = replacedHead
        }
    }

    /// ``changeStatements(from:to:order:)`` with the head each UPDATE and DELETE must find.
    public func changes(from before: Set<String>, to after: Set<String>, order: (Set<String>) -> [String]) -> [Change] {
        let removed = Self.sorted(before.subtracting(after), order)
        let added = Self.sorted(after.subtracting(before), order)
        var changes: [Change] = []
        for (old, new) in zip(removed, added) {
            changes.append(Change(
                sql: [updateStart, dialect.quoteString(new), " WHERE version_num = ", dialect.quoteString(old)].joined(),
                replacedHead: old))
        }
        for old in removed.dropFirst(added.count) {
            changes.append(Change(sql: deleteStart + dialect.quoteString(old), replacedHead: old))
        }
        for new in added.dropFirst(removed.count) {
            changes.append(Change(sql: insertStart + dialect.quoteString(new) + ")", replacedHead: nil))
        }
        return changes
    }

    /// `ids` in `order`, which an ordinary step (one head out, one in) need not be asked for.
    private static func sorted(_ ids: Set<String>, _ order: (Set<String>) -> [String]) -> [String] {
        ids.count < 2 ? Array(ids) : order(ids)
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
