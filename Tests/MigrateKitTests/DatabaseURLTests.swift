import MigrateCore
import Testing
import MigrateKit

@Suite struct DatabaseURLTests {
    static let base = "/srv/app"

    /// The engine a URL names (by its first scheme) and what it connects to.
    struct Target: Hashable, CustomStringConvertible {
        var engine: String
        var target: String
        init(engine: String, target: String) { (self.engine, self.target) = (engine, target) }
        init(_ url: DatabaseURL) { (engine, target) = (url.engine.schemes[0], url.target) }
        var description: String { "\(engine): \(target)" }
    }

    static let valid: [(String, Target)] = [
        ("sqlite:///migrate.sqlite3", Target(engine: "sqlite", target: "/srv/app/migrate.sqlite3")),
        ("sqlite:///data/dev.db", Target(engine: "sqlite", target: "/srv/app/data/dev.db")),
        ("sqlite:///./data/../dev.db", Target(engine: "sqlite", target: "/srv/app/dev.db")),
        ("sqlite:///../shared/dev.db", Target(engine: "sqlite", target: "/srv/shared/dev.db")),
        ("sqlite:////var/lib/app.db", Target(engine: "sqlite", target: "/var/lib/app.db")),
        ("sqlite:///my%20data/a%23b.db", Target(engine: "sqlite", target: "/srv/app/my data/a#b.db")),
        ("sqlite::memory:", Target(engine: "sqlite", target: ":memory:")),
        ("sqlite:///:memory:", Target(engine: "sqlite", target: ":memory:")),
        ("sqlite://", Target(engine: "sqlite", target: ":memory:")),
        ("SQLite:///x.db", Target(engine: "sqlite", target: "/srv/app/x.db")),
        ("sqlite+pysqlite:///x.db", Target(engine: "sqlite", target: "/srv/app/x.db")),
        ("  sqlite:///x.db  ", Target(engine: "sqlite", target: "/srv/app/x.db")),
        ("postgresql://user:pass@localhost:5432/app?sslmode=require",
         Target(engine: "postgresql", target: "postgresql://user:pass@localhost:5432/app?sslmode=require")),
        ("postgres://user@db/app", Target(engine: "postgresql", target: "postgres://user@db/app")),
        ("postgresql:///app", Target(engine: "postgresql", target: "postgresql:///app")),
        ("postgresql://", Target(engine: "postgresql", target: "postgresql://")),
        ("postgresql://user@/app?host=/tmp", Target(engine: "postgresql", target: "postgresql://user@/app?host=/tmp")),
        ("postgresql:///app?host=/var/run/postgresql&port=5433",
         Target(engine: "postgresql", target: "postgresql:///app?host=/var/run/postgresql&port=5433")),
        ("postgresql://[::1]:5432/app", Target(engine: "postgresql", target: "postgresql://[::1]:5432/app")),
        ("postgresql://a:5432,b:5433/app?target_session_attrs=read-write",
         Target(engine: "postgresql", target: "postgresql://a:5432,b:5433/app?target_session_attrs=read-write")),
        ("postgresql+psycopg2://u:p@h/app", Target(engine: "postgresql", target: "postgresql://u:p@h/app")),
        ("postgresql://u:p%2Fa%40b%3Fc@h/app?password=x%26y",
         Target(engine: "postgresql", target: "postgresql://u:p%2Fa%40b%3Fc@h/app?password=x%26y")),
        ("postgresql://h/app?pass%77ord=x", Target(engine: "postgresql", target: "postgresql://h/app?pass%77ord=x")),
        // libpq's keyword/value form is a PostgreSQL connection, handed to libpq as written.
        ("host=/tmp dbname=app", Target(engine: "postgresql", target: "host=/tmp dbname=app")),
        ("  host=db port=5433 user=deploy password='a b\\'c' sslmode=require ",
         Target(engine: "postgresql", target: "host=db port=5433 user=deploy password='a b\\'c' sslmode=require")),
    ]

    @Test(arguments: valid)
    func parses(_ text: String, _ expected: Target) throws {
        let url = try DatabaseURL(text, relativeTo: Self.base)
        #expect(Target(url) == expected)
    }

    @Test func relativeBaseIsMadeAbsolute() throws {
        let url = try DatabaseURL("sqlite:///x.db", relativeTo: "sub")
        #expect(url.engine.schemes[0] == "sqlite")
        #expect(url.target.hasPrefix("/") && url.target.hasSuffix("/sub/x.db"))
    }

    @Test func dialect() throws {
        #expect(try DatabaseURL("sqlite::memory:", relativeTo: "/").dialect == .sqlite)
        #expect(try DatabaseURL("postgres:///x", relativeTo: "/").dialect == .postgresql)
    }

