import MigrateCore
import MigrateScript
import Testing

/// A migration file whose upgrade body is `body`, indented by 8 spaces, starting on line 8.
func migrationFile(upgrade body: String, downgrade: String = "") -> String {
    let indented = body.split(separator: "\n", omittingEmptySubsequences: false).map { "        " + $0 }
        .joined(separator: "\n")
    return """
        import MigrateKit

        /// test migration
        enum Rev_a1: Migration {
            static let revision = "a1"
            static let downRevision: [String] = []
            static func upgrade(_ op: Operations) {
        \(indented)
            }
            static func downgrade(_ op: Operations) {
        \(downgrade)
            }
        }

        """
}

/// The error reading `text` produces.
func readError(_ text: String) -> MigrateError? {
    do {
        _ = try SwiftMigrationFile.revision(parsing: text, path: "v/a1_test.swift")
        return nil
    } catch let error as MigrateError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Suite struct InterpreterTests {
    @Test func readsTheDesignSketch() throws {
        let text = """
            import MigrateKit

            /// add accounts
            enum Rev_1975ea83b712: Migration {
                static let revision = "1975ea83b712"
                static let downRevision: [String] = ["27c6a30d7c24"]
                static let branchLabels: [String] = ["accounts"]
                static let dependsOn: [String] = ["0a1b2c3d4e5f"]
                static let transactional = false

                static func upgrade(_ op: Operations) {
                    op.createTable("accounts",
                        Column("id", .integer, primaryKey: true),
                        Column("name", .string(length: 50), nullable: false))
                    op.createIndex("ix_accounts_name", on: "accounts", columns: ["name"])
                }

                static func downgrade(_ op: Operations) {
                    op.dropIndex("ix_accounts_name", on: "accounts")
                    op.dropTable("accounts")
                }
            }
            """
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "versions/1975ea83b712_add_accounts.swift")
        #expect(revision.id == "1975ea83b712")
        #expect(revision.downRevisions == ["27c6a30d7c24"])
        #expect(revision.branchLabels == ["accounts"])
        #expect(revision.dependsOn == ["0a1b2c3d4e5f"])
        #expect(revision.message == "add accounts")
        #expect(revision.isTransactional == false)
        #expect(revision.path == "versions/1975ea83b712_add_accounts.swift")
        #expect(revision.upgrade == [
            .createTable(Table(TableName("accounts"), columns: [
                Column("id", .integer, isPrimaryKey: true),
                Column("name", .string(length: 50), isNullable: false),
            ])),
            .createIndex(Index(name: "ix_accounts_name", table: TableName("accounts"), columns: ["name"])),
        ])
        #expect(revision.downgrade == [
            .dropIndex(name: "ix_accounts_name", table: TableName("accounts")),
            .dropTable(TableName("accounts")),
        ])
        #expect(revision.upgradeLines == [12, 15])
        #expect(revision.downgradeLines == [19, 20])
    }

    @Test func readsLiteralForms() throws {
        let text = migrationFile(upgrade: #"""
            op.execute("""
                UPDATE "tasks"
                SET title = 'a\tb'
                """)
            op.execute(#"SELECT '\d'"#)
            op.bulkInsert("t", rows: [
                ["b": -2, "a": "x", "c": nil, "d": 1.5, "e": true],
                ["a": "y"],
            ])
            op.bulkInsert("t", columns: ["z", "y"], rows: [[.null, -0.5]], schema: "s")
            op.alterColumn("t", "c", dropDefault: true, existingDefault: .some(nil), existingComment: "old")
            op.createIndex("ix", on: "t", keys: [.expression("lower(name)"), .column("id")], unique: true)
            op.addColumn("t", Column("n", .numeric(precision: nil, scale: nil), default: .double(-1)))
            """#)
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "a.swift")
        #expect(revision.upgrade == [
            .execute("UPDATE \"tasks\"\nSET title = 'a\tb'"),
            .execute("SELECT '\\d'"),
            .bulkInsert(TableName("t"), columns: ["a", "b", "c", "d", "e"], rows: [
                [.string("x"), .integer(-2), .null, .double(1.5), .boolean(true)],
                [.string("y"), .null, .null, .null, .null],
            ]),
            .bulkInsert(TableName("t", schema: "s"), columns: ["z", "y"], rows: [[.null, .double(-0.5)]]),
            .alterColumn(TableName("t"), column: "c", changes: ColumnChanges(
                defaultValue: .some(nil), existingDefault: .some(nil), existingComment: .some("old"))),
            .createIndex(Index(
                name: "ix", table: TableName("t"), keys: [.expression("lower(name)"), .column("id")], isUnique: true)),
            .addColumn(TableName("t"), Column("n", .numeric(precision: nil, scale: nil), defaultValue: .double(-1))),
        ])
    }

    /// `op.run { db in … }` is Swift code the command line cannot run: it is read as a marker,
    /// with its label and line, and the closure is never interpreted.
    @Test func swiftCodeIsReadAsAMarker() throws {
        let text = migrationFile(upgrade: #"""
            op.execute("SELECT 1")
            op.run("fill in slugs") { db in
                for row in try db.query("SELECT id FROM todos") { print(row) }
            }
            op.run { _ in }
            op.run("as an argument", { db in try db.execute("SELECT 1") })
            """#)
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "a.swift")
        #expect(revision.upgrade == [
            .execute("SELECT 1"), .swiftCode(label: "fill in slugs"), .swiftCode(label: nil), .swiftCode(label: "as an argument"),
        ])
        #expect(revision.upgradeLines == [8, 9, 12, 13])

        let withoutClosure = readError(migrationFile(upgrade: #"op.run("nothing to run")"#))
        #expect(withoutClosure?.message == "`op.run` takes one closure, the Swift code to run")
        #expect(withoutClosure?.location?.line == 8)
        let labelled = readError(migrationFile(upgrade: #"op.run(label: "x") { _ in }"#))
        #expect(labelled?.message == "`op.run` takes an optional label and a closure")
        let computedLabel = readError(migrationFile(upgrade: #"op.run(name) { _ in }"#))
        #expect(computedLabel != nil)
    }

    /// A migration may declare its message for compiled code, which cannot see the doc comment.
    @Test func aDeclaredMessageWinsOverTheDocComment() throws {
        let text = migrationFile(upgrade: "").replacingOccurrences(
            of: "static let downRevision: [String] = []",
            with: "static let downRevision: [String] = []\n    static let message = \"declared\"")
        #expect(try SwiftMigrationFile.revision(parsing: text, path: "a.swift").message == "declared")
    }

    @Test func messageIsTheDocComment() throws {
        let text = """
            import MigrateKit

            // Generated by hand.
            /// rename the
            /// projects table
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = ["a1"]
                static func upgrade(_ op: Operations) {}
                static func downgrade(_ op: Operations) {}
            }
            """
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "b.swift")
        #expect(revision.message == "rename the")
        #expect(revision.longDescription == "projects table")
        #expect(revision.upgrade.isEmpty)
    }

    /// The first doc line is the message and the rest the description, paragraphs kept; a plain
    /// `//` comment between the doc comment and the type (a lint suppression, a note) leaves both.
    static let documentationCases: [(String, String, String)] = [
        ("/// rename projects\n///\n/// The old name clashed with a keyword.\n/// Readers use the view.\n",
         "rename projects", "The old name clashed with a keyword.\nReaders use the view."),
        ("/// rename projects\n// swiftlint:disable type_name\n", "rename projects", ""),
        ("/// rename projects\n/// first paragraph\n///\n/// second paragraph\n// a note\n",
         "rename projects", "first paragraph\n\nsecond paragraph"),
        ("/**\n * rename projects\n *\n * why it matters\n */\n", "rename projects", "why it matters"),
        ("// only a plain comment\n", "", ""),
        ("///\n///   rename projects  \n", "rename projects", ""),
    ]

    @Test(arguments: documentationCases)
    func docCommentGivesMessageAndDescription(_ comment: String, _ message: String, _ description: String) throws {
        let text = "import MigrateKit\n\n" + comment + """
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = ["a1"]
                static func upgrade(_ op: Operations) {}
                static func downgrade(_ op: Operations) {}
            }
            """
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "b.swift")
        #expect(revision.message == message)
        #expect(revision.longDescription == description)
    }

    /// Alembic's docstring lines are not description; its `Create Date:` gives the date.
    @Test func alembicDocstringLinesGiveTheDate() throws {
        let text = """
            import MigrateKit

            /// add accounts
            ///
            /// Revision ID: b2
            /// Revises: a1
            /// Create Date: 2019-03-01 10:00:00.000000
            ///
            /// Ported from Alembic.
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = ["a1"]
                static func upgrade(_ op: Operations) {}
                static func downgrade(_ op: Operations) {}
            }
            """
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "b.swift")
        #expect(revision.message == "add accounts")
        #expect(revision.longDescription == "Ported from Alembic.")
        #expect(revision.createDate == "2019-03-01 10:00:00.000000")
    }

    @Test func createDateIsReadFromItsProperty() throws {
        let text = migrationFile(upgrade: "").replacingOccurrences(
            of: "static let downRevision: [String] = []",
            with: "static let downRevision: [String] = []\n    static let createDate = \"2026-12-06 04:30:00.123456\"")
        #expect(try SwiftMigrationFile.revision(parsing: text, path: "a.swift").createDate == "2026-12-06 04:30:00.123456")
        #expect(try SwiftMigrationFile.revision(parsing: migrationFile(upgrade: ""), path: "a.swift").createDate == nil)
    }

    @Test func writtenCreateDateReadsBack() throws {
        let text = SwiftMigrationWriter.render(
            revision: "c3", downRevisions: ["a1"], message: "add tags", createDate: "2026-12-06 04:30:00.000001")
        #expect(text.contains("    static let createDate = \"2026-12-06 04:30:00.000001\"\n"))
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "c.swift")
        #expect(revision.createDate == "2026-12-06 04:30:00.000001")
        #expect(revision.message == "add tags")
    }

    @Test func theParameterNameIsTheFiles() throws {
        let text = """
            import MigrateKit
            struct Rev_c3: MigrateKit.Migration {
                static let revision = "c3"
                static let downRevision: [String] = []
                static func upgrade(_ schema: Operations) { schema.dropTable("x") }
                static func downgrade(_ schema: Operations) {}
            }
            """
        let revision = try SwiftMigrationFile.revision(parsing: text, path: "c.swift")
        #expect(revision.upgrade == [.dropTable(TableName("x"))])
    }

    // MARK: Diagnostics

    /// One unsupported construct: the body, and the exact error it gives.
    struct Unsupported: CustomTestStringConvertible, Sendable {
        var name: String
        var body: String
        var line: Int
        var column: Int
        /// The first line of the message; the source line and caret follow it.
        var message: String
        var hint: String? = nil
        var testDescription: String { name }
    }

    static let subsetHint =
        "migrate reads migration files without compiling them: write calls on `op` with literal arguments; "
        + "for SQL use `op.execute(\"…\")`, or run the migration from your app through MigrateKit's `Migrator`"

    static let unsupported: [Unsupported] = [
        Unsupported(
            name: "variable", body: "let name = \"accounts\"\nop.dropTable(name)", line: 8, column: 9,
            message: "a declaration (`let`) in a migration body is computed at run time, so migrate cannot read it",
            hint: "write each value as a literal in the `op.…` calls that use it; for SQL use `op.execute(\"…\")`, "
                + "or run the migration from your app through MigrateKit's `Migrator`"),
        Unsupported(
            name: "name reference", body: "op.dropTable(tableName)", line: 8, column: 22,
            message: "`tableName` is a name, not a literal; expected a string literal",
            hint: "write the value itself here: migrate reads migration files without compiling them, so constants and "
                + "variables are not known (or run the migration from your app through MigrateKit)"),
        Unsupported(
            name: "for loop", body: "for table in [\"a\", \"b\"] {\n    op.dropTable(table)\n}", line: 8, column: 9,
            message: "`for` statements are run-time control flow, which migrate does not read",
            hint: "write one `op.…` call per change, unrolled; for SQL use `op.execute(\"…\")`, or run the migration "
                + "from your app through MigrateKit's `Migrator`"),
        Unsupported(
            name: "if", body: "if true {\n    op.dropTable(\"a\")\n}", line: 8, column: 9,
            message: "`if` statements are run-time control flow, which migrate does not read",
            hint: "write one `op.…` call per change, unrolled; for SQL use `op.execute(\"…\")`, or run the migration "
                + "from your app through MigrateKit's `Migrator`"),
        Unsupported(
            name: "other call", body: "op.dropTable(\"a\")\nprint(\"done\")", line: 9, column: 9,
            message: "only calls on `op` are read; `print(…)` runs at run time", hint: subsetHint),
        Unsupported(
            name: "call as argument", body: "op.execute(makeSQL())", line: 8, column: 20,
            message: "a call to `makeSQL` is computed at run time; expected a string literal", hint: subsetHint),
        Unsupported(
            name: "interpolation", body: "op.execute(\"DELETE FROM \\(table)\")", line: 8, column: 33,
            message: "string interpolation is computed at run time, so migrate cannot read it",
            hint: "write the whole string as a literal; for SQL built by hand use `op.execute(\"…\")` with the final text, "
                + "or run the migration from your app through MigrateKit's `Migrator`"),
        Unsupported(
            name: "operators", body: "op.execute(\"DELETE \" + \"FROM t\")", line: 8, column: 20,
            message: "an expression with operators is computed at run time; expected a string literal", hint: subsetHint),
        Unsupported(
            name: "unknown method", body: "op.creatTable(\"a\")", line: 8, column: 12,
            message: "Operations has no method `creatTable`", hint: "did you mean `op.createTable`?"),
        Unsupported(
            name: "unknown label", body: "op.addColumn(\"t\", Column(\"c\", .text, nulable: false))", line: 8, column: 46,
            message: "Column(…) has no argument `nulable:`",
            hint: "did you mean `nullable:`? Column takes (_ name, _ type, primaryKey:, nullable:, identity:, sequence:, default:, comment:, collation:, generated:, autoincrement:)"),
        Unsupported(
            name: "out of order", body: "op.createIndex(\"ix\", columns: [\"a\"], on: \"t\")", line: 8, column: 46,
            message: "argument `on:` is out of order in op.createIndex(…)",
            hint: "write the arguments in this order: (_ name, on:, columns:, keys:, unique:, where:, schema:, using:, include:)"),
        Unsupported(
            name: "late label", body: "op.createIndex(\"ix\", on: \"t\", unique: true, columns: [\"a\"])", line: 8, column: 53,
            message: "argument `columns:` is out of order in op.createIndex(…)",
            hint: "write the arguments in this order: (_ name, on:, columns:, keys:, unique:, where:, schema:, using:, include:)"),
        Unsupported(
            name: "missing argument", body: "op.renameTable(\"a\")", line: 8, column: 27,
            message: "missing argument `to:` in op.renameTable(…)", hint: "op.renameTable takes (_ name, to:, schema:)"),
        Unsupported(
            name: "wrong type", body: "op.addColumn(\"t\", Column(\"c\", \"text\"))", line: 8, column: 39,
            message: "expected a column type such as `.integer`, found `\"text\"`", hint: subsetHint),
        Unsupported(
            name: "wrong literal", body: "op.addColumn(\"t\", Column(\"c\", .text, nullable: 0))", line: 8, column: 56,
            message: "expected `true` or `false`, found `0`", hint: subsetHint),
        Unsupported(
            name: "unknown case", body: "op.addColumn(\"t\", Column(\"c\", .varchar(length: 3)))", line: 8, column: 39,
            message: "ColumnType has no case `varchar`",
            hint: "the cases are `.bigInteger`, `.binary`, `.boolean`, `.custom`, `.date`, `.dateTime`, `.double`, "
                + "`.enumeration`, `.float`, `.integer`, `.json`, `.jsonb`, `.numeric`, `.smallInteger`, `.string`, "
                + "`.text`, `.time`, `.uuid`"),
        Unsupported(
            name: "trailing closure", body: "op.execute(\"x\") { print(1) }", line: 8, column: 25,
            message: "a trailing closure is code that runs at run time; migrate reads only literal arguments",
            hint: subsetHint),
        Unsupported(
            name: "duplicate key", body: "op.bulkInsert(\"t\", rows: [[\"a\": 1, \"a\": 2]])", line: 8, column: 44,
            message: "the key \"a\" appears twice in this row", hint: "give each column once"),
        Unsupported(
            name: "row width", body: "op.bulkInsert(\"t\", columns: [\"a\", \"b\"], rows: [[1]])", line: 8, column: 56,
            message: "this row has 1 values for 2 columns", hint: "give one value per column, in the order of `columns:`"),
    ]

    @Test(arguments: unsupported)
    func unsupportedConstructIsLocated(_ example: Unsupported) throws {
        let text = migrationFile(upgrade: example.body)
        let error = try #require(readError(text))
        #expect(error.kind == .script)
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: example.line, column: example.column))
        let lines = error.messageAndExcerpt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == example.message)
        // The source line, then a caret under the column.
        let sourceLine = text.split(separator: "\n", omittingEmptySubsequences: false)[example.line - 1]
        #expect(lines.count == 3)
        if lines.count == 3 {
            #expect(lines[1] == String(sourceLine))
            #expect(lines[2] == String(repeating: " ", count: example.column - 1) + "^")
        }
        #expect(error.hint == example.hint)
    }

    @Test func syntaxErrorIsLocated() throws {
        let error = try #require(readError(migrationFile(upgrade: "op.dropTable(\"a\"")))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 8, column: 25))
        #expect(error.messageAndExcerpt == """
            syntax error: expected ')' to end function call
                    op.dropTable("a"
                                    ^
            """)
        #expect(error.hint == "fix the Swift syntax; the file must compile against MigrateKit")
    }

    @Test func fullDescriptionReadsLikeACompilerMessage() throws {
        let error = try #require(readError(migrationFile(upgrade: "op.execute(\"DELETE FROM \\(table)\")")))
        #expect(error.description == """
            v/a1_test.swift:8:33: string interpolation is computed at run time, so migrate cannot read it
                    op.execute("DELETE FROM \\(table)")
                                            ^
              hint: write the whole string as a literal; for SQL built by hand use `op.execute("…")` with the final text, \
            or run the migration from your app through MigrateKit's `Migrator`
            """)
    }

    @Test func missingMigrationType() throws {
        let error = try #require(readError("import MigrateKit\n\nenum Rev_a: Sendable {}\n"))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 1, column: 1))
        #expect(error.message == "no type conforming to `Migration` in this file")
        #expect(error.excerpt == "import MigrateKit\n^")
    }

    @Test func missingRevision() throws {
        let text = """
            import MigrateKit
            enum Rev_a: Migration {
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {}
                static func downgrade(_ op: Operations) {}
            }
            """
        let error = try #require(readError(text))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 2, column: 6))
        #expect(error.messageAndExcerpt.hasPrefix("`Rev_a` has no `static let revision = \"…\"`\n"))
    }

    @Test func computedRevisionIsRejected() throws {
        let text = """
            import MigrateKit
            enum Rev_a: Migration {
                static var revision: String { "a" }
                static let downRevision: [String] = []
                static func upgrade(_ op: Operations) {}
                static func downgrade(_ op: Operations) {}
            }
            """
        let error = try #require(readError(text))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 3, column: 16))
        #expect(error.messageAndExcerpt.hasPrefix("`revision` must be given as `static let revision = …` with a literal value\n"))
    }

    @Test func secondMigrationTypeIsRejected() throws {
        let text = migrationFile(upgrade: "") + "enum Rev_b: Migration {}\n"
        let error = try #require(readError(text))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 14, column: 6))
        #expect(error.messageAndExcerpt.hasPrefix("a second type conforming to `Migration` (`Rev_b`); a file holds one migration\n"))
    }

    @Test func badRevisionID() throws {
        let text = migrationFile(upgrade: "").replacingOccurrences(of: "revision = \"a1\"", with: "revision = \"a-1\"")
        let error = try #require(readError(text))
        #expect(error.location == SourceLocation(path: "v/a1_test.swift", line: 5, column: 27))
        #expect(error.messageAndExcerpt.hasPrefix("revision id \"a-1\" may contain only letters, digits and underscores\n"))
    }

    @Test func columnsAreCountedInCharacters() throws {
        let error = try #require(readError(migrationFile(upgrade: "op.execute(\"é\" + x)")))
        // "é" is two UTF-8 bytes; the column counts it once.
        #expect(error.location?.column == 20)
        let text = migrationFile(upgrade: "op.setTableComment(\"t\", \"é\", previous: x)")
        #expect(readError(text)?.location?.column == 48)
    }
}

extension MigrateError {
    /// The message with the quoted source under it, as ``description`` shows them.
    var messageAndExcerpt: String { excerpt.map { message + "\n" + $0 } ?? message }
}
