import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// `migrate check` and `migrate revision --autogenerate` on both engines: declared models in
/// `models/`, a database migrated by `versions/`.
@Suite struct AutogenerateCommandTests {
    /// The base schema every test starts from, applied by one SQL migration.
    static let baseSQL = """
        CREATE TABLE authors (
            id INT NOT NULL PRIMARY KEY,
            name VARCHAR(100) NOT NULL,
            bio TEXT,
            CONSTRAINT uq_authors_name UNIQUE (name)
        );
        CREATE TABLE books (id INT NOT NULL PRIMARY KEY, author_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL);
        """

    /// Model elements of the base schema, one array per table, edited by each case. The SQL
    /// leaves the integer keys for the inserts to fill (`INT`, which SQLite does not number
    /// either, unlike `INTEGER`), which the models say.
    static let authors = [
        #"Column("id", .integer, primaryKey: true, autoincrement: false)"#,
        #"Column("name", .string(length: 100), nullable: false)"#,
        #"Column("bio", .text)"#,
        #"UniqueConstraint(["name"], name: "uq_authors_name")"#,
    ]
    static let books = [
        #"Column("id", .integer, primaryKey: true, autoincrement: false)"#,
        #"Column("author_id", .integer, nullable: false)"#,
        #"Column("title", .string(length: 200), nullable: false)"#,
    ]

    /// A models file declaring `tables`: (name, elements).
    static func modelsFile(_ tables: [(String, [String])]) -> String {
        let declarations = tables.map { name, elements in
            "        Table(\"\(name)\",\n" + elements.map { "            " + $0 }.joined(separator: ",\n") + "),"
        }
        return """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
            \(declarations.joined(separator: "\n"))
                ]
            }

            """
    }

    /// An environment with `models` configured, the base migration applied and models matching it.
    static func baseEnvironment(_ engine: TestEngine) throws -> Environment {
        let env = try Environment(engine)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models"]}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write("models/App.swift", modelsFile([("authors", authors), ("books", books)]))
        try env.migration("base01", message: "base schema", upgrade: baseSQL)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        return env
    }

    /// The database's schema without the version tables.
    static func reflect(_ env: Environment) throws -> Schema {
        let database = try env.database()
        let excluded = [TableName("migrate_version"), TableName("migrate_version_history")]
        if let sqlite = database.connection as? SQLiteConnection {
            return try sqlite.reflectSchema(excluding: excluded).schema
        }
        return try (database.connection as! PostgresConnection).reflectSchema(excluding: excluded).schema
    }

    /// The operations between two reflected schemas (none when the database is back where it was).
    static func difference(_ a: Schema, _ b: Schema, _ engine: TestEngine) -> [MigrateCore.Operation] {
        SchemaDiff.compare(
            declared: a, reflected: b, dialect: engine == .sqlite ? .sqlite : .postgresql,
            options: SchemaComparisonOptions(defaultSchema: engine == .sqlite ? nil : "public"))
    }

