#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Dispatch
import MigrateCore
import MigrateScript

/// The migration files of a project, read from its version folders into a revision graph.
public struct ScriptDirectory: Sendable {
    /// The folders read, absolute, in configuration order; new revisions go to the first.
    public var folders: [String]
    public var revisions: [Revision]
    public var graph: RevisionGraph

    /// Reads every `*.sql` and `*.swift` file of the folders (not recursive; other files and
    /// hidden files are ignored) and validates the graph they form.
    ///
    /// What Swift files were read into is kept in `.migrate-cache/` beside the first folder (the
    /// environment's folder, usually), keyed by each file's content, so unchanged files are not
    /// parsed again; `useCache: false` reads everything afresh and writes nothing.
    ///
    /// `checksums: false` leaves ``Revision/checksum`` nil where no cache needs it, for commands
    /// that only read the graph (`heads`, `history`): hashing every file is a noticeable part of
    /// their time on a long history.
    public static func load(folders: [String], useCache: Bool = true, checksums: Bool = true) throws -> ScriptDirectory {
        let fileManager = FileManager.default
        var files: [MigrationFile] = []
        for folder in folders {
            var isDirectory = false
            guard fileManager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory else {
                throw MigrateError(
                    .configuration, "the versions folder \(folder) does not exist",
                    hint: "create it, fix `versions` in migrate.json, or run `migrate init`")
            }
            let names: [String]
            do {
                names = try fileManager.contentsOfDirectory(atPath: folder)
            } catch {
                throw MigrateError(.configuration, "cannot list the versions folder \(folder)", cause: error)
            }
            let handle = DirectoryHandle(path: folder)
            for name in names.sorted() where !name.hasPrefix(".") {
                if name.hasSuffix(".sql") || name.hasSuffix(".swift") {
                    files.append(MigrationFile(
                        path: FilePath.join(folder, name), name: name, folder: handle))
                }
            }
        }
        let cache = useCache ? cacheFolder(versions: folders).map { ParseCache(folder: $0) } : nil
        let read = try readRevisions(files, cache: cache, checksums: checksums)
        cache?.update(read.cacheEntries)
        let revisions = read.revisions
        return ScriptDirectory(folders: folders, revisions: revisions, graph: try RevisionGraph(revisions))
    }

    /// A migration file to read: its path, and its name in its (open) folder.
    private struct MigrationFile: Sendable {
        var path: String
        var name: String
        var folder: DirectoryHandle?
    }

    /// Where parse caches are kept: `.migrate-cache/` beside the first versions folder (in the
    /// environment's folder, usually).
    static func cacheFolder(versions: [String]) -> String? {
        versions.first.map { FilePath.join(FilePath.parent($0), ".migrate-cache") }
    }

    /// Reads the files on all cores, since parsing a long Swift history one file at a time would
    /// make every command slow; the first failing file (in path order) is reported.
    private static func readRevisions(
        _ files: [MigrationFile], cache: ParseCache?, checksums: Bool
    ) throws -> (revisions: [Revision], cacheEntries: [String: [UInt8]]) {
        let results = UnsafeMutableBufferPointer<Result<ReadFile, any Error>>.allocate(capacity: files.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            (slots.baseAddress! + index).initialize(to: Result { try readRevision(files[index], cache: cache, checksums: checksums) })
        }
        defer { _ = results.baseAddress.map { $0.deinitialize(count: files.count) } }
        let read = try results.map { try $0.get() }
        var entries: [String: [UInt8]] = [:]
        for file in read {
            if let entry = file.cacheEntry, let checksum = file.checksum { entries[checksum] = entry }
        }
        return (read.map(\.revision), entries)
    }

    /// A file read: its revision, and for a Swift file the revision's encoding for the parse cache.
    private struct ReadFile {
        var revision: Revision
        var checksum: String?
        var cacheEntry: [UInt8]?
    }

    /// Reads one file into a revision, with the checksum of its bytes.
    private static func readRevision(_ file: MigrationFile, cache: ParseCache?, checksums: Bool) throws -> ReadFile {
        let path = file.path
        let text: String
        do {
            text = try FileText.contents(of: path, name: file.name, in: file.folder?.descriptor)
        } catch {
            throw MigrateError(
                .script, "cannot read the migration file", hint: "check that it exists and is UTF-8 text",
                location: SourceLocation(path: path), cause: error)
        }
        let isSwift = path.hasSuffix(".swift")
        let checksum = checksums || (isSwift && cache != nil) ? SHA256.hex(text.utf8) : nil
        var revision: Revision
        var cacheEntry: [UInt8]?
        if isSwift {
            if let checksum, let cached = cache?.revision(checksum: checksum, path: path) {
                revision = cached
                cacheEntry = cache?.entry(checksum: checksum)
            } else {
                revision = try SwiftMigrationFile.revision(parsing: text, path: path)
                if cache != nil { cacheEntry = RevisionCoding.encode(revision) }
            }
        } else {
            revision = try SQLMigrationFile(parsing: text, path: path).revision
        }
        if checksums { revision.checksum = checksum }
        return ReadFile(revision: revision, checksum: checksum, cacheEntry: cacheEntry)
    }
}
