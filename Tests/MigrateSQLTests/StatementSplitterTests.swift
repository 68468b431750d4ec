import MigrateSQL
import Testing

/// A splitting case: the script, the dialect, and the statements expected as (line, text).
struct SplitCase: CustomTestStringConvertible, Sendable {
    var name: String
    var sql: String
    var dialect: SQLDialect
    var expected: [(line: Int, text: String)]

    init(_ name: String, _ sql: String, _ expected: [(Int, String)]) {
        self.init(name, sql, .postgresql, expected)
    }

    init(_ name: String, _ sql: String, _ dialect: SQLDialect, _ expected: [(Int, String)]) {
        self.name = name
        self.sql = sql
        self.dialect = dialect
        self.expected = expected.map { (line: $0.0, text: $0.1) }
    }

    var testDescription: String { "\(name) (\(dialect.name))" }
}

private func split(_ sql: String, _ dialect: SQLDialect) -> [(line: Int, text: String)] {
    StatementSplitter.split(sql, dialect: dialect).map { (line: $0.line, text: $0.text) }
}

private func expectSplit(_ testCase: SplitCase, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let actual = split(testCase.sql, testCase.dialect)
    #expect(actual.map(\.text) == testCase.expected.map(\.text), sourceLocation: sourceLocation)
    #expect(actual.map(\.line) == testCase.expected.map(\.line), sourceLocation: sourceLocation)
}

@Suite struct StatementSplitterTests {
    static let basicsCases: [SplitCase] = [
        SplitCase("one statement", "SELECT 1;", [(1, "SELECT 1")]),
        SplitCase("no trailing semicolon", "SELECT 1", [(1, "SELECT 1")]),
        SplitCase("two on one line", "SELECT 1; SELECT 2;", [(1, "SELECT 1"), (1, "SELECT 2")]),
        SplitCase("trimmed", "  \n\n  SELECT 1  \n ;\n", [(3, "SELECT 1")]),
        SplitCase("empty input", "", []),
        SplitCase("only blank space", " \n\t\n", []),
        SplitCase("empty statements", ";;\n;  ;\nSELECT 1;;", [(3, "SELECT 1")]),
        SplitCase("line numbers", "SELECT 1;\n\nSELECT\n  2;\n\n\nSELECT 3", [(1, "SELECT 1"), (3, "SELECT\n  2"), (7, "SELECT 3")]),
        SplitCase("CRLF line ends", "SELECT 1;\r\nSELECT\r\n 2;\r\n", [(1, "SELECT 1"), (2, "SELECT\r\n 2")]),
        SplitCase("non-ASCII", "INSERT INTO t VALUES ('żółw');\nSELECT 'é'", [(1, "INSERT INTO t VALUES ('żółw')"), (2, "SELECT 'é'")]),
        SplitCase("semicolon in parentheses (CREATE RULE)",
            "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); DELETE FROM b);\nSELECT 1;",
            [(1, "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); DELETE FROM b)"), (2, "SELECT 1")]),
    ]

    @Test(arguments: basicsCases) func basics(_ testCase: SplitCase) { expectSplit(testCase) }

    static let quotesCases: [SplitCase] = [
        SplitCase("semicolon in a string", "INSERT INTO t VALUES ('a;b'); SELECT 2;", [(1, "INSERT INTO t VALUES ('a;b')"), (1, "SELECT 2")]),
        SplitCase("doubled quote", "SELECT 'it''s; fine'; SELECT 2", [(1, "SELECT 'it''s; fine'"), (1, "SELECT 2")]),
        SplitCase("empty string then quote", "SELECT '', ''''; SELECT 2", [(1, "SELECT '', ''''"), (1, "SELECT 2")]),
        SplitCase("multi-line string counts lines", "SELECT 'a\n;\nb';\nSELECT 2", [(1, "SELECT 'a\n;\nb'"), (4, "SELECT 2")]),
        SplitCase("backslash is plain in a standard string", "SELECT 'a\\'; SELECT 2", [(1, "SELECT 'a\\'"), (1, "SELECT 2")]),
        SplitCase("E string backslash escape", "SELECT E'it\\'s; x'; SELECT 2", [(1, "SELECT E'it\\'s; x'"), (1, "SELECT 2")]),
        SplitCase("lowercase e string", "SELECT e'\\\\'; SELECT 2", [(1, "SELECT e'\\\\'"), (1, "SELECT 2")]),
        SplitCase("identifier ending in e is not an E string", "SELECT type'a\\'; SELECT 2", [(1, "SELECT type'a\\'"), (1, "SELECT 2")]),
        SplitCase("E string on SQLite is a plain string", "SELECT E'a\\'; SELECT 2", .sqlite, [(1, "SELECT E'a\\'"), (1, "SELECT 2")]),
        SplitCase("double-quoted identifier", "CREATE TABLE \"a;b\" (\"x\"\"; y\" int); SELECT 2", [(1, "CREATE TABLE \"a;b\" (\"x\"\"; y\" int)"), (1, "SELECT 2")]),
        SplitCase("backtick identifier", "SELECT `a;b` FROM t; SELECT 2", .sqlite, [(1, "SELECT `a;b` FROM t"), (1, "SELECT 2")]),
        SplitCase("bracket identifier on SQLite", "SELECT [a;b] FROM t; SELECT 2", .sqlite, [(1, "SELECT [a;b] FROM t"), (1, "SELECT 2")]),
        SplitCase("array subscript on PostgreSQL", "SELECT a[1] FROM t; SELECT ARRAY[']'];", [(1, "SELECT a[1] FROM t"), (1, "SELECT ARRAY[']']")]),
        SplitCase("quote inside comment is ignored", "SELECT 1; -- it's\nSELECT 2;", [(1, "SELECT 1"), (2, "SELECT 2")]),
        SplitCase("comment marker inside string", "SELECT '--;/*'; SELECT 2", [(1, "SELECT '--;/*'"), (1, "SELECT 2")]),
        SplitCase("unterminated string runs to the end", "SELECT 'abc; SELECT 2;\n", [(1, "SELECT 'abc; SELECT 2;\n")]),
    ]

