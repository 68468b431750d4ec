import Foundation
import MigrateCore
import MigrateSQL
import Testing
import TestSupport

/// What every driver must do the same way, run against a real database of each engine.
@Suite struct ConnectionBehaviourTests {
    @Test(arguments: TestEngine.enabled)
    func queryRoundTripsParametersAndNulls(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.execute("CREATE TABLE people (id integer PRIMARY KEY, name text, score real)")
        let insert =
            "INSERT INTO people (id, name, score) VALUES "
            + "(\(engine.placeholder(1)), \(engine.placeholder(2)), \(engine.placeholder(3)))"
        _ = try connection.query(insert, parameters: ["1", "Zoë 'quoted' ; -- not a comment", "1.5"])
        _ = try connection.query(insert, parameters: ["2", nil, nil])

        let rows = try connection.query(
            "SELECT id, name, score FROM people WHERE id >= \(engine.placeholder(1)) ORDER BY id",
            parameters: ["1"])
        #expect(rows == [["1", "Zoë 'quoted' ; -- not a comment", "1.5"], ["2", nil, nil]])
        #expect(try connection.query("SELECT count(*) FROM people WHERE name IS NULL") == [["1"]])
        #expect(try connection.query("SELECT name FROM people WHERE id = 99") == [])
    }

    @Test(arguments: TestEngine.enabled)
    func executeRunsEveryStatementOfAScript(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.execute(
            """
            -- a leading comment
            CREATE TABLE a (x integer);
            INSERT INTO a VALUES (1);
            /* a block comment */ INSERT INTO a VALUES (2);;
            CREATE TABLE b (y text);
            -- a trailing comment
            """)
        #expect(try connection.query("SELECT x FROM a ORDER BY x") == [["1"], ["2"]])
        #expect(try connection.tableExists("b", schema: nil))
        try connection.execute("   ")
    }

    @Test(arguments: TestEngine.enabled)
    func errorCarriesEngineCodeMessageAndStatement(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        let sql = "SELECT * FROM no_such_table"
        let error = try #require(throws: DatabaseError.self) { try connection.query(sql) }
        #expect(error.engine == engine.dialect.name)
        #expect(error.sql == sql)
        #expect(error.message.contains("no_such_table"))
        switch engine {
        case .postgresql:
            #expect(error.sqlState == .undefinedTable)
            #expect(error.code == "42P01")
            #expect(error.position == 15)
        case .sqlite:
            #expect(error.extendedResultCode == .SQLITE_ERROR)
            #expect(error.code == "SQLITE_ERROR (1)")
            #expect(error.message == "no such table: no_such_table")
        }
        #expect(error.description.contains(sql))
    }

