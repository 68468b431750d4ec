/// A statement of the run has waited for a while for a lock another session holds: which lock,
/// and who holds it, so the person watching a stuck deploy knows whom to ask (or end).
///
/// ```
/// Waiting for a lock on table public.items (AccessExclusiveLock): held by process 1234
/// (idle in transaction, application "psql", "ALTER TABLE items ADD COLUMN note text")
/// ```
public struct LockWait: Sendable, Hashable, CustomStringConvertible {
    /// A session the statement waits for, as `pg_stat_activity` describes it.
    public struct Holder: Sendable, Hashable {
        public var processID: Int
        /// `active`, `idle in transaction`, …
        public var state: String?
        public var application: String?
        /// The holder's current (or, when idle, last) statement.
        public var query: String?
        /// The role it is connected as.
        public var user: String?
        /// How long its transaction has been open, when it has one.
        public var transactionAge: Duration?

        public init(
            processID: Int, state: String?, application: String?, query: String?, user: String? = nil,
            transactionAge: Duration? = nil
        ) {
            self.processID = processID
            self.state = state
            self.application = application
            self.query = query
            self.user = user
            self.transactionAge = transactionAge
        }

        /// `process 1234 (user "app", idle in transaction, application "psql", transaction open
        /// for 42 s, "UPDATE items …")`.
        public var description: String {
            var details: [String] = []
            if let user, !user.isEmpty { details.append("user \"\(user)\"") }
            if let state, !state.isEmpty { details.append(state) }
            if let application, !application.isEmpty { details.append("application \"\(application)\"") }
            if let transactionAge { details.append("transaction open for \(Self.seconds(transactionAge))") }
            if let query, !query.isEmpty { details.append("\"\(LockWait.shortened(query))\"") }
            return "process \(processID)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
        }

        /// `42 s`, `1.5 s`.
        private static func seconds(_ duration: Duration) -> String {
            let tenths = (duration.components.seconds * 10) + duration.components.attoseconds / 100_000_000_000_000_000
            return tenths >= 100 || tenths % 10 == 0 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
        }
    }

    /// What is waited for, e.g. `table public.items (AccessExclusiveLock)`.
    public var lock: String
    public var holders: [Holder]

    public init(lock: String, holders: [Holder]) {
        self.lock = lock
        self.holders = holders
    }

    /// "Waiting for a lock on …: held by process 1234 (…)", one sentence without a newline.
    public var description: String {
        "Waiting for a lock on \(lock): held by \(heldBy)"
    }

    /// "process 1234 (…); process 1240 (…)": the sessions that hold the lock.
    public var heldBy: String {
        holders.map(\.description).joined(separator: "; ")
    }

    /// The statement on one line, cut at 120 characters.
    fileprivate static func shortened(_ query: String) -> String {
        let oneLine = query.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return oneLine.count <= 120 ? oneLine : String(oneLine.prefix(119)) + "…"
    }
}