    @Test(arguments: quotesCases) func quotes(_ testCase: SplitCase) { expectSplit(testCase) }

    static let commentsCases: [SplitCase] = [
        SplitCase("leading line comments dropped", "-- first\n-- second\nSELECT 1;", [(3, "SELECT 1")]),
        SplitCase("comment-only chunk dropped", "SELECT 1;\n-- nothing here;\n/* nor; here */;\nSELECT 2;", [(1, "SELECT 1"), (4, "SELECT 2")]),
        SplitCase("trailing comment after semicolon dropped", "SELECT 1; -- done\n", [(1, "SELECT 1")]),
        SplitCase("inner comments kept", "CREATE TABLE t (\n  id int, -- the key; really\n  /* a; b */ name text\n);",
            [(1, "CREATE TABLE t (\n  id int, -- the key; really\n  /* a; b */ name text\n)")]),
        SplitCase("trailing comment before semicolon left out", "SELECT 1 -- one\n;\nSELECT 2 /* two */", [(1, "SELECT 1"), (3, "SELECT 2")]),
        SplitCase("comment at end without semicolon", "SELECT 1\n-- the end", [(1, "SELECT 1")]),
        SplitCase("block comment spanning lines", "/* a\nb\n*/ SELECT 1; SELECT 2", [(3, "SELECT 1"), (3, "SELECT 2")]),
        SplitCase("nested block comment on PostgreSQL", "/* outer /* inner; */ still; */ SELECT 1; SELECT 2", [(1, "SELECT 1"), (1, "SELECT 2")]),
        SplitCase("block comments do not nest on SQLite", "/* outer /* inner */ SELECT 1; SELECT 2", .sqlite, [(1, "SELECT 1"), (1, "SELECT 2")]),
        SplitCase("minus is not a comment", "SELECT 3-1; SELECT -2", [(1, "SELECT 3-1"), (1, "SELECT -2")]),
        SplitCase("slash is not a comment", "SELECT 4/2; SELECT 2", [(1, "SELECT 4/2"), (1, "SELECT 2")]),
        SplitCase("unterminated block comment", "SELECT 1; /* open; SELECT 2;", [(1, "SELECT 1")]),
        SplitCase("only comments", "-- a;\n/* b; */\n-- c", []),
    ]

    @Test(arguments: commentsCases) func comments(_ testCase: SplitCase) { expectSplit(testCase) }

    static let dollarQuotesCases: [SplitCase] = [
        SplitCase("$$ body", """
            CREATE FUNCTION f() RETURNS int AS $$
              SELECT 1; SELECT 2;
            $$ LANGUAGE sql;
            SELECT f();
            """,
            [(1, "CREATE FUNCTION f() RETURNS int AS $$\n  SELECT 1; SELECT 2;\n$$ LANGUAGE sql"), (4, "SELECT f()")]),
        SplitCase("tagged body containing $$", """
            DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $$x;$$; END $body$;
            SELECT 2;
            """,
            [(1, "DO $body$ BEGIN RAISE NOTICE '$$;'; PERFORM $$x;$$; END $body$"), (2, "SELECT 2")]),
        SplitCase("different tags do not close", "SELECT $a$ x $b$ ; $a$; SELECT 2", [(1, "SELECT $a$ x $b$ ; $a$"), (1, "SELECT 2")]),
        SplitCase("plpgsql with quotes and comments inside", """
            CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
              -- it's; fine
              IF NEW.x = 'a''b' THEN RETURN NULL; END IF;
              RETURN NEW;
            END;
            $fn$;
            CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION g();
            """,
            [(1, "CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n  -- it's; fine\n  IF NEW.x = 'a''b' THEN RETURN NULL; END IF;\n  RETURN NEW;\nEND;\n$fn$"),
             (8, "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW EXECUTE FUNCTION g()")]),
        SplitCase("$1 parameters are not dollar quotes", "PREPARE p AS SELECT $1, $2; SELECT 2", [(1, "PREPARE p AS SELECT $1, $2"), (1, "SELECT 2")]),
        SplitCase("$ inside an identifier is not a quote", "SELECT a$b$ FROM t; SELECT 2", [(1, "SELECT a$b$ FROM t"), (1, "SELECT 2")]),
        SplitCase("dollar body counts lines", "SELECT $$\n;\n$$;\nSELECT 2", [(1, "SELECT $$\n;\n$$"), (4, "SELECT 2")]),
        SplitCase("unterminated dollar body", "SELECT $$ x; SELECT 2;", [(1, "SELECT $$ x; SELECT 2;")]),
        SplitCase("no dollar quoting on SQLite", "SELECT $$; SELECT $a; SELECT 2", .sqlite, [(1, "SELECT $$"), (1, "SELECT $a"), (1, "SELECT 2")]),
    ]

