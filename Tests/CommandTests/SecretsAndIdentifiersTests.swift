import Foundation
import Testing
import TestSupport

/// Passwords in URLs never show, and hostile names are quoted or rejected, never run.
@Suite struct SecretsAndIdentifiersTests {
    static let password = "s3cret-Pw9"

    /// The test server's URL with a password added (its trust authentication ignores it), in
    /// the forms users write: user information, percent-encoded, a `password=` parameter (also
    /// with its key percent-encoded, which libpq decodes), and libpq's keyword/value form.
    static func urlsWithPassword(_ url: String) -> [String] {
        let scheme = "postgresql://"
        guard url.hasPrefix(scheme), let at = url.firstIndex(of: "@"), let question = url.firstIndex(of: "?") else { return [] }
        let user = url[url.index(url.startIndex, offsetBy: scheme.count)..<at]
        let rest = url[url.index(after: at)...]
        // postgresql://user@/database?host=…&port=… as keyword=value pairs.
        let database = url[url.index(after: at)..<question].drop { $0 == "/" }
        let parameters = url[url.index(after: question)...].split(separator: "&").joined(separator: " ")
        return [
            "\(scheme)\(user):\(password)@\(rest)",
            "\(scheme)\(user):\(password.replacingOccurrences(of: "-", with: "%2D"))@\(rest)",
            "\(url)&password=\(password)",
            "\(url)&pass%77ord=\(password)",
            "user=\(user) dbname=\(database) \(parameters) password=\(password)",
            "user=\(user) password='\(password) \\' x' dbname=\(database) \(parameters)",
        ]
    }

    static func expectNoPassword(_ result: CLIResult, _ what: String) {
        for secret in [password, "s3cret", "Pw9"] {
            #expect(!result.stdout.contains(secret), "\(what) printed the password: \(result)")
            #expect(!result.stderr.contains(secret), "\(what) printed the password: \(result)")
        }
    }

