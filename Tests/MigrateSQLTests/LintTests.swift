@testable import MigrateSQL
import Testing

/// The rule ids `migration` breaks after `history` ran, each as `rule@statement index`.
private func lint(
    _ migration: [String], after history: [String] = [], transactional: Bool = true, dialect: SQLDialect = .postgresql
) -> [String] {
    var linter = MigrationLinter(dialect: dialect)
    linter.record(history)
    let statements = migration.map { LintStatement($0, transaction: transactional ? 1 : nil) }
    return linter.lint(statements).map { "\($0.rule.id)@\($0.statement)" }
}

private let accounts = "CREATE TABLE accounts (id bigint PRIMARY KEY, email varchar(100), name text, total numeric(10,2))"
private let lockTimeout = "SET lock_timeout = '5s'"

@Suite struct StatementShapeTests {
    @Test(arguments: [
        ("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON public.accounts USING btree (email)",
         StatementShape.createIndex(name: ObjectName("ix"), table: ObjectName("accounts", schema: "public"), concurrently: true)),
        ("create unique index on \"Accounts\" (email)", .createIndex(name: nil, table: ObjectName("Accounts"), concurrently: false)),
        ("DROP INDEX CONCURRENTLY IF EXISTS a, s.b", .dropIndexes([ObjectName("a"), ObjectName("b", schema: "s")], concurrently: true)),
        ("ALTER TABLE ONLY accounts RENAME COLUMN Name TO full_name", .renameColumn(ObjectName("accounts"), from: "name", to: "full_name")),
        ("ALTER TABLE accounts RENAME TO users", .renameTable(ObjectName("accounts"), to: ObjectName("users"))),
        ("UPDATE accounts SET a = 1 WHERE id < 10", .dataChange(table: ObjectName("accounts"), bounded: true)),
        ("UPDATE accounts SET a = (SELECT 1 WHERE true)", .dataChange(table: ObjectName("accounts"), bounded: false)),
        ("INSERT INTO a (x) SELECT x FROM b", .dataChange(table: ObjectName("a"), bounded: false)),
        ("INSERT INTO a (x) VALUES (1)", .rowWrite(table: ObjectName("a"))),
        ("SET LOCAL lock_timeout TO '2s'", .setLockTimeout),
        ("SELECT set_config('lock_timeout', '2s', false)", .setLockTimeout),
        ("ROLLBACK TO SAVEPOINT a", .other),
        ("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", .renameEnumValue(type: ObjectName("mood"))),
        ("DO $$ BEGIN CREATE INDEX ix ON accounts (email); END $$", .other),
        ("TRUNCATE TABLE accounts", .locksTable(ObjectName("accounts"))),
        ("VACUUM (FULL, VERBOSE) accounts", .locksTable(ObjectName("accounts"))),
        ("VACUUM accounts", .other),
    ])
    func reads(sql: String, shape: StatementShape) {
        #expect(StatementShape.read(sql, dialect: .postgresql) == shape)
    }

    @Test func alterTableActions() {
        let shape = StatementShape.read("""
            ALTER TABLE accounts
                ADD COLUMN IF NOT EXISTS n bigint NOT NULL DEFAULT nextval('s'),
                ALTER COLUMN email TYPE varchar(200) USING email::varchar,
                ALTER email SET NOT NULL,
                ADD CONSTRAINT ck CHECK ((email IS NOT NULL)) NOT VALID,
                ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES other (id) ON DELETE CASCADE,
                ADD CONSTRAINT uq UNIQUE USING INDEX uq_index,
                VALIDATE CONSTRAINT ck,
                DROP CONSTRAINT IF EXISTS old,
                DROP COLUMN IF EXISTS legacy CASCADE,
                ALTER COLUMN a SET DEFAULT 1
            """, dialect: .postgresql)
        guard case .alterTable(let table, let actions) = shape else {
            Issue.record("not an ALTER TABLE: \(shape)")
            return
        }
        #expect(table == ObjectName("accounts"))
        guard case .addColumn(let column) = actions[0] else {
            Issue.record("\(actions[0])")
            return
        }
        #expect(column.name == "n" && column.type == "BIGINT" && column.notNull && column.defaultExpression?.first?.text == "nextval")
        #expect(actions[1] == .alterType(column: "email", type: "VARCHAR(200)"))
        #expect(actions[2] == .setNotNull(column: "email"))
        #expect(actions[3] == .addConstraint(ConstraintShape(name: "ck", kind: .check, notValid: true, notNullColumn: "email")))
        #expect(actions[4] == .addConstraint(ConstraintShape(name: "fk", kind: .foreignKey, references: ObjectName("other"))))
        #expect(actions[5] == .addConstraint(ConstraintShape(name: "uq", kind: .unique, usingIndex: true)))
        #expect(actions[6] == .validateConstraint("ck"))
        #expect(actions[7] == .dropConstraint("old"))
        #expect(actions[8] == .dropColumn("legacy"))
        #expect(actions[9] == .other)
    }

