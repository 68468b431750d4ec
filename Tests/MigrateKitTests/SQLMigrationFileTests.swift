import MigrateCore
import MigrateKit
import MigrateSQL
import Testing

private let path = "/srv/app/versions/1975ea83b712_add_accounts.sql"

private func parse(_ text: String) throws -> SQLMigrationFile {
    try SQLMigrationFile(parsing: text, path: path)
}

/// The error parsing `text` throws, as `line:column: message`.
private func failure(_ text: String) -> (String, String?) {
    do {
        _ = try parse(text)
        return ("no error", nil)
    } catch let error as MigrateError {
        #expect(error.kind == .script)
        #expect(error.location?.path == path)
        let position = [error.location?.line, error.location?.column].compactMap { $0.map(String.init) }
        return (position.joined(separator: ":") + ": " + error.message, error.hint)
    } catch {
        return ("unexpected \(error)", nil)
    }
}

private let example = """
    -- add accounts
    -- revision: 1975ea83b712
    -- down_revision: 27c6a30d7c24
    -- branch_labels:
    -- depends_on:
    -- transactional: true

    -- migrate:upgrade
    CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL);

    -- migrate:downgrade
    DROP TABLE accounts;

    """

@Suite struct SQLMigrationFileTests {
    @Test func parsesTheDesignExample() throws {
        let file = try parse(example)
        var expected = Revision(
            id: "1975ea83b712", downRevisions: ["27c6a30d7c24"], message: "add accounts", path: path,
            upgrade: [.execute("CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL)")],
            downgrade: [.execute("DROP TABLE accounts")])
        expected.upgradeLines = [9]
        expected.downgradeLines = [12]
        #expect(file.revision == expected)
        #expect(file.upgradeStatements.map(\.line) == [9])
        #expect(file.downgradeStatements.map(\.line) == [12])
    }

    @Test func rendersTheDesignExample() {
        let text = SQLMigrationFile.render(
            revision: "1975ea83b712", downRevisions: ["27c6a30d7c24"], message: "add accounts",
            upgradeSQL: "CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL);\n",
            downgradeSQL: "\n  \nDROP TABLE accounts;  \n\n")
        #expect(text == example)
    }

    @Test func headerValues() throws {
        let file = try parse(
            """
            -- merge the branches
            -- a note for readers: kept out of the message
            -- revision: ae10_merge
            -- down_revision: 27c6a30d7c24 , 3f0a9e1b2c4d,
            -- branch_labels: billing, reports.v2
            -- depends_on: 55aa, billing
            -- transactional: FALSE
            -- migrate:upgrade
            """)
        #expect(file.revision.id == "ae10_merge")
        #expect(file.revision.message == "merge the branches")
        #expect(file.revision.downRevisions == ["27c6a30d7c24", "3f0a9e1b2c4d"])
        #expect(file.revision.branchLabels == ["billing", "reports.v2"])
        #expect(file.revision.dependsOn == ["55aa", "billing"])
        #expect(file.revision.isTransactional == false)
        #expect(file.revision.isMergePoint)
        #expect(file.revision.upgrade.isEmpty && file.revision.downgrade.isEmpty)
    }

    static let messageCases: [(String, String)] = [
        ("-- revision: a1\n-- migrate:upgrade", ""),
        ("-- revision: a1\n--   add accounts  \n-- migrate:upgrade", "add accounts"),
        ("-- feat: add accounts\n-- revision: a1\n-- migrate:upgrade", "feat: add accounts"),
        ("-- Note: hello\n-- revision: a1\n-- migrate:upgrade", "Note: hello"),
        ("-- first\n-- second\n-- revision: a1\n-- migrate:upgrade", "first"),
        ("-- free text\n-- message: revision: explicit\n-- revision: a1\n-- migrate:upgrade", "revision: explicit"),
        ("--\n\n-- revision: a1\n\n-- after blank lines\n-- migrate:upgrade", "after blank lines"),
        ("-- 🚀 lancer la fusée\n-- revision: a1\n-- migrate:upgrade", "🚀 lancer la fusée"),
        // Unicode whitespace (no-break space, em space) is trimmed like ASCII spaces.
        ("--\u{00A0}ajouter les comptes\u{2003}\n-- revision: a1\n-- migrate:upgrade", "ajouter les comptes"),
    ]

    @Test(arguments: messageCases)
    func message(_ text: String, _ expected: String) throws {
        #expect(try parse(text).revision.message == expected)
    }

