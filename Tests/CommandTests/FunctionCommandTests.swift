import Foundation
import MigrateCore
import MigrateSQL
import Testing
import TestSupport

/// Functions and procedures declared in models, through autogenerate, upgrade, `check` and
/// `downgrade base` on a real PostgreSQL, with a default, a check and a trigger that use them.
@Suite struct FunctionCommandTests {
    /// `start` is the default's value, `touched` what the trigger function writes, `argument` the
    /// name of `positive`'s argument and `startType` the result type of `start_value`.
    static func models(start: Int, touched: Int, argument: String = "v", startType: String = "integer") -> String {
        #"""
        import MigrateKit

        enum AppSchema: ModelSchema {
            static let tables: [Table] = [
                Table("counters",
                    Column("id", .integer, primaryKey: true),
                    Column("n", .integer, nullable: false, default: .expression("start_value()")),
                    Column("touched", .integer),
                    CheckConstraint("positive(n)", name: "counters_positive")),
            ]
            static let functions: [Function] = [
                Function("CREATE FUNCTION start_value() RETURNS \#(startType) LANGUAGE sql IMMUTABLE AS 'SELECT \#(start)'"),
                Function("CREATE FUNCTION positive(\#(argument) integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT \#(argument) > 0'"),
                Function("""
                    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        NEW.touched := \#(touched);
                        RETURN NEW;
                    END
                    $$
                    """),
                Function("CREATE PROCEDURE reset_counters(to_value integer) LANGUAGE sql AS 'UPDATE counters SET n = to_value'"),
            ]
            static let triggers: [Trigger] = [
                Trigger("counters_touch", on: "counters", "CREATE TRIGGER counters_touch BEFORE INSERT OR UPDATE ON counters FOR EACH ROW WHEN (positive(new.n)) EXECUTE FUNCTION touch()"),
            ]
        }

        """#
    }

    @Test func functionsRoundTripOnPostgreSQL() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try SchemaObjectsCommandTests.environment(.postgresql)
        try env.write("models/App.swift", Self.models(start: 1, touched: 1))
        let first = try env.run("revision", "--autogenerate", "-m", "functions", "--rev-id", "fun01")
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("add_function start_value()"), "\(first)")
        #expect(first.stderr.contains("add_procedure reset_counters(integer)"), "\(first)")
        var up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        var check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let database = try env.database()
        try database.execute("INSERT INTO counters (id) VALUES (1)")
        #expect(try database.scalar("SELECT n || ',' || touched FROM counters WHERE id = 1") == "1,1")

        // A new body: replaced in place.
        try env.write("models/App.swift", Self.models(start: 5, touched: 2))
        let second = try env.run("revision", "--autogenerate", "-m", "bodies", "--rev-id", "fun02")
        #expect(second.status == 0, "\(second)")
        #expect(second.stderr.contains("modify_function start_value()"), "\(second)")
        #expect(second.stderr.contains("modify_function touch()"), "\(second)")
        #expect(!second.stderr.contains("remove_function"), "\(second)")
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        try database.execute("INSERT INTO counters (id) VALUES (2)")
        #expect(try database.scalar("SELECT n || ',' || touched FROM counters WHERE id = 2") == "5,2")

        // A new argument name (used by the check and the trigger's condition) and a new result type
        // (used by the default): dropped and created again around what uses them.
        try env.write("models/App.swift", Self.models(start: 5, touched: 2, argument: "value", startType: "bigint"))
        let third = try env.run("revision", "--autogenerate", "-m", "signatures", "--rev-id", "fun03")
        #expect(third.status == 0, "\(third)")
        #expect(third.stderr.contains("remove_function positive(integer)"), "\(third)")
        #expect(third.stderr.contains("add_function positive(integer)"), "\(third)")
        #expect(third.stderr.contains("remove_function start_value()"), "\(third)")
        up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(try database.scalar("SELECT pg_get_function_result('start_value'::regproc)") == "bigint")
        try database.execute("INSERT INTO counters (id) VALUES (3)")
        #expect(try database.scalar("SELECT n || ',' || touched FROM counters WHERE id = 3") == "5,2")
        #expect(throws: (any Error).self) { try database.execute("INSERT INTO counters (id, n) VALUES (4, -1)") }

        try database.execute("DELETE FROM counters")
        let down = try env.run("downgrade", "base")
        #expect(down.status == 0, "\(down)")
        let left = try SchemaObjectsCommandTests.reflect(env)
        #expect(left.tables.isEmpty && left.functions.isEmpty && left.triggers.isEmpty, "\(left)")
    }

    /// A function changed in the database is drift: `check` names it and autogenerate puts the
    /// declared body back.
    @Test func aFunctionChangedInTheDatabaseIsDrift() throws {
        guard TestEngine.postgresql.isEnabled else { return }
        let env = try SchemaObjectsCommandTests.environment(.postgresql)
        try env.write("models/App.swift", Self.models(start: 1, touched: 1))
        #expect(try env.run("revision", "--autogenerate", "-m", "functions", "--rev-id", "drf01").status == 0)
        #expect(try env.run("upgrade", "head").status == 0)
        let database = try env.database()
        try database.execute("CREATE OR REPLACE FUNCTION start_value() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 9'")
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.contains("modify_function start_value()") || check.stderr.contains("modify_function start_value()"), "\(check)")
        let fix = try env.run("revision", "--autogenerate", "-m", "fix", "--rev-id", "drf02")
        #expect(fix.status == 0, "\(fix)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try database.scalar("SELECT start_value()") == "1")
    }
}
