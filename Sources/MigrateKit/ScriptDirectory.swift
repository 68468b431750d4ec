import Foundation
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
    public static func load(folders: [String], useCache: Bool = true) throws -> ScriptDirectory {
        let fileManager = FileManager.default
        var paths: [String] = []
        for folder in folders {
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
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
            for name in names.sorted() where !name.hasPrefix(".") {
                if name.hasSuffix(".sql") || name.hasSuffix(".swift") {
                    paths.append((folder as NSString).appendingPathComponent(name))
                }
            }
        }
        var cache: ParseCache?
        if useCache, let first = folders.first {
            let environment = (first as NSString).deletingLastPathComponent as NSString
            cache = ParseCache(folder: environment.appendingPathComponent(".migrate-cache"))
        }
        let read = try readRevisions(at: paths, cache: cache)
        cache?.update(read.cacheEntries)
        let revisions = read.revisions
        return ScriptDirectory(folders: folders, revisions: revisions, graph: try RevisionGraph(revisions))
    }

    /// Reads the files on all cores, since parsing a long Swift history one file at a time would
    /// make every command slow; the first failing file (in path order) is reported.
    private static func readRevisions(
        at paths: [String], cache: ParseCache?
    ) throws -> (revisions: [Revision], cacheEntries: [String: [UInt8]]) {
        let results = UnsafeMutableBufferPointer<Result<ReadFile, any Error>>.allocate(capacity: paths.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            (slots.baseAddress! + index).initialize(to: Result { try readRevision(at: paths[index], cache: cache) })
        }
        defer { _ = results.baseAddress.map { $0.deinitialize(count: paths.count) } }
        let files = try results.map { try $0.get() }
        var entries: [String: [UInt8]] = [:]
        for file in files {
            if let entry = file.cacheEntry, let checksum = file.revision.checksum { entries[checksum] = entry }
        }
        return (files.map(\.revision), entries)
    }

    /// A file read: its revision, and for a Swift file the revision's encoding for the parse cache.
    private struct ReadFile {
        var revision: Revision
        var cacheEntry: [UInt8]?
    }

    /// Reads one file into a revision, with the checksum of its bytes.
    private static func readRevision(at path: String, cache: ParseCache?) throws -> ReadFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MigrateError(
                .script, "cannot read the migration file", hint: "check that it exists and is UTF-8 text",
                location: SourceLocation(path: path), cause: error)
        }
        let checksum = SHA256.hex(text.utf8)
        var revision: Revision
        var cacheEntry: [UInt8]?
        if path.hasSuffix(".swift") {
            if let cached = cache?.revision(checksum: checksum, path: path) {
                revision = cached
                cacheEntry = cache?.entry(checksum: checksum)
            } else {
                revision = try SwiftMigrationFile.revision(parsing: text, path: path)
                if cache != nil { cacheEntry = RevisionCoding.encode(revision) }
            }
        } else {
            revision = try SQLMigrationFile(parsing: text, path: path).revision
        }
        revision.checksum = checksum
        return ReadFile(revision: revision, cacheEntry: cacheEntry)
    }
}
