#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL

/// Which database to migrate, parsed from a URL in migrate.json, `MIGRATE_DATABASE_URL` or `--url`.
///
/// Two engines are understood:
///
/// - `sqlite:///relative/path.db` (relative to a base folder, normally the one holding
///   migrate.json), `sqlite:////absolute/path.db`, and `sqlite::memory:` (or `sqlite:///:memory:`)
///   for a throwaway in-memory database. The path is percent-decoded.
/// - `postgresql://user:password@host:port/database?sslmode=require` (or `postgres://`), handed
///   to libpq as written, so unix sockets (`?host=/var/run/postgresql`), several hosts and libpq's
///   `PG*` environment variables for anything left out all work.
///
/// A SQLAlchemy driver suffix (`postgresql+psycopg2://`, `sqlite+pysqlite://`) is accepted and
/// dropped, so a URL copied from an Alembic project works.
///
/// The password never appears in ``description``:
///
/// ```swift
/// let url = try DatabaseURL("postgresql://app:s3cret@db/app", relativeTo: "/srv/app")
/// print(url)  // postgresql://app:***@db/app
/// ```
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    public enum Kind: Sendable, Hashable {
        /// An absolute file path, or `":memory:"`.
        case sqlite(path: String)
        /// The URL to hand to libpq as it is (including any password).
        case postgresql(url: String)
    }

    public var kind: Kind
    /// The URL as given, with the password replaced by `***`.
    public var redacted: String

    /// The path SQLite uses for an in-memory database.
    public static let memoryPath = ":memory:"

    /// Parses `text`, resolving a relative SQLite path against `baseDirectory`.
    ///
    /// Throws a ``MigrateError`` of kind `.configuration` naming the (redacted) URL and listing the
    /// accepted forms.
    public init(_ text: String, relativeTo baseDirectory: String) throws {
        redacted = Self.redact(text)
        let trimmed = text.trimmingWhitespace
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw Self.invalid(redacted, "it has no scheme")
        }
        // A scheme is a letter then letters, digits, '+', '-' or '.' (RFC 3986). Text that is not
        // one is never echoed: it may hold a password the redaction could not find.
        let schemeBytes = trimmed[..<colon].utf8
        guard schemeBytes.first?.isASCIILetter == true, schemeBytes.allSatisfy({
            $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }) else {
            throw Self.invalid(redacted, "it does not start with a scheme such as postgresql: or sqlite:")
        }
        var scheme = trimmed[..<colon].lowercased()
        let rest = trimmed[trimmed.index(after: colon)...]
        if let plus = scheme.firstIndex(of: "+") { scheme = String(scheme[..<plus]) }
        switch scheme {
        case "sqlite", "sqlite3":
            kind = .sqlite(path: try Self.sqlitePath(String(rest), redacted: redacted, baseDirectory: baseDirectory))
        case "postgresql", "postgres":
            try Self.validatePostgreSQL(String(rest), redacted: redacted)
            // libpq knows only the two plain schemes: drop a SQLAlchemy driver suffix.
            kind = .postgresql(url: scheme + ":" + rest)
        default:
            throw Self.invalid(redacted, "the scheme '\(scheme)' is not supported")
        }
    }

    /// The SQL dialect of the engine this URL points at.
    package var dialect: SQLDialect {
        switch kind {
        case .sqlite: .sqlite
        case .postgresql: .postgresql
        }
    }

    public var description: String { redacted }
    public var debugDescription: String { "DatabaseURL(\(redacted))" }
    /// Keeps `dump(url)` from printing the password held in ``kind``.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted], displayStyle: .struct) }

    /// The forms a database URL may take, for hints.
    static let acceptedForms =
        "use postgresql://user:password@host:port/database, sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:"

    private static func invalid(_ redacted: String, _ reason: String) -> MigrateError {
        MigrateError(.configuration, "invalid database URL '\(redacted)': \(reason)", hint: acceptedForms)
    }

    // MARK: SQLite

    private static func sqlitePath(_ rest: String, redacted: String, baseDirectory: String) throws -> String {
        if rest == memoryPath || rest == "//" || rest == "///" + memoryPath { return memoryPath }
        guard rest.hasPrefix("//") else {
            throw invalid(redacted, "a SQLite URL starts with sqlite:/// (three slashes) followed by the path")
        }
        let afterSlashes = rest.dropFirst(2)
        guard afterSlashes.hasPrefix("/") else {
            throw invalid(
                redacted,
                "a SQLite URL has no host; write three slashes before a relative path and four before an absolute one")
        }
        if afterSlashes.contains("?") || afterSlashes.contains("#") {
            throw invalid(redacted, "a SQLite URL takes no parameters (percent-encode '?' as %3F and '#' as %23 in a file name)")
        }
        // sqlite:///a.db → "a.db" (relative); sqlite:////a.db → "/a.db" (absolute).
        let encoded = String(afterSlashes.dropFirst())
        guard !encoded.isEmpty else { throw invalid(redacted, "the path is empty") }
        guard let path = Self.percentDecoded(encoded) else {
            throw invalid(redacted, "the path has an invalid percent-encoding")
        }
        if path == memoryPath { return memoryPath }
        return Configuration.absolutePath(path, relativeTo: baseDirectory)
    }

    // MARK: PostgreSQL

    /// Checks the shape libpq expects, so a typo is reported here with the accepted forms
    /// rather than by libpq at connection time.
    private static func validatePostgreSQL(_ rest: String, redacted: String) throws {
        guard rest.hasPrefix("//") else {
            throw invalid(redacted, "a PostgreSQL URL starts with postgresql:// (two slashes)")
        }
        let afterSlashes = rest.dropFirst(2)
        let authorityEnd = afterSlashes.firstIndex { $0 == "/" || $0 == "?" } ?? afterSlashes.endIndex
        let authority = afterSlashes[..<authorityEnd]
        var hostList = authority[...]
        if let at = authority.lastIndex(of: "@") {
            hostList = authority[authority.index(after: at)...]
        }
        // An '@' after the first '/' (and before the query) means the user name or password
        // holds an unencoded '/', which ends the authority for libpq: what would be read as the
        // host and port is part of the password, so it must be neither used nor quoted.
        let queryStart = afterSlashes.firstIndex(of: "?") ?? afterSlashes.endIndex
        if queryStart < afterSlashes.endIndex, Self.atAfterUnencodedQuestionMark(afterSlashes, queryStart) != nil {
            throw invalid(
                redacted, "an '@' follows a '?': a '?' in the user name or password must be percent-encoded as %3F")
        }
        if authorityEnd < queryStart, afterSlashes[authorityEnd..<queryStart].contains("@") {
            throw invalid(
                redacted,
                "an '@' follows the first '/': a '/' in the user name or password must be percent-encoded as %2F (and an '@' in the database name as %40)")
        }
        for host in hostList.split(separator: ",", omittingEmptySubsequences: false) {
            var port: Substring?
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else {
                    throw invalid(redacted, "the IPv6 address '\(host)' is missing its closing ']'")
                }
                let afterClose = host[host.index(after: close)...]
                if !afterClose.isEmpty {
                    guard afterClose.hasPrefix(":") else {
                        throw invalid(redacted, "unexpected '\(afterClose)' after the IPv6 address")
                    }
                    port = afterClose.dropFirst()
                }
            } else if let colon = host.firstIndex(of: ":") {
                port = host[host.index(after: colon)...]
            }
            if let port, port.isEmpty || !port.allSatisfy({ $0.isASCII && $0.isNumber }) || Int(port).map({ $0 > 65535 }) ?? true {
                throw invalid(redacted, "the port '\(port)' is not a number from 0 to 65535")
            }
        }
        let afterAuthority = afterSlashes[authorityEnd...]
        if let question = afterAuthority.firstIndex(of: "?") {
            let query = afterAuthority[afterAuthority.index(after: question)...]
            for parameter in query.split(separator: "&") where !parameter.contains("=") {
                throw invalid(redacted, "the parameter '\(parameter)' has no value (write name=value)")
            }
        }
    }

    // MARK: Redaction

    /// The '@' that ends user information holding an unencoded '?': an '@' after the first '?'
    /// with no '=' or '&' between them, which no query parameter looks like.
    private static func atAfterUnencodedQuestionMark(_ text: Substring, _ question: Substring.Index) -> Substring.Index? {
        guard let at = text[question...].firstIndex(of: "@") else { return nil }
        return text[question..<at].contains { $0 == "=" || $0 == "&" } ? nil : at
    }

    /// `text` with its `%XX` sequences decoded; nil when one is malformed or the result is not
    /// UTF-8 (what Foundation's `removingPercentEncoding` answers).
    static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                return nil
            }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// `text` with the password (in the user information or a `password=` parameter) replaced by `***`.
    ///
    /// Works on malformed URLs too, erring on the side of hiding more, because error messages
    /// quote the URL the user gave.
    public static func redact(_ text: String) -> String {
        var result = text
        if let schemeEnd = result.firstRange(of: "://") {
            let afterScheme = result[schemeEnd.upperBound...]
            // The user information ends at the last '@' before the query: an unencoded '/' or
            // '@' in a password must not make its rest visible.
            var queryStart = afterScheme.firstIndex(of: "?") ?? afterScheme.endIndex
            if let question = afterScheme.firstIndex(of: "?"), let at = Self.atAfterUnencodedQuestionMark(afterScheme, question) {
                // "user:pa?ss@host": the '?' is the password's, not the start of the query.
                queryStart = afterScheme.index(after: at)
            }
            if let at = afterScheme[..<queryStart].lastIndex(of: "@"),
                let colon = afterScheme[..<at].firstIndex(of: ":")
            {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        if let question = result.firstIndex(of: "?") {
            let query = result[result.index(after: question)...]
            let redactedQuery = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter in
                let name = parameter.prefix { $0 != "=" }
                return name.lowercased() == "password" && parameter.contains("=") ? name + "=***" : String(parameter)
            }.joined(separator: "&")
            result.replaceSubrange(result.index(after: question)..., with: redactedQuery)
        }
        return result
    }
}