    /// The same rules as `ConnectionString`'s (tested there in every form); these are the ones
    /// `DatabaseURL.redact` is documented with.
    static let redactions: [(String, String)] = [
        ("postgresql://user:s3cret@host:5432/db", "postgresql://user:***@host:5432/db"),
        ("postgres://user@host/db", "postgres://user@host/db"),
        ("postgresql://user:p%40ss@host/db?sslmode=disable", "postgresql://user:***@host/db?sslmode=disable"),
        ("postgresql://user:pa/ss@host/db", "postgresql://user:***@host/db"),
        ("postgresql://user:p@ss@host/db", "postgresql://user:***@host/db"),
        ("postgresql:///db?user=u&password=secret&sslmode=require", "postgresql:///db?user=u&password=***&sslmode=require"),
        ("postgresql:///db?PASSWORD=secret", "postgresql:///db?PASSWORD=***"),
        ("mysql://root:hunter2@db/app", "mysql://root:***@db/app"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql:u:s3cret@h/db", "postgresql:u:***@h/db"),
        ("postgresql:/u:s3cret@h/db", "postgresql:/u:***@h/db"),
        ("host=h password=s3cret", "host=h password=***"),
        ("postgresql://h/db?password=a&s3cret", "postgresql://h/db?password=***"),
        ("postgresql://h/db?Password=s3cret", "postgresql://h/db?Password=***"),
        ("postgresql://h/db?pass%77ord=s3cret", "postgresql://h/db?pass%77ord=***"),
    ]

    @Test(arguments: redactions)
    func redaction(_ text: String, _ expected: String) {
        #expect(DatabaseURL.redact(text) == expected)
    }

    @Test func descriptionsNeverShowThePassword() throws {
        let url = try DatabaseURL("postgresql://app:s3cret@db/app", relativeTo: "/")
        #expect(url.description == "postgresql://app:***@db/app")
        #expect(url.redacted == "postgresql://app:***@db/app")
        #expect("\(url)" == "postgresql://app:***@db/app")
        #expect(String(reflecting: url) == "DatabaseURL(postgresql://app:***@db/app)")
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("s3cret"))
        #expect(Target(url) == Target(engine: "postgresql", target: "postgresql://app:s3cret@db/app"))
    }

    static let forms =
        "use postgresql://user:password@host:port/database (or libpq's keyword=value form: host=… dbname=…), sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:"

