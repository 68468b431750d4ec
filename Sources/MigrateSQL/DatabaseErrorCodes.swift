/// A PostgreSQL error code (SQLSTATE): five characters, the first two naming its class.
///
/// A struct rather than an enum, so a code this list does not name is still a value (the server
/// sends hundreds) and naming more breaks nothing. Match errors by it:
///
/// ```swift
/// do { try connection.execute("LOCK TABLE accounts") }
/// catch let error as DatabaseError where error.sqlState == .lockNotAvailable { … }
/// ```
public struct SQLState: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The class: the first two characters (`23` integrity constraint violation, `42` syntax
    /// error or access rule violation, …).
    public var errorClass: Substring { rawValue.prefix(2) }

    public var description: String { rawValue }

    // The codes migrate acts on, named as in the PostgreSQL manual's "Error Codes" appendix.
    public static let featureNotSupported: SQLState = "0A000"
    public static let characterNotInRepertoire: SQLState = "22021"
    public static let foreignKeyViolation: SQLState = "23503"
    public static let uniqueViolation: SQLState = "23505"
    public static let activeSQLTransaction: SQLState = "25001"
    public static let readOnlySQLTransaction: SQLState = "25006"
    public static let serializationFailure: SQLState = "40001"
    public static let transactionIntegrityConstraintViolation: SQLState = "40002"
    public static let deadlockDetected: SQLState = "40P01"
    public static let insufficientPrivilege: SQLState = "42501"
    public static let syntaxError: SQLState = "42601"
    public static let undefinedColumn: SQLState = "42703"
    public static let undefinedFunction: SQLState = "42883"
    public static let undefinedTable: SQLState = "42P01"
    public static let duplicateTable: SQLState = "42P07"
    public static let undefinedObject: SQLState = "42704"
    public static let diskFull: SQLState = "53100"
    public static let outOfMemory: SQLState = "53200"
    public static let tooManyConnections: SQLState = "53300"
    public static let objectInUse: SQLState = "55006"
    public static let lockNotAvailable: SQLState = "55P03"
    public static let queryCanceled: SQLState = "57014"
    public static let adminShutdown: SQLState = "57P01"
    public static let crashShutdown: SQLState = "57P02"
    public static let cannotConnectNow: SQLState = "57P03"
    public static let databaseDropped: SQLState = "57P05"
    public static let ioError: SQLState = "58030"
    public static let dataCorrupted: SQLState = "XX001"
    public static let indexCorrupted: SQLState = "XX002"
}

