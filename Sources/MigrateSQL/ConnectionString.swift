import MigrateCore

/// Reads database connection strings the way libpq does, to hide their secrets from every
/// message and to decode their percent-encoded parts.
///
/// Both forms libpq accepts are understood: URIs (`postgresql://user:secret@host/db?password=…`)
/// and keyword/value strings (`host=db password='secret'`). Redaction follows libpq's own rules
/// (percent-decoded keys, so `pass%77ord=` is a password too) and then errs on the side of hiding
/// more, because messages quote what the user typed, typos and all:
///
/// - keys are compared without regard to case (`Password=` is hidden, though libpq refuses it);
/// - the value of a parameter libpq does not know is hidden (it may be a misspelt `password`);
/// - a password runs on over what follows it until a parameter libpq knows, since an unencoded
///   `&` or space in a password splits it into pieces libpq would quote;
/// - text that fits no form (a mistyped scheme, a missing `//`) has every reading's password
///   hidden: the user information of a URI, and every `password=` in it.
///
/// ```swift
/// ConnectionString.redacted("postgresql://app:s3cret@db/prod?sslmode=require")
/// // "postgresql://app:***@db/prod?sslmode=require"
/// ConnectionString.redacted("host=db password='s3 cret' dbname=prod")
/// // "host=db password=*** dbname=prod"
/// ```
package enum ConnectionString {
    /// The URL schemes read by libpq's rules when no others are given: PostgreSQL's.
    package static let libpqSchemes: [String: URLParameterSecrets] = [
        "postgresql": .namedSecretsAndUnknownToLibpq, "postgres": .namedSecretsAndUnknownToLibpq,
    ]

    /// `text` with every secret replaced by `***`. `schemes` are the URL schemes migrate knows
    /// (lowercased, without a driver suffix), with what their query parameters may hide.
    package static func redacted(_ text: String, schemes: [String: URLParameterSecrets] = libpqSchemes) -> String {
        let bytes = Array(text.utf8)
        let masks = maskedRanges(bytes, schemes: schemes)
        guard !masks.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var next = 0
        for mask in masks {
            result += bytes[next..<mask.lowerBound]
            result += "***".utf8
            next = mask.upperBound
        }
        result += bytes[next...]
        return String(decoding: result, as: UTF8.self)
    }

    /// The secrets written in `text`: as written, without quotes and escapes, and percent-decoded,
    /// so they can be scrubbed from messages that quote them (libpq quotes a malformed URI
    /// component verbatim).
    package static func secrets(in text: String, schemes: [String: URLParameterSecrets] = libpqSchemes) -> [String] {
        let bytes = Array(text.utf8)
        var found: [String] = []
        func add(_ candidate: [UInt8]) {
            guard !candidate.isEmpty, let secret = String(validating: candidate, as: UTF8.self),
                !found.contains(secret)
            else { return }
            found.append(secret)
        }
        for mask in maskedRanges(bytes, schemes: schemes) {
            let written = Array(bytes[mask])
            add(written)
            var unquoted = written
            if unquoted.count >= 2, unquoted.first == .quote, unquoted.last == .quote {
                unquoted = Array(unquoted.dropFirst().dropLast())
            }
            add(unquoted)
            add(unescaped(unquoted))
            percentDecodedBytes(written).map(add)
        }
        return found
    }

    // MARK: Percent-encoding

    /// `text` with its `%XX` sequences decoded, by libpq's rules: nil when a `%` is not followed by
    /// two hex digits, or encodes a NUL byte (which libpq forbids).
    package static func percentDecodedBytes(_ text: some Collection<UInt8>) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var iterator = text.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue),
                high | low != 0
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// `text` percent-decoded (see ``percentDecodedBytes(_:)``); nil also when the result is not UTF-8.
    package static func percentDecoded(_ text: some StringProtocol) -> String? {
        percentDecodedBytes(text.utf8).flatMap { String(validating: $0, as: UTF8.self) }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Forms

    /// libpq's connection keywords (PostgreSQL 18), and `ssl`, which it accepts in a URI for
    /// JDBC's sake. Compared exactly, as libpq does.
    package static let keywords: Set<String> = [
        "service", "user", "password", "passfile", "channel_binding", "connect_timeout", "dbname", "host",
        "hostaddr", "port", "client_encoding", "options", "application_name", "fallback_application_name",
        "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
        "sslmode", "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode", "sslpassword",
        "sslkeylogfile", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer", "require_auth",
        "ssl_min_protocol_version", "ssl_max_protocol_version", "min_protocol_version",
        "max_protocol_version", "gssencmode", "krbsrvname", "gsslib", "gssdelegation", "replication",
        "target_session_attrs", "load_balance_hosts", "scram_client_key", "scram_server_key",
        "oauth_issuer", "oauth_client_id", "oauth_client_secret", "oauth_scope", "ssl",
    ]

    /// Whether a (decoded) key names a secret: libpq's password-like options, in any case, and
    /// anything else that says password or secret.
    static func isSecret(_ key: [UInt8]?) -> Bool {
        guard let key else { return false }
        let name = String(decoding: key, as: UTF8.self).lowercased()
        return name.contains("password") || name.contains("secret") || name.hasPrefix("scram_")
    }

    /// Whether a (decoded) key is one of libpq's, in any case: a mis-cased `Host=` holds a host.
    static func isKnown(_ key: [UInt8]?) -> Bool {
        key.map { keywords.contains(String(decoding: $0, as: UTF8.self).lowercased()) } ?? false
    }

    /// The length of a URI scheme and its `:` at the start of `bytes` (a letter, then letters,
    /// digits, `+`, `-` or `.`, RFC 3986), or nil; with its name, lowercased and without a
    /// SQLAlchemy `+driver` suffix.
    package static func scheme(_ bytes: some Collection<UInt8>) -> (length: Int, name: String)? {
        guard bytes.first?.isASCIILetter == true, let colon = bytes.firstIndex(of: .colon) else { return nil }
        let name = bytes[..<colon]
        guard name.allSatisfy({
            $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")
        }) else { return nil }
        let base = String(decoding: name.prefix { $0 != UInt8(ascii: "+") }, as: UTF8.self).lowercased()
        return (name.count + 1, base)
    }

    /// Whether `text` is a libpq keyword/value string: it does not start with a URI scheme, and
    /// holds an `=` (libpq's own test).
    package static func isKeywordValue(_ text: some StringProtocol) -> Bool {
        scheme(text.utf8) == nil && text.utf8.contains(.equals)
    }

    // MARK: Finding secrets

    /// The byte ranges of `bytes` to hide, sorted and merged. The user information of a URL whose
    /// scheme is among `schemes` has a user name before its `:`; any other's may be all password.
    package static func maskedRanges(_ bytes: [UInt8], schemes: [String: URLParameterSecrets] = libpqSchemes) -> [Range<Int>] {
        // Leading white space is no part of a scheme or keyword.
        let start = bytes.firstIndex { !$0.isLibpqSpace } ?? bytes.endIndex
        return maskedRanges(bytes[start...], schemes: schemes)
    }

    private static func maskedRanges(_ bytes: ArraySlice<UInt8>, schemes: [String: URLParameterSecrets]) -> [Range<Int>] {
        var masks: [Range<Int>] = []
        let scheme = scheme(bytes)
        let parameterSecrets = scheme.flatMap { schemes[$0.name] }
        let hasEquals = bytes.contains(.equals)
        let tokens = hasEquals ? keywordValueTokens(bytes) : []
        // A string that starts like `host=…` is read as keyword/value only; anything else is also
        // read as a URI, with or without its scheme.
        let looksKeywordValue = scheme == nil && tokens.first.map { token in
            token.value != nil && keywords.contains(String(decoding: bytes[token.keyword], as: UTF8.self).lowercased())
        } ?? false
        if !looksKeywordValue {
            masks += uriMasks(
                bytes, from: bytes.startIndex + (scheme?.length ?? 0), schemeIsKnown: parameterSecrets != nil,
                hidingUnknown: parameterSecrets != .namedSecrets)
        }
        if hasEquals && parameterSecrets == nil {
            masks += keywordValueMasks(bytes, tokens)
        }
        masks += passwordAssignmentMasks(bytes)
        return merged(masks)
    }

    /// The user information's password and the secrets among the query parameters of a URI (or
    /// what was meant as one): after `scheme:` and any slashes, the user information ends at the
    /// first `@` before a `/` (libpq's rule) or at the last `@` before the query (where an
    /// unencoded `/` or `@` in the password puts it), whichever is later.
    ///
    /// Parameters are read both after the user information and after the first `?` (which libpq
    /// reads as part of the user information when an `@` follows it before any `/`); in the second
    /// reading, and in the URL of an engine that takes no libpq parameters, only secrets are hidden.
    private static func uriMasks(_ bytes: ArraySlice<UInt8>, from schemeEnd: Int, schemeIsKnown: Bool, hidingUnknown: Bool) -> [Range<Int>] {
        var start = schemeEnd
        while start < bytes.endIndex, bytes[start] == .slash { start += 1 }
        let firstSlash = bytes[start...].firstIndex(of: .slash) ?? bytes.endIndex
        let libpqAt = bytes[start..<firstSlash].firstIndex(of: .at)
        var queryStart = bytes[start...].firstIndex(of: .question) ?? bytes.endIndex
        if queryStart < bytes.endIndex, let at = bytes[queryStart...].firstIndex(of: .at),
            !bytes[queryStart..<at].contains(where: { $0 == .equals || $0 == .ampersand })
        {
            // `user:pa?ss@host`: the '?' is the password's, not the start of the query.
            queryStart = bytes[at...].firstIndex(of: .question) ?? bytes.endIndex
        }
        let lastAt = bytes[start..<queryStart].lastIndex(of: .at)
        var masks: [Range<Int>] = []
        let userInformationEnd = [libpqAt, lastAt].compactMap { $0 }.max()
        if let end = userInformationEnd {
            if let colon = bytes[start..<end].firstIndex(of: .colon) {
                masks.append(colon + 1..<end)
            } else if !schemeIsKnown {
                // Without a scheme that says so, a lone name before '@' may be the password.
                masks.append(start..<end)
            }
        }
        let query = bytes[(userInformationEnd ?? start)...].firstIndex(of: .question)
        if let query {
            masks += parameterMasks(bytes, query + 1..<bytes.endIndex, hidingUnknown: hidingUnknown)
        }
        if let question = bytes[start...].firstIndex(of: .question), question != query {
            masks += parameterMasks(bytes, question + 1..<bytes.endIndex, hidingUnknown: false)
        }
        return masks.filter { !$0.isEmpty }
    }

    /// In `key=value&…`: the value of a secret key, running on over the parameters after it up to
    /// one libpq knows, and with `hidingUnknown` the value of every key libpq does not know.
    private static func parameterMasks(_ bytes: ArraySlice<UInt8>, _ range: Range<Int>, hidingUnknown: Bool) -> [Range<Int>] {
        var segments: [Range<Int>] = []
        var segmentStart = range.lowerBound
        for index in range where bytes[index] == .ampersand {
            segments.append(segmentStart..<index)
            segmentStart = index + 1
        }
        segments.append(segmentStart..<range.upperBound)
        func key(_ segment: Range<Int>) -> (key: [UInt8]?, equals: Int)? {
            guard let equals = bytes[segment].firstIndex(of: .equals) else { return nil }
            return (percentDecodedBytes(bytes[segment.lowerBound..<equals]), equals)
        }
        var masks: [Range<Int>] = []
        var index = 0
        while index < segments.count {
            let segment = segments[index]
            index += 1
            guard let found = key(segment) else { continue }
            let (name, equals) = found
            if isSecret(name) {
                var end = segment.upperBound
                while index < segments.count, !(key(segments[index]).map { isKnown($0.key) } ?? false) {
                    end = segments[index].upperBound
                    index += 1
                }
                masks.append(equals + 1..<end)
            } else if hidingUnknown && !isKnown(name) {
                masks.append(equals + 1..<segment.upperBound)
            }
        }
        return masks
    }

    /// One `keyword = value` of a keyword/value string, as byte ranges: `value` is nil when no
    /// `=` follows the keyword, and includes its quotes when quoted.
    package struct Token: Sendable, Hashable {
        package var keyword: Range<Int>
        package var value: Range<Int>?
        /// A quoted value with no closing quote.
        package var isUnterminated: Bool
        var end: Int { value?.upperBound ?? keyword.upperBound }
    }

    /// The tokens of a keyword/value string, split as libpq splits them: keywords end at white
    /// space or `=`; values are single-quoted or end at white space; a backslash escapes the
    /// next byte in both.
    package static func keywordValueTokens(_ bytes: [UInt8]) -> [Token] {
        keywordValueTokens(bytes[...])
    }

    /// The tokens of a part of a string; the ranges index the whole.
    package static func keywordValueTokens(_ bytes: ArraySlice<UInt8>) -> [Token] {
        var tokens: [Token] = []
        var index = bytes.startIndex
        func skipSpace() { while index < bytes.endIndex, bytes[index].isLibpqSpace { index += 1 } }
        while true {
            skipSpace()
            guard index < bytes.endIndex else { break }
            let keywordStart = index
            while index < bytes.endIndex, !bytes[index].isLibpqSpace, bytes[index] != .equals { index += 1 }
            let keyword = keywordStart..<index
            let afterKeyword = index
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == .equals else {
                tokens.append(Token(keyword: keyword, value: nil, isUnterminated: false))
                index = afterKeyword
                continue
            }
            index += 1
            skipSpace()
            let valueStart = index
            var isUnterminated = false
            if index < bytes.endIndex, bytes[index] == .quote {
                index += 1
                isUnterminated = true
                while index < bytes.endIndex {
                    if bytes[index] == .backslash {
                        index += 2
                    } else if bytes[index] == .quote {
                        index += 1
                        isUnterminated = false
                        break
                    } else {
                        index += 1
                    }
                }
            } else {
                while index < bytes.endIndex, !bytes[index].isLibpqSpace {
                    index += bytes[index] == .backslash ? 2 : 1
                }
            }
            index = min(index, bytes.endIndex)
            tokens.append(Token(keyword: keyword, value: valueStart..<index, isUnterminated: isUnterminated))
        }
        return tokens
    }

    /// In a keyword/value string: a secret's value (running on over what follows up to a
    /// keyword libpq knows), the value of every keyword libpq does not know, and every word
    /// without `=` (a piece of a password with an unquoted space, say).
    private static func keywordValueMasks(_ bytes: ArraySlice<UInt8>, _ tokens: [Token]) -> [Range<Int>] {
        var masks: [Range<Int>] = []
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            guard let value = token.value else {
                masks.append(token.keyword)
                continue
            }
            let name = Array(bytes[token.keyword])
            if isSecret(name) {
                var end = value.upperBound
                while index < tokens.count, !(tokens[index].value != nil && isKnown(Array(bytes[tokens[index].keyword]))) {
                    end = tokens[index].end
                    index += 1
                }
                masks.append(value.lowerBound..<end)
            } else if !isKnown(name) {
                masks.append(value)
            }
        }
        return masks.filter { !$0.isEmpty }
    }

    /// `password=…` (or any secret key) anywhere, whatever the form around it: the value up to
    /// white space or `&`.
    private static func passwordAssignmentMasks(_ bytes: ArraySlice<UInt8>) -> [Range<Int>] {
        var masks: [Range<Int>] = []
        for index in bytes.indices where bytes[index] == .equals {
            var keyEnd = index
            while keyEnd > bytes.startIndex, bytes[keyEnd - 1].isLibpqSpace { keyEnd -= 1 }
            var keyStart = keyEnd
            while keyStart > bytes.startIndex, bytes[keyStart - 1].isASCIILetter || bytes[keyStart - 1] == UInt8(ascii: "_") {
                keyStart -= 1
            }
            guard keyStart < keyEnd, isSecret(Array(bytes[keyStart..<keyEnd])) else { continue }
            var valueStart = index + 1
            while valueStart < bytes.endIndex, bytes[valueStart].isLibpqSpace { valueStart += 1 }
            var valueEnd = valueStart
            while valueEnd < bytes.endIndex, !bytes[valueEnd].isLibpqSpace, bytes[valueEnd] != .ampersand { valueEnd += 1 }
            if valueStart < valueEnd { masks.append(valueStart..<valueEnd) }
        }
        return masks
    }

    private static func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private static func unescaped(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == .backslash, index + 1 < bytes.count { index += 1 }
            result.append(bytes[index])
            index += 1
        }
        return result
    }
}

extension UInt8 {
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let at = UInt8(ascii: "@")
    fileprivate static let question = UInt8(ascii: "?")
    fileprivate static let equals = UInt8(ascii: "=")
    fileprivate static let ampersand = UInt8(ascii: "&")
    fileprivate static let quote = UInt8(ascii: "'")
    fileprivate static let backslash = UInt8(ascii: "\\")

    /// C's `isspace` in the C locale, which libpq uses to split keyword/value strings.
    fileprivate var isLibpqSpace: Bool {
        self == 0x20 || (0x09...0x0D).contains(self)
    }
}
