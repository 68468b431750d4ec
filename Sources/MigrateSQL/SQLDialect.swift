import MigrateCore

/// What differs between database engines, described as values rather than branches on a name.
///
/// Rendering code asks a dialect narrow questions (how to quote, whether a feature exists) so a
/// new engine is a new value, and a feature an engine lacks is an error instead of a dropped clause.
public struct SQLDialect: Sendable, Hashable {
    /// The engine's name as users know it, for messages.
    public var name: String
    /// Whether `$tag$ … $tag$` bodies exist, so the statement splitter must respect them.
    public var supportsDollarQuoting: Bool
    /// Whether DDL is transactional (both supported engines: yes).
    public var supportsTransactionalDDL: Bool
    /// Whether tables live in named schemas (`schema.table`).
    public var supportsSchemas: Bool

    /// How each portable column type is spelled.
    public var typeNames: ColumnTypeNames
    /// How `.enumeration` columns are stored.
    public var enumerationStyle: EnumerationStyle
    /// How a column whose values come from the database (`isIdentity`) is declared.
    public var identityStyle: IdentityStyle
    /// The boolean literals of defaults and inserted rows: `TRUE`/`FALSE`, or `1`/`0` where
    /// booleans are integers (SQLite).
    public var trueLiteral: String
    public var falseLiteral: String
    /// Whether `DEFAULT` takes only literals bare, so expressions are wrapped in parentheses (SQLite).
    public var parenthesizesDefaultExpressions: Bool
    /// Whether tables and columns carry comments (`COMMENT ON`); without them a comment is an error.
    public var supportsComments: Bool
    /// Whether `ALTER COLUMN` changes a column's type, nullability and default in place.
    public var supportsAlterColumn: Bool
    /// Whether `ALTER TABLE … ADD/DROP CONSTRAINT` exists for keys, unique and check constraints.
    public var supportsAlterTableConstraints: Bool
    /// Whether `DROP COLUMN` works on a column used by an index or constraint (dropping those too).
    public var supportsDropColumnWithDependents: Bool
    /// Whether `ADD COLUMN` accepts a primary key or identity column.
    public var supportsAddColumnWithKey: Bool
    /// Whether `ADD COLUMN` accepts any default expression (SQLite refuses non-constant ones).
    public var supportsAddColumnWithExpressionDefault: Bool
    /// Whether `ADD COLUMN … NOT NULL` without a default is accepted (failing only if rows exist).
    public var supportsAddNotNullColumnWithoutDefault: Bool
    /// Whether what `ALTER TABLE` cannot do is done by rebuilding the table (create, copy, drop,
    /// rename); when false such an operation is an error.
    public var canRebuildTables: Bool
    /// What a schema change locks: one table, so other sessions queue behind it on that table
    /// (PostgreSQL), or the whole database for writes (SQLite). Lint's lock rules follow it.
    public var lockScope: LockScope
    /// Whether indexes take an access method (`USING gin`), operator classes, `NULLS FIRST/LAST`
    /// and `INCLUDE` columns; without them each is an error.
    public var supportsIndexAccessMethods: Bool = false
    /// Whether a foreign key's `MATCH FULL` is enforced (SQLite parses it and ignores it).
    public var supportsForeignKeyMatch: Bool = false
    /// Whether `CREATE VIRTUAL TABLE … USING module(…)` exists (SQLite's FTS5, R*Tree, …).
    public var supportsVirtualTables: Bool = false
    /// Whether a column's declared type name decides how its values are stored (SQLite's type
    /// affinity), so reflection keeps a name whose portable type would store values otherwise.
    public var typeNamesDecideAffinity: Bool = false
    /// Whether tables take `STRICT`, `WITHOUT ROWID` and `AUTOINCREMENT` (SQLite).
    public var supportsSQLiteTableOptions: Bool = false
    /// Whether `CREATE MATERIALIZED VIEW` exists; without it a materialized view is an error.
    public var supportsMaterializedViews: Bool = false
    /// Whether `DROP TRIGGER` names the trigger's table (`DROP TRIGGER t ON table`, PostgreSQL,
    /// where trigger names are per table) or names the trigger alone (SQLite).
    public var dropTriggerNamesTable: Bool = false
    /// Whether `CREATE SEQUENCE` exists; without it a sequence is an error.
    public var supportsSequences: Bool = false
    /// Whether `CREATE DOMAIN` exists; without it a domain is an error.
    public var supportsDomains: Bool = false
    /// Whether `CREATE EXTENSION` exists; without it an extension is an error.
    public var supportsExtensions: Bool = false
    /// Whether tables can be partitioned (`PARTITION BY`, `PARTITION OF`, `ATTACH`/`DETACH
    /// PARTITION`); without it a partitioned table or partition is an error.
    public var supportsPartitions: Bool = false
    /// Whether a session can limit its lock waits and statements (`lock_timeout`,
    /// `statement_timeout`); see ``SessionTimeouts``.
    public var supportsSessionTimeouts: Bool
    /// How a numbered query parameter is written before its number: `$1` (PostgreSQL), `?1` (SQLite).
    public var parameterPrefix: String
    /// Whether an anonymous code block can loop and COMMIT as it goes (PostgreSQL's `DO`), so an
    /// offline script can hold a backfill's batches.
    public var supportsProcedureCommit: Bool

