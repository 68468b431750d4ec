import MigrateCore

/// An error reported by a database engine, with everything needed to act on it.
///
/// It keeps the engine's own code (SQLSTATE for PostgreSQL, the extended result code for
/// SQLite) as a value to match, the server's message, detail and hint, and the SQL that failed.
/// It never holds a connection string, so it can be printed without leaking a password.
///
/// ```swift
/// catch let error as DatabaseError where error.sqlState == .lockNotAvailable { … }
/// catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY { … }
/// ```
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// "PostgreSQL" or "SQLite".
    public var engine: String
    /// PostgreSQL's code for the error.
    public var sqlState: SQLState?
    /// SQLite's code for the error (extended result codes are always on).
    public var extendedResultCode: SQLiteResultCode?
    /// The name of a check migrate made itself, for a failure no engine code describes
    /// (`FOREIGN KEY CHECK`).
    public var check: String?
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
        engine: String, sqlState: SQLState? = nil, resultCode: SQLiteResultCode? = nil, check: String? = nil,
        message: String, detail: String? = nil, hint: String? = nil, position: Int? = nil, sql: String? = nil
    ) {
        self.engine = engine
        self.sqlState = sqlState
        self.extendedResultCode = resultCode
        self.check = check
        self.message = message
        self.detail = detail
        self.hint = hint
        self.position = position
        self.sql = sql
    }

    /// SQLite's primary result code (`SQLITE_CONSTRAINT` for `SQLITE_CONSTRAINT_UNIQUE`).
    public var primaryResultCode: SQLiteResultCode? { extendedResultCode?.primaryResultCode }

    /// The code as messages show it: `42P01`, `SQLITE_CONSTRAINT_UNIQUE (2067)`, or the check's name.
    public var code: String? { sqlState?.rawValue ?? extendedResultCode?.description ?? check }

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

/// Why a database refused something, in the categories that need different remedies: a
/// migration with a syntax error is fixed by editing it, a full disk by freeing space, a lock
/// by waiting for another session.
///
/// ```swift
/// let cause = DatabaseFailureCause(sqlState: .diskFull)    // .diskFull
/// cause.remedy(engine: "PostgreSQL")                       // "The server's disk is full: …"
/// ```
public enum DatabaseFailureCause: String, Sendable, Hashable, CaseIterable {
    /// The statement itself: a syntax error, a missing table or column, a constraint its own
    /// data violates. Fixing the SQL (the migration) is the remedy.
    case statement
    case diskFull
    case readOnly
    case permissionDenied
    /// Another session holds a lock the statement needs (or a deadlock was broken).
    case lockConflict
    case statementTimeout
    /// Someone cancelled the statement (Ctrl-C, `pg_cancel_backend`, an interrupt).
    case cancelled
    case outOfMemory
    case tooManyConnections
    /// The connection died: the failure says nothing about the statement.
    case connectionLost
    /// The operating system could not read or write the database's files.
    case ioError
    /// The file is not a database, or is damaged.
    case corrupt
    /// Anything else the engine reports (an internal error, a code this table does not know).
    case other

    /// The cause of a PostgreSQL error, from its SQLSTATE (see the PostgreSQL manual, "Error
    /// Codes"). `message` tells a statement timeout from a cancel request: both are 57014.
    public init(sqlState: SQLState, message: String = "") {
        switch sqlState {
        case .diskFull: self = .diskFull
        case .outOfMemory: self = .outOfMemory
        case .tooManyConnections: self = .tooManyConnections
        case .readOnlySQLTransaction: self = .readOnly
        case .insufficientPrivilege: self = .permissionDenied
        case .lockNotAvailable, .deadlockDetected, .serializationFailure, .objectInUse: self = .lockConflict
        case .transactionIntegrityConstraintViolation: self = .statement
        case .queryCanceled: self = message.contains("statement timeout") ? .statementTimeout : .cancelled
        case .adminShutdown, .crashShutdown, .cannotConnectNow, .databaseDropped: self = .connectionLost
        case .ioError: self = .ioError
        case .dataCorrupted, .indexCorrupted: self = .corrupt
        default:
            switch sqlState.errorClass {
            case "08": self = .connectionLost
            case "28": self = .permissionDenied
            // Features, cardinality, data, integrity, transaction state, SQL routines, names,
            // syntax and access rules, limits, prerequisite state, PL/pgSQL: what the SQL asked for.
            case "0A", "21", "22", "23", "24", "25", "26", "27", "2B", "2D", "2F", "34", "38", "39", "3B",
                "3D", "3F", "42", "44", "54", "55", "P0":
                self = .statement
            default: self = .other
            }
        }
    }

