import Foundation
import MigrateCore

/// The migration files of a project, read from its version folders into a revision graph.
public struct ScriptDirectory: Sendable {
    /// The folders read, absolute, in configuration order; new revisions go to the first.
    public var folders: [String]
    public var revisions: [Revision]
    public var graph: RevisionGraph

    /// Reads every `*.sql` and `*.swift` file of the folders (not recursive; other files and
    /// hidden files are ignored) and validates the graph they form.
    public static func load(folders: [String]) throws -> ScriptDirectory {
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
        let revisions = try paths.map(readRevision)
        return ScriptDirectory(folders: folders, revisions: revisions, graph: try RevisionGraph(revisions))
    }

    /// Reads one file into a revision, with the checksum of its bytes.
    private static func readRevision(at path: String) throws -> Revision {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MigrateError(
                .script, "cannot read the migration file", hint: "check that it exists and is UTF-8 text",
                location: SourceLocation(path: path), cause: error)
        }
        var revision: Revision
        if path.hasSuffix(".swift") {
            throw MigrateError(
                .script, "Swift migration files are not supported by this version of migrate",
                hint: "write the migration as a .sql file (`migrate revision --format sql`)",
                location: SourceLocation(path: path))
        } else {
            revision = try SQLMigrationFile(parsing: text, path: path).revision
        }
        revision.checksum = SHA256.hex(text.utf8)
        return revision
    }
}
