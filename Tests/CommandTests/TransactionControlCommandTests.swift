import Foundation
import Testing
import TestSupport

/// A transactional migration that begins or ends a transaction itself is refused when it is
/// loaded, before anything runs or is printed.
@Suite struct TransactionControlCommandTests {
    static func writeBase(_ env: Environment) throws {
        try env.migration("tc1", message: "first", upgrade: "CREATE TABLE first_table (id INTEGER);")
    }

    @Test(arguments: TestEngine.enabled)
    func aSQLFileThatCommitsIsRefusedWithItsPlace(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration("tc2", parent: "tc1", message: "commits", upgrade: """
            CREATE TABLE second_table (id INTEGER);
            INSERT INTO second_table VALUES (1);   COMMIT;
            CREATE TABLE third_table (id INTEGER);
            """)
        for arguments in [["upgrade", "head"], ["upgrade", "head", "--sql"]] {
            let result = try env.run(arguments)
            #expect(result.status == 1, "\(result)")
            // The upgrade section starts on line 6 of the file Environment.migration writes.
            #expect(result.stderr.contains("versions/tc2_m.sql:7:40: `COMMIT` (COMMIT) in a transactional migration"), "\(result)")
            #expect(result.stderr.contains("add `-- transactional: false` to its header"), "\(result)")
        }
        #expect(try env.database().versions() == [])
        // Commands that only read the graph still work.
        let heads = try env.run("heads")
        #expect(heads.status == 0, "\(heads)")
        #expect(heads.stdout.contains("tc2"))
    }

    /// Bodies that hold BEGIN, END or COMMIT inside them are not transaction control.
    @Test(arguments: TestEngine.enabled)
    func bodiesWithBeginAndEndRun(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        let body = switch engine {
        case .sqlite:
            """
            CREATE TABLE log (id INTEGER);
            CREATE TRIGGER first_audit AFTER INSERT ON first_table BEGIN
                INSERT INTO log VALUES (new.id);
            END;
            SAVEPOINT backfill;
            INSERT INTO first_table VALUES (1);
            RELEASE backfill;
            """
        case .postgresql:
            """
            CREATE TABLE log (id INTEGER);
            CREATE FUNCTION first_audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO log VALUES (new.id);
                RETURN new;
            END $$;
            CREATE TRIGGER first_audit AFTER INSERT ON first_table FOR EACH ROW EXECUTE FUNCTION first_audit();
            DO $$ BEGIN PERFORM 1; END $$;
            SAVEPOINT backfill;
            INSERT INTO first_table VALUES (1);
            RELEASE backfill;
            """
        }
        try env.migration("tc2", parent: "tc1", message: "bodies", upgrade: body)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().column("SELECT id FROM log") == ["1"])
    }

    /// With `transactional: false` the migration manages its own transactions.
    @Test(arguments: TestEngine.enabled)
    func aNonTransactionalMigrationMayManageItsOwnTransactions(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.migration(
            "tc2", parent: "tc1", message: "own transactions",
            upgrade: "BEGIN;\nCREATE TABLE second_table (id INTEGER);\nCOMMIT;", extraHeader: "-- transactional: false")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().versions() == ["tc2"])
    }

    @Test(arguments: TestEngine.enabled)
    func aSwiftFileWhoseExecuteEndsTheTransactionIsRefused(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.writeBase(env)
        try env.write(
            "versions/tc2_swift.swift",
            """
            import MigrateKit

            /// rolls back
            enum Rev_tc2: Migration {
                static let revision = "tc2"
                static let downRevision: [String] = ["tc1"]
                static func upgrade(_ op: Operations) {
                    op.execute("CREATE TABLE second_table (id INTEGER)")
                      op.execute("INSERT INTO second_table VALUES (1); ROLLBACK")
                }
                static func downgrade(_ op: Operations) {
                    op.execute("DROP TABLE second_table")
                }
            }

            """)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("versions/tc2_swift.swift:9:11: `ROLLBACK` (ROLLBACK) in a transactional migration"), "\(up)")
        #expect(up.stderr.contains("declare `static let transactional = false` in it"), "\(up)")
        #expect(try env.database().versions() == [])

        try env.write(
            "versions/tc2_swift.swift",
            """
            import MigrateKit

            /// manages its own transaction
            enum Rev_tc2: Migration {
                static let revision = "tc2"
                static let downRevision: [String] = ["tc1"]
                static let transactional = false
                static func upgrade(_ op: Operations) {
                    op.execute("BEGIN; CREATE TABLE second_table (id INTEGER); COMMIT")
                }
                static func downgrade(_ op: Operations) {
                    op.execute("DROP TABLE second_table")
                }
            }

            """)
        let again = try env.run("upgrade", "head")
        #expect(again.status == 0, "\(again)")
        #expect(try env.database().versions() == ["tc2"])
    }
}