    /// The cause of a SQLite error, from its result code (primary or extended).
    public init(sqliteResultCode code: SQLiteResultCode) {
        switch code.primaryResultCode {
        case .SQLITE_ERROR, .SQLITE_TOOBIG, .SQLITE_CONSTRAINT, .SQLITE_MISMATCH, .SQLITE_RANGE: self = .statement
        case .SQLITE_FULL: self = .diskFull
        case .SQLITE_READONLY: self = .readOnly  // and its extended codes
        case .SQLITE_PERM, .SQLITE_CANTOPEN, .SQLITE_AUTH: self = .permissionDenied
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .lockConflict
        case .SQLITE_NOMEM: self = .outOfMemory
        case .SQLITE_INTERRUPT, .SQLITE_ABORT: self = .cancelled
        case .SQLITE_IOERR: self = code == .SQLITE_IOERR_NOMEM ? .outOfMemory : .ioError
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .corrupt
        default: self = .other
        }
    }

    /// What to do about a failure of this cause, one or two sentences ending in "then run the
    /// command again"; nil for ``statement``, whose remedy depends on what the statement was for
    /// (a migration's own SQL, or the version table migrate reads).
    public func remedy(engine: String) -> String? {
        let sqlite = engine == "SQLite"
        switch self {
        case .statement:
            return nil
        case .diskFull:
            return sqlite
                ? "The disk holding the database file is full (or the database reached its max_page_count): free space, then run the command again."
                : "The server's disk is full: free space on it (or raise the quota of the tablespace's volume), then run the command again."
        case .readOnly:
            return sqlite
                ? "The database file is read-only to this user (or sits on a read-only file system): make the file and its folder writable, or point the URL at a writable copy, then run the command again."
                : "The server accepts only reads (a standby, or default_transaction_read_only is on): point the URL at the primary, or make the database writable, then run the command again."
        case .permissionDenied:
            return sqlite
                ? "The operating system refused access to the database file or its folder: check their owner and permissions for this user, then run the command again."
                : "The database user lacks a privilege the statement needs (the cause names it): GRANT it (e.g. GRANT CREATE ON SCHEMA public TO the user), or connect as the owner of the objects, then run the command again."
        case .lockConflict:
            return sqlite
                ? "Another connection held a lock on the database file for longer than migrate waits (lock_timeout in migrate.json): let it finish or close it, then run the command again."
                : "Another session held a lock the statement needed, or a deadlock was broken: find it in pg_stat_activity and pg_locks, let it finish (or end it), then run the command again."
        case .statementTimeout:
            return "The statement ran longer than statement_timeout: raise it for the migrating user (ALTER ROLE … SET statement_timeout) or in the migration (SET LOCAL statement_timeout), then run the command again."
        case .cancelled:
            return "The statement was cancelled before it finished (Ctrl-C, or a cancel request from another session): run the command again when ready."
        case .outOfMemory:
            return sqlite
                ? "SQLite ran out of memory: free memory on this machine, then run the command again."
                : "The server ran out of memory: free memory on it (or lower work_mem or maintenance_work_mem for the migration), then run the command again."
        case .tooManyConnections:
            return "The server has no free connection slots (max_connections): close idle sessions or wait for some to end, then run the command again."
        case .connectionLost:
            return "The statement did not fail: the server ended the connection. Check the server, then run the command again."
        case .ioError:
            return "The operating system could not read or write the database's files: check the disk and its file system, then run the command again."
        case .corrupt:
            return sqlite
                ? "The file is not a SQLite database, or is damaged: check that the URL names the right file (restore a damaged one from a backup), then run the command again."
                : "The server found damaged data: restore it from a backup (see the server's log), then run the command again."
        case .other:
            return "Deal with the cause above, then run the command again."
        }
    }
}

extension DatabaseError {
    /// Why the database refused, from the engine's code; a failure with no code is one migrate
    /// found in the SQL itself (a NUL byte, a foreign key check) and so a ``DatabaseFailureCause/statement``.
    public var failureCause: DatabaseFailureCause {
        if isConnectionLost { return .connectionLost }
        if let sqlState { return DatabaseFailureCause(sqlState: sqlState, message: message) }
        if let extendedResultCode { return DatabaseFailureCause(sqliteResultCode: extendedResultCode) }
        return .statement
    }

    /// What to do about this error, or nil when the statement itself is at fault.
    public var remedy: String? { failureCause.remedy(engine: engine) }

    /// The database error behind `error`: the error itself, or the cause of a ``MigrateError``
    /// (followed through nested ones).
    public static func underlying(_ error: any Error) -> DatabaseError? {
        var current: (any Error)? = error
        while let error = current {
            if let database = error as? DatabaseError { return database }
            current = (error as? MigrateError)?.cause
        }
        return nil
    }
}
