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
    public static func load(folders: [String], useCache: Bool = true, detail: Detail = .full) throws -> ScriptDirectory {
        let revisions = try readRevisions(folders: folders, useCache: useCache, detail: detail)
        return ScriptDirectory(folders: folders, revisions: revisions, graph: try RevisionGraph(revisions))
    }

    /// The revisions of the folders' files, without the graph: an app's ``Migrator`` adds its
    /// compiled migrations before the graph is formed.
    static func readRevisions(folders: [String], useCache: Bool, detail: Detail) throws -> [Revision] {
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
                    let path = FilePath.join(folder, name)
                    try requireRegularFile(path, name: name, in: handle)
                    files.append(MigrationFile(path: path, name: name, folder: handle))
                }
            }
        }
        let cache = useCache ? cacheFolder(versions: folders).map { ParseCache(folder: $0) } : nil
        let read = try readRevisions(files, cache: cache, detail: detail)
        cache?.update(read.cacheEntries)
        return read.revisions
    }

    /// Refuses a named pipe, socket, device or folder under a migration file's name, looking
    /// at it without opening it: reading a named pipe would wait for a writer forever, and
    /// skipping it would leave a migration out of the history without a word. A symbolic link to
    /// a regular file is fine; one that leads nowhere is reported when the file is read.
    private static func requireRegularFile(_ path: String, name: String, in folder: DirectoryHandle?) throws {
        guard let kind = try? FileText.kind(of: path, name: name, in: folder?.descriptor), kind != .regular else { return }
        throw MigrateError(
            .script, "\(kind) is not a migration file",
            hint: "migration files must be regular files (or symbolic links to them): remove it, or move it out of the versions folder",
            location: SourceLocation(path: path))
    }

    /// How much of each migration file a command needs.
    public enum Detail: Sendable {
        /// Identifiers, parents, branch labels, dependencies and messages: what `heads`,
        /// `history`, `show` and new revisions need. Revisions come without operations and
        /// without checksums, since hashing every file and splitting every SQL section are most
        /// of the time these commands would spend on a long history.
        case graph
        /// Everything, with each file's checksum: for running, printing and verifying migrations.
        case full
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
        _ files: [MigrationFile], cache: ParseCache?, detail: Detail
    ) throws -> (revisions: [Revision], cacheEntries: [String: [UInt8]]) {
        let results = UnsafeMutableBufferPointer<Result<ReadFile, any Error>>.allocate(capacity: files.count)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            (slots.baseAddress! + index).initialize(to: Result { try readRevision(files[index], cache: cache, detail: detail) })
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

    /// Reads one file into a revision, with the checksum of its bytes when `detail` or the
    /// parse cache needs it.
    private static func readRevision(_ file: MigrationFile, cache: ParseCache?, detail: Detail) throws -> ReadFile {
        let path = file.path
        let text: String
        do {
            text = try FileText.contents(of: path, name: file.name, in: file.folder?.descriptor, regularFileOnly: true)
        } catch {
            if case .notUTF8(let invalid) = error.reason {
                throw MigrateError(
                    .script, "cannot read the migration file",
                    hint: "save it as UTF-8 text (`iconv -f LATIN1 -t UTF-8` converts a Latin-1 file), or fix the bytes at that place",
                    location: SourceLocation(path: path, line: invalid.line, column: invalid.column), cause: error)
            }
            throw MigrateError(
                .script, "cannot read the migration file", hint: "check that it exists and is UTF-8 text",
                location: SourceLocation(path: path), cause: error)
        }
        let isSwift = path.hasSuffix(".swift")
        let full = detail == .full
        let checksum = full || (isSwift && cache != nil) ? SHA256.hex(text.utf8) : nil
        var revision: Revision
        var cacheEntry: [UInt8]?
        if isSwift {
            // A graph command decodes only the header, but keeps the entry's bytes as they
            // are, operations included: the rewritten cache stays whole for every command.
            if let checksum, let cached = cache?.revision(checksum: checksum, path: path, operations: full) {
                revision = cached
                cacheEntry = cache?.entry(checksum: checksum)
            } else {
                revision = try SwiftMigrationFile.revision(parsing: text, path: path)
                if cache != nil { cacheEntry = RevisionCoding.encode(revision) }
            }
        } else {
            revision = try SQLMigrationFile(parsing: text, path: path, splittingStatements: full).revision
        }
        if full {
            try revision.checkTransactionControl(fileText: text)
            revision.checksum = checksum
        } else {
            revision.upgrade = []
            revision.downgrade = []
            revision.upgradeLines = []
            revision.downgradeLines = []
        }
        return ReadFile(revision: revision, checksum: checksum, cacheEntry: cacheEntry)
    }
}
