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
///   `PG*` environment variables for anything left out all work. libpq's keyword/value form
///   (`host=db dbname=app user=deploy`) is a PostgreSQL connection too.
///
/// A SQLAlchemy driver suffix (`postgresql+psycopg2://`, `sqlite+pysqlite://`) is accepted and
/// dropped, so a URL copied from an Alembic project works.
///
/// The URL is checked by libpq's own reading of it, so a URL libpq would split elsewhere than
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
    public enum Kind: Sendable, Hashable {
        /// An absolute file path, or `":memory:"`.
        case sqlite(path: String)
        /// The URL (or keyword/value string) to hand to libpq as it is (including any password).
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
        let problems = Problems(text: text, redacted: redacted)
        // Where `trimmed` lies in the bytes of `text`, which messages' quoted parts are checked in.
        let trimmedStart = text.firstRange(of: trimmed).map { text.utf8.distance(from: text.startIndex, to: $0.lowerBound) } ?? 0
        let trimmedBytes = problems.bytes[trimmedStart..<(trimmedStart + trimmed.utf8.count)]
        if ConnectionString.isKeywordValue(trimmed) {
            try Self.validateKeywordValue(trimmedBytes, problems)
            kind = .postgresql(url: trimmed)
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw problems.invalid("it has no scheme")
        }
        // Text before the first ':' that is no scheme is never quoted: it may hold a password.
        guard ConnectionString.scheme(trimmed.utf8) != nil else {
            throw problems.invalid("it does not start with a scheme such as postgresql: or sqlite:")
        }
        var scheme = trimmed[..<colon].lowercased()
        let rest = trimmed[trimmed.index(after: colon)...]
        if let plus = scheme.firstIndex(of: "+") { scheme = String(scheme[..<plus]) }
        switch scheme {
        case "sqlite", "sqlite3":
            kind = .sqlite(path: try Self.sqlitePath(String(rest), problems, baseDirectory: baseDirectory))
        case "postgresql", "postgres":
            guard rest.hasPrefix("//") else {
                throw problems.invalid("a PostgreSQL URL starts with postgresql:// (two slashes)")
            }
            let afterSlashes = trimmedStart + trimmed.utf8.distance(from: trimmed.startIndex, to: rest.startIndex) + 2
            try Self.validatePostgreSQL(problems.bytes[afterSlashes..<trimmedBytes.endIndex], problems)
            // libpq knows only the two plain schemes: drop a SQLAlchemy driver suffix.
            kind = .postgresql(url: scheme + ":" + rest)
        default:
            throw problems.invalid("the scheme '\(scheme)' is not supported")
        }
    }

    /// The SQL dialect of the engine this URL points at.
    package var dialect: SQLDialect { engine.dialect }

    public var description: String { redacted }
    public var debugDescription: String { "DatabaseURL(\(redacted))" }
    /// Keeps `dump(url)` from printing the password held in ``kind``.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted], displayStyle: .struct) }

    /// `text` with every password replaced by `***`: the user information's and `password=`
    /// parameters of a URI, `password=` of a keyword/value string, by libpq's rules (keys
    /// percent-decoded) and then some (any case; values of keys libpq does not know; text that
    /// fits no form), because error messages quote the URL the user gave.
    public static func redact(_ text: String) -> String {
        ConnectionString.redacted(text)
    }

    /// The forms a database URL may take, for hints.
    static let acceptedForms =
        "use postgresql://user:password@host:port/database (or libpq's keyword=value form: host=… dbname=…), "
        + "sqlite:///relative/path.db, sqlite:////absolute/path.db or sqlite::memory:"

    /// Builds the errors for one URL: each quotes the redacted URL, and a part of it only when
    /// that part is no part of what redaction hides.
    private struct Problems {
        var redacted: String
        /// The URL's bytes, which the parsers index, and the ranges redaction hides.
        var bytes: [UInt8]
        var masks: [Range<Int>]

        init(text: String, redacted: String) {
            self.redacted = redacted
            self.bytes = Array(text.utf8)
            self.masks = ConnectionString.maskedRanges(bytes)
        }

        func invalid(_ reason: String) -> MigrateError {
            MigrateError(.configuration, "invalid database URL '\(redacted)': \(reason)", hint: acceptedForms)
        }

        /// `'part'`, or nil when any of `part` is hidden.
        func quoted(_ part: ArraySlice<UInt8>) -> String? {
            let range = part.startIndex..<part.endIndex
            guard !masks.contains(where: { $0.overlaps(range) }) else { return nil }
            return "'\(String(decoding: part, as: UTF8.self))'"
        }

        /// "the port '54x2'" or "a port": a part named, quoted when that is safe.
        func named(_ what: String, _ part: ArraySlice<UInt8>, otherwise: String) -> String {
            quoted(part).map { "\(what) \($0)" } ?? otherwise
        }
    }

    // MARK: SQLite

    private static func sqlitePath(_ rest: String, _ problems: Problems, baseDirectory: String) throws -> String {
        if rest == memoryPath || rest == "//" || rest == "///" + memoryPath { return memoryPath }
        guard rest.hasPrefix("//") else {
            throw problems.invalid("a SQLite URL starts with sqlite:/// (three slashes) followed by the path")
        }
        let afterSlashes = rest.dropFirst(2)
        guard afterSlashes.hasPrefix("/") else {
            throw problems.invalid(
                "a SQLite URL has no host; write three slashes before a relative path and four before an absolute one")
        }
        if afterSlashes.contains("?") || afterSlashes.contains("#") {
            throw problems.invalid("a SQLite URL takes no parameters (percent-encode '?' as %3F and '#' as %23 in a file name)")
        }
        // sqlite:///a.db → "a.db" (relative); sqlite:////a.db → "/a.db" (absolute).
        let encoded = afterSlashes.dropFirst()
        guard !encoded.isEmpty else { throw problems.invalid("the path is empty") }
        guard let path = ConnectionString.percentDecoded(encoded) else {
            throw problems.invalid("the path has an invalid percent-encoding")
        }
        if path == memoryPath { return memoryPath }
        return Configuration.absolutePath(path, relativeTo: baseDirectory)
    }

    // MARK: PostgreSQL

    /// Reads the URI as libpq does (user information up to the first `@` before a `/`, then
    /// hosts and ports, the database, parameters), so a typo is reported here with the accepted
    /// forms rather than by libpq at connection time, and a URL libpq would read differently
    /// from what its author meant is refused.
    private static func validatePostgreSQL(_ uri: ArraySlice<UInt8>, _ problems: Problems) throws {
        let end = uri.endIndex
        func firstIndex(from start: Int, of stops: String) -> Int {
            uri[start...].firstIndex { stops.utf8.contains($0) } ?? end
        }
        func decodes(_ range: Range<Int>) -> Bool { ConnectionString.percentDecodedBytes(uri[range]) != nil }
        let encodingHint = "(write a '%' as %25)"

        var index = uri.startIndex
        let firstSlash = firstIndex(from: index, of: "/")
        if let at = uri[..<firstSlash].firstIndex(of: UInt8(ascii: "@")) {
            if uri[..<at].contains(UInt8(ascii: "?")) {
                throw problems.invalid(
                    "a '?' comes before the '@' that ends the user name and password: percent-encode a '?' in them as %3F (and an '@' in a parameter as %40)")
            }
            let colon = uri[..<at].firstIndex(of: UInt8(ascii: ":"))
            guard decodes(uri.startIndex..<(colon ?? at)) else {
                throw problems.invalid("the user name has an invalid percent-encoding \(encodingHint)")
            }
            if let colon, !decodes(colon + 1..<at) {
                throw problems.invalid("the password has an invalid percent-encoding \(encodingHint)")
            }
            index = at + 1
        }
        // An '@' after the first '/' means the user name or password holds an unencoded '/',
        // which ends the user information for libpq: what would be read as host and port is
        // password.
        if firstSlash < end, uri[firstSlash..<firstIndex(from: firstSlash, of: "?")].contains(UInt8(ascii: "@")) {
            throw problems.invalid(
                "an '@' follows the first '/': a '/' in the user name or password must be percent-encoded as %2F (and an '@' in the database name as %40)")
        }

        // Hosts and ports: `host[:port]` or `[IPv6][:port]`, separated by commas. An '@' among
        // them is the rest of a password that holds an unencoded '@'.
        if uri[index..<firstIndex(from: index, of: "/?")].contains(UInt8(ascii: "@")) {
            throw problems.invalid(
                "a second '@' follows the user name and password: an '@' in them must be percent-encoded as %40")
        }
        while true {
            if index < end, uri[index] == UInt8(ascii: "[") {
                let hostEnd = firstIndex(from: index, of: "/?,")
                guard let close = uri[index..<end].firstIndex(of: UInt8(ascii: "]")) else {
                    throw problems.invalid(
                        problems.named("the IPv6 address", uri[index..<hostEnd], otherwise: "an IPv6 address")
                            + " is missing its closing ']'")
                }
                guard close > index + 1 else { throw problems.invalid("an IPv6 address is empty: write it between [ and ]") }
                index = close + 1
                if index < end, !":/?,".utf8.contains(uri[index]) {
                    let unexpectedEnd = firstIndex(from: index, of: ":/?,")
                    throw problems.invalid(
                        "unexpected " + (problems.quoted(uri[index..<unexpectedEnd]) ?? "text") + " after the IPv6 address")
                }
            } else {
                let hostEnd = firstIndex(from: index, of: ":/?,")
                guard decodes(index..<hostEnd) else {
                    throw problems.invalid("a host name has an invalid percent-encoding \(encodingHint)")
                }
                index = hostEnd
            }
            if index < end, uri[index] == UInt8(ascii: ":") {
                let portEnd = firstIndex(from: index + 1, of: "/?,")
                let port = uri[index + 1..<portEnd]
                if port.isEmpty || port.count > 5 || !port.allSatisfy(\.isASCIIDigit)
                    || Int(String(decoding: port, as: UTF8.self))! > 65535
                {
                    throw problems.invalid(
                        problems.named("the port", port, otherwise: "a port") + " is not a number from 0 to 65535")
                }
                index = portEnd
            }
            guard index < end, uri[index] == UInt8(ascii: ",") else { break }
            index += 1
        }

        if index < end, uri[index] == UInt8(ascii: "/") {
            let databaseEnd = firstIndex(from: index, of: "?")
            guard decodes(index + 1..<databaseEnd) else {
                throw problems.invalid("the database name has an invalid percent-encoding \(encodingHint)")
            }
            index = databaseEnd
        }

        guard index < end else { return }
        // What is left starts with '?': the parameters, `name=value` separated by '&'.
        let parameters = uri[(index + 1)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false)
        for (position, parameter) in parameters.enumerated() {
            if parameter.isEmpty && position == parameters.count - 1 { break }
            guard let equals = parameter.firstIndex(of: UInt8(ascii: "=")) else {
                throw problems.invalid(
                    problems.named("the parameter", parameter, otherwise: "a parameter")
                        + " has no value (write name=value, and an '&' in a value as %26)")
            }
            let name = parameter[..<equals]
            let value = parameter[(equals + 1)...]
            let named = problems.named("the parameter", name, otherwise: "a parameter")
            guard let decodedName = ConnectionString.percentDecodedBytes(name),
                ConnectionString.percentDecodedBytes(value) != nil
            else {
                throw problems.invalid("\(named) has an invalid percent-encoding \(encodingHint)")
            }
            if value.contains(UInt8(ascii: "=")) {
                throw problems.invalid("\(named) has a second '=': an '=' in a value must be percent-encoded as %3D")
            }
            try checkKeyword(name, decoded: decodedName, problems, what: "parameter")
        }
    }

    /// A keyword/value string must be what libpq reads: `keyword=value` pairs, values with
    /// spaces in single quotes. A word without `=` is refused, not passed on, since libpq would
    /// quote it in its error and it may be the end of a password that holds a space.
    private static func validateKeywordValue(_ text: ArraySlice<UInt8>, _ problems: Problems) throws {
        for (position, token) in ConnectionString.keywordValueTokens(text).enumerated() {
            let keyword = text[token.keyword]
            if position == 0, !isKeywordShaped(keyword),
                !ConnectionString.keywords.contains(String(decoding: keyword, as: UTF8.self).lowercased())
            {
                throw problems.invalid(
                    "it does not start with a scheme such as postgresql: or sqlite:, nor with a libpq keyword such as host=")
            }
            guard token.value != nil else {
                throw problems.invalid(
                    problems.named("the word", keyword, otherwise: "a word")
                        + " has no '=' after it: write keyword=value, and put a value that holds spaces in single quotes")
            }
            if token.isUnterminated {
                throw problems.invalid("a quoted value has no closing quote (write \\' for a quote inside one)")
            }
            try checkKeyword(keyword, decoded: Array(keyword), problems, what: "keyword")
        }
    }

    /// libpq's keywords are lower-case names; it would refuse anything else with a message that
    /// says less (and `Password=` is no password to libpq). A name libpq does not know that holds
    /// a piece of a password (`password=a&b=c`) is refused here too, since libpq would quote it.
    private static func checkKeyword(
        _ written: ArraySlice<UInt8>, decoded: [UInt8], _ problems: Problems, what: String
    ) throws {
        let name = String(decoding: decoded, as: UTF8.self)
        guard let quoted = problems.quoted(written) else {
            guard ConnectionString.keywords.contains(name) else {
                throw problems.invalid(
                    "a \(what) that follows the password is not one libpq knows: in a password, percent-encode an '&' as %26 in a URL, or quote the password in single quotes")
            }
            return
        }
        guard !isKeywordShaped(decoded) else { return }
        if ConnectionString.keywords.contains(name.lowercased()) {
            throw problems.invalid("libpq's \(what) names are lower-case: write \(name.lowercased())= for \(name)=")
        }
        throw problems.invalid("the \(what) \(quoted) is not a libpq connection \(what)")
    }

    /// A lower-case letter, digit or underscore, as every libpq keyword is.
    private static func isKeywordShaped(_ keyword: some Collection<UInt8>) -> Bool {
        !keyword.isEmpty && keyword.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0.isASCIIDigit || $0 == UInt8(ascii: "_")
        }
    }
}