    @Test func createTableColumnsAndConstraints() {
        let shape = StatementShape.read("""
            CREATE TABLE IF NOT EXISTS t (
                id bigserial PRIMARY KEY,
                "Label" character varying(20) COLLATE "C" NOT NULL,
                tags text[] DEFAULT '{}',
                total numeric(10, 2) GENERATED ALWAYS AS (id * 2) STORED,
                CONSTRAINT fk_t FOREIGN KEY (id) REFERENCES other (id),
                UNIQUE (tags)
            )
            """, dialect: .postgresql)
        guard case .createTable(let name, let columns, let constraints) = shape else {
            Issue.record("\(shape)")
            return
        }
        #expect(name == ObjectName("t"))
        #expect(columns.map(\.name) == ["id", "Label", "tags", "total"])
        #expect(columns.map(\.type) == ["BIGSERIAL", "CHARACTER VARYING(20)", "TEXT[]", "NUMERIC(10,2)"])
        #expect(columns[0].autoIncrement && columns[0].primaryKey)
        #expect(columns[1].notNull && columns[1].requiresValue)
        #expect(!columns[2].requiresValue && columns[3].storedGenerated)
        #expect(constraints.map(\.kind) == [.foreignKey, .unique])
        #expect(constraints[0].name == "fk_t")
    }

    /// SQLite compares names without case, quoted or not.
    @Test func sqliteFoldsQuotedNames() {
        #expect(StatementShape.read(#"DROP TABLE "Accounts""#, dialect: .sqlite) == .dropTables([ObjectName("accounts")]))
        #expect(StatementShape.read(#"DROP TABLE "Accounts""#, dialect: .postgresql) == .dropTables([ObjectName("Accounts")]))
    }
}

@Suite struct MigrationLinterTests {
    @Test func indexOnAnExistingTableButNotOnANewOne() {
        #expect(lint([lockTimeout, "CREATE INDEX ix ON accounts (email)"], after: [accounts]) == ["index-not-concurrent@1"])
        #expect(lint([accounts, "CREATE INDEX ix ON accounts (email)"]) == [])
        // A table the linter never saw created exists already.
        #expect(lint([lockTimeout, "CREATE INDEX ix ON elsewhere (a)"]) == ["index-not-concurrent@1"])
        #expect(lint([lockTimeout, "CREATE INDEX ix ON ACCOUNTS (email)"], after: [accounts]) == ["index-not-concurrent@1"])
        #expect(lint([lockTimeout, #"CREATE INDEX ix ON public."accounts" (email)"#], after: [accounts]) == ["index-not-concurrent@1"])
    }

    @Test func concurrentlyOnlyOutsideATransaction() {
        #expect(lint(["CREATE INDEX CONCURRENTLY ix ON accounts (email)"], after: [accounts]) == ["concurrently-in-transaction@0"])
        #expect(lint([lockTimeout, "CREATE INDEX CONCURRENTLY ix ON accounts (email)"], after: [accounts], transactional: false) == [])
        #expect(lint(["DROP INDEX CONCURRENTLY ix"], after: [accounts], transactional: false) == [])
    }

    @Test func droppingAnIndexOfANewTableIsHarmless() {
        #expect(lint([lockTimeout, "DROP INDEX ix"], after: [accounts, "CREATE INDEX ix ON accounts (email)"]) == ["drop-index-not-concurrent@1"])
        #expect(lint(["CREATE TABLE t (a int)", "CREATE INDEX ix ON t (a)", "DROP INDEX ix"]) == [])
    }

    /// SET NOT NULL is safe once a validated CHECK (col IS NOT NULL) proves it.
    @Test func setNotNullAfterAValidatedCheck() {
        let history = [accounts, "ALTER TABLE accounts ADD CONSTRAINT nn CHECK (email IS NOT NULL) NOT VALID"]
        let setNotNull = "ALTER TABLE accounts ALTER COLUMN email SET NOT NULL"
        #expect(lint([lockTimeout, setNotNull], after: history) == ["set-not-null@1"])
        #expect(lint([lockTimeout, setNotNull], after: history + ["ALTER TABLE accounts VALIDATE CONSTRAINT nn"]) == [])
        // A column added in the range is new, so its table scan costs nothing.
        #expect(lint([lockTimeout, "ALTER TABLE accounts ADD COLUMN n text", "ALTER TABLE accounts ALTER n SET NOT NULL"], after: [accounts]) == [])
    }

