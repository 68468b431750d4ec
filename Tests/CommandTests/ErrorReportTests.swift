import Foundation
import MigrateSQLite
import Testing
import TestSupport

/// Every error, whatever raised it, reads `error: <what migrate was doing> in <database>`, then
/// the cause and a hint that fits the cause, with exit status 1 (64 for usage).
@Suite struct ErrorReportTests {
    /// The parts every error report has: the `error: ` line naming the action and database,
    /// a `hint:`, no ArgumentParser-style `Error:` and no second `error:` line.
    private func expectReport(
        _ result: CLIResult, status: Int32 = 1, action: String, database: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        // Only progress lines ("Waiting for …") may come before the report.
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let before = lines.prefix { !$0.hasPrefix("error: ") }
        #expect(before.allSatisfy { $0.hasPrefix("Waiting for ") }, "\(result)", sourceLocation: sourceLocation)
        let firstLine = lines.first { $0.hasPrefix("error: ") } ?? ""
        #expect(firstLine.contains(action), "\(result)", sourceLocation: sourceLocation)
        #expect(firstLine.contains(database), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("\n  hint: "), "\(result)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Error:"), "\(result)", sourceLocation: sourceLocation)
        #expect(result.stderr.components(separatedBy: "error: ").count == 2, "one error line: \(result)", sourceLocation: sourceLocation)
    }

    /// How the report names the environment's database.
    private func databaseName(_ env: Environment) -> String {
        env.engine == .sqlite
            ? "the SQLite database \(env.url.dropFirst("sqlite:///".count))"
            : "the PostgreSQL database \(env.url)"
    }

    @Test(arguments: TestEngine.enabled)
    func aVersionTableOfAnotherShapeIsNamedWithTheDatabase(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        try env.database().execute("CREATE TABLE migrate_version (release integer)")

        for arguments in [["current"], ["upgrade", "head"], ["stamp", "head"], ["history", "--indicate-current"], ["verify"]] {
            let result = try env.run(arguments)
            expectReport(result, action: "cannot read the version table migrate_version", database: databaseName(env))
            #expect(result.stderr.contains(engine == .postgresql ? "42703" : "no such column: version_num"), "\(arguments): \(result)")
            #expect(result.stderr.contains("set version_table in migrate.json"), "\(arguments): \(result)")
        }
        #expect(try env.database().tables() == ["migrate_version"])
    }

