import MigrateCore

/// A migration written in Swift: one type per file in `versions/`, named `Rev_<revision>`.
///
/// The command line reads these files without compiling them (it parses them and interprets
/// the calls on `op`), and an app can compile the same files and run them through MigrateKit,
/// so one file serves both. The first line of the type's doc comment is the migration's message,
/// the lines after it its description.
///
/// ```swift
/// import MigrateKit
///
/// /// add accounts
/// enum Rev_1975ea83b712: Migration {
///     static let revision = "1975ea83b712"
///     static let downRevision: [String] = ["27c6a30d7c24"]
///
///     static func upgrade(_ op: Operations) {
///         op.createTable("accounts",
///             Column("id", .integer, primaryKey: true),
///             Column("name", .string(length: 50), nullable: false))
///     }
///
///     static func downgrade(_ op: Operations) {
///         op.dropTable("accounts")
///     }
/// }
/// ```
public protocol Migration {
    /// The revision id, by default 12 lowercase hex digits.
    static var revision: String { get }
    /// The parents: empty for a first migration, several for a merge.
    static var downRevision: [String] { get }
    /// Names that `LABEL@head` resolves through; none by default.
    static var branchLabels: [String] { get }
    /// Revisions that must be applied first without being parents; none by default.
    static var dependsOn: [String] { get }
    /// False runs the migration outside a transaction (for `CREATE INDEX CONCURRENTLY`); true by default.
    static var transactional: Bool { get }
    /// The one-line description. The command line reads the type's doc comment when this is not
    /// declared, but compiled code cannot see comments: declare it (`static let message = "…"`)
    /// for an app's ``Migrator`` to show it in its progress and messages.
    static var message: String { get }
    /// When the file was written (`2026-12-06 04:30:00.123456`, UTC), as `migrate revision`
    /// records it for `show`'s `Create Date:` line; empty by default.
    static var createDate: String { get }

    /// Describes the changes from the parents to this revision.
    static func upgrade(_ op: Operations)
    /// Describes the changes back from this revision to its parents.
    static func downgrade(_ op: Operations)
}

extension Migration {
    public static var branchLabels: [String] { [] }
    public static var dependsOn: [String] { [] }
    public static var transactional: Bool { true }
    public static var message: String { "" }
    public static var createDate: String { "" }

    /// The revision this migration describes, with the operations its bodies record, so an app
    /// can run compiled migrations; `message` stands in for ``message`` when not nil.
    ///
    /// The closures of `op.run` calls are not part of a revision: ``Migrator`` runs them.
    public static func makeRevision(message: String? = nil, path: String? = nil) -> Revision {
        compile(message: message, path: path).revision
    }

    /// The revision, and the `op.run` closures of each direction by operation index.
    static func compile(message: String? = nil, path: String? = nil)
        -> (revision: Revision, upgrade: [Int: SwiftCode], downgrade: [Int: SwiftCode])
    {
        let upgradeOperations = Operations()
        upgrade(upgradeOperations)
        let downgradeOperations = Operations()
        downgrade(downgradeOperations)
        let revision = Revision(
            id: revision, downRevisions: downRevision, branchLabels: branchLabels, dependsOn: dependsOn,
            message: message ?? self.message, createDate: createDate.isEmpty ? nil : createDate, path: path, isTransactional: transactional,
            upgrade: upgradeOperations.operations, downgrade: downgradeOperations.operations)
        return (revision, upgradeOperations.swiftCode, downgradeOperations.swiftCode)
    }
}