    @Test func validateInTheTransactionThatAddedTheConstraint() {
        let add = "ALTER TABLE accounts ADD CONSTRAINT ck CHECK (total > 0) NOT VALID"
        let validate = "ALTER TABLE accounts VALIDATE CONSTRAINT ck"
        #expect(lint([lockTimeout, add, validate], after: [accounts]) == ["validate-in-same-transaction@2"])
        #expect(lint([validate], after: [accounts, add]) == [])
    }

    @Test(arguments: [
        ("VARCHAR(100)", "VARCHAR(200)", true), ("VARCHAR(100)", "VARCHAR(50)", false), ("VARCHAR(100)", "TEXT", true),
        ("CHARACTER VARYING(10)", "VARCHAR", true), ("TEXT", "VARCHAR(20)", false), ("NUMERIC(10,2)", "NUMERIC(12,2)", true),
        ("NUMERIC(10,2)", "NUMERIC(12,3)", false), ("INTEGER", "BIGINT", false), ("INT", "INTEGER", true), ("CIDR", "INET", true),
    ])
    func typeChangesWithoutRewrite(old: String, new: String, safe: Bool) {
        #expect(MigrationLinter.changesWithoutRewrite(from: old, to: new) == safe)
    }

    @Test func typeChangeNeedsTheOldTypeToBeKnownSafe() {
        let widen = "ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200)"
        #expect(lint([lockTimeout, widen], after: [accounts]) == [])
        #expect(lint([lockTimeout, widen]) == ["type-change@1"])
    }

    @Test func addedColumns() {
        let cases: [(String, [String])] = [
            ("ADD COLUMN a text NOT NULL", ["add-column-required@1"]),
            ("ADD COLUMN a text NOT NULL DEFAULT 'x'", []),
            ("ADD COLUMN a timestamptz DEFAULT now()", []),
            ("ADD COLUMN a uuid DEFAULT gen_random_uuid()", ["add-column-volatile-default@1"]),
            ("ADD COLUMN a bigint GENERATED BY DEFAULT AS IDENTITY", ["add-column-serial@1"]),
            ("ADD COLUMN a serial", ["add-column-serial@1"]),
            ("ADD COLUMN a int GENERATED ALWAYS AS (id * 2) STORED", ["add-column-stored-generated@1"]),
            ("ADD COLUMN a text UNIQUE", ["unique-without-index@1"]),
        ]
        for (action, expected) in cases {
            #expect(lint([lockTimeout, "ALTER TABLE accounts \(action)"], after: [accounts]) == expected, "\(action)")
            #expect(lint(["CREATE TABLE t (id int)", "ALTER TABLE t \(action)"]) == [], "\(action) on a new table")
        }
    }

