import MigrateCore
import MigrateSQL

/// Reading PostgreSQL's URLs and keyword/value strings as libpq reads them, so a typo is
/// reported before connecting, with the accepted forms, and a URL libpq would read differently
/// from what its author meant (an unencoded `/`, `@`, `?` or `&` in a password) is refused
/// instead of connecting somewhere else or being quoted by libpq.
extension PostgresEngine {
    package var urlForms: [String] {
        ["postgresql://user:password@host:port/database (or libpq's keyword=value form: host=… dbname=…)"]
    }

    /// libpq echoes parameters it does not know in its errors: any of them may be a misspelt password.
    package var urlParameterSecrets: URLParameterSecrets { .namedSecretsAndUnknownToLibpq }

    package func readsWithoutScheme(_ text: String) -> Bool {
        ConnectionString.isKeywordValue(text)
    }

    /// The URL (or keyword/value string) to hand to libpq as it is, password included, but for a
    /// SQLAlchemy driver suffix (`postgresql+psycopg2://`), which libpq would refuse.
    package func target(of url: DatabaseURLText) throws -> String {
        let rest = url.bytes[url.restBytes]
        guard let scheme = url.scheme else {
            try Self.validateKeywordValue(rest, url)
            return url.text
        }
        guard url.rest.hasPrefix("//") else {
            throw url.invalid("a PostgreSQL URL starts with postgresql:// (two slashes)")
        }
        try Self.validatePostgreSQL(rest.dropFirst(2), url)
        return scheme + ":" + url.rest
    }

    /// The URL's hosts and database (`db:5432/app`), read from the redacted URL.
    package func shortName(target: String, redacted: String, relativeTo directory: String) -> String {
        var rest = Substring(redacted)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let query = rest[queryStart...].dropFirst()
        let beforeQuery = rest[..<queryStart]
        let slash = beforeQuery.firstIndex(of: "/") ?? beforeQuery.endIndex
        var hosts = beforeQuery[..<slash]
        if let at = hosts.lastIndex(of: "@") { hosts = hosts[hosts.index(after: at)...] }
        let database = beforeQuery[slash...].dropFirst()
        if hosts.isEmpty {
            // A unix socket: ?host=/run/postgresql
            let parameter = query.split(separator: "&").first { $0.hasPrefix("host=") }
            hosts = parameter.map { $0.dropFirst("host=".count) } ?? "localhost"
        }
        return database.isEmpty ? String(hosts) : "\(hosts)/\(database)"
    }

    /// Reads the URI as libpq does (user information up to the first `@` before a `/`, then
    /// hosts and ports, the database, parameters), so a typo is reported here with the accepted
    /// forms rather than by libpq at connection time, and a URL libpq would read differently
    /// from what its author meant is refused.
    static func validatePostgreSQL(_ uri: ArraySlice<UInt8>, _ problems: DatabaseURLText) throws {
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
    static func validateKeywordValue(_ text: ArraySlice<UInt8>, _ problems: DatabaseURLText) throws {
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
    static func checkKeyword(
        _ written: ArraySlice<UInt8>, decoded: [UInt8], _ problems: DatabaseURLText, what: String
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
    static func isKeywordShaped(_ keyword: some Collection<UInt8>) -> Bool {
        !keyword.isEmpty && keyword.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || $0.isASCIIDigit || $0 == UInt8(ascii: "_")
        }
    }
}