    @Test(arguments: dollarQuotesCases) func dollarQuotes(_ testCase: SplitCase) { expectSplit(testCase) }

    static let bodiesCases: [SplitCase] = [
        SplitCase("SQLite trigger", """
            CREATE TRIGGER log_insert AFTER INSERT ON accounts
            BEGIN
              INSERT INTO log VALUES (new.id);
              UPDATE counts SET n = n + 1;
            END;
            SELECT 2;
            """, .sqlite,
            [(1, "CREATE TRIGGER log_insert AFTER INSERT ON accounts\nBEGIN\n  INSERT INTO log VALUES (new.id);\n  UPDATE counts SET n = n + 1;\nEND"),
             (6, "SELECT 2")]),
        SplitCase("SQLite trigger with CASE … END inside", """
            CREATE TEMP TRIGGER IF NOT EXISTS t AFTER UPDATE ON a WHEN CASE WHEN new.x THEN 1 ELSE 0 END BEGIN
              UPDATE b SET y = CASE WHEN new.x > 0 THEN 'p;' ELSE 'n' END;
              SELECT CASE new.x WHEN 1 THEN RAISE(ABORT, 'no;') END;
            end;
            SELECT 2
            """, .sqlite,
            [(1, "CREATE TEMP TRIGGER IF NOT EXISTS t AFTER UPDATE ON a WHEN CASE WHEN new.x THEN 1 ELSE 0 END BEGIN\n  UPDATE b SET y = CASE WHEN new.x > 0 THEN 'p;' ELSE 'n' END;\n  SELECT CASE new.x WHEN 1 THEN RAISE(ABORT, 'no;') END;\nend"),
             (5, "SELECT 2")]),
        SplitCase("trigger body split the same with PostgreSQL rules", "create trigger t after delete on a begin delete from b; end; select 2", .postgresql,
            [(1, "create trigger t after delete on a begin delete from b; end"), (1, "select 2")]),
        SplitCase("BEGIN as a transaction is a statement", "BEGIN; CREATE TABLE a (x int); COMMIT;", .sqlite,
            [(1, "BEGIN"), (1, "CREATE TABLE a (x int)"), (1, "COMMIT")]),
        SplitCase("CASE … END outside bodies", "SELECT CASE WHEN 1 THEN 2 END; SELECT 3", [(1, "SELECT CASE WHEN 1 THEN 2 END"), (1, "SELECT 3")]),
        SplitCase("words containing keywords", "CREATE TABLE trigger_log (begin_at int, ending int); SELECT 2", .sqlite,
            [(1, "CREATE TABLE trigger_log (begin_at int, ending int)"), (1, "SELECT 2")]),
        SplitCase("BEGIN ATOMIC function body", """
            CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql
            BEGIN ATOMIC
              INSERT INTO calls VALUES (a, b);
              SELECT CASE WHEN a > 0 THEN a + b ELSE b END;
            END;
            SELECT add(1, 2);
            """,
            [(1, "CREATE FUNCTION add(a integer, b integer) RETURNS integer LANGUAGE sql\nBEGIN ATOMIC\n  INSERT INTO calls VALUES (a, b);\n  SELECT CASE WHEN a > 0 THEN a + b ELSE b END;\nEND"),
             (6, "SELECT add(1, 2)")]),
        SplitCase("BEGIN /* comment */ ATOMIC", "CREATE PROCEDURE p() begin /* x */ atomic delete from t; end; select 1",
            [(1, "CREATE PROCEDURE p() begin /* x */ atomic delete from t; end"), (1, "select 1")]),
    ]

    @Test(arguments: bodiesCases) func bodies(_ testCase: SplitCase) { expectSplit(testCase) }

    @Test func largeScriptSplitsQuickly() {
        var script = ""
        var index = 0
        while script.utf8.count < 1_000_000 {
            script += """
                -- table \(index)
                CREATE TABLE t\(index) (id integer PRIMARY KEY, name text DEFAULT 'a;b', note text /* c; */);
                INSERT INTO t\(index) VALUES (1, E'x\\'y', $$z;$$);

                """
            index += 1
        }
        let clock = ContinuousClock()
        var statements: [SQLStatement] = []
        let elapsed = clock.measure { statements = StatementSplitter.split(script, dialect: .postgresql) }
        #expect(statements.count == index * 2)
        #expect(statements.last?.line == index * 3)
        // Debug builds are far slower than release (a few ms); this only catches accidental quadratic work.
        #expect(elapsed < .seconds(2))
    }
}