    @Test(arguments: TestEngine.enabled)
    func errorInAScriptNamesTheFailingStatement(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        let error = try #require(throws: DatabaseError.self) {
            try connection.execute("CREATE TABLE t (id integer PRIMARY KEY);\nINSERT INTO nope VALUES (1);")
        }
        #expect(error.message.contains("nope"))
        let sql = try #require(error.sql)
        #expect(sql.contains("INSERT INTO nope VALUES (1)"))
    }

    @Test(arguments: TestEngine.enabled)
    func constraintViolationsCarryTheExtendedCode(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.execute("CREATE TABLE u (id integer PRIMARY KEY, email text UNIQUE)")
        try connection.execute("INSERT INTO u VALUES (1, 'a@example.com')")
        let error = try #require(throws: DatabaseError.self) {
            try connection.execute("INSERT INTO u VALUES (2, 'a@example.com')")
        }
        switch engine {
        case .postgresql: #expect(error.sqlState == .uniqueViolation)
        case .sqlite:
            #expect(error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE)
            #expect(error.primaryResultCode == .SQLITE_CONSTRAINT)
        }
        let expected = engine == .postgresql ? "23505" : "SQLITE_CONSTRAINT_UNIQUE (2067)"
        #expect(error.code == expected)
        #expect(error.sql == "INSERT INTO u VALUES (2, 'a@example.com')")
    }

    @Test(arguments: TestEngine.enabled)
    func parameterCountMismatchIsAnError(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        let sql = "SELECT \(engine.placeholder(1)), \(engine.placeholder(2))"
        let error = try #require(throws: DatabaseError.self) { try connection.query(sql, parameters: ["1"]) }
        #expect(error.sql == sql)
    }

    @Test(arguments: TestEngine.enabled)
    func commitKeepsAndRollbackDiscardsDDLAndData(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()

        try connection.beginTransaction()
        try connection.execute("CREATE TABLE kept (id integer); INSERT INTO kept VALUES (1)")
        try connection.commit()
        #expect(try connection.tableExists("kept", schema: nil))

        try connection.beginTransaction()
        try connection.execute("CREATE TABLE discarded (id integer)")
        try connection.execute("INSERT INTO kept VALUES (2)")
        #expect(try connection.tableExists("discarded", schema: nil))
        try connection.rollback()

        #expect(try !connection.tableExists("discarded", schema: nil))
        #expect(try connection.query("SELECT id FROM kept") == [["1"]])
    }

    @Test(arguments: TestEngine.enabled)
    func rollbackAfterAFailedStatementRestoresTheDatabase(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        try connection.beginTransaction()
        try connection.execute("CREATE TABLE half (id integer)")
        #expect(throws: DatabaseError.self) { try connection.execute("INSERT INTO missing VALUES (1)") }
        try connection.rollback()
        #expect(try !connection.tableExists("half", schema: nil))
        // The connection is usable again.
        #expect(try connection.query("SELECT 1") == [["1"]])
    }

    @Test(arguments: TestEngine.enabled)
    func tableExistsLooksInTheGivenSchema(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        #expect(try !connection.tableExists("accounts", schema: nil))
        try connection.execute("CREATE TABLE accounts (id integer)")
        try connection.execute("CREATE VIEW account_view AS SELECT id FROM accounts")
        #expect(try connection.tableExists("accounts", schema: nil))
        #expect(try !connection.tableExists("account_view", schema: nil))
        #expect(try !connection.tableExists("other", schema: nil))
        switch engine {
        case .postgresql:
            #expect(try connection.tableExists("accounts", schema: "public"))
            try connection.execute("CREATE SCHEMA audit; CREATE TABLE audit.\"Log\" (id integer)")
            #expect(try connection.tableExists("Log", schema: "audit"))
            #expect(try !connection.tableExists("log", schema: "audit"))
            #expect(try !connection.tableExists("Log", schema: nil))
            #expect(try !connection.tableExists("accounts", schema: "no_such_schema"))
        case .sqlite:
            #expect(try connection.tableExists("accounts", schema: "main"))
            #expect(try connection.tableExists("ACCOUNTS", schema: nil))
        }
    }

    /// The check a run starts with: several tables in one question (one query on PostgreSQL),
    /// answering as `tableExists` would for each, hostile names included.
    @Test(arguments: TestEngine.enabled)
    func existingTablesAnswersLikeTableExistsForEachName(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        #expect(try connection.existingTables([], schema: nil) == [])
        try connection.execute("CREATE TABLE accounts (id integer); CREATE TABLE \"we\"\"ird; x\" (id integer)")
        try connection.execute("CREATE VIEW account_view AS SELECT id FROM accounts")
        let names = ["accounts", "we\"ird; x", "account_view", "missing"]
        let found = try connection.existingTables(names, schema: nil)
        #expect(found == ["accounts", "we\"ird; x"])
        #expect(found == Set(try names.filter { try connection.tableExists($0, schema: nil) }))
        if engine == .postgresql {
            try connection.execute("CREATE SCHEMA audit; CREATE TABLE audit.\"Log\" (id integer)")
            #expect(try connection.existingTables(["Log", "log", "accounts"], schema: "audit") == ["Log"])
            #expect(try connection.existingTables(["accounts"], schema: "no_such_schema") == [])
        }
    }

    @Test(arguments: TestEngine.enabled)
    func secondRunWaitsForTheLockThenTimesOut(engine: TestEngine) throws {
        let database = try FreshDatabase(engine)
        let holder = try database.connect()
        let waiter = try database.connect()
        try engine.holdLock(holder)

        let waits = CallCounter()
        let clock = ContinuousClock()
        let start = clock.now
        let error = try #require(throws: MigrateError.self) {
            try engine.takeLock(waiter, timeout: .milliseconds(400)) { waits.record() }
        }
        let elapsed = clock.now - start
        #expect(error.kind == .lockTimeout)
        #expect(error.message.contains("0.4 s"))
        #expect(error.hint != nil)
        #expect(waits.count == 1)
        #expect(elapsed >= .milliseconds(350))
        #expect(elapsed < .seconds(5))

        try engine.releaseLock(holder)
        let laterWaits = CallCounter()
        try engine.takeLock(waiter, timeout: .seconds(5)) { laterWaits.record() }
        #expect(laterWaits.count == 0)
        try engine.releaseLock(waiter)
    }

    @Test(arguments: TestEngine.enabled)
    func secondRunGetsTheLockWhenTheFirstReleasesIt(engine: TestEngine) throws {
        let database = try FreshDatabase(engine)
        let holder = Handover(try database.connect())
        let waiter = try database.connect()
        try engine.holdLock(holder.value)

        let released = DispatchSemaphore(value: 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) {
            try? engine.releaseLock(holder.value)
            released.signal()
        }
        let waits = CallCounter()
        try engine.takeLock(waiter, timeout: .seconds(20)) { waits.record() }
        released.wait()
        #expect(waits.count == 1)
        try engine.releaseLock(waiter)
    }

    @Test(arguments: TestEngine.enabled)
    func lockIsFreeWhenNobodyHoldsIt(engine: TestEngine) throws {
        let connection = try FreshDatabase(engine).connect()
        let waits = CallCounter()
        try engine.takeLock(connection, timeout: .milliseconds(100)) { waits.record() }
        #expect(waits.count == 0)
        try engine.releaseLock(connection)
    }
}
