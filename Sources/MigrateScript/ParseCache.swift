#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MigrateCore

/// What Swift files were read into (the revision of a migration file, the tables of a models
/// file), stored by the SHA-256 of each file's text, so that commands skip parsing the files that
/// did not change: a long Swift history for every command, a large models file for `check`.
///
/// The cache is one file, read once and rewritten (to a temporary name, then renamed) only when
/// the set of files changed: a thousand small files would cost more to create and open than
/// parsing saves. It is safe to delete at any time; a missing or damaged file only means the
/// migrations are parsed again.
package struct ParseCache: Sendable {
    /// The cache file; its name carries the encoding's version.
    package let path: String
    private let entries: [String: [UInt8]]

    /// The cache of one kind of file (`swift` for migrations, `models`) stored in `folder`
    /// (nothing yet if it has no cache file).
    package init(folder: String, kind: String = "swift") {
        path = FilePath.join(folder, "\(kind)-v\(RevisionCoding.formatVersion).cache")
        entries = FileManager.default.contents(atPath: path)
            .flatMap { RevisionCoding.decode(entries: [UInt8]($0)) } ?? [:]
    }

    /// The encoded revision stored for a file with this checksum.
    package func entry(checksum: String) -> [UInt8]? { entries[checksum] }

    /// The revision stored for a file with this checksum, with `path` as its path; without
    /// `operations`, only its header is decoded (for commands that need only the graph).
    package func revision(checksum: String, path: String, operations: Bool = true) -> Revision? {
        entries[checksum].flatMap { RevisionCoding.decode($0, path: path, operations: operations) }
    }

    /// Rewrites the cache to hold exactly `current` (checksum to encoded revision: the files just
    /// read), unless it already does. Failures are ignored: the cache is an optimisation, and a
    /// read-only checkout must still work.
    package func update(_ current: [String: [UInt8]]) {
        guard Set(current.keys) != Set(entries.keys) else { return }
        let bytes = RevisionCoding.encode(entries: current)
        let folder = FilePath.parent(path)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A unique temporary name renamed into place: a reader sees a whole file or none.
        let temporary = path + ".\(UInt64.random(in: 0...UInt64.max)).tmp"
        guard (try? Data(bytes).write(to: URL(fileURLWithPath: temporary))) != nil else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }
}
