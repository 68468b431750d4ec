import MigrateCore
import MigrateSQL
import Testing

/// The classification of engine codes into causes, each with its own remedy: only a statement
/// the engine blames is "the migration's fault".
@Suite struct DatabaseFailureCauseTests {
    @Test(arguments: [
        ("42601", DatabaseFailureCause.statement),  // syntax_error
        ("42P01", .statement),  // undefined_table
        ("42703", .statement),  // undefined_column
        ("23505", .statement),  // unique_violation
        ("23503", .statement),  // foreign_key_violation
        ("22P02", .statement),  // invalid_text_representation
        ("25001", .statement),  // active_sql_transaction (CREATE INDEX CONCURRENTLY in a transaction)
        ("P0001", .statement),  // raise_exception
        ("53100", .diskFull),
        ("25006", .readOnly),
        ("42501", .permissionDenied),
        ("28P01", .permissionDenied),
        ("55P03", .lockConflict),
        ("40P01", .lockConflict),
        ("40001", .lockConflict),
        ("53200", .outOfMemory),
        ("53300", .tooManyConnections),
        ("57P01", .connectionLost),
        ("08006", .connectionLost),
        ("58030", .ioError),
        ("XX000", .other),
    ])
    func sqlState(code: String, cause: DatabaseFailureCause) {
        #expect(DatabaseFailureCause(sqlState: SQLState(code)) == cause)
    }

    @Test func statementTimeoutIsToldFromACancel() {
        #expect(DatabaseFailureCause(sqlState: .queryCanceled, message: "canceling statement due to statement timeout") == .statementTimeout)
        #expect(DatabaseFailureCause(sqlState: .queryCanceled, message: "canceling statement due to user request") == .cancelled)
    }

    @Test(arguments: [
        (Int32(1), DatabaseFailureCause.statement),  // SQLITE_ERROR: syntax, no such table
        (19, .statement),  // SQLITE_CONSTRAINT
        (2067, .statement),  // SQLITE_CONSTRAINT_UNIQUE
        (13, .diskFull),  // SQLITE_FULL
        (8, .readOnly),  // SQLITE_READONLY
        (1032, .readOnly),  // SQLITE_READONLY_DBMOVED
        (3, .permissionDenied),  // SQLITE_PERM
        (14, .permissionDenied),  // SQLITE_CANTOPEN
        (23, .permissionDenied),  // SQLITE_AUTH
        (5, .lockConflict),  // SQLITE_BUSY
        (517, .lockConflict),  // SQLITE_BUSY_SNAPSHOT
        (6, .lockConflict),  // SQLITE_LOCKED
        (7, .outOfMemory),  // SQLITE_NOMEM
        (3082, .outOfMemory),  // SQLITE_IOERR_NOMEM
        (9, .cancelled),  // SQLITE_INTERRUPT
        (10, .ioError),  // SQLITE_IOERR
        (26, .corrupt),  // SQLITE_NOTADB
        (11, .corrupt),  // SQLITE_CORRUPT
    ])
    func sqliteResultCode(code: Int32, cause: DatabaseFailureCause) {
        #expect(DatabaseFailureCause(sqliteResultCode: SQLiteResultCode(code)) == cause)
    }

    @Test func databaseErrorsAreClassifiedFromTheirCodes() {
        func sqlite(_ code: Int32) -> DatabaseError { DatabaseError(engine: "SQLite", resultCode: SQLiteResultCode(code), message: "m") }
        #expect(sqlite(13).failureCause == .diskFull)
        #expect(sqlite(1032).failureCause == .readOnly)
        #expect(sqlite(5).failureCause == .lockConflict)
        // migrate's own checks name no engine code: the SQL is at fault.
        #expect(DatabaseError(engine: "SQLite", check: "FOREIGN KEY CHECK", message: "m").failureCause == .statement)
        #expect(DatabaseError(engine: "SQLite", message: "m").failureCause == .statement)
        #expect(DatabaseError(engine: "PostgreSQL", sqlState: .diskFull, message: "could not extend file").failureCause == .diskFull)

        var lost = DatabaseError(engine: "PostgreSQL", sqlState: .undefinedTable, message: "m")
        lost.isConnectionLost = true
        #expect(lost.failureCause == .connectionLost)
    }

    @Test func onlyAStatementTheEngineBlamesHasNoRemedyOfItsOwn() {
        for cause in DatabaseFailureCause.allCases {
            for engine in ["SQLite", "PostgreSQL"] {
                let remedy = cause.remedy(engine: engine)
                if cause == .statement {
                    #expect(remedy == nil)
                } else {
                    #expect(remedy?.hasSuffix("run the command again.") == true || remedy?.hasSuffix("when ready.") == true, "\(cause) \(engine): \(remedy ?? "nil")")
                    #expect(remedy?.contains("Fix the migration") == false)
                }
            }
        }
        #expect(DatabaseFailureCause.readOnly.remedy(engine: "SQLite") != DatabaseFailureCause.readOnly.remedy(engine: "PostgreSQL"))
    }

    @Test func theDatabaseErrorIsFoundBehindMigrateErrors() {
        let database = DatabaseError(engine: "PostgreSQL", sqlState: .insufficientPrivilege, message: "permission denied for schema public")
        let wrapped = MigrateError(.database, "outer", cause: MigrateError(.migration, "inner", cause: database))
        #expect(DatabaseError.underlying(wrapped)?.sqlState == .insufficientPrivilege)
        #expect(DatabaseError.underlying(MigrateError(.usage, "no cause")) == nil)
        #expect(DatabaseError(engine: "PostgreSQL", sqlState: .insufficientPrivilege, message: "").remedy?.contains("GRANT") == true)
    }
}