    @Test func dropsAndRenames() {
        let history = [accounts, "CREATE TABLE o (id int, a bigint, CONSTRAINT fk_o FOREIGN KEY (a) REFERENCES accounts (id), CONSTRAINT ck_o CHECK (a > 0))"]
        #expect(lint([lockTimeout, "ALTER TABLE o DROP CONSTRAINT fk_o"], after: history) == ["drop-foreign-key@1"])
        #expect(lint([lockTimeout, "ALTER TABLE o DROP CONSTRAINT ck_o"], after: history) == [])
        #expect(lint([lockTimeout, "DROP TABLE o, accounts"], after: history) == ["drop-table@1", "drop-table@1"])
        #expect(lint([lockTimeout, "ALTER TABLE accounts RENAME TO users", "ALTER TABLE users RENAME COLUMN name TO n"], after: history)
            == ["rename-table@1", "rename-column@2"])
        // A table created in the range keeps being new under its new name.
        #expect(lint(["CREATE TABLE t (a int)", "ALTER TABLE t RENAME TO u", "ALTER TABLE u DROP COLUMN a", "DROP TABLE u"]) == [])
    }

    @Test func backfillOnlyInTheTransactionOfASchemaChange() {
        let backfill = "UPDATE accounts SET name = email"
        #expect(lint([backfill], after: [accounts]) == [])
        #expect(lint([lockTimeout, "ALTER TABLE accounts ADD COLUMN x int", backfill], after: [accounts]) == ["backfill-with-ddl@2"])
        #expect(lint([lockTimeout, backfill, "ALTER TABLE accounts ADD COLUMN x int"], after: [accounts]) == ["backfill-with-ddl@1"])
        #expect(lint([lockTimeout, "ALTER TABLE accounts ADD COLUMN x int", backfill], after: [accounts], transactional: false) == [])
        #expect(lint(["CREATE TABLE t (a int)", "INSERT INTO t SELECT id FROM accounts"], after: [accounts]) == [])
    }

    @Test func lockTimeoutMustComeFirst() {
        let alter = "ALTER TABLE accounts ADD COLUMN x int"
        #expect(lint([alter], after: [accounts]) == ["lock-timeout-missing@0"])
        #expect(lint([alter, lockTimeout], after: [accounts]) == ["lock-timeout-missing@0"])
        #expect(lint([lockTimeout, alter], after: [accounts]) == [])
        #expect(lint(["ALTER TABLE accounts VALIDATE CONSTRAINT c"], after: [accounts]) == [])
        #expect(lint([alter], after: [accounts], dialect: .sqlite) == [])
    }

    /// On SQLite, create–copy–drop–rename is one rebuild, reported once; the columns it leaves
    /// out are dropped.
    @Test func sqliteRebuilds() {
        let history = ["CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, note TEXT)"]
        let rebuild = [
            "CREATE TABLE \"_migrate_rebuild_items\" (id INTEGER PRIMARY KEY, name TEXT NOT NULL, added TEXT NOT NULL)",
            "INSERT INTO \"_migrate_rebuild_items\" (id, name) SELECT id, name FROM \"items\"",
            "DROP TABLE \"items\"",
            "ALTER TABLE \"_migrate_rebuild_items\" RENAME TO \"items\"",
        ]
        #expect(lint(rebuild, after: history, dialect: .sqlite) == ["table-rebuild@2", "drop-column@3", "add-column-required@3"])
        #expect(lint(history + rebuild, dialect: .sqlite) == [])
        // The rebuilt table is as old as it was: the next change to it is on an existing table.
        #expect(lint(rebuild + ["ALTER TABLE items DROP COLUMN name"], after: history, dialect: .sqlite).last == "drop-column@4")
        #expect(!lint(rebuild + ["ALTER TABLE items DROP COLUMN added"], after: history, dialect: .sqlite).contains("drop-column@4"))
    }

    @Test func postgresRulesAreOffOnSQLite() {
        let statements = ["CREATE INDEX ix ON accounts (email)", "ALTER TABLE accounts ADD CONSTRAINT c CHECK (total > 0)"]
        #expect(lint(statements, after: [accounts], dialect: .sqlite) == [])
    }
}

@Suite struct LintDirectivesTests {
    static let known: Set = ["index-not-concurrent", "drop-table", "set-not-null"]

    @Test func statementAndFileDirectives() throws {
        let directives = try LintDirectives(parsing: """
            -- migrate:lint-ignore-file drop-table the table is unused since 2.0
            -- migrate:upgrade
            -- migrate:lint-ignore index-not-concurrent,set-not-null a dozen rows
            -- (and a second comment line)
            CREATE INDEX ix ON t (a);

            -- migrate:lint-ignore set-not-null
            ALTER TABLE t ALTER a SET NOT NULL;
                // migrate:lint-ignore index-not-concurrent swift
                op.createIndex("ix", on: "t", columns: ["a"])
            """, knownRules: Self.known)
        #expect(directives.silences("drop-table", line: nil))
        #expect(directives.silences("index-not-concurrent", line: 5))
        #expect(directives.silences("set-not-null", line: 5))
        #expect(!directives.silences("index-not-concurrent", line: 8))
        #expect(directives.silences("set-not-null", line: 8))
        #expect(directives.silences("index-not-concurrent", line: 10))
        #expect(!directives.silences("index-not-concurrent", line: 6))
    }

    @Test func unknownRulesAndMissingRulesAreErrors() {
        #expect(throws: LintDirectives.Problem.self) {
            try LintDirectives(parsing: "\n-- migrate:lint-ignore index-not-concurent", knownRules: Self.known)
        }
        do {
            _ = try LintDirectives(parsing: "SELECT 1;\n-- migrate:lint-ignore", knownRules: Self.known)
            Issue.record("no error")
        } catch {
            #expect(error.line == 2)
        }
        #expect(throws: LintDirectives.Problem.self) {
            try LintDirectives(parsing: "-- migrate:lint-ignored drop-table", knownRules: Self.known)
        }
    }
}

@Suite struct SQLTokenizerDollarQuoteTests {
    @Test func dollarQuotedBodiesAndEscapeStrings() {
        let tokens = SQLTokenizer.tokenize("DO $fn$ BEGIN; 'x' END $fn$; SELECT E'it\\'s', $1", dollarQuotes: true)
        #expect(tokens.map(\.text) == ["DO", "$fn$ BEGIN; 'x' END $fn$", ";", "SELECT", "E'it\\'s'", ",", "$1"])
        #expect(tokens[1].kind == .string && tokens[4].kind == .string)
        // Without PostgreSQL's rules `$` is part of a word, as SQLite parameters are.
        #expect(SQLTokenizer.tokenize("$a$", dollarQuotes: false).map(\.kind) == [.word])
    }
}