    static func versionFiles(_ env: Environment) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: env.directory.appendingPathComponent("versions").path).sorted()
    }

    @Test(arguments: TestEngine.enabled)
    func checkPassesWhenTheModelsMatchAndNothingIsWritten(engine: TestEngine) throws {
        let env = try Self.baseEnvironment(engine)
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout == "No new upgrade operations detected.\n", "\(check)")

        let revision = try env.run("revision", "--autogenerate", "-m", "nothing")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stdout.isEmpty, "\(revision)")
        #expect(revision.stderr.contains("No changes in schema detected"), "\(revision)")
        #expect(try Self.versionFiles(env) == ["base01_m.sql"])

        let empty = try env.run("revision", "--autogenerate", "-m", "empty", "--allow-empty", "--rev-id", "empty01")
        #expect(empty.status == 0, "\(empty)")
        #expect(empty.stdout.hasSuffix("versions/empty01_empty.swift\n"), "\(empty)")
        #expect(try Self.versionFiles(env) == ["base01_m.sql", "empty01_empty.swift"])
    }

    /// One change to the models: the `check` line it gives and its round trip through a migration.
    struct Change: CustomStringConvertible {
        var name: String
        var authors: [String]
        var books: [String]
        var extraTables: [(String, [String])] = []
        var expected: String

        var description: String { name }
    }

    static let changes: [Change] = [
        Change(
            name: "add table", authors: authors, books: books,
            extraTables: [("tags", [#"Column("id", .integer, primaryKey: true)"#, #"Column("label", .string(length: 40), nullable: false)"#])],
            expected: "add_table tags"),
        Change(
            name: "add column", authors: authors + [#"Column("email", .string(length: 255))"#], books: books,
            expected: "add_column authors.email"),
        Change(
            name: "drop column", authors: authors.filter { !$0.contains("\"bio\"") }, books: books,
            expected: "remove_column authors.bio"),
        Change(
            name: "nullability", authors: authors.map { $0.contains("\"bio\"") ? #"Column("bio", .text, nullable: false)"# : $0 },
            books: books, expected: "modify_nullable authors.bio: true -> false"),
        Change(
            name: "type",
            authors: authors.map { $0.contains("\"name\"") && $0.hasPrefix("Column") ? #"Column("name", .string(length: 150), nullable: false)"# : $0 },
            books: books, expected: "modify_type authors.name: string(length: 100) -> string(length: 150)"),
        Change(
            name: "index", authors: authors, books: books + [#"Index("ix_books_title", columns: ["title"])"#],
            expected: "add_index ix_books_title on books(title)"),
        Change(
            name: "unique", authors: authors, books: books + [#"UniqueConstraint(["author_id", "title"], name: "uq_books_author_title")"#],
            expected: "add_unique_constraint uq_books_author_title on books(author_id, title)"),
        Change(
            name: "drop unique", authors: authors.filter { !$0.hasPrefix("UniqueConstraint") }, books: books,
            expected: "remove_unique_constraint uq_authors_name on authors"),
        Change(
            name: "foreign key", authors: authors,
            books: books + [#"ForeignKey(["author_id"], references: "authors", ["id"], onDelete: .cascade, name: "fk_books_author")"#],
            expected: "add_fk fk_books_author on books(author_id) -> authors(id)"),
    ]

    /// Each change alone: `check` lists it and exits 1; autogenerate writes a migration that
    /// `upgrade` applies, after which `check` passes; `downgrade -1` restores the schema.
    @Test(arguments: TestEngine.enabled)
    func eachChangeIsDetectedAndRoundTrips(engine: TestEngine) throws {
        for change in Self.changes {
            let env = try Self.baseEnvironment(engine)
            let before = try Self.reflect(env)
            try env.write(
                "models/App.swift",
                Self.modelsFile([("authors", change.authors), ("books", change.books)] + change.extraTables))

            let check = try env.run("check")
            #expect(check.status == 1, "\(change): \(check)")
            #expect(check.stdout == change.expected + "\n", "\(change): \(check)")

            let revision = try env.run("revision", "--autogenerate", "-m", change.name, "--rev-id", "auto01")
            #expect(revision.status == 0, "\(change): \(revision)")
            #expect(revision.stderr.contains("Detected \(change.expected)\n"), "\(change): \(revision)")
            #expect(revision.stdout.hasSuffix(".swift\n"), "\(change): \(revision)")

            let up = try env.run("upgrade", "head")
            #expect(up.status == 0, "\(change): \(up)")
            let after = try env.run("check")
            #expect(after.status == 0, "\(change): \(after)")

            let down = try env.run("downgrade", "-1")
            #expect(down.status == 0, "\(change): \(down)")
            #expect(Self.difference(before, try Self.reflect(env), engine).isEmpty, "\(change): not back where it was")
        }
    }

    /// Several changes at once, with a new table referenced by a new foreign key.
    @Test(arguments: TestEngine.enabled)
    func combinedChangesRoundTrip(engine: TestEngine) throws {
        let env = try Self.baseEnvironment(engine)
        let before = try Self.reflect(env)
        try env.write("models/App.swift", Self.modelsFile([
            ("authors", Self.authors.filter { !$0.contains("\"bio\"") } + [#"Column("email", .string(length: 255))"#]),
            ("books", Self.books + [
                #"Column("publisher_id", .integer)"#,
                #"ForeignKey(["publisher_id"], references: "publishers", ["id"], name: "fk_books_publisher")"#,
                #"Index("ix_books_title", columns: ["title"], unique: true)"#,
            ]),
            ("publishers", [
                #"Column("id", .integer, primaryKey: true)"#, #"Column("name", .string(length: 80), nullable: false)"#,
            ]),
        ]))
        let revision = try env.run("revision", "--autogenerate", "-m", "publishers", "--rev-id", "auto02")
        #expect(revision.status == 0, "\(revision)")
        for line in [
            "add_table publishers", "add_column authors.email", "remove_column authors.bio", "add_column books.publisher_id",
            "add_fk fk_books_publisher", "add_index ix_books_title",
        ] {
            #expect(revision.stderr.contains("Detected \(line)"), "\(line): \(revision)")
        }
        let path = revision.stdout.trimmingCharacters(in: .newlines)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("enum Rev_auto02: Migration"), "\(text)")
        #expect(text.contains(#"op.createTable("publishers""#), "\(text)")

        #expect(try env.run("upgrade", "head").status == 0)
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        let down = try env.run("downgrade", "-1")
        #expect(down.status == 0, "\(down)")
        #expect(Self.difference(before, try Self.reflect(env), engine).isEmpty)
    }

    /// Models → autogenerate from an empty database → upgrade → check passes → downgrade to base
    /// leaves only the version tables (and `check` then refuses the database, not at head).
    @Test(arguments: TestEngine.enabled)
    func modelsToEmptyDatabaseRoundTrip(engine: TestEngine) throws {
        let env = try Environment(engine)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["models/App.swift"]}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        try env.write("models/App.swift", Self.modelsFile([
            ("authors", Self.authors),
            ("books", Self.books + [#"ForeignKey(["author_id"], references: "authors", ["id"], name: "fk_books_author")"#]),
        ]))
        let revision = try env.run("revision", "--autogenerate", "-m", "initial")
        #expect(revision.status == 0, "\(revision)")
        #expect(revision.stderr.contains("Detected add_table authors\n"), "\(revision)")
        #expect(revision.stderr.contains("Detected add_table books\n"), "\(revision)")
        #expect(try env.run("upgrade", "head").status == 0)
        #expect(try env.run("check").status == 0)
        #expect(try env.run("downgrade", "base").status == 0)
        #expect(try Self.reflect(env).tables.isEmpty)
        let again = try env.run("check")
        #expect(again.status == 1)
        #expect(again.stderr.contains("Target database is not up to date"), "\(again)")
    }

    @Test(arguments: TestEngine.enabled)
    func autogenerateRefusesADatabaseNotAtHead(engine: TestEngine) throws {
        let env = try Self.baseEnvironment(engine)
        try env.migration("next02", parent: "base01", message: "more", upgrade: "CREATE TABLE extra (id INTEGER PRIMARY KEY);")
        let revision = try env.run("revision", "--autogenerate", "-m", "too early")
        #expect(revision.status == 1, "\(revision)")
        #expect(revision.stderr.contains("Target database is not up to date"), "\(revision)")
        #expect(try Self.versionFiles(env) == ["base01_m.sql", "next02_m.sql"])
        // `check` too: the pending migration would otherwise show as drift.
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout.isEmpty, "\(check)")
        #expect(check.stderr.contains("Target database is not up to date: it is at base01, not at next02"), "\(check)")
    }

    @Test(arguments: TestEngine.enabled)
    func checkReportsModelFileErrorsWithTheirPosition(engine: TestEngine) throws {
        let env = try Self.baseEnvironment(engine)
        try env.write("models/App.swift", """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("authors", Column("id", kind)),
                ]
            }

            """)
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("models/App.swift:5:39: `kind` is a name, not a literal"), "\(check)")
    }

    /// The repository's own environment: after `upgrade head`, its models (Models/, listed in
    /// the root migrate.json) match the database.
    @Test(arguments: TestEngine.enabled)
    func demoEnvironmentHasNoDriftAtHead(engine: TestEngine) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let env = try Environment(engine)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions"))
        for folder in ["versions", "Models"] {
            try FileManager.default.copyItem(
                at: root.appendingPathComponent(folder), to: env.directory.appendingPathComponent(folder))
        }
        let configuration = try String(contentsOf: root.appendingPathComponent("migrate.json"), encoding: .utf8)
        #expect(configuration.contains(#""models": ["Models"]"#))
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["Models"]}"#)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout == "No new upgrade operations detected.\n", "\(check)")
    }

    /// `check` also warns about an applied migration whose file was edited afterwards.
    @Test func checkWarnsAboutAnEditedAppliedMigration() throws {
        let env = try Self.baseEnvironment(.sqlite)
        let path = env.directory.appendingPathComponent("versions/base01_m.sql")
        try (try String(contentsOf: path, encoding: .utf8) + "\n-- edited after it ran\n")
            .write(to: path, atomically: true, encoding: .utf8)
        let check = try env.run("check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stderr.contains("warning: revision base01 was applied at"), "\(check)")
    }

    @Test func checkWithoutModelsSaysWhatToConfigure() throws {
        let env = try Environment(.sqlite)
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stderr.contains("no models are configured"), "\(check)")
    }
}
