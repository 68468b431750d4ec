#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL

/// Which database to migrate, parsed from a URL in migrate.json, `MIGRATE_DATABASE_URL` or `--url`.
///
/// Each registered engine reads its own URLs (see ``Engines``); two are built in:
///
/// - `sqlite:///relative/path.db` (relative to a base folder, normally the one holding
///   migrate.json), `sqlite:////absolute/path.db`, and `sqlite::memory:` (or `sqlite:///:memory:`)
///   for a throwaway in-memory database. The path is percent-decoded.
/// - `postgresql://user:password@host:port/database?sslmode=require` (or `postgres://`), handed
///   to libpq as written, so unix sockets (`?host=/var/run/postgresql`), several hosts and libpq's
///   `PG*` environment variables for anything left out all work. libpq's keyword/value form
///   (`host=db dbname=app user=deploy`) is a PostgreSQL connection too.
///
/// A SQLAlchemy driver suffix (`postgresql+psycopg2://`, `sqlite+pysqlite://`) is accepted and
/// dropped, so a URL copied from an Alembic project works.
///
/// A PostgreSQL URL is checked by libpq's own reading of it, so a URL libpq would split elsewhere than
/// its author meant (an unencoded `/`, `@`, `?` or `&` in a password) is refused here instead of
/// connecting somewhere else or being quoted by libpq. The password never appears in
/// ``description``, nor in any error (see ``redact(_:)``):
///
/// ```swift
/// let url = try DatabaseURL("postgresql://app:s3cret@db/app", relativeTo: "/srv/app")
/// print(url)  // postgresql://app:***@db/app
/// ```
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The engine whose URL this is.
    package let engine: any DatabaseEngine
    /// What the engine connects to (a file path, a libpq connection string), as the engine read
    /// it from the URL: it may hold a password.
    package let target: String
    /// The URL as given, with the password replaced by `***`.
    public var redacted: String

    /// Parses `text`, resolving a relative SQLite path against `baseDirectory`.
    ///
    /// Throws a ``MigrateError`` of kind `.configuration` naming the (redacted) URL and listing the
    /// accepted forms.
    public init(_ text: String, relativeTo baseDirectory: String) throws {
        try self.init(text, relativeTo: baseDirectory, engines: Engines.registered)
    }

    /// Parses `text` as a URL of one of `engines`, the first whose scheme it has (or, without a
    /// scheme, the first that reads it).
    package init(_ text: String, relativeTo baseDirectory: String, engines: [any DatabaseEngine]) throws {
        let secrets = Self.parameterSecrets(of: engines)
        let masks = ConnectionString.maskedRanges(Array(text.utf8), schemes: secrets)
        redacted = ConnectionString.redacted(text, schemes: secrets)
        let trimmed = text.trimmingWhitespace
        let scheme = ConnectionString.scheme(trimmed.utf8)
        let url = DatabaseURLText(
            text, redacted: redacted, masks: masks, scheme: scheme?.name,
            baseDirectory: Configuration.absolutePath(".", relativeTo: baseDirectory),
            acceptedForms: "use " + engines.flatMap(\.urlForms).listedWithOr)
        if scheme == nil, let engine = engines.first(where: { $0.readsWithoutScheme(trimmed) }) {
            self.engine = engine
            target = try engine.target(of: url)
            return
        }
        guard trimmed.contains(":") else {
            throw url.invalid("it has no scheme")
        }
        // Text before the first ':' that is no scheme is never quoted: it may hold a password.
        guard let scheme else {
            let examples = engines.map { $0.schemes[0] + ":" }.listedWithOr
            throw url.invalid("it does not start with a scheme such as \(examples)")
        }
        guard let engine = engines.first(where: { $0.schemes.contains(scheme.name) }) else {
            throw url.invalid("the scheme '\(scheme.name)' is not supported")
        }
        self.engine = engine
        target = try engine.target(of: url)
    }

    /// The SQL dialect of the engine this URL points at.
    package var dialect: SQLDialect { engine.dialect }

    public var description: String { redacted }
    public var debugDescription: String { "DatabaseURL(\(redacted))" }
    /// Keeps `dump(url)` from printing the password held in ``target``.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted], displayStyle: .struct) }

    public static func == (lhs: DatabaseURL, rhs: DatabaseURL) -> Bool {
        type(of: lhs.engine) == type(of: rhs.engine) && lhs.target == rhs.target && lhs.redacted == rhs.redacted
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(type(of: engine)))
        hasher.combine(target)
        hasher.combine(redacted)
    }

    /// `text` with every password replaced by `***`: the user information's and `password=`
    /// parameters of a URI, `password=` of a keyword/value string, by libpq's rules (keys
    /// percent-decoded) and then some (any case; values of keys libpq does not know; text that
    /// fits no form), because error messages quote the URL the user gave.
    public static func redact(_ text: String) -> String {
        ConnectionString.redacted(text, schemes: parameterSecrets(of: Engines.registered))
    }

    /// Every scheme of `engines`, with which parameters their URLs' redaction hides.
    private static func parameterSecrets(of engines: [any DatabaseEngine]) -> [String: URLParameterSecrets] {
        var secrets: [String: URLParameterSecrets] = [:]
        for engine in engines {
            for scheme in engine.schemes { secrets[scheme] = engine.urlParameterSecrets }
        }
        return secrets
    }
}
