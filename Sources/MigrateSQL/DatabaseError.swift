/// An error reported by a database engine, with everything needed to act on it.
///
/// It keeps the engine's own code (SQLSTATE for PostgreSQL, the extended result code for
/// SQLite), the server's message, detail and hint, and the SQL that failed. It never holds a
/// connection string, so it can be printed without leaking a password.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// "PostgreSQL" or "SQLite".
    public var engine: String
    /// SQLSTATE (e.g. "42P01") or SQLite's extended code name (e.g. "SQLITE_CONSTRAINT_UNIQUE (2067)").
    public var code: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// 1-based character offset into `sql` that the server points at, when it gives one.
    public var position: Int?
    /// The statement that failed, when the failure came from one.
    public var sql: String?
    /// Whether the connection died (server stopped, backend terminated): the failure says
    /// nothing about the statement, and an open transaction did not commit.
    public var isConnectionLost = false

    public init(
        engine: String, code: String? = nil, message: String, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, sql: String? = nil
    ) {
        self.engine = engine
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.sql = sql
    }

    public var description: String {
        var text = "\(engine) error"
        if let code { text += " \(code)" }
        text += ": \(message)"
        if let detail { text += "\ndetail: \(detail)" }
        if let hint { text += "\nhint: \(hint)" }
        if let sql {
            text += "\nstatement: \(sql)"
            if let position { text += "\n(at character \(position))" }
        }
        return text
    }
}