    static let invalid: [(String, String)] = [
        ("mysql://root:hunter2@db/app", "invalid database URL 'mysql://root:***@db/app': the scheme 'mysql' is not supported"),
        ("migrate.sqlite3", "invalid database URL 'migrate.sqlite3': it has no scheme"),
        ("", "invalid database URL '': it has no scheme"),
        // Text before the first ':' that is no scheme is not echoed: here it holds a password
        // (a fuzzed URL once leaked one that way).
        ("postgre/app?password=s3cret&x\npostgres://u:s3cret@h/db",
         "invalid database URL 'postgre/app?password=***': it does not start with a scheme such as postgresql: or sqlite:, nor with a libpq keyword such as host="),
        ("1sqlite:///x.db", "invalid database URL '1sqlite:///x.db': it does not start with a scheme such as postgresql: or sqlite:"),
        (":memory:", "invalid database URL ':memory:': it does not start with a scheme such as postgresql: or sqlite:"),
        ("sqlite:x.db", "invalid database URL 'sqlite:x.db': a SQLite URL starts with sqlite:/// (three slashes) followed by the path"),
        ("sqlite://host/x.db", "invalid database URL 'sqlite://host/x.db': a SQLite URL has no host; write three slashes before a relative path and four before an absolute one"),
        ("sqlite:///", "invalid database URL 'sqlite:///': the path is empty"),
        ("sqlite:///x.db?mode=ro", "invalid database URL 'sqlite:///x.db?mode=ro': a SQLite URL takes no parameters (percent-encode '?' as %3F and '#' as %23 in a file name)"),
        ("sqlite:///a%zz.db", "invalid database URL 'sqlite:///a%zz.db': the path has an invalid percent-encoding"),
        ("sqlite:///a%2.db", "invalid database URL 'sqlite:///a%2.db': the path has an invalid percent-encoding"),
        ("sqlite:///a%FF.db", "invalid database URL 'sqlite:///a%FF.db': the path has an invalid percent-encoding"),
        ("postgresql:app", "invalid database URL 'postgresql:app': a PostgreSQL URL starts with postgresql:// (two slashes)"),
        ("postgresql://u:secret@host:54x2/db", "invalid database URL 'postgresql://u:***@host:54x2/db': the port '54x2' is not a number from 0 to 65535"),
        ("postgresql://host:99999/db", "invalid database URL 'postgresql://host:99999/db': the port '99999' is not a number from 0 to 65535"),
        ("postgresql://host:/db", "invalid database URL 'postgresql://host:/db': the port '' is not a number from 0 to 65535"),
        ("postgresql://[::1/db", "invalid database URL 'postgresql://[::1/db': the IPv6 address '[::1' is missing its closing ']'"),
        ("postgresql://host/db?sslmode", "invalid database URL 'postgresql://host/db?sslmode': the parameter 'sslmode' has no value (write name=value, and an '&' in a value as %26)"),
        ("postgresql://host/db?sslmode=a=b", "invalid database URL 'postgresql://host/db?sslmode=a=b': the parameter 'sslmode' has a second '=': an '=' in a value must be percent-encoded as %3D"),
        ("postgresql://h/db?a%zz=1", "invalid database URL 'postgresql://h/db?a%zz=***': the parameter 'a%zz' has an invalid percent-encoding (write a '%' as %25)"),
        ("postgresql://[]/db", "invalid database URL 'postgresql://[]/db': an IPv6 address is empty: write it between [ and ]"),
        ("postgresql://[::1]x/db", "invalid database URL 'postgresql://[::1]x/db': unexpected 'x' after the IPv6 address"),
        // Every form that printed a password, or a piece of one: no '//' after the scheme, an
        // unencoded '&' after a password= parameter, a key libpq spells differently.
        ("postgresql:u:s3cret@h/db", "invalid database URL 'postgresql:u:***@h/db': a PostgreSQL URL starts with postgresql:// (two slashes)"),
        ("postgresql:/u:s3cret@h/db", "invalid database URL 'postgresql:/u:***@h/db': a PostgreSQL URL starts with postgresql:// (two slashes)"),
        ("postgresql://h/db?password=a&s3cret", "invalid database URL 'postgresql://h/db?password=***': a parameter has no value (write name=value, and an '&' in a value as %26)"),
        ("postgresql://h/db?password=s3cret&abc=1", "invalid database URL 'postgresql://h/db?password=***': a parameter that follows the password is not one libpq knows: in a password, percent-encode an '&' as %26 in a URL, or quote the password in single quotes"),
        ("postgresql://h/db?Password=s3cret", "invalid database URL 'postgresql://h/db?Password=***': libpq's parameter names are lower-case: write password= for Password="),
        ("postgresql://u:s3cret%zz@h/db", "invalid database URL 'postgresql://u:***@h/db': the password has an invalid percent-encoding (write a '%' as %25)"),
        ("postgresql://u:s3cret@Pw9@h/db", "invalid database URL 'postgresql://u:***@h/db': a second '@' follows the user name and password: an '@' in them must be percent-encoded as %40"),
        ("postgresql://u:s3cret?x@h/db", "invalid database URL 'postgresql://u:***@h/db': a '?' comes before the '@' that ends the user name and password: percent-encode a '?' in them as %3F (and an '@' in a parameter as %40)"),
        ("postgresql://u:s3cret?a=b@h/db", "invalid database URL 'postgresql://u:***@h/db': a '?' comes before the '@' that ends the user name and password: percent-encode a '?' in them as %3F (and an '@' in a parameter as %40)"),
        // Keyword/value strings libpq would refuse, quoting a piece of the password.
        ("host=h password=s3cret x", "invalid database URL 'host=h password=***': a word has no '=' after it: write keyword=value, and put a value that holds spaces in single quotes"),
        ("host=h password='s3cret", "invalid database URL 'host=h password=***': a quoted value has no closing quote (write \\' for a quote inside one)"),
        ("host=h Password=s3cret", "invalid database URL 'host=h Password=***': libpq's keyword names are lower-case: write password= for Password="),
        ("host=h Host:x=1", "invalid database URL 'host=h Host:x=***': the keyword 'Host:x' is not a libpq connection keyword"),
        // A password with an unencoded '/' is never shown, even when the URL is malformed.
        ("postgresql://user:pa/ss@host/db", "invalid database URL 'postgresql://user:***@host/db': an '@' follows the first '/': a '/' in the user name or password must be percent-encoded as %2F (and an '@' in the database name as %40)"),
    ]

    @Test(arguments: invalid)
    func rejects(_ text: String, _ message: String) {
        let error = #expect(throws: MigrateError.self) { try DatabaseURL(text, relativeTo: Self.base) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == message)
        #expect(error?.hint == Self.forms)
        for secret in ["hunter2", "secret", "s3cret", "Pw9"] {
            #expect(error.map { !String(describing: $0).contains(secret) } ?? false, "\(secret) in \(String(describing: error))")
        }
    }
}
