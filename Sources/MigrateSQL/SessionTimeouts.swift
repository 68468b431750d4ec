/// The limits migrate puts on a migration's statements: how long one may wait for a lock
/// (`lock_timeout`) and how long one may run (`statement_timeout`).
///
/// A DDL statement that queues behind a long transaction makes every later query on its table
/// queue behind it; a lock timeout turns that stall into a quick failure migrate can retry.
/// They are set first in the migration, so a `SET` in the migration's own SQL still wins.
public struct SessionTimeouts: Sendable, Hashable {
    /// Nil leaves the session's setting alone.
    public var lockTimeout: Duration?
    /// Nil leaves the session's setting alone.
    public var statementTimeout: Duration?

    public init(lockTimeout: Duration? = nil, statementTimeout: Duration? = nil) {
        self.lockTimeout = lockTimeout
        self.statementTimeout = statementTimeout
    }

    /// The statements that set the limits: `SET LOCAL` inside a transaction (they end with it),
    /// plain `SET` for a migration that runs outside one (undone by ``resetStatements(dialect:)``).
    /// None on an engine without such settings (SQLite, whose waits are the connection's).
    public func setStatements(dialect: SQLDialect, inTransaction: Bool) -> [String] {
        guard dialect.supportsSessionTimeouts else { return [] }
        let set = inTransaction ? "SET LOCAL" : "SET"
        return settings.map { "\(set) \($0.name) = \(dialect.quoteString(Self.text($0.value)))" }
    }

    /// What undoes the plain `SET`s of a migration run outside a transaction.
    public func resetStatements(dialect: SQLDialect) -> [String] {
        guard dialect.supportsSessionTimeouts else { return [] }
        return settings.map { "RESET \($0.name)" }
    }

    private var settings: [(name: String, value: Duration)] {
        [("lock_timeout", lockTimeout), ("statement_timeout", statementTimeout)].compactMap { name, value in
            value.map { (name, $0) }
        }
    }

    /// `5s`, or `1500ms` for a time that is not a whole number of seconds: PostgreSQL's units.
    public static func text(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}

extension Duration {
    /// The whole number of milliseconds, rounded down.
    package var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
