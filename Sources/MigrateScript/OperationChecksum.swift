import MigrateCore

/// The checksum of a Swift migration as its operations, for the history table.
///
/// An app compiles its Swift migrations and cannot see their text, while the command line reads
/// the same files without compiling them; both arrive at the same operations. So a compiled
/// migration's checksum is taken over its operations written in their canonical Swift spelling
/// (the calls `revision --autogenerate` would write for them, one per line, `upgrade` then a
/// separator then `downgrade`), and the command line can compute the same value from a parsed
/// file to compare with what an app recorded.
///
/// It reads `ops-` and the first 60 hex digits of that text's SHA-256 (240 bits), so that it
/// fits the history table's 64 characters and can never be taken for a file's checksum (64 hex
/// digits): ``isOperationChecksum(_:)`` tells which kind a recorded checksum is. Comments,
/// formatting, the doc comment and the body of an `op.run` closure are not part of it.
package enum OperationChecksum {
    package static let prefix = "ops-"

    package static func checksum(upgrade: [Operation], downgrade: [Operation]) -> String {
        var text = ""
        for operation in upgrade { text += SwiftMigrationWriter.statement(operation).description + "\n" }
        text += "---\n"
        for operation in downgrade { text += SwiftMigrationWriter.statement(operation).description + "\n" }
        return prefix + SHA256.hex(text.utf8).prefix(60)
    }

    package static func checksum(of revision: Revision) -> String {
        checksum(upgrade: revision.upgrade, downgrade: revision.downgrade)
    }

    /// Whether a recorded checksum is of this kind (an app recorded it) rather than a file's.
    package static func isOperationChecksum(_ checksum: String) -> Bool {
        checksum.hasPrefix(prefix)
    }
}
