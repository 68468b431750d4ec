import MigrateSQL
import Testing

@Suite struct TransactionControlTests {
    static let flagged: [(String, String)] = [
        ("BEGIN", "BEGIN"),
        ("begin transaction", "BEGIN"),
        ("BEGIN IMMEDIATE TRANSACTION", "BEGIN"),
        ("BEGIN ISOLATION LEVEL SERIALIZABLE", "BEGIN"),
        ("START TRANSACTION", "START TRANSACTION"),
        ("start /* a comment */ transaction read write", "START TRANSACTION"),
        ("COMMIT", "COMMIT"),
        ("commit work", "COMMIT"),
        ("COMMIT AND CHAIN", "COMMIT"),
        ("END", "END"),
        ("END TRANSACTION", "END"),
        ("ROLLBACK", "ROLLBACK"),
        ("ROLLBACK TRANSACTION", "ROLLBACK"),
        ("ABORT", "ABORT"),
        ("PREPARE TRANSACTION 'deploy'", "PREPARE TRANSACTION"),
        ("COMMIT PREPARED 'deploy'", "COMMIT PREPARED"),
        ("ROLLBACK PREPARED 'deploy'", "ROLLBACK PREPARED"),
    ]

    @Test(arguments: flagged)
    func transactionControlIsFlagged(statement: String, keywords: String) {
        #expect(TransactionControl.keywords(of: statement) == keywords)
    }

    static let allowed: [String] = [
        "SAVEPOINT before_backfill",
        "RELEASE before_backfill",
        "RELEASE SAVEPOINT before_backfill",
        "ROLLBACK TO before_backfill",
        "ROLLBACK TO SAVEPOINT before_backfill",
        "ROLLBACK TRANSACTION TO SAVEPOINT before_backfill",
        "rollback work to a",
        "PREPARE insert_item (integer) AS INSERT INTO items VALUES ($1)",
        "START_DATE",
        "begin_date = 1",
        "SELECT 'COMMIT'",
        "CREATE TABLE commits (id integer)",
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); END",
        "CREATE FUNCTION f() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; END",
        "DO $$ BEGIN RAISE NOTICE 'x'; COMMIT; END $$",
        "\"begin\"",
        "",
    ]

    @Test(arguments: allowed)
    func otherStatementsAreNot(statement: String) {
        #expect(TransactionControl.keywords(of: statement) == nil)
    }

    /// Scripts are split first, so bodies stay inside the statement that opens them.
    @Test func scriptsAreSplitBeforeTheKeywordsAreRead() {
        let script = """
            CREATE TRIGGER audit AFTER INSERT ON items BEGIN
                INSERT INTO log VALUES (new.id);
            END;
            DO $$ BEGIN PERFORM 1; END $$;
            CREATE FUNCTION one() RETURNS integer LANGUAGE sql
            BEGIN ATOMIC
                SELECT 1;
            END;
            INSERT INTO items VALUES (1); COMMIT;
            """
        let found = TransactionControl.statements(in: script)
        #expect(found.map(\.keywords) == ["COMMIT"])
        #expect(found.map(\.statement.line) == [9])
    }
}