    /// Free header comments after the message are its description; a bare `--` keeps paragraphs.
    static let descriptionCases: [(String, String, String)] = [
        ("-- revision: a1\n-- migrate:upgrade", "", ""),
        ("-- first\n-- second\n-- revision: a1\n-- migrate:upgrade", "first", "second"),
        ("-- add accounts\n--\n-- Why: billing needs them.\n--\n-- revision: a1\n-- later line\n--\n-- migrate:upgrade\n-- not header",
         "add accounts", "Why: billing needs them.\n\nlater line"),
        ("-- free text\n-- message: explicit\n-- revision: a1\n-- migrate:upgrade", "explicit", "free text"),
        ("-- message: explicit\n-- details\n-- revision: a1\n-- migrate:upgrade", "explicit", "details"),
        ("-- add a\n--\n-- Revision ID: a1\n-- Revises:\n-- Create Date: 2019-03-01 10:00:00\n--\n-- ported\n-- revision: a1\n-- migrate:upgrade",
         "add a", "ported"),
    ]

    @Test(arguments: descriptionCases)
    func description(_ text: String, _ message: String, _ description: String) throws {
        let revision = try parse(text).revision
        #expect(revision.message == message)
        #expect(revision.longDescription == description)
    }

    @Test func createDateRoundTrips() throws {
        let text = SQLMigrationFile.render(
            revision: "a1", downRevisions: [], message: "add accounts", createDate: "2026-12-06 04:30:00.123456",
            upgradeSQL: "SELECT 1;", downgradeSQL: "")
        #expect(text.hasPrefix("-- add accounts\n-- revision: a1\n-- down_revision:\n-- branch_labels:\n-- depends_on:\n-- create_date: 2026-12-06 04:30:00.123456\n"))
        let revision = try parse(text).revision
        #expect(revision.createDate == "2026-12-06 04:30:00.123456")
        #expect(revision.longDescription == "")
        #expect(try parse("-- revision: a1\n-- create_date:\n-- migrate:upgrade").revision.createDate == nil)
        #expect(try parse("-- m\n-- Create Date: 2019-03-01 10:00:00\n-- revision: a1\n-- migrate:upgrade").revision.createDate
            == "2019-03-01 10:00:00")
    }

    @Test func sectionsKeepStatementsAndTheirLines() throws {
        let file = try parse(
            """
            -- revision: abc
            -- down_revision:
            -- migrate:upgrade
            -- a comment before the first statement
            CREATE TABLE a (
              id integer PRIMARY KEY, -- the key; with a semicolon
              note text DEFAULT 'x;y'
            );
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.note := 'z'; RETURN NEW; END;
            $$;

            -- migrate:downgrade
            DROP FUNCTION f();
            DROP TABLE a;
            """)
        #expect(file.revision.isBase)
        #expect(file.upgradeStatements == [
            SQLStatement(text: "CREATE TABLE a (\n  id integer PRIMARY KEY, -- the key; with a semicolon\n  note text DEFAULT 'x;y'\n)", line: 5),
            SQLStatement(text: "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN NEW.note := 'z'; RETURN NEW; END;\n$$", line: 9),
        ])
        #expect(file.downgradeStatements == [
            SQLStatement(text: "DROP FUNCTION f()", line: 14),
            SQLStatement(text: "DROP TABLE a", line: 15),
        ])
        #expect(file.revision.upgrade == file.upgradeStatements.map { .execute($0.text) })
        #expect(file.revision.downgrade == [.execute("DROP FUNCTION f()"), .execute("DROP TABLE a")])
    }

    @Test func sqliteTriggerInASection() throws {
        let file = try parse(
            """
            -- revision: t1
            -- migrate:upgrade
            CREATE TRIGGER log AFTER INSERT ON a BEGIN
              INSERT INTO log VALUES (new.id);
            END;
            -- migrate:downgrade
            DROP TRIGGER log;
            """)
        #expect(file.revision.upgrade == [.execute("CREATE TRIGGER log AFTER INSERT ON a BEGIN\n  INSERT INTO log VALUES (new.id);\nEND")])
    }

    @Test func missingOrEmptyDowngrade() throws {
        #expect(try parse("-- revision: a\n-- migrate:upgrade\nSELECT 1;").revision.downgrade == [])
        #expect(try parse("-- revision: a\n-- migrate:upgrade\nSELECT 1;\n-- migrate:downgrade\n-- nothing to undo\n").revision.downgrade == [])
    }

    @Test func valuesTrimUnicodeWhitespace() throws {
        let file = try parse("-- revision:\u{00A0}abc\u{3000}\n-- down_revision: a1 ,\u{2003}b2\n-- migrate:upgrade\nSELECT 1;")
        #expect(file.revision.id == "abc")
        #expect(file.revision.downRevisions == ["a1", "b2"])
    }

    @Test func windowsLineEndingsAndByteOrderMark() throws {
        let file = try parse("\u{FEFF}-- add a\r\n-- revision: r1\r\n-- transactional: false\r\n-- migrate:upgrade\r\nSELECT 1;\r\n-- migrate:downgrade\r\nSELECT 2;\r\n")
        #expect(file.revision.message == "add a")
        #expect(file.revision.id == "r1")
        #expect(file.revision.isTransactional == false)
        #expect(file.upgradeStatements == [SQLStatement(text: "SELECT 1", line: 5)])
        #expect(file.downgradeStatements == [SQLStatement(text: "SELECT 2", line: 7)])
    }

    // MARK: Round trips

    struct RenderCase: Sendable, CustomTestStringConvertible {
        var id: String
        var down: [String]
        var labels: [String] = []
        var dependsOn: [String] = []
        var message: String
        var transactional = true
        var upgrade: String
        var downgrade: String
        var testDescription: String { message.isEmpty ? id : message }
    }

    static let renderCases: [RenderCase] = [
        RenderCase(id: "1975ea83b712", down: [], message: "create base", upgrade: "CREATE TABLE a (x int);", downgrade: "DROP TABLE a;"),
        RenderCase(id: "ae10", down: ["a1", "b2"], labels: ["billing"], dependsOn: ["c3", "reports"], message: "merge", upgrade: "", downgrade: ""),
        RenderCase(id: "x1", down: ["a1"], message: "", transactional: false,
                   upgrade: "CREATE INDEX CONCURRENTLY ix ON a (x);", downgrade: "DROP INDEX CONCURRENTLY ix;"),
        RenderCase(id: "x2", down: ["a1"], message: "revision: looks like a key", upgrade: "SELECT 1;", downgrade: ""),
        RenderCase(id: "x3", down: ["a1"], message: "revison: a typo of a key", upgrade: "SELECT 1;", downgrade: ""),
        RenderCase(id: "x4", down: ["a1"], message: "migrate:upgrade the thing", upgrade: "SELECT 1;", downgrade: ""),
        RenderCase(id: "x5", down: ["a1"], message: "note: x", upgrade: "SELECT 1;", downgrade: ""),
        RenderCase(id: "x6", down: ["a1"], message: "feat: add accounts", upgrade: "SELECT 1;", downgrade: ""),
        RenderCase(id: "x7", down: ["a1"], message: "two\nlines", upgrade: """
            CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
            -- a comment between statements
            INSERT INTO t VALUES ('-- migrate:not a marker; really');
            """, downgrade: "DROP FUNCTION f();"),
    ]

    @Test(arguments: renderCases)
    func roundTrip(_ testCase: RenderCase) throws {
        let text = SQLMigrationFile.render(
            revision: testCase.id, downRevisions: testCase.down, branchLabels: testCase.labels,
            dependsOn: testCase.dependsOn, message: testCase.message, isTransactional: testCase.transactional,
            upgradeSQL: testCase.upgrade, downgradeSQL: testCase.downgrade)
        let revision = try parse(text).revision
        #expect(revision.id == testCase.id)
        #expect(revision.downRevisions == testCase.down)
        #expect(revision.branchLabels == testCase.labels)
        #expect(revision.dependsOn == testCase.dependsOn)
        #expect(revision.message == testCase.message.replacingOccurrences(of: "\n", with: " "))
        #expect(revision.isTransactional == testCase.transactional)
        let dialect = SQLMigrationFile.splitDialect
        #expect(revision.upgrade == StatementSplitter.split(testCase.upgrade, dialect: dialect).map { .execute($0.text) })
        #expect(revision.downgrade == StatementSplitter.split(testCase.downgrade, dialect: dialect).map { .execute($0.text) })
    }

    @Test func renderedHeaderForm() {
        let text = SQLMigrationFile.render(
            revision: "ae10", downRevisions: ["a1", "b2"], branchLabels: ["billing"], dependsOn: [],
            message: "revision: tricky", isTransactional: false, upgradeSQL: "", downgradeSQL: "")
        #expect(
            text == """
                -- message: revision: tricky
                -- revision: ae10
                -- down_revision: a1, b2
                -- branch_labels: billing
                -- depends_on:
                -- transactional: false

                -- migrate:upgrade

                -- migrate:downgrade

                """)
    }

    // MARK: Errors

    static let errorCases: [(String, String, String?)] = [
        ("-- add accounts\n-- migrate:upgrade\nSELECT 1;",
         "1: missing the 'revision' header", "add '-- revision: <id>' to the header, before '-- migrate:upgrade'"),
        ("-- add accounts\n-- revision: abc\n-- down_revison: def\n-- migrate:upgrade",
         "3:4: unknown header key 'down_revison'", "did you mean 'down_revision'?"),
        ("-- add accounts\n-- Revision: abc\n-- migrate:upgrade",
         "2:4: unknown header key 'Revision'", "did you mean 'revision'?"),
        ("-- add accounts\n-- revision: abc\n-- branch: main\n-- migrate:upgrade",
         "3:4: unknown header key 'branch'",
         "the header keys are revision, down_revision, branch_labels, depends_on, transactional, message, create_date; write a message that looks like a key as '-- message: …'"),
        ("-- revision: abc\n-- transactional: yes\n-- migrate:upgrade",
         "2:19: 'transactional' must be true or false, found 'yes'",
         "false runs the migration outside a transaction (e.g. for CREATE INDEX CONCURRENTLY)"),
        ("-- add accounts\n-- revision: abc\n\nCREATE TABLE a (x int);\n",
         "4: missing the '-- migrate:upgrade' marker",
         "put '-- migrate:upgrade' on its own line after the header, before the upgrade SQL (and '-- migrate:downgrade' before the downgrade SQL)"),
        ("-- add accounts\n-- revision: abc\n",
         "2: missing the '-- migrate:upgrade' marker",
         "put '-- migrate:upgrade' on its own line after the header, before the upgrade SQL (and '-- migrate:downgrade' before the downgrade SQL)"),
        ("-- revision: abc\nCREATE TABLE a (x int);\n-- revision: other\n-- migrate:upgrade\n",
         "2: SQL before the '-- migrate:upgrade' marker",
         "the header holds only '-- key: value' comments; put the SQL after '-- migrate:upgrade'"),
        ("-- revision: abc\n-- migrate:upgrade\nSELECT 1;\n-- migrate:upgrade\nSELECT 2;",
         "4:4: duplicate '-- migrate:upgrade' marker (the first is on line 2)", "a file has one upgrade section"),
        ("-- revision: abc\n-- migrate:upgrade\n-- migrate:downgrade\nSELECT 1;\n  --  migrate:downgrade\n",
         "5:7: duplicate '-- migrate:downgrade' marker (the first is on line 3)", "a file has one downgrade section"),
        ("-- revision: abc\n-- migrate:downgrade\nDROP TABLE a;\n-- migrate:upgrade\nCREATE TABLE a (x int);",
         "4:4: '-- migrate:upgrade' must come before '-- migrate:downgrade' (line 2)", nil),
        ("-- revision: abc\n-- migrate:up\nSELECT 1;", "2:4: unknown marker '-- migrate:up'", "did you mean '-- migrate:upgrade'?"),
        ("-- revision: abc\n-- migrate:upgrade\n-- migrate:downgarde\n", "3:4: unknown marker '-- migrate:downgarde'", "did you mean '-- migrate:downgrade'?"),
        ("-- revision: abc\n-- migrate:upgrade transactional:false\n",
         "2:20: unexpected text 'transactional:false' after the marker '-- migrate:upgrade'", "a marker stands alone on its line"),
        ("-- revision: abc-def\n-- migrate:upgrade", "1:14: revision id 'abc-def' may contain only letters, digits and underscores", nil),
        ("-- revision:\n-- migrate:upgrade", "1:13: the revision id is empty", "write '-- revision: <id>', e.g. a 12-digit hex id"),
        ("-- revision: abc\n-- down_revision: a1, b 2\n-- migrate:upgrade",
         "2:23: down_revision id 'b 2' may contain only letters, digits and underscores", nil),
        ("-- revision: abc\n-- branch_labels: ok, bad@label\n-- migrate:upgrade",
         "2:23: branch label 'bad@label' may not contain spaces, '@' or ':'", "separate several with commas"),
        ("-- revision: abc\n-- depends_on: x:y\n-- migrate:upgrade",
         "2:16: depends_on entry 'x:y' may not contain spaces, '@' or ':'", "separate several with commas"),
        ("-- revision: abc\n-- revision: def\n-- migrate:upgrade", "2:4: duplicate header key 'revision' (first given on line 1)", nil),
        // Columns count characters, not bytes: the no-break space is one column and two bytes.
        ("--\u{00A0}revision: abc-def\n-- migrate:upgrade", "1:14: revision id 'abc-def' may contain only letters, digits and underscores", nil),
        ("-- revision: abc\n-- branch_labels: é, a\u{2003}b\n-- migrate:upgrade",
         "2:22: branch label 'a\u{2003}b' may not contain spaces, '@' or ':'", "separate several with commas"),
        ("-- revision: abc\n-- migrate:upgrade\n-- migrate:ùp\n", "3:4: unknown marker '-- migrate:ùp'", "the markers are '-- migrate:upgrade' and '-- migrate:downgrade'"),
    ]

    @Test(arguments: errorCases)
    func errors(_ text: String, _ message: String, _ hint: String?) {
        let (actual, actualHint) = failure(text)
        #expect(actual == message)
        #expect(actualHint == hint)
    }

    @Test func missingFile() {
        let error = #expect(throws: MigrateError.self) { try SQLMigrationFile(contentsOf: "/nonexistent/x.sql") }
        #expect(error?.kind == .script)
        #expect(error?.location == MigrateCore.SourceLocation(path: "/nonexistent/x.sql"))
        #expect(error?.cause != nil)
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
