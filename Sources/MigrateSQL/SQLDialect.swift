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

    public static let postgresql = SQLDialect(
        name: "PostgreSQL", supportsDollarQuoting: true, supportsTransactionalDDL: true,
        supportsSchemas: true)
    public static let sqlite = SQLDialect(
        name: "SQLite", supportsDollarQuoting: false, supportsTransactionalDDL: true,
        supportsSchemas: false)

    /// Quotes an identifier so reserved words, mixed case, spaces and quotes survive.
    public func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Quotes a possibly schema-qualified name.
    public func quoteQualified(_ name: String, schema: String?) -> String {
        guard let schema, !schema.isEmpty else { return quoteIdentifier(name) }
        return quoteIdentifier(schema) + "." + quoteIdentifier(name)
    }

    /// A string literal with embedded quotes doubled (standard SQL; both engines accept it).
    public func quoteString(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