    public static let postgresql = SQLDialect(
        name: "PostgreSQL", supportsDollarQuoting: true, supportsTransactionalDDL: true,
        supportsSchemas: true,
        typeNames: ColumnTypeNames(
            integer: "INTEGER", bigInteger: "BIGINT", smallInteger: "SMALLINT", varchar: "VARCHAR", text: "TEXT",
            boolean: "BOOLEAN", date: "DATE", timestamp: "TIMESTAMP",
            timestampWithTimeZone: "TIMESTAMP WITH TIME ZONE", time: "TIME", numeric: "NUMERIC", float: "REAL",
            double: "DOUBLE PRECISION", binary: "BYTEA", uuid: "UUID", json: "JSON", jsonb: "JSONB"),
        enumerationStyle: .namedType, identityStyle: .generatedByDefault, trueLiteral: "TRUE",
        falseLiteral: "FALSE", parenthesizesDefaultExpressions: false, supportsComments: true,
        supportsAlterColumn: true, supportsAlterTableConstraints: true, supportsDropColumnWithDependents: true,
        supportsAddColumnWithKey: true, supportsAddColumnWithExpressionDefault: true,
        supportsAddNotNullColumnWithoutDefault: true, canRebuildTables: false, lockScope: .table,
        supportsIndexAccessMethods: true, supportsForeignKeyMatch: true, supportsMaterializedViews: true,
        dropTriggerNamesTable: true, supportsSequences: true, supportsDomains: true, supportsExtensions: true,
        supportsPartitions: true,
        supportsSessionTimeouts: true, parameterPrefix: "$",
        supportsProcedureCommit: true)

    /// SQLite: type names chosen for the right affinity and so reflection reads them back as the
    /// same portable type (`CHAR(36)` uuids and `JSON`/`JSONB` are text; booleans are 0/1).
    public static let sqlite = SQLDialect(
        name: "SQLite", supportsDollarQuoting: false, supportsTransactionalDDL: true,
        supportsSchemas: false,
        typeNames: ColumnTypeNames(
            integer: "INTEGER", bigInteger: "BIGINT", smallInteger: "SMALLINT", varchar: "VARCHAR", text: "TEXT",
            boolean: "BOOLEAN", date: "DATE", timestamp: "TIMESTAMP",
            timestampWithTimeZone: "TIMESTAMP WITH TIME ZONE", time: "TIME", numeric: "NUMERIC", float: "REAL",
            double: "DOUBLE PRECISION", binary: "BLOB", uuid: "CHAR(36)", json: "JSON", jsonb: "JSONB"),
        enumerationStyle: .checkConstraint, identityStyle: .rowidAlias, trueLiteral: "1", falseLiteral: "0",
        parenthesizesDefaultExpressions: true, supportsComments: false, supportsAlterColumn: false,
        supportsAlterTableConstraints: false, supportsDropColumnWithDependents: false,
        supportsAddColumnWithKey: false, supportsAddColumnWithExpressionDefault: false,
        supportsAddNotNullColumnWithoutDefault: false, canRebuildTables: true, lockScope: .database,
        supportsVirtualTables: true, typeNamesDecideAffinity: true, supportsSQLiteTableOptions: true,
        supportsSessionTimeouts: false, parameterPrefix: "?",
        supportsProcedureCommit: false)

    /// Quotes an identifier so reserved words, mixed case, spaces and quotes survive.
    public func quoteIdentifier(_ name: String) -> String {
        name.quoted(by: UInt8(ascii: "\""))
    }

    /// Quotes a possibly schema-qualified name.
    public func quoteQualified(_ name: String, schema: String?) -> String {
        guard let schema, !schema.isEmpty else { return quoteIdentifier(name) }
        return quoteIdentifier(schema) + "." + quoteIdentifier(name)
    }

    /// A string literal with embedded quotes doubled (standard SQL; both engines accept it).
    public func quoteString(_ value: String) -> String {
        value.quoted(by: UInt8(ascii: "'"))
    }
}

extension String {
    /// Foundation's replacement, for the modules that keep Foundation out (core, SQL, drivers).
    package func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension String {
    /// The text between two `quote` bytes, with each `quote` inside doubled: SQL's quoting of
    /// identifiers and strings. Built in one allocation, since an offline script of a long
    /// history quotes a revision id in every statement that records it.
    fileprivate func quoted(by quote: UInt8) -> String {
        var text = self
        return text.withUTF8 { bytes in
            let quotes = bytes.count { $0 == quote }
            return String(unsafeUninitializedCapacity: bytes.count + quotes + 2) { buffer in
                var length = 0
                buffer[length] = quote
                length += 1
                for byte in bytes {
                    buffer[length] = byte
                    length += 1
                    if byte == quote {
                        buffer[length] = quote
                        length += 1
                    }
                }
                buffer[length] = quote
                return length + 1
            }
        }
    }
}

/// What an engine's schema changes lock, see ``SQLDialect/lockScope``.
public enum LockScope: Sendable, Hashable {
    /// The changed table (and tables it references), in a lock queue other sessions wait in.
    case table
    /// The whole database, for writes, for as long as the transaction runs.
    case database
}
