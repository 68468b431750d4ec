import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// What `migrate inspect` names because models cannot declare it: each kind the catalog holds,
/// and nothing a table already carries (an owned sequence, an enumeration a column uses).
@Suite struct UnmodeledObjectsTests {
    @Test(.enabled(if: TestPostgres.isEnabled)) func postgresNamesEveryKindOnce() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(
            """
            CREATE TYPE mood AS ENUM ('sad', 'happy');
            CREATE TYPE unused_state AS ENUM ('a', 'b');
            CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
            CREATE TABLE people (id serial PRIMARY KEY, feeling mood, age integer);
            CREATE SEQUENCE ticket_numbers;
            CREATE VIEW adults AS SELECT id FROM people WHERE age >= 18;
            CREATE MATERIALIZED VIEW moods AS SELECT feeling FROM people;
            CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
            CREATE TRIGGER people_touch BEFORE UPDATE ON people FOR EACH ROW EXECUTE FUNCTION touch();
            CREATE RULE people_no_delete AS ON DELETE TO people DO INSTEAD NOTHING;
            ALTER TABLE people ENABLE ROW LEVEL SECURITY;
            CREATE POLICY own_rows ON people USING (true);
            GRANT SELECT ON people TO PUBLIC;
            CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
            CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE base_items (id integer);
            CREATE TABLE special_items (extra text) INHERITS (base_items);
            CREATE SCHEMA other;
            CREATE VIEW other.hidden AS SELECT 1 AS one;
            CREATE FUNCTION other.answer() RETURNS integer LANGUAGE sql AS 'SELECT 42';
            CREATE TRIGGER events_touch BEFORE UPDATE ON events_2024 FOR EACH ROW EXECUTE FUNCTION touch();
            """)
        let found = try connection.unmodeledObjects(includeSchemas: []).map(\.description)
        #expect(found == [
            "enum type unused_state",
            "function touch()",
            "grants people on table",
            "inheritance special_items inherits base_items",
            "policy own_rows on people",
            "row level security people",
            "rule people_no_delete on people",
        ])
        // Views, materialized views, sequences, domains, partitions and the triggers of tables and
        // partitions are reflected.
        let reflected = try connection.reflectSchema(excluding: []).schema
        #expect(reflected.views.map(\.name.name).sorted() == ["adults", "moods"])
        #expect(reflected.triggers.map(\.name) == ["events_touch", "people_touch"])
        #expect(reflected.table(TableName("events"))?.partitionKey == .range("at"))
        #expect(reflected.table(TableName("events_2024"))?.partitionOf?.parent == TableName("events"))
        #expect(reflected.sequences.map(\.name.name) == ["ticket_numbers"])
        #expect(reflected.domains.map(\.name.name) == ["positive"])
        let withOther = try connection.unmodeledObjects(includeSchemas: .listed(["other"])).map(\.description)
        #expect(withOther.contains("function other.answer()"))
    }

    @Test func sqliteLeavesNothingOutOfReflection() throws {
        let connection = try SQLiteConnection(path: try freshSQLitePath())
        try connection.execute(
            """
            CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
            CREATE VIEW short_notes AS SELECT id FROM notes WHERE length(body) < 10;
            CREATE TRIGGER notes_guard BEFORE DELETE ON notes BEGIN SELECT 1; END;
            CREATE VIRTUAL TABLE places USING rtree(id, min_x, max_x);
            """)
        let found = try connection.unmodeledObjects(includeSchemas: []).map(\.description)
        #expect(found == [])
        let reflected = try connection.reflectSchema(excluding: []).schema
        #expect(reflected.views.map(\.name.name) == ["short_notes"])
        #expect(reflected.triggers.map(\.name) == ["notes_guard"])
        #expect(reflected.tables.first { $0.name.name == "places" }?.virtualTableModule != nil)
    }
}
