import Foundation
import Testing
import TestSupport

/// A step's version-table UPDATE or DELETE must find the head it replaces: when it changes no
/// row, something moved the database underneath the run, which rolls back and says so.
@Suite struct VersionRowCountTests {
    static func writeBase(_ env: Environment) throws {
        try env.migration("vr1", message: "first", upgrade: "CREATE TABLE first_table (id INTEGER);")
    }

    @Test(arguments: TestEngine.enabled)
    func aMigrationThatDeletesItsVersionRowIsRolledBack(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration("vr2", parent: "vr1", message: "moves the database", upgrade: """
            CREATE TABLE second_table (id INTEGER);
            DELETE FROM migrate_version;
            """)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("upgrade vr2 (moves the database): another run moved the database"), "\(up)")
        #expect(up.stderr.contains("the version table no longer holds vr1, which this step replaces (expected heads: vr1)"), "\(up)")
        #expect(up.stderr.contains("The migration was rolled back. Run `migrate current`"), "\(up)")
        let db = try env.database()
        #expect(try db.versions() == ["vr1"])
        #expect(try !db.tables().contains("second_table"))
        #expect(try db.column("SELECT revision FROM migrate_version_history") == ["vr1"])
    }

    /// Downgrades too: the step's UPDATE must find the head it replaces.
    @Test(arguments: TestEngine.enabled)
    func aDowngradeThatRewritesTheVersionRowIsRolledBack(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration("vr2", parent: "vr1", message: "second", upgrade: "CREATE TABLE second_table (id INTEGER);")
        try env.migration(
            "vr3", parent: "vr2", message: "rewrites the version", upgrade: "CREATE TABLE third (id INTEGER);",
            downgrade: "DROP TABLE third;\nUPDATE migrate_version SET version_num = 'vr1';")
        #expect(try env.run("upgrade", "head").status == 0)
        let down = try env.run("downgrade", "vr2")
        #expect(down.status == 1, "\(down)")
        #expect(down.stderr.contains("downgrade vr3 (rewrites the version): another run moved the database"), "\(down)")
        #expect(down.stderr.contains("the version table no longer holds vr3"), "\(down)")
        let db = try env.database()
        #expect(try db.versions() == ["vr3"])
        #expect(try db.tables().contains("third"))
    }

    /// Outside a transaction the migration's statements stay, but the record is not written.
    @Test(arguments: TestEngine.enabled)
    func aNonTransactionalMigrationThatMovesTheDatabaseRecordsNothing(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration(
            "vr2", parent: "vr1", message: "outside", upgrade: "DELETE FROM migrate_version;",
            extraHeader: "-- transactional: false")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("another run moved the database"), "\(up)")
        #expect(up.stderr.contains("ran outside a transaction and stay applied"), "\(up)")
        #expect(try env.database().column("SELECT revision FROM migrate_version_history") == ["vr1"])
    }
}
