import MigrateCore

/// The parse cache's entries: a ``Revision`` read from a Swift file, or the tables of a models
/// file, in ``CompactCoding``'s binary form (derived from the model's `Codable` conformances):
/// decoding it is much cheaper than parsing and interpreting the Swift again.
///
/// The format is private to one version of migrate: ``formatVersion`` names the cache file, so
/// an old cache is never read, only replaced.
package enum RevisionCoding {
    /// Bumped whenever the encoding or the interpreter's output changes; a test pins the
    /// encoding of every operation, so a change to the model that would be misread fails it.
    package static let formatVersion = 2

    /// The revision without its path and checksum (the file's, supplied again when decoding):
    /// an entry stands for any file with the same text. Empty if it cannot be encoded, which
    /// decodes as no entry, so the file is just parsed again.
    package static func encode(_ revision: Revision) -> [UInt8] {
        var revision = revision
        revision.path = nil
        revision.checksum = nil
        return (try? CompactCoding.encode(revision)) ?? []
    }

    /// The revision, or nil when the bytes are not a valid encoding (a truncated cache file).
    package static func decode(_ bytes: [UInt8], path: String) -> Revision? {
        guard var revision = try? CompactCoding.decode(Revision.self, from: bytes) else { return nil }
        revision.path = path
        return revision
    }

    /// The tables a models file declares, for the models cache.
    package static func encode(tables: [Table]) -> [UInt8] {
        (try? CompactCoding.encode(tables)) ?? []
    }

    /// The tables of a models cache entry, or nil when the bytes are not a valid encoding.
    package static func decode(tables bytes: [UInt8]) -> [Table]? {
        try? CompactCoding.decode([Table].self, from: bytes)
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
        /// A length that fits in the bytes left, or nil.
        func length() -> Int? {
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

    private static func appendLength(_ value: Int, to bytes: inout [UInt8]) {
        var rest = UInt(value)
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