    @Test(.enabled(if: TestEngine.postgresql.isEnabled))
    func passwordsInURLsNeverAppearInOutput() throws {
        let env = try Environment(.postgresql)
        try writeLinearHistory(env)
        try env.migration("ddd444", parent: "ccc333", message: "fails", upgrade: "INSERT INTO no_such_table VALUES (1);")
        let urls = Self.urlsWithPassword(env.url)
        try #require(urls.count == 6)
        for url in urls {
            // Real commands against the real server, with the password in the URL.
            let up = try env.run("--url", url, "upgrade", "ccc333")
            #expect(up.status == 0, "\(up)")
            Self.expectNoPassword(up, "upgrade")
            let current = try env.run("--url", url, "current", "-v")
            #expect(current.status == 0 && current.stdout.contains("ccc333"), "\(current)")
            Self.expectNoPassword(current, "current")
            let failing = try env.run("--url", url, "upgrade", "head")
            #expect(failing.status == 1 && failing.stderr.contains("upgrade ddd444 (fails) failed"), "\(failing)")
            Self.expectNoPassword(failing, "a failing migration")
            let offline = try env.run("--url", url, "upgrade", "head", "--sql")
            #expect(offline.status == 0 && offline.stdout.contains("CREATE TABLE authors"), "\(offline)")
            Self.expectNoPassword(offline, "upgrade --sql")
            let stampSQL = try env.run("--url", url, "stamp", "head", "--sql")
            Self.expectNoPassword(stampSQL, "stamp --sql")
            let verify = try env.run("--url", url, "verify")
            Self.expectNoPassword(verify, "verify")
            // The same URL from the environment and from migrate.json.
            let fromEnvironment = try env.run(["current"], environment: ["MIGRATE_DATABASE_URL": url])
            #expect(fromEnvironment.status == 0, "\(fromEnvironment)")
            Self.expectNoPassword(fromEnvironment, "current with MIGRATE_DATABASE_URL")
            try env.write("migrate.json", #"{"url": "${SECRET_URL}"}"#)
            let fromFile = try env.run(["downgrade", "base"], environment: ["SECRET_URL": url])
            #expect(fromFile.status == 0, "\(fromFile)")
            Self.expectNoPassword(fromFile, "downgrade with the URL in migrate.json")
            try env.write("migrate.json", #"{"url": "\#(env.url)"}"#)
        }
    }

    /// URLs that cannot connect or do not parse: the error names the server, never the password,
    /// including a password with an unencoded '/', '@' or '?' that breaks the URL apart.
    @Test func failingConnectionsNeverShowThePassword() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let socket = "host=/nonexistent/socket/dir"
        for url in [
            "postgresql://deploy:\(Self.password)@/appdb?\(socket)",
            "postgresql://deploy:\(Self.password)@/appdb?\(socket)&password=\(Self.password)",
            "postgresql://deploy:s3cret/Pw9@/appdb?\(socket)",
            "postgresql://deploy:s3cret/Pw9@db.invalid:5432/appdb",
            "postgresql://deploy:s3cret@Pw9@/appdb?\(socket)",
            "postgresql://deploy:s3cret?Pw9@/appdb",
            "postgresql://deploy:s3cret%zzPw9@/appdb?\(socket)",
            "postgresql://deploy:\(Self.password)@db.invalid:99999/appdb",
            "postgresql://deploy:\(Self.password)@[::1/appdb",
            "postgres+psycopg2://deploy:\(Self.password)@/appdb?\(socket)&sslmode=bogus",
            // No '//' after the scheme: libpq would read it as keyword/value text and quote it all.
            "postgresql:deploy:\(Self.password)@db.invalid/appdb",
            "postgresql:/deploy:\(Self.password)@db.invalid/appdb",
            // A password parameter with an unencoded '&', a key in the wrong case, an encoded key.
            "postgresql://deploy@/appdb?\(socket)&password=s3cret&Pw9",
            "postgresql://deploy@/appdb?password=s3cret&Pw9=1&\(socket)",
            "postgresql://deploy@/appdb?\(socket)&Password=\(Self.password)",
            "postgresql://deploy@/appdb?\(socket)&pass%77ord=\(Self.password)",
            "postgresql://deploy@/appdb?\(socket)&pasword=\(Self.password)",
            // libpq's keyword/value form: well-formed, with an unquoted space, unterminated, mis-cased.
            "\(socket) dbname=appdb password=\(Self.password)",
            "\(socket) dbname=appdb password=s3cret Pw9",
            "\(socket) dbname=appdb password='\(Self.password)",
            "\(socket) dbname=appdb Password=\(Self.password)",
            "\(socket) dbname=appdb sslpassword=\(Self.password)",
        ] {
            for arguments in [["upgrade", "head"], ["current"], ["stamp", "head"], ["upgrade", "head", "--sql"]] {
                let result = try env.run(["--url", url] + arguments)
                #expect(arguments.contains("--sql") || result.status == 1, "\(url) \(arguments): \(result)")
                #expect(!result.stderr.contains("Fatal error"), "\(result)")
                Self.expectNoPassword(result, "\(url) \(arguments)")
            }
            // The same URL from the environment and from migrate.json.
            let fromEnvironment = try env.run(["current"], environment: ["MIGRATE_DATABASE_URL": url])
            #expect(fromEnvironment.status == 1, "\(url): \(fromEnvironment)")
            Self.expectNoPassword(fromEnvironment, "\(url) in MIGRATE_DATABASE_URL")
            try env.write("migrate.json", #"{"url": "${SECRET_URL}"}"#)
            let fromFile = try env.run(["upgrade", "head", "--sql"], environment: ["SECRET_URL": url])
            Self.expectNoPassword(fromFile, "\(url) in migrate.json")
            try env.write("migrate.json", #"{"url": "\#(env.url)"}"#)
        }
    }

    /// Revision identifiers with quotes, semicolons, unicode and reserved words are rejected as
    /// unknown (exit 64) and touch nothing.
    @Test(arguments: TestEngine.enabled)
    func hostileRevisionIdentifiersAreRejectedCleanly(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "bbb222").status == 0)
        let db = try env.database()
        let before = try db.versions() + db.tables().sorted()
        for id in [
            "'; DROP TABLE authors; --", "bbb222'; DELETE FROM migrate_version; --", "\"; DROP TABLE books; --",
            "ccc333\"", "ccc333;", "ccc333 OR 1=1", "select", "table", "NULL", "ünïcødé", "版本", "🚀", "ccc333\u{0301}",
            "a\\b", "$1", "%s", "ccc333--", "/* */ccc333", "select@head", "ccc333@", "bbb222+999999999999",
        ] {
            for arguments in [["upgrade", id], ["stamp", id], ["downgrade", id], ["upgrade", id, "--sql"], ["stamp", id, "--sql"]] {
                let result = try env.run(arguments)
                #expect(result.status == 64 || result.status == 1, "\(arguments.map(\.debugDescription)): \(result)")
                #expect(result.stderr.hasPrefix("error: "), "\(arguments.map(\.debugDescription)): \(result)")
                #expect(result.stdout.isEmpty, "\(arguments.map(\.debugDescription)) printed SQL: \(result)")
            }
        }
        #expect(try db.versions() + db.tables().sorted() == before)
    }

    /// Version table names that would inject SQL if pasted unquoted: they work, quoted, or are
    /// rejected before anything runs; a sentinel table named in them survives.
    @Test(arguments: TestEngine.enabled)
    func hostileVersionTableNamesAreQuotedNeverInjected(engine: TestEngine) throws {
        let names = [
            #"we"ird; DROP TABLE x; --"#, "robert'); DROP TABLE x;--", "select", "ünïcødé_版本", "with space",
            #"x"y"#, #"back\slash"#, "--comment", "$1", "🚀", "x; DROP TABLE x", "%s%n", "Mixed_CASE",
            String(repeating: "long", count: 12),
        ]
        var worked = 0
        for name in names {
            let env = try Environment(engine)
            try writeLinearHistory(env)
            let db = try env.database()
            try db.execute("CREATE TABLE x (id INTEGER)")
            let json = String(data: try JSONSerialization.data(withJSONObject: ["url": env.url, "version_table": name]), encoding: .utf8)!
            try env.write("migrate.json", json)
            let up = try env.run("upgrade", "head")
            #expect(!up.stderr.contains("Fatal error"), "\(name): \(up)")
            #expect(try db.tables().contains("x"), "version_table \(name.debugDescription) dropped a table: \(up)")
            if up.status == 0 {
                worked += 1
                #expect(try db.column("SELECT version_num FROM \(engine.dialect.quoteIdentifier(name))") == ["ccc333"], "\(name)")
                #expect(try db.tableExists(name + "_history"), "\(name)")
                let current = try env.run("current")
                #expect(current.status == 0 && current.stdout == "ccc333 (head)\n", "\(name): \(current)")
                #expect(try env.run("verify").status == 0, "\(name)")
                let down = try env.run("downgrade", "base")
                #expect(down.status == 0, "\(name): \(down)")
                #expect(try db.column("SELECT version_num FROM \(engine.dialect.quoteIdentifier(name))") == [], "\(name)")
                let offline = try env.run("upgrade", "head", "--sql")
                #expect(offline.stdout.contains("CREATE TABLE IF NOT EXISTS \(engine.dialect.quoteIdentifier(name))"), "\(name): \(offline)")
            } else {
                #expect(up.status == 1 || up.status == 64, "\(name): \(up)")
                #expect(up.stderr.hasPrefix("error:"), "\(name): \(up)")
                #expect(try !db.tables().contains("authors"), "\(name): a rejected run applied migrations")
            }
            #expect(try db.tables().contains("x"), "\(name.debugDescription) dropped a table")
        }
        #expect(worked >= names.count - 1, "only \(worked) of \(names.count) hostile names worked")
    }

    /// The longest version table name allowed keeps its history table and both keys whole on
    /// PostgreSQL (63-byte names); one byte more is refused before anything runs.
    @Test(arguments: TestEngine.enabled)
    func longestVersionTableNameWorksAndLongerIsRefused(engine: TestEngine) throws {
        let longest = String(repeating: "v", count: 51)
        let env = try Environment(engine)
        try writeLinearHistory(env)
        let db = try env.database()
        try env.write("migrate.json", #"{"url": "\#(env.url)", "version_table": "\#(longest)"}"#)
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try db.column("SELECT version_num FROM \(longest)") == ["ccc333"])
        #expect(try db.tableExists(longest + "_history"))
        #expect(try env.run("verify").status == 0)
        #expect(try env.run("downgrade", "base").status == 0)

        try env.write("migrate.json", #"{"url": "\#(env.url)", "version_table": "\#(longest)x"}"#)
        let refused = try env.run("upgrade", "head")
        #expect(refused.status == 64 || refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("'version_table' is 52 bytes long; it may have at most 51"), "\(refused)")
        #expect(try !db.tables().contains("authors"))
    }
}
