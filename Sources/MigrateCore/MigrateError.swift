/// A place in a user's file, for messages in the `file:line:column` form editors understand.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var line: Int?
    public var column: Int?

    public init(path: String, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = path
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }
}

/// Every failure `migrate` reports: what failed, where, why, and what to do about it.
///
/// Library code throws these (or wraps a driver's error in one) and never prints; the command
/// line turns them into a message and an exit status in one place.
public struct MigrateError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; it decides the exit status (usage errors exit 64, the rest 1).
    public enum Kind: String, Sendable {
        /// The command was called wrongly: bad arguments or an identifier that names nothing.
        case usage
        /// migrate.json or the environment it reads is wrong.
        case configuration
        /// A migration or model file cannot be read.
        case script
        /// The revision graph is inconsistent (cycles, missing parents, duplicates).
        case graph
        /// The database refused something, or could not be reached.
        case database
        /// A migration failed while running; the database is at the last completed revision.
        case migration
        /// Another run held the migration lock for longer than the timeout.
        case lockTimeout
        /// `check` found differences between the models and the database.
        case drift
        /// A signal (Ctrl-C, SIGTERM) stopped the run; ``MigrateError/signal`` says which, and
        /// the command line exits with 128 + that number.
        case interrupted
    }

    public var kind: Kind
    /// What failed, in one sentence.
    public var message: String
    /// What the user can do about it.
    public var hint: String?
    /// The file position the failure comes from, when there is one.
    public var location: SourceLocation?
    /// The source text at ``location``, shown under the message: the line and a caret under
    /// the column, as compilers show it.
    public var excerpt: String?
    /// The error underneath (a database error, a file system error), shown after the message.
    public var cause: (any Error)?
    /// For `.interrupted`: the signal that stopped the run.
    public var signal: Int32?

    public init(
        _ kind: Kind,
        _ message: String,
        hint: String? = nil,
        location: SourceLocation? = nil,
        excerpt: String? = nil,
        cause: (any Error)? = nil
    ) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.location = location
        self.excerpt = excerpt
        self.cause = cause
    }

    public var description: String {
        var text = ""
        if let location { text += "\(location): " }
        text += message
        if let excerpt { text += "\n" + excerpt }
        if let cause { text += "\n  cause: " + String(describing: cause).replacingNewlines(with: "\n  ") }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

extension String {
    fileprivate func replacingNewlines(with replacement: String) -> String {
        split(separator: "\n", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
