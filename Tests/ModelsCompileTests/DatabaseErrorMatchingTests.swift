import MigrateKit
import Testing

/// An app that imports only MigrateKit can match the engine's code behind a failed run.
@Suite struct DatabaseErrorMatchingTests {
    @Test func codesAreMatchedThroughMigrateKitAlone() {
        let locked = DatabaseError(engine: "PostgreSQL", sqlState: .lockNotAvailable, message: "canceling statement due to lock timeout")
        let error = MigrateError(.migration, "upgrade failed", cause: locked)
        #expect(DatabaseError.underlying(error)?.sqlState == .lockNotAvailable)
        #expect(DatabaseError.underlying(error)?.failureCause == .lockConflict)

        let orphan = DatabaseError(engine: "SQLite", resultCode: SQLiteResultCode(787), message: "FOREIGN KEY constraint failed")
        #expect(orphan.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY)
        #expect(orphan.primaryResultCode == .SQLITE_CONSTRAINT)
        #expect(orphan.code == "SQLITE_CONSTRAINT_FOREIGNKEY (787)")
    }
}
