import Foundation
import Testing
import TestSupport

/// `migrate stamp --from fluent|grdb`: a database migrated by Fluent or GRDB moves to `migrate`
/// without running anything again. The tables are laid out as those libraries create them.
@Suite struct AdoptHistoryTests {
    /// The schema Fluent's migrations built, and Fluent's record of them: `_fluent_migrations`
    /// as FluentKit's `MigrationLog` creates it (uuid id, unique name, batch, timestamps).
    static func fluentDatabase(_ env: Environment) throws {
        let db = try env.database()
        let postgres = env.engine == .postgresql
        try db.execute("""
            CREATE TABLE todos (id \(postgres ? "BIGSERIAL" : "INTEGER") PRIMARY KEY, title TEXT NOT NULL);
            ALTER TABLE todos ADD COLUMN done BOOLEAN NOT NULL DEFAULT FALSE;
            INSERT INTO todos (title) VALUES ('kept');
            CREATE TABLE "_fluent_migrations" (
                "id" \(postgres ? "UUID" : "BLOB") PRIMARY KEY,
                "name" TEXT NOT NULL,
                "batch" \(postgres ? "BIGINT" : "INTEGER") NOT NULL,
                "created_at" \(postgres ? "TIMESTAMPTZ" : "REAL"),
                "updated_at" \(postgres ? "TIMESTAMPTZ" : "REAL"),
                CONSTRAINT "uq:_fluent_migrations.name" UNIQUE ("name")
            );
            INSERT INTO "_fluent_migrations" (id, name, batch, created_at, updated_at) VALUES
                (\(postgres ? "'5f0e8d8e-1c51-4b0a-9a55-2f0d3b0f6a01'" : "X'5F0E8D8E1C514B0A9A552F0D3B0F6A01'"), 'App.CreateTodo', 1, NULL, NULL),
                (\(postgres ? "'5f0e8d8e-1c51-4b0a-9a55-2f0d3b0f6a02'" : "X'5F0E8D8E1C514B0A9A552F0D3B0F6A02'"), 'App.AddTodoDone', 2, NULL, NULL);
            """)
    }

    /// The project's migrations: the two Fluent ran, and a new one.
    static func writeMigrations(_ env: Environment) throws {
        try env.migration("f1aaaaaaaaaa", message: "CreateTodo", upgrade: "CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT NOT NULL);")
        try env.migration(
            "f2bbbbbbbbbb", parent: "f1aaaaaaaaaa", message: "todos have a done flag",
            upgrade: "ALTER TABLE todos ADD COLUMN done BOOLEAN NOT NULL DEFAULT FALSE;")
        try env.migration("f3cccccccccc", parent: "f2bbbbbbbbbb", message: "tags", upgrade: "CREATE TABLE tags (name TEXT PRIMARY KEY);")
    }

    @Test(arguments: TestEngine.enabled)
    func fluentHistoryIsAdoptedThenUpgradedFurther(engine: TestEngine) throws {
        let env = try Environment(engine)
        try Self.fluentDatabase(env)
        try Self.writeMigrations(env)

        // One name matches no revision's message: nothing is stamped, and the remedy is named.
        let unmatched = try env.run("stamp", "--from", "fluent")
        #expect(unmatched.status != 0, "\(unmatched)")
        #expect(unmatched.stderr.contains("no revision matches Fluent's migration 'App.AddTodoDone'"), "\(unmatched)")
        #expect(unmatched.stderr.contains("--map 'NAME=REV'"), "\(unmatched)")
        #expect(try env.database().versions() == [])

        let adopted = try env.run("stamp", "--from", "fluent", "--map", "App.AddTodoDone=f2bb")
        #expect(adopted.status == 0, "\(adopted)")
        #expect(adopted.stderr.contains("Adopted App.CreateTodo as f1aaaaaaaaaa\nAdopted App.AddTodoDone as f2bbbbbbbbbb\n"), "\(adopted)")
        #expect(adopted.stderr.contains("Stamped f2bbbbbbbbbb"), "\(adopted)")
        let db = try env.database()
        #expect(try db.versions() == ["f2bbbbbbbbbb"])

        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        #expect(!upgrade.stderr.contains("-> f1aaaaaaaaaa") && !upgrade.stderr.contains("-> f2bbbbbbbbbb"), "\(upgrade)")
        #expect(upgrade.stderr.contains("Running upgrade f2bbbbbbbbbb -> f3cccccccccc, tags"), "\(upgrade)")
        #expect(try db.column("SELECT title FROM todos") == ["kept"])
        #expect(try db.tables().contains("tags"))
    }

    /// GRDB's `grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)`; an identifier may match
    /// a revision's message or its id.
    @Test func grdbHistoryIsAdoptedThenUpgradedFurther() throws {
        let env = try Environment(.sqlite)
        try env.database().execute("""
            CREATE TABLE todos (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
            ALTER TABLE todos ADD COLUMN done BOOLEAN NOT NULL DEFAULT FALSE;
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations (identifier) VALUES ('CreateTodo'), ('f2bbbbbbbbbb');
            """)
        try Self.writeMigrations(env)
        let adopted = try env.run("stamp", "--from", "grdb")
        #expect(adopted.status == 0, "\(adopted)")
        #expect(try env.database().versions() == ["f2bbbbbbbbbb"])
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0, "\(upgrade)")
        #expect(upgrade.stderr.components(separatedBy: "Running upgrade").count == 2, "only the new migration runs: \(upgrade)")
        #expect(try env.database().versions() == ["f3cccccccccc"])
    }

    /// A revision before the adopted ones that the library never recorded would be marked
    /// applied without running: refused.
    @Test func aRevisionTheLibraryNeverRanIsNotStampedAway() throws {
        let env = try Environment(.sqlite)
        try env.database().execute("""
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations (identifier) VALUES ('f2bbbbbbbbbb');
            """)
        try Self.writeMigrations(env)
        let result = try env.run("stamp", "--from", "grdb")
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains("revision f1aaaaaaaaaa comes before the adopted revisions, but no migration GRDB recorded matches it"), "\(result)")
        #expect(try env.database().versions() == [])

        let missing = try Environment(.sqlite)
        try Self.writeMigrations(missing)
        let none = try missing.run("stamp", "--from", "fluent")
        #expect(none.status != 0)
        #expect(none.stderr.contains("has no table _fluent_migrations, where Fluent records its migrations"), "\(none)")
    }
}
