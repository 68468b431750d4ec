/// Hides passwords in libpq connection strings, so messages can name the server without leaking one.
///
/// Both forms libpq accepts are handled: URIs (`postgresql://user:secret@host/db?password=…`) and
/// keyword/value strings (`host=db password='secret'`).
package enum ConnectionStringRedaction {
    /// `connection` with every password replaced by `***`.
    ///
    /// ```swift
    /// ConnectionStringRedaction.redacted("postgresql://app:s3cret@db/prod")
    /// // "postgresql://app:***@db/prod"
    /// ```
    package static func redacted(_ connection: String) -> String {
        var text = connection
        for range in passwordRanges(in: connection).reversed() {
            text.replaceSubrange(range, with: "***")
        }
        return text
    }

    /// The passwords written in `connection`, as written and percent-decoded, so they can be
    /// scrubbed from libpq's own messages (which quote a malformed URI component verbatim).
    package static func passwords(in connection: String) -> [String] {
        var found: [String] = []
        for range in passwordRanges(in: connection) {
            let written = String(connection[range])
            guard !written.isEmpty else { continue }
            found.append(written)
            if let decoded = percentDecoded(written), decoded != written { found.append(decoded) }
        }
        return found
    }

    /// Where the password values sit in `connection`, in order.
    private static func passwordRanges(in connection: String) -> [Range<String.Index>] {
        for scheme in ["postgresql://", "postgres://"] where connection.hasPrefix(scheme) {
            let afterScheme = connection.index(connection.startIndex, offsetBy: scheme.count)
            return uriPasswordRanges(in: connection, afterScheme: afterScheme)
        }
        return keywordPasswordRanges(in: connection)
    }

    /// `user:password@` before the first `/` (libpq's own rule), and `password=` query parameters.
    private static func uriPasswordRanges(in uri: String, afterScheme start: String.Index) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        let authorityEnd = uri[start...].firstIndex(of: "/") ?? uri.endIndex
        let queryStart = uri[start...].firstIndex(of: "?")
        let credentialsEnd = min(authorityEnd, queryStart ?? uri.endIndex)
        if let at = uri[start..<credentialsEnd].lastIndex(of: "@"),
            let colon = uri[start..<at].firstIndex(of: ":")
        {
            ranges.append(uri.index(after: colon)..<at)
        }
        if let queryStart {
            var parameterStart = uri.index(after: queryStart)
            while parameterStart < uri.endIndex {
                let parameterEnd = uri[parameterStart...].firstIndex(of: "&") ?? uri.endIndex
                let parameter = uri[parameterStart..<parameterEnd]
                if let equals = parameter.firstIndex(of: "="), parameter[..<equals] == "password" {
                    ranges.append(uri.index(after: equals)..<parameterEnd)
                }
                parameterStart = parameterEnd < uri.endIndex ? uri.index(after: parameterEnd) : uri.endIndex
            }
        }
        return ranges
    }

    /// `password = value` or `password='quoted value'` in a keyword/value string.
    private static func keywordPasswordRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var index = text.startIndex
        while let found = text[index...].firstRange(of: "password") {
            index = found.upperBound
            let isKeywordStart =
                found.lowerBound == text.startIndex || text[text.index(before: found.lowerBound)].isWhitespace
            var cursor = found.upperBound
            while cursor < text.endIndex, text[cursor].isWhitespace { cursor = text.index(after: cursor) }
            guard isKeywordStart, cursor < text.endIndex, text[cursor] == "=" else { continue }
            cursor = text.index(after: cursor)
            while cursor < text.endIndex, text[cursor].isWhitespace { cursor = text.index(after: cursor) }
            guard cursor < text.endIndex else { break }
            if text[cursor] == "'" {
                let valueStart = text.index(after: cursor)
                var valueEnd = valueStart
                while valueEnd < text.endIndex, text[valueEnd] != "'" {
                    if text[valueEnd] == "\\" { valueEnd = text.index(after: valueEnd) }
                    if valueEnd < text.endIndex { valueEnd = text.index(after: valueEnd) }
                }
                ranges.append(valueStart..<min(valueEnd, text.endIndex))
                index = min(valueEnd, text.endIndex)
            } else {
                let valueEnd = text[cursor...].firstIndex(where: \.isWhitespace) ?? text.endIndex
                ranges.append(cursor..<valueEnd)
                index = valueEnd
            }
        }
        return ranges
    }

    private static func percentDecoded(_ text: String) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
