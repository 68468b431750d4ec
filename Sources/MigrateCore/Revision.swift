/// One migration: a node of the revision graph with the operations that move the schema across it.
///
/// Revisions are plain values read from migration files (SQL or Swift); the graph and the runner
/// never look at the files again, so offline and online runs see exactly the same data.
public struct Revision: Sendable, Hashable, Codable {
    /// The revision identifier, by default 12 lowercase hex digits.
    public var id: String
    /// The parents: empty for a base, one for an ordinary step, several for a merge.
    public var downRevisions: [String]
    /// Names that `LABEL@head` and `LABEL@REV` resolve through.
    public var branchLabels: [String]
    /// Revisions that must be applied first without being parents (Alembic's `depends_on`).
    public var dependsOn: [String]
    /// The one-line description given to `revision -m`.
    public var message: String
    /// The lines after the message in the file's doc comment (Swift) or header comments (SQL):
    /// a longer explanation that `show` and `history --verbose` print; empty when there is none.
    public var longDescription: String
    /// When the file was written, as it records it (`2026-12-06 04:30:00.123456`, UTC), for
    /// `show`'s `Create Date:` line; nil for a file that does not say.
    public var createDate: String?
    /// Where the revision was read from, for messages; nil for revisions built in code.
    public var path: String?
    /// False runs the migration outside a transaction (for `CREATE INDEX CONCURRENTLY` and the like).
    public var isTransactional: Bool
    public var upgrade: [Operation]
    public var downgrade: [Operation]
    /// The file line each upgrade operation starts on, parallel to `upgrade` (empty when
    /// unknown), so a failing statement can be reported as `file:line`.
    public var upgradeLines: [Int] = []
    /// The file line each downgrade operation starts on, parallel to `downgrade`.
    public var downgradeLines: [Int] = []
    /// SHA-256 of the file's bytes, recorded when the revision is applied so that `verify` can
    /// tell when an applied migration's file was edited afterwards.
    public var checksum: String?

    public init(
        id: String,
        downRevisions: [String] = [],
        branchLabels: [String] = [],
        dependsOn: [String] = [],
        message: String = "",
        longDescription: String = "",
        createDate: String? = nil,
        path: String? = nil,
        isTransactional: Bool = true,
        upgrade: [Operation] = [],
        downgrade: [Operation] = [],
        checksum: String? = nil
    ) {
        self.id = id
        self.downRevisions = downRevisions
        self.branchLabels = branchLabels
        self.dependsOn = dependsOn
        self.message = message
        self.longDescription = longDescription
        self.createDate = createDate
        self.path = path
        self.isTransactional = isTransactional
        self.upgrade = upgrade
        self.downgrade = downgrade
        self.checksum = checksum
    }

    public var isBase: Bool { downRevisions.isEmpty }
    public var isMergePoint: Bool { downRevisions.count > 1 }
}

extension Revision {
    /// Whether `id` (its UTF-8 bytes) is a revision id migrate accepts: one or more ASCII
    /// letters, digits and underscores, so that it can stand in file names, SQL literals and
    /// the identifier grammar (`ae1@head`, `heads-1`) unquoted. SQL and Swift files and new
    /// revisions are all held to this one rule.
    /// (Inlinable: the SQL header parser checks every id of every file with it.)
    @inlinable
    package static func isValidID<Bytes: Collection>(_ id: Bytes) -> Bool where Bytes.Element == UInt8 {
        !id.isEmpty && id.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == UInt8(ascii: "_") }
    }
}

extension UInt8 {
    /// `A`–`Z` or `a`–`z`. (Inlinable, like `isASCIIDigit`: parsers call it for every byte.)
    @inlinable
    package var isASCIILetter: Bool {
        (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
    }

    /// `0`–`9`.
    @inlinable
    package var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}

extension Revision {
    /// The description from the comment lines after a message, and the date of a `Create Date:`
    /// line among them.
    ///
    /// Alembic's template writes `Revision ID:`, `Revises:` and `Create Date:` lines into each
    /// file's docstring; `show` prints those from the revision itself, so they are left out of
    /// the description, and a file carried over from Alembic keeps its creation date. Blank lines
    /// around the description are dropped; those between its paragraphs are kept.
    package static func describing(_ lines: [String]) -> (description: String, createDate: String?) {
        var kept: [String] = []
        var createDate: String?
        for line in lines {
            if line.hasPrefix("Revision ID:") || line.hasPrefix("Revises:") { continue }
            if line.hasPrefix("Create Date:") {
                let date = line.dropFirst("Create Date:".count).trimmingWhitespace
                if !date.isEmpty { createDate = date }
                continue
            }
            // Two blank lines in a row (around a dropped line) are one paragraph break.
            if line.isEmpty && kept.last?.isEmpty == true { continue }
            kept.append(line)
        }
        while kept.first?.isEmpty == true { kept.removeFirst() }
        while kept.last?.isEmpty == true { kept.removeLast() }
        return (kept.joined(separator: "\n"), createDate)
    }
}
