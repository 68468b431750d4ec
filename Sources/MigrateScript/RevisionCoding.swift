import MigrateCore

/// The parse cache's entries: a ``Revision`` read from a Swift file, or the tables of a models
/// file, in ``CompactCoding``'s binary form (derived from the model's `Codable` conformances):
/// decoding it is much cheaper than parsing and interpreting the Swift again.
///
/// A revision's entry is its header (identity, parents, labels, message) behind a length, then
/// its operations: commands that need only the graph decode the header alone, since decoding
/// every operation of a long history through `Codable` would cost more than the rest of them.
///
/// The format is private to one version of migrate: ``formatVersion`` names the cache file, so
/// an old cache is never read, only replaced.
package enum RevisionCoding {
    /// Bumped whenever the encoding or the interpreter's output changes; a test pins the
    /// encoding of every operation, so a change to the model that would be misread fails it.
    package static let formatVersion = 11

    /// The revision without its path and checksum (the file's, supplied again when decoding):
    /// an entry stands for any file with the same text. Always whole, operations included, so
    /// that any command can read it. Empty if it cannot be encoded, which decodes as no entry,
    /// so the file is just parsed again.
    package static func encode(_ revision: Revision) -> [UInt8] {
        guard let header = try? CompactCoding.encode(Header(revision)),
            let operations = try? CompactCoding.encode(Body(revision))
        else { return [] }
        var bytes: [UInt8] = []
        appendLength(header.count, to: &bytes)
        bytes.append(contentsOf: header)
        bytes.append(contentsOf: operations)
        return bytes
    }

    /// The revision, or nil when the bytes are not a valid encoding (a truncated cache file).
    /// Without `operations`, only the header is decoded, and the revision has no operations.
    package static func decode(_ bytes: [UInt8], path: String, operations: Bool = true) -> Revision? {
        var offset = 0
        guard let headerLength = length(in: bytes, at: &offset),
            let header = try? CompactCoding.decode(Header.self, from: Array(bytes[offset..<offset + headerLength]))
        else { return nil }
        var revision = Revision(
            id: header.id, downRevisions: header.downRevisions, branchLabels: header.branchLabels,
            dependsOn: header.dependsOn, message: header.message, longDescription: header.longDescription,
            createDate: header.createDate, path: path,
            isTransactional: header.isTransactional)
        if operations {
            guard let body = try? CompactCoding.decode(Body.self, from: Array(bytes[(offset + headerLength)...]))
            else { return nil }
            revision.upgrade = body.upgrade
            revision.downgrade = body.downgrade
            revision.upgradeLines = body.upgradeLines
            revision.downgradeLines = body.downgradeLines
        }
        return revision
    }

    /// The part of a revision's entry that graph commands read.
    private struct Header: Codable {
        var id: String
        var downRevisions: [String]
        var branchLabels: [String]
        var dependsOn: [String]
        var message: String
        var longDescription: String
        var createDate: String?
        var isTransactional: Bool

        init(_ revision: Revision) {
            id = revision.id
            downRevisions = revision.downRevisions
            branchLabels = revision.branchLabels
            dependsOn = revision.dependsOn
            message = revision.message
            longDescription = revision.longDescription
            createDate = revision.createDate
            isTransactional = revision.isTransactional
        }
    }

    /// The rest of a revision's entry: what running, printing and verifying it need.
    private struct Body: Codable {
        var upgrade: [Operation]
        var downgrade: [Operation]
        var upgradeLines: [Int]
        var downgradeLines: [Int]

        init(_ revision: Revision) {
            upgrade = revision.upgrade
            downgrade = revision.downgrade
            upgradeLines = revision.upgradeLines
            downgradeLines = revision.downgradeLines
        }
    }

    /// What a models file declares (tables, views, triggers), for the models cache.
    package static func encode(models: Schema) -> [UInt8] {
        (try? CompactCoding.encode(models)) ?? []
    }

    /// The declarations of a models cache entry, or nil when the bytes are not a valid encoding.
    package static func decode(models bytes: [UInt8]) -> Schema? {
        try? CompactCoding.decode(Schema.self, from: bytes)
    }

    /// Entries of the parse cache file: checksum and encoded entry, in checksum order so that the
    /// same files give the same bytes. Each is a varint length and that many bytes.
    package static func encode(entries: [String: [UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        appendLength(entries.count, to: &bytes)
        for (checksum, entry) in entries.sorted(by: { $0.key < $1.key }) {
            appendLength(checksum.utf8.count, to: &bytes)
            bytes.append(contentsOf: checksum.utf8)
            appendLength(entry.count, to: &bytes)
            bytes.append(contentsOf: entry)
        }
        return bytes
    }

    /// The entries of a parse cache file; nil when the bytes are not a whole, valid file.
    package static func decode(entries bytes: [UInt8]) -> [String: [UInt8]]? {
        var offset = 0
        func length() -> Int? { RevisionCoding.length(in: bytes, at: &offset) }
        guard let count = length() else { return nil }
        var entries: [String: [UInt8]] = [:]
        for _ in 0..<count {
            guard let checksumLength = length() else { return nil }
            let checksum = String(decoding: bytes[offset..<offset + checksumLength], as: UTF8.self)
            offset += checksumLength
            guard let entryLength = length() else { return nil }
            entries[checksum] = Array(bytes[offset..<offset + entryLength])
            offset += entryLength
        }
        return offset == bytes.count ? entries : nil
    }

    /// The varint length at `offset` (moved past it), or nil unless it fits in the bytes left.
    private static func length(in bytes: [UInt8], at offset: inout Int) -> Int? {
        var value = 0
        var shift = 0
        while offset < bytes.count, shift < 63 {
            let byte = bytes[offset]
            offset += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value <= bytes.count - offset ? value : nil }
            shift += 7
        }
        return nil
    }

    private static func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        var rest = UInt(value)
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
