import MigrateSQL

/// How a migration is applied on an engine with lock and statement timeouts (PostgreSQL):
/// migrate.json `apply`, and `--lock-timeout`, `--lock-retries`, `--statement-timeout` for one run.
///
/// Each migration runs under `lock_timeout`, so a DDL statement that would queue behind a long
/// transaction (and make every query on its table queue behind it) gives up quickly instead; the
/// migration is rolled back and tried again after a pause that doubles each time, and after the
/// last try the run fails naming the session that held the lock.
///
/// ```json
/// { "apply": { "lock_timeout": 5, "lock_retries": 4, "retry_delay": 1, "statement_timeout": 0 } }
/// ```
public struct ApplySettings: Sendable, Hashable {
    public static let defaultLockTimeout: Duration = .seconds(5)
    public static let defaultLockRetries = 4
    public static let defaultRetryDelay: Duration = .seconds(1)

    /// How long one statement waits for a lock; nil leaves the server's setting alone.
    public var lockTimeout: Duration?
    /// How many times a migration that met its lock timeout is tried again.
    public var lockRetries: Int
    /// The pause before the first retry; each later one doubles it.
    public var retryDelay: Duration
    /// How long one statement may run; nil leaves the server's setting alone.
    public var statementTimeout: Duration?

    public init(
        lockTimeout: Duration? = defaultLockTimeout, lockRetries: Int = defaultLockRetries,
        retryDelay: Duration = defaultRetryDelay, statementTimeout: Duration? = nil
    ) {
        self.lockTimeout = lockTimeout
        self.lockRetries = lockRetries
        self.retryDelay = retryDelay
        self.statementTimeout = statementTimeout
    }

    /// The settings as the statements that set them.
    var timeouts: SessionTimeouts {
        SessionTimeouts(lockTimeout: lockTimeout, statementTimeout: statementTimeout)
    }

    /// The pause before retry `retry` (1 for the first).
    func delay(beforeRetry retry: Int) -> Duration {
        retryDelay * (1 << min(retry - 1, 16))
    }
}
