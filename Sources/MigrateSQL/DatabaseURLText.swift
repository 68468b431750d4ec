import MigrateCore

/// A database URL as its engine reads it: the text, its scheme and what follows it, and the
/// errors the engine throws about it.
///
/// Every error quotes the URL with its secrets hidden, and a part of it only when no secret lies
/// in that part, so an engine's parser cannot leak a password by naming what it refused:
///
/// ```swift
/// guard url.rest.hasPrefix("//") else { throw url.invalid("a PostgreSQL URL starts with postgresql:// (two slashes)") }
/// throw url.invalid(url.named("the port", portBytes, otherwise: "a port") + " is not a number")
/// ```
package struct DatabaseURLText {
    /// The URL without white space at either end.
    package let text: String
    /// The scheme, lowercased and without a SQLAlchemy driver suffix (`postgresql+psycopg2` →
    /// `postgresql`); nil for text without one (libpq's keyword/value form).
    package let scheme: String?
    /// What follows `scheme:` (all of ``text`` when there is no scheme).
    package let rest: Substring
    /// The bytes of the URL as given, which byte ranges index.
    package let bytes: [UInt8]
    /// Where ``rest`` lies in ``bytes``.
    package let restBytes: Range<Int>
    /// The folder a relative path in the URL is resolved against: absolute.
    package let baseDirectory: String

    /// The URL as given with its secrets replaced by `***`.
    let redacted: String
    /// The byte ranges redaction hides.
    let masks: [Range<Int>]
    /// The forms every registered engine accepts, for hints.
    let acceptedForms: String

    package init(
        _ given: String, redacted: String, masks: [Range<Int>], scheme: String?, baseDirectory: String,
        acceptedForms: String
    ) {
        self.bytes = Array(given.utf8)
        self.redacted = redacted
        self.masks = masks
        self.scheme = scheme
        self.baseDirectory = baseDirectory
        self.acceptedForms = acceptedForms
        let trimmed = given.trimmingWhitespace
        self.text = trimmed
        // Where the trimmed text lies in the bytes of the URL, which messages' quoted parts are checked in.
        let trimmedStart =
            given.firstRange(of: trimmed).map { given.utf8.distance(from: given.startIndex, to: $0.lowerBound) } ?? 0
        if scheme != nil, let colon = trimmed.firstIndex(of: ":") {
            rest = trimmed[trimmed.index(after: colon)...]
        } else {
            rest = trimmed[...]
        }
        let restStart = trimmedStart + trimmed.utf8.distance(from: trimmed.startIndex, to: rest.startIndex)
        restBytes = restStart..<(trimmedStart + trimmed.utf8.count)
    }

    /// The error for a URL that cannot be read: it quotes the redacted URL, says why, and lists
    /// the accepted forms.
    package func invalid(_ reason: String) -> MigrateError {
        MigrateError(.configuration, "invalid database URL '\(redacted)': \(reason)", hint: acceptedForms)
    }

    /// `'part'`, or nil when any of `part` is hidden.
    package func quoted(_ part: ArraySlice<UInt8>) -> String? {
        let range = part.startIndex..<part.endIndex
        guard !masks.contains(where: { $0.overlaps(range) }) else { return nil }
        return "'\(String(decoding: part, as: UTF8.self))'"
    }

    /// "the port '54x2'" or "a port": a part named, quoted when that is safe.
    package func named(_ what: String, _ part: ArraySlice<UInt8>, otherwise: String) -> String {
        quoted(part).map { "\(what) \($0)" } ?? otherwise
    }

    /// `path` made absolute against ``baseDirectory``.
    package func absolutePath(_ path: String) -> String {
        FilePath.absolute(path, relativeTo: baseDirectory)
    }
}

/// Which query parameters of an engine's URLs redaction hides, beyond the user information's
/// password and every parameter whose name says password or secret.
package enum URLParameterSecrets: Sendable, Hashable {
    /// Only parameters named like secrets: the engine takes no others that a typo could turn into
    /// a password.
    case namedSecrets
    /// Also the value of every parameter libpq does not know, which may be a misspelt password.
    case namedSecretsAndUnknownToLibpq
}

extension [String] {
    /// "a, b or c".
    package var listedWithOr: String {
        count < 2 ? joined() : dropLast().joined(separator: ", ") + " or " + last!
    }
}
