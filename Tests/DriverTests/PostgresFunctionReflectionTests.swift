import MigrateCore
import MigratePostgres
import MigrateSQL
import Testing
import TestSupport

/// Functions and procedures on a real PostgreSQL: read back with their definitions, argument
/// types and what uses them; declared ones normalised to the server's printing; and applied
/// changes that compare clean.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresFunctionReflectionTests {
    static let setup = """
        CREATE FUNCTION start_value() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 1';
        CREATE FUNCTION positive(v integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT v > 0';
        CREATE FUNCTION positive(v numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT v > 0';
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$;
        CREATE TABLE counters (
          id integer PRIMARY KEY,
          n integer NOT NULL DEFAULT start_value() CONSTRAINT counters_positive CHECK (positive(n)));
        CREATE PROCEDURE reset_counters(IN to_value integer, OUT done boolean) LANGUAGE sql
          AS 'UPDATE counters SET n = to_value RETURNING true';
        CREATE TRIGGER counters_touch BEFORE INSERT ON counters FOR EACH ROW EXECUTE FUNCTION touch();
        CREATE VIEW positive_counters AS SELECT id FROM counters WHERE positive(n::numeric);
        CREATE AGGREGATE total(integer) (SFUNC = int4pl, STYPE = integer);
        """

    @Test func reflectsFunctionsProceduresOverloadsAndWhatUsesThem() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(Self.setup)
        let reflection = try connection.reflectSchema()
        #expect(reflection.queryCount == 10)
        let functions = reflection.schema.functions
        #expect(functions.map(\.signature) == [
            "positive(integer)", "positive(numeric)", "reset_counters(integer)", "start_value()", "touch()",
        ])
        #expect(functions.map(\.isProcedure) == [false, false, true, false, false])
        let start = try #require(functions.first { $0.name.name == "start_value" })
        #expect(start.definition == """
            CREATE OR REPLACE FUNCTION start_value()
             RETURNS integer
             LANGUAGE sql
             IMMUTABLE
            AS $function$SELECT 1$function$
            """)
        let uses = reflection.schema.dependencies.filter { $0.referenced.kind == .function }.map {
            "\($0.dependent) -> \($0.referenced)"
        }
        #expect(uses.sorted() == [
            "check counters_positive on counters -> function positive(integer)",
            "default n on counters -> function start_value()",
            "trigger counters_touch on counters -> function touch()",
            "view positive_counters -> function positive(numeric)",
        ])
    }

    @Test func declaredFunctionsReadBackInTheServersWordsAndCompareClean() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(Self.setup)
        let reflected = try connection.reflectSchema().schema
        let declared = [
            Function(definition: "create function START_VALUE() returns int immutable language sql as 'SELECT 1'")!,
            Function(definition: "CREATE FUNCTION positive(value int4) RETURNS bool LANGUAGE sql IMMUTABLE AS 'SELECT value > 0'")!,
        ]
        let normalized = try connection.normalizedFunctions(declared)
        #expect(normalized[0] == reflected.functions.first { $0.signature == "start_value()" })
        // Another argument name: the same function (by its types), but a different header.
        #expect(normalized[1].signature == "positive(integer)")
        #expect(normalized[1].definition.hasPrefix("CREATE OR REPLACE FUNCTION positive(value integer)\n"))
        // Nothing was left behind.
        #expect(try connection.reflectSchema().schema.functions == reflected.functions)
    }

    @Test func aChangedSignatureIsAppliedAroundWhatUsesIt() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(Self.setup)
        var reflected = try connection.reflectSchema().schema
        let original = reflected
        var declared = reflected
        declared.dependencies = []
        let index = try #require(declared.functions.firstIndex { $0.signature == "positive(integer)" })
        declared.functions[index] = try #require(Function(
            definition: "CREATE FUNCTION positive(value integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT value >= 0'"))
        declared.functions = try connection.normalizedFunctions(declared.functions)
        let options = SchemaComparisonOptions(defaultSchema: "public")
        let operations = SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: options)
        #expect(operations.map(\.title) == [
            "dropConstraint counters_positive (check) on counters", "dropFunction positive(integer)",
            "createFunction positive(integer)", "createCheckConstraint counters_positive on counters",
        ])
        let statements = try operations.flatMap { try connection.dialect.statements(for: $0, inspector: nil) }
        try connection.execute(statements.joined(separator: ";\n"))
        reflected = try connection.reflectSchema().schema
        #expect(SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: options) == [])
        // The downgrade, the comparison the other way (the models know no pg_depend), puts the
        // old function back around its check.
        let downgrade = SchemaDiff.compare(declared: original, reflected: declared, dialect: .postgresql, options: options)
        try connection.execute(
            try downgrade.flatMap { try connection.dialect.statements(for: $0, inspector: nil) }.joined(separator: ";\n"))
        #expect(try connection.query("SELECT positive(0)::text", parameters: []) == [["false"]])
    }
}
