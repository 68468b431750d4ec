import CSQLite

/// SQLite's names for its result codes, so an error says `SQLITE_CONSTRAINT_UNIQUE (2067)`
/// rather than a bare number or `sqlite3_errstr`'s English text, which loses the extended code.
enum SQLiteResultCode {
    /// The code's name and number, e.g. `SQLITE_CONSTRAINT_UNIQUE (2067)`. An extended code this
    /// table does not know falls back to its primary name, so a newer SQLite still reads well.
    static func describe(_ code: Int32) -> String {
        if let name = names[code] { return "\(name) (\(code))" }
        if let primary = names[code & 0xff] { return "\(primary) (\(code))" }
        return "SQLite result code \(code)"
    }

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
