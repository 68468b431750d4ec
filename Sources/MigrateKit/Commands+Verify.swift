import MigrateCore
import MigrateSQL

extension Commands {
    /// Something `verify` found wrong between the history table and the migration files.
    public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable {
            /// The file of an applied revision changed after it was applied.
            case changedSinceApplied = "changed"
            /// The database applied a revision that no file in versions/ declares any more.
            case missingFile = "missing"
        }

        public var kind: Kind
        public var revision: String
        public var path: String?
        public var appliedAt: String

        public var description: String {
            switch kind {
            case .changedSinceApplied:
                return "revision \(revision) was applied at \(appliedAt), and its file \(path ?? "") has changed since"
            case .missingFile:
                return "revision \(revision) was applied at \(appliedAt), but no file in versions/ declares it any more"
            }
        }
    }

    /// Compares the checksums recorded when revisions were applied with the files as they are.
    /// Revisions applied before the history table existed (or stamped) have nothing to compare.
    public static func verify(_ context: Context) throws -> [VerificationProblem] {
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        return verificationProblems(graph: graph, recorded: try RecordedState.read(connection, versionTable: table, historyTable: context.historyTable(dialect: connection.dialect)))
    }

    static func verificationProblems(graph: RevisionGraph, recorded: RecordedState) -> [VerificationProblem] {
        let entries = recorded.history
        guard !entries.isEmpty else { return [] }
        let heads = recorded.heads.filter { graph.revisions[$0] != nil }
        let applied = graph.appliedRevisions(heads: heads)
        return entries.compactMap { entry in
            guard let revision = graph.revisions[entry.revision] else {
                return VerificationProblem(kind: .missingFile, revision: entry.revision, path: nil, appliedAt: entry.appliedAt)
            }
            guard applied.contains(entry.revision), let recorded = entry.checksum, let current = revision.checksum,
                recorded != current
            else { return nil }
            return VerificationProblem(
                kind: .changedSinceApplied, revision: entry.revision, path: revision.path, appliedAt: entry.appliedAt)
        }
    }
}
