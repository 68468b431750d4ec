import MigrateCore
import MigrateSQL
import MigrateScript

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
                return "revision \(revision) was applied at \(appliedAt), and "
                    + (path.map { "its file \($0)" } ?? "its compiled migration") + " has changed since"
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
        return verificationProblems(graph: graph, recorded: try context.readRecordedState(connection, versionTable: table))
    }

    /// The checksum of `revision` to compare with `recorded`, or nil when they cannot be compared.
    ///
    /// An app records a compiled migration's checksum over its operations (``OperationChecksum``);
    /// the command line computes the same from the Swift file it parses. A file's checksum (of
    /// its text) recorded by the command line cannot be checked by an app, which compiled the
    /// file and never saw its text: that pair is skipped rather than reported as changed.
    static func comparableChecksum(of revision: Revision, recorded: String) -> String? {
        if OperationChecksum.isOperationChecksum(recorded) {
            return OperationChecksum.checksum(of: revision)
        }
        guard let current = revision.checksum, !OperationChecksum.isOperationChecksum(current) else { return nil }
        return current
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
            guard applied.contains(entry.revision), let recorded = entry.checksum,
                let current = comparableChecksum(of: revision, recorded: recorded), recorded != current
            else { return nil }
            return VerificationProblem(
                kind: .changedSinceApplied, revision: entry.revision, path: revision.path, appliedAt: entry.appliedAt)
        }
    }
}
