import CSQLite
import MigrateCore
import MigrateSQL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A copy of an SQLite database file made with SQLite's online backup API, and put back the
/// same way.
///
/// The backup API copies pages under SQLite's own locks, so the copy is consistent even with
/// other connections open (a plain file copy could catch a write half done, or miss what sits in
/// a WAL file), and putting it back is seen by every connection to the file.
final class SQLiteBackup: DatabaseBackup {
    let database: String
    let path: String

    /// Copies `database` to `<database>-migrate-backup`, replacing an older copy there.
    init(database: String) throws {
        self.database = database
        self.path = database + "-migrate-backup"
        unlink(path)
        do {
            try Self.copy(from: database, to: path)
        } catch {
            unlink(path)
            throw MigrateError(
                .database, "cannot back up the SQLite database \(database) to \(path)",
                hint: "Check that the folder is writable and has room for a copy of the file.", cause: error)
        }
    }

    func restore() throws {
        do {
            try Self.copy(from: path, to: database)
        } catch {
            throw MigrateError(
                .database, "cannot restore the SQLite database \(database) from its backup \(path)",
                hint: "The backup is kept: with no program using the database, copy \(path) over \(database).",
                cause: error)
        }
    }

    func discard() { unlink(path) }

    /// Copies every page of the main database of `source` into `destination` in one step.
    private static func copy(from source: String, to destination: String) throws {
        let from = try open(source, flags: SQLITE_OPEN_READONLY)
        defer { sqlite3_close_v2(from) }
        let to = try open(destination, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        defer { sqlite3_close_v2(to) }
        guard let backup = sqlite3_backup_init(to, "main", from, "main") else {
            throw error(to, sqlite3_extended_errcode(to), "sqlite3_backup_init")
        }
        var code: Int32
        repeat {
            // -1: every page at once. BUSY or LOCKED: another connection is writing; the
            // connections' busy timeout has already waited, so wait a little more and retry.
            code = sqlite3_backup_step(backup, -1)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finished = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finished == SQLITE_OK else {
            throw error(to, code == SQLITE_DONE ? finished : code, "sqlite3_backup_step")
        }
    }

    private static func open(_ path: String, flags: Int32) throws -> OpaquePointer {
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let failure = error(handle, code, "open \(path)")
            sqlite3_close_v2(handle)
            throw failure
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 60_000)
        return handle
    }

    private static func error(_ handle: OpaquePointer?, _ code: Int32, _ action: String) -> DatabaseError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        return DatabaseError(engine: "SQLite", resultCode: SQLiteResultCode(code), message: "\(action): \(message)")
    }
}