    @Test func aReadOnlySQLiteFileSaysSoAndWhatToDo() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let path = String(env.url.dropFirst("sqlite:///".count))
        try env.database().execute("CREATE TABLE existing (id integer)")
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)

        // The run's lock is taken on the database file opened for writing: the first thing a
        // read-only file refuses, before anything is read or written. The run refuses too.
        let result = try runWithoutPermissionOverride(env, ["upgrade", "head"])
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: cannot lock the SQLite database \(path) for the migration run"), "\(result)")
        #expect(result.stderr.contains("Permission denied"), "\(result)")
        #expect(result.stderr.contains("Run it as a user who may write the database file"), "\(result)")
        #expect(!result.stderr.contains("Fix the migration"), "\(result)")
        #expect(try env.database().tables() == ["existing"])
    }

    /// A migration whose write fails because the database became read-only (here
    /// `PRAGMA query_only`, as a read-only mount would) is not the migration's fault: the remedy
    /// says what is.
    @Test func aMigrationStoppedByAReadOnlyDatabaseGetsTheReadOnlyRemedy() throws {
        let env = try Environment(.sqlite)
        try env.migration("aaa111", upgrade: "CREATE TABLE a (id integer);")
        try env.migration("bbb222", parent: "aaa111", message: "create books", upgrade: "PRAGMA query_only = ON;\nCREATE TABLE books (id integer);")
        #expect(try env.run("upgrade", "aaa111").status == 0)

        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("\nerror: "), "after the progress lines: \(result)")
        #expect(result.stderr.contains("upgrade bbb222 (create books) failed"), "\(result)")
        #expect(result.stderr.contains("SQLITE_READONLY"), "\(result)")
        #expect(result.stderr.contains("The database file is read-only to this user"), "\(result)")
        #expect(!result.stderr.contains("Fix the migration"), "\(result)")
        #expect(try env.database().versions() == ["aaa111"])
    }

    @Test func aFullSQLiteDatabaseGetsTheDiskFullRemedy() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        // max_page_count makes SQLite report SQLITE_FULL exactly as a full disk does.
        try env.migration("ddd444", parent: "ccc333", message: "fill", upgrade: """
            PRAGMA max_page_count = 20;
            CREATE TABLE filler (body TEXT);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
            INSERT INTO filler SELECT printf('%.500c', 'x') FROM n;
            """)
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("\nerror: "), "after the progress lines: \(result)")
        #expect(result.stderr.contains("upgrade ddd444 (fill) failed"), "\(result)")
        #expect(result.stderr.contains("SQLITE_FULL"), "\(result)")
        #expect(result.stderr.contains("The disk holding the database file is full"), "\(result)")
        #expect(!result.stderr.contains("Fix the migration"), "\(result)")
        #expect(try env.database().versions() == ["ccc333"])
    }

    @Test func aMigrationsOwnMistakeStillSaysToFixTheMigration() throws {
        let env = try Environment(.sqlite)
        try env.migration("aaa111", upgrade: "CREATE TABLE t (id integer PRIMARY KEY);\nINSERT INTO t VALUES (1);\nINSERT INTO t VALUES (1);")
        let result = try env.run("upgrade", "head")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.contains("SQLITE_CONSTRAINT_PRIMARYKEY"), "\(result)")
        #expect(result.stderr.contains("Fix the migration and run the command again."), "\(result)")
    }

    /// Another connection holds SQLite's write lock: reading the version table waits
    /// `lock_timeout`, then says who is in the way.
    @Test func aBusySQLiteFileNamesTheLockAndTheWait() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "aaa111").status == 0)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "lock_timeout": 0.2}"#)
        let holder = try SQLiteConnection(path: String(env.url.dropFirst("sqlite:///".count)))
        try holder.execute("BEGIN EXCLUSIVE")
        defer { try? holder.rollback() }

        let result = try env.run("upgrade", "head")
        expectReport(result, action: "another connection held a lock on", database: databaseName(env))
        #expect(result.stderr.contains("SQLITE_BUSY"), "\(result)")
        #expect(result.stderr.contains("let it finish or close it"), "\(result)")
        // The wait is announced once, however many statements meet the lock.
        #expect(result.stderr.components(separatedBy: "Waiting for the lock on").count == 2, "\(result)")
    }

    @Test func aRefusedConnectionIsReportedWithoutThePassword() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let result = try env.run("--url", "postgresql://app:s3cret@127.0.0.1:1/nowhere", "current")
        #expect(result.status == 1, "\(result)")
        #expect(result.stderr.hasPrefix("error: cannot connect to PostgreSQL at postgresql://app:***@127.0.0.1:1/nowhere"), "\(result)")
        #expect(result.stderr.contains("\n  hint: "), "\(result)")
        #expect(!result.stderr.contains("s3cret"), "\(result)")
    }

    /// A role that may connect but not create tables: the version table cannot be created, and
    /// a migration altering a table the role does not own is refused, neither the migration's fault.
    @Test(.enabled(if: TestPostgres.isEnabled))
    func aPostgreSQLRoleWithoutPrivilegesGetsThePermissionRemedy() throws {
        let env = try Environment(.postgresql)
        try env.write("versions/aaa111_m.sql", """
            -- widen
            -- revision: aaa111
            -- down_revision:

            -- migrate:upgrade
            ALTER TABLE owned ADD COLUMN note text;

            -- migrate:downgrade
            ALTER TABLE owned DROP COLUMN note;

            """)
        let role = "limited_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let admin = try env.database()
        try admin.execute("CREATE ROLE \(role) LOGIN; CREATE TABLE owned (id integer)")
        let url = Self.url(env.url, user: String(role))
        let limited = "the PostgreSQL database \(url)"

        // No CREATE on the schema (PostgreSQL 15 no longer grants it to everyone).
        try admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        let create = try env.run("--url", url, "upgrade", "head")
        expectReport(create, action: "cannot create the version table migrate_version", database: limited)
        #expect(create.stderr.contains("42501"), "\(create)")
        #expect(create.stderr.contains("lacks a privilege"), "\(create)")
        #expect(!create.stderr.contains("Fix the migration"), "\(create)")

        // May create tables now, but does not own the one the migration alters.
        try admin.execute("GRANT CREATE ON SCHEMA public TO \(role)")
        let alter = try env.run("--url", url, "upgrade", "head")
        #expect(alter.status == 1, "\(alter)")
        #expect(alter.stderr.contains("\nerror: "), "after the progress line: \(alter)")
        #expect(alter.stderr.contains("upgrade aaa111 (widen) failed"), "\(alter)")
        #expect(alter.stderr.contains("42501"), "\(alter)")
        #expect(alter.stderr.contains("lacks a privilege"), "\(alter)")
        #expect(!alter.stderr.contains("Fix the migration"), "\(alter)")
        #expect(try env.database().versions() == [])
    }

    @Test func argumentParserUsageErrorsUseTheSameFormat() throws {
        let env = try Environment(.sqlite)
        let missing = try env.run("upgrade")
        #expect(missing.status == 64, "\(missing)")
        #expect(missing.stderr.hasPrefix("error: Missing expected argument '<revision>'\n"), "\(missing)")
        #expect(missing.stderr.contains("Usage: migrate upgrade"), "\(missing)")

        let unknown = try env.run("heads", "--colour")
        #expect(unknown.status == 64, "\(unknown)")
        #expect(unknown.stderr.hasPrefix("error: Unknown option '--colour'"), "\(unknown)")

        let allowEmpty = try env.run("revision", "-m", "x", "--allow-empty")
        #expect(allowEmpty.status == 64, "\(allowEmpty)")
        #expect(allowEmpty.stderr.hasPrefix("error: --allow-empty goes with --autogenerate"), "\(allowEmpty)")

        let help = try env.run("--help")
        #expect(help.status == 0, "\(help)")
        #expect(help.stdout.contains("USAGE: migrate"), "\(help)")
        #expect(help.stderr.isEmpty, "\(help)")
    }

    @Test func checkFindingDriftIsAnError() throws {
        let env = try Environment(.sqlite)
        try env.write("migrate.json", #"{"url": "\#(env.url)", "models": ["Models"]}"#)
        try FileManager.default.createDirectory(
            at: env.directory.appendingPathComponent("Models"), withIntermediateDirectories: true)
        try env.write("Models/Schema.swift", """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("accounts", Column("id", .integer, primaryKey: true)),
                ]
            }
            """)
        let check = try env.run("check")
        #expect(check.status == 1, "\(check)")
        #expect(check.stdout == "add_table accounts\n", "\(check)")
        #expect(check.stderr.hasPrefix("error: 1 new upgrade operation(s) detected: \(databaseName(env)) does not match the models\n"), "\(check)")
        #expect(check.stderr.contains("hint: `migrate revision --autogenerate -m MSG`"), "\(check)")
    }

    // MARK: Helpers

    /// `url` with `user` as its user name (the test server trusts local connections).
    static func url(_ url: String, user: String) -> String {
        let scheme = "postgresql://"
        precondition(url.hasPrefix(scheme), "the test server's URL is a postgresql:// URI")
        let rest = url.dropFirst(scheme.count)
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let host = rest[..<authorityEnd].split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).last ?? ""
        return scheme + user + "@" + host + rest[authorityEnd...]
    }

    /// Runs `migrate` so that file permissions apply to it: as root, without the capabilities
    /// that let root write any file (root ignores a file's read-only mode otherwise).
    private func runWithoutPermissionOverride(_ env: Environment, _ arguments: [String]) throws -> CLIResult {
        guard getuid() == 0 else { return try env.run(arguments) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--bounding-set=-dac_override,-dac_read_search,-fowner", "--", Environment.executable.path] + arguments
        process.currentDirectoryURL = env.directory
        var environment = ProcessInfo.processInfo.environment
        environment["MIGRATE_DATABASE_URL"] = nil
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return RunningCLI(process: process, out: out, err: err).finish()
    }
}
