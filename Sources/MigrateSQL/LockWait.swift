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

        public init(processID: Int, state: String?, application: String?, query: String?) {
            self.processID = processID
            self.state = state
            self.application = application
            self.query = query
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
        let held = holders.map { holder in
            var details: [String] = []
            if let state = holder.state, !state.isEmpty { details.append(state) }
            if let application = holder.application, !application.isEmpty { details.append("application \"\(application)\"") }
            if let query = holder.query, !query.isEmpty { details.append("\"\(Self.shortened(query))\"") }
            return "process \(holder.processID)" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))")
        }
        return "Waiting for a lock on \(lock): held by \(held.joined(separator: "; "))"
    }

    /// The statement on one line, cut at 120 characters.
    private static func shortened(_ query: String) -> String {
        let oneLine = query.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return oneLine.count <= 120 ? oneLine : String(oneLine.prefix(119)) + "…"
    }
}