/// A SQLite result code, primary (`SQLITE_BUSY`) or extended (`SQLITE_CONSTRAINT_FOREIGNKEY`),
/// spelt as GRDB and SQLite's C API spell them:
///
/// ```swift
/// catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY { … }
/// catch let error as DatabaseError where error.primaryResultCode == .SQLITE_BUSY { … }
/// ```
///
/// Its description is the code's name and number (`SQLITE_CONSTRAINT_UNIQUE (2067)`) rather
/// than `sqlite3_errstr`'s English text, which loses the extended code.
public struct SQLiteResultCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }
    public init(_ rawValue: Int32) { self.rawValue = rawValue }

    /// The primary code of an extended one: its low byte (`SQLITE_CONSTRAINT_UNIQUE` → `SQLITE_CONSTRAINT`).
    public var primaryResultCode: SQLiteResultCode { SQLiteResultCode(rawValue & 0xff) }

    /// The code's name and number, e.g. `SQLITE_CONSTRAINT_UNIQUE (2067)`. An extended code this
    /// table does not know falls back to its primary name, so a newer SQLite still reads well.
    public var description: String {
        if let name = Self.names[rawValue] { return "\(name) (\(rawValue))" }
        if let primary = Self.names[rawValue & 0xff] { return "\(primary) (\(rawValue))" }
        return "SQLite result code \(rawValue)"
    }

    // The codes migrate acts on or tests name; any other is `SQLiteResultCode(number)`.
    public static let SQLITE_OK = SQLiteResultCode(0)
    public static let SQLITE_ERROR = SQLiteResultCode(1)
    public static let SQLITE_PERM = SQLiteResultCode(3)
    public static let SQLITE_ABORT = SQLiteResultCode(4)
    public static let SQLITE_BUSY = SQLiteResultCode(5)
    public static let SQLITE_LOCKED = SQLiteResultCode(6)
    public static let SQLITE_NOMEM = SQLiteResultCode(7)
    public static let SQLITE_READONLY = SQLiteResultCode(8)
    public static let SQLITE_INTERRUPT = SQLiteResultCode(9)
    public static let SQLITE_IOERR = SQLiteResultCode(10)
    public static let SQLITE_CORRUPT = SQLiteResultCode(11)
    public static let SQLITE_FULL = SQLiteResultCode(13)
    public static let SQLITE_CANTOPEN = SQLiteResultCode(14)
    public static let SQLITE_TOOBIG = SQLiteResultCode(18)
    public static let SQLITE_CONSTRAINT = SQLiteResultCode(19)
    public static let SQLITE_MISMATCH = SQLiteResultCode(20)
    public static let SQLITE_AUTH = SQLiteResultCode(23)
    public static let SQLITE_RANGE = SQLiteResultCode(25)
    public static let SQLITE_NOTADB = SQLiteResultCode(26)
    public static let SQLITE_IOERR_NOMEM = SQLiteResultCode(3082)
    public static let SQLITE_CONSTRAINT_FOREIGNKEY = SQLiteResultCode(787)
    public static let SQLITE_CONSTRAINT_NOTNULL = SQLiteResultCode(1299)
    public static let SQLITE_CONSTRAINT_PRIMARYKEY = SQLiteResultCode(1555)
    public static let SQLITE_CONSTRAINT_UNIQUE = SQLiteResultCode(2067)

    private static let names: [Int32: String] = {
        let primary: [(Int32, String)] = [
            (0, "SQLITE_OK"), (1, "SQLITE_ERROR"), (2, "SQLITE_INTERNAL"), (3, "SQLITE_PERM"),
            (4, "SQLITE_ABORT"), (5, "SQLITE_BUSY"), (6, "SQLITE_LOCKED"), (7, "SQLITE_NOMEM"),
            (8, "SQLITE_READONLY"), (9, "SQLITE_INTERRUPT"), (10, "SQLITE_IOERR"),
            (11, "SQLITE_CORRUPT"), (12, "SQLITE_NOTFOUND"), (13, "SQLITE_FULL"),
            (14, "SQLITE_CANTOPEN"), (15, "SQLITE_PROTOCOL"), (16, "SQLITE_EMPTY"),
            (17, "SQLITE_SCHEMA"), (18, "SQLITE_TOOBIG"), (19, "SQLITE_CONSTRAINT"),
            (20, "SQLITE_MISMATCH"), (21, "SQLITE_MISUSE"), (22, "SQLITE_NOLFS"), (23, "SQLITE_AUTH"),
            (24, "SQLITE_FORMAT"), (25, "SQLITE_RANGE"), (26, "SQLITE_NOTADB"),
            (27, "SQLITE_NOTICE"), (28, "SQLITE_WARNING"), (100, "SQLITE_ROW"), (101, "SQLITE_DONE"),
        ]
        // (primary code, extended number, suffix): the extended code is primary | (number << 8).
        let extended: [(Int32, Int32, String)] = [
            (1, 1, "MISSING_COLLSEQ"), (1, 2, "RETRY"), (1, 3, "SNAPSHOT"),
            (10, 1, "READ"), (10, 2, "SHORT_READ"), (10, 3, "WRITE"), (10, 4, "FSYNC"),
            (10, 5, "DIR_FSYNC"), (10, 6, "TRUNCATE"), (10, 7, "FSTAT"), (10, 8, "UNLOCK"),
            (10, 9, "RDLOCK"), (10, 10, "DELETE"), (10, 11, "BLOCKED"), (10, 12, "NOMEM"),
            (10, 13, "ACCESS"), (10, 14, "CHECKRESERVEDLOCK"), (10, 15, "LOCK"), (10, 16, "CLOSE"),
            (10, 17, "DIR_CLOSE"), (10, 18, "SHMOPEN"), (10, 19, "SHMSIZE"), (10, 20, "SHMLOCK"),
            (10, 21, "SHMMAP"), (10, 22, "SEEK"), (10, 23, "DELETE_NOENT"), (10, 24, "MMAP"),
            (10, 25, "GETTEMPPATH"), (10, 26, "CONVPATH"), (10, 27, "VNODE"), (10, 28, "AUTH"),
            (10, 29, "BEGIN_ATOMIC"), (10, 30, "COMMIT_ATOMIC"), (10, 31, "ROLLBACK_ATOMIC"),
            (10, 32, "DATA"), (10, 33, "CORRUPTFS"),
            (6, 1, "SHAREDCACHE"), (6, 2, "VTAB"),
            (5, 1, "RECOVERY"), (5, 2, "SNAPSHOT"), (5, 3, "TIMEOUT"),
            (14, 1, "NOTEMPDIR"), (14, 2, "ISDIR"), (14, 3, "FULLPATH"), (14, 4, "CONVPATH"),
            (14, 5, "DIRTYWAL"), (14, 6, "SYMLINK"),
            (11, 1, "VTAB"), (11, 2, "SEQUENCE"), (11, 3, "INDEX"),
            (8, 1, "RECOVERY"), (8, 2, "CANTLOCK"), (8, 3, "ROLLBACK"), (8, 4, "DBMOVED"),
            (8, 5, "CANTINIT"), (8, 6, "DIRECTORY"),
            (4, 2, "ROLLBACK"),
            (19, 1, "CHECK"), (19, 2, "COMMITHOOK"), (19, 3, "FOREIGNKEY"), (19, 4, "FUNCTION"),
            (19, 5, "NOTNULL"), (19, 6, "PRIMARYKEY"), (19, 7, "TRIGGER"), (19, 8, "UNIQUE"),
            (19, 9, "VTAB"), (19, 10, "ROWID"), (19, 11, "PINNED"), (19, 12, "DATATYPE"),
            (27, 1, "RECOVER_WAL"), (27, 2, "RECOVER_ROLLBACK"),
            (28, 1, "AUTOINDEX"),
            (23, 1, "USER"),
            (0, 1, "LOAD_PERMANENTLY"), (0, 2, "SYMLINK"),
        ]
        var names = Dictionary(uniqueKeysWithValues: primary)
        for (base, number, suffix) in extended {
            names[base | (number << 8)] = "\(names[base]!)_\(suffix)"
        }
        return names
    }()
}
