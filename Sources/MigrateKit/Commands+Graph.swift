#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateScript
import MigrateSQL

/// A revision as the read commands (`heads`, `branches`, `history`, `show`, `current`) report
/// it, with the facts about its place in the graph that people and scripts ask about.
///
/// It encodes to the JSON objects described in the README (`revision`, `down_revisions`, `branch_labels`,
/// `depends_on`, `message`, `path`, `is_head`, `is_base`, `is_branch_point`, `is_merge_point`,
/// plus `children`, `description`, `create_date` (null when the file does not record it), and
/// `is_current` when the command read the database).
public struct RevisionInfo: Sendable, Hashable, Encodable {
    public var revision: String
    public var downRevisions: [String]
    /// The branch labels the revision carries, its own and those inherited along its branch.
    public var branchLabels: [String]
    public var dependsOn: [String]
    public var message: String
    /// The lines after the message in the file's doc comment or header comments.
    public var longDescription: String
    /// When the file was written, as it records it; nil when it does not.
    public var createDate: String?
    public var path: String?
    /// Nothing builds on it, neither as a child nor through `depends_on`.
    public var isHead: Bool
    /// No child, but other revisions depend on it (Alembic's "effective head").
    public var isEffectiveHead: Bool
    public var isBase: Bool
    public var isBranchPoint: Bool
    public var isMergePoint: Bool
    /// The revisions whose down_revision names this one, sorted.
    public var children: [String]
    /// Whether the database's version table names it; nil when the database was not read.
    public var isCurrent: Bool?

    enum CodingKeys: String, CodingKey {
        case revision, message, path, children
        case longDescription = "description"
        case createDate = "create_date"
        case downRevisions = "down_revisions"
        case branchLabels = "branch_labels"
        case dependsOn = "depends_on"
        case isHead = "is_head"
        case isBase = "is_base"
        case isBranchPoint = "is_branch_point"
        case isMergePoint = "is_merge_point"
        case isCurrent = "is_current"
    }

    init(_ graph: RevisionGraph, _ id: String, current: Set<String>?) {
        let revision = graph.revisions[id]!
        self.revision = id
        downRevisions = revision.downRevisions
        branchLabels = graph.branchLabels(of: id)
        dependsOn = revision.dependsOn
        message = revision.message
        longDescription = revision.longDescription
        createDate = revision.createDate
        path = revision.path
        isHead = graph.isHead(id)
        children = graph.children(of: id)
        isEffectiveHead = !isHead && children.isEmpty
        isBase = revision.isBase
        isBranchPoint = graph.isBranchPoint(id)
        isMergePoint = revision.isMergePoint
        isCurrent = current.map { $0.contains(id) }
    }

    /// Every key always present (`create_date` null when unknown), `is_current` only when the
    /// database was read.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(revision, forKey: .revision)
        try container.encode(downRevisions, forKey: .downRevisions)
        try container.encode(branchLabels, forKey: .branchLabels)
        try container.encode(dependsOn, forKey: .dependsOn)
        try container.encode(message, forKey: .message)
        try container.encode(longDescription, forKey: .longDescription)
        try container.encode(createDate, forKey: .createDate)
        try container.encodeIfPresent(path, forKey: .path)
        try container.encode(isHead, forKey: .isHead)
        try container.encode(isBase, forKey: .isBase)
        try container.encode(isBranchPoint, forKey: .isBranchPoint)
        try container.encode(isMergePoint, forKey: .isMergePoint)
        try container.encode(children, forKey: .children)
        try container.encodeIfPresent(isCurrent, forKey: .isCurrent)
    }
}

/// What `history` lists: the revisions newest first, and the same revisions drawn as a graph.
public struct History: Sendable {
    public var revisions: [RevisionInfo]
    /// One row per revision, in the same order, for `history --graph`.
    public var graph: [GraphRow]
}

/// A revision two or more revisions build on, and those revisions, for `branches`.
public struct BranchPoint: Sendable {
    public var revision: RevisionInfo
    /// The first revision of each branch, sorted by id.
    public var branches: [RevisionInfo]
}

/// What `current --json` reports: the version table's rows and the revisions they name.
public struct CurrentState: Sendable, Encodable {
    /// The version table's rows, in topological order.
    public var databaseHeads: [String]
    public var revisions: [RevisionInfo]

    enum CodingKeys: String, CodingKey {
        case databaseHeads = "database_heads"
        case revisions
    }
}

extension Commands {
    // MARK: heads / branches / history / show

    /// The heads of the graph in topological order. By default every revision with no child,
    /// including those other revisions only depend on (as `alembic heads` lists them);
    /// `resolveDependencies` keeps only the revisions nothing needs, the ones `upgrade heads` reaches.
    public static func heads(_ context: Context, resolveDependencies: Bool = false) throws -> [RevisionInfo] {
        let graph = try context.scripts(.graph).graph
        return (resolveDependencies ? graph.heads : graph.tips).map { RevisionInfo(graph, $0, current: nil) }
    }

    /// The branch points, newest first, each with the first revision of each of its branches.
    public static func branches(_ context: Context) throws -> [BranchPoint] {
        let graph = try context.scripts(.graph).graph
        return graph.newestFirst().filter(graph.isBranchPoint).map { id in
            BranchPoint(
                revision: RevisionInfo(graph, id, current: nil),
                branches: graph.children(of: id).map { RevisionInfo(graph, $0, current: nil) })
        }
    }

    /// The revisions newest first, all of them or those of `range` (`A:B`, both ends included,
    /// either end may be left out). The database is read only when `indicateCurrent` asks for
    /// it or the range is relative to it (`current`, `-1:`).
    public static func history(_ context: Context, range: String? = nil, indicateCurrent: Bool = false) throws -> History {
        let graph = try context.scripts(.graph).graph
        let ends = range.map { $0.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init) }
        if let range, ends?.count != 2 {
            throw MigrateError(
                .usage, "'\(range)' is not a range: history takes START:END, START: or :END",
                hint: "e.g. `migrate history -r base:head`, `-r ae10:`, `-r current:heads`")
        }
        let needsDatabase = indicateCurrent || (ends ?? []).contains(where: RevisionGraph.isRelativeToCurrent)
        let current = needsDatabase ? try databaseHeads(context, graph) : nil
        let listed = try graph.history(from: ends?[0], to: ends?[1], current: current)
        return History(
            revisions: listed.map { RevisionInfo(graph, $0, current: indicateCurrent ? current : nil) },
            graph: graph.drawGraph(listed))
    }

    /// The revisions an identifier names (`heads` names several). Identifiers relative to the
    /// database (`current`, `-1`) read it.
    public static func show(_ context: Context, _ identifier: String) throws -> [RevisionInfo] {
        let graph = try context.scripts(.graph).graph
        let current = RevisionGraph.isRelativeToCurrent(identifier) ? try databaseHeads(context, graph) : nil
        let ids = try graph.resolve(identifier, current: current)
        if ids.isEmpty {
            throw MigrateError(
                .usage, "'\(identifier)' names no revision (it is base)",
                hint: "`migrate history` lists the revisions")
        }
        return ids.map { RevisionInfo(graph, $0, current: current) }
    }

    /// The database's version table rows, and the revisions `current` shows for them (see
    /// ``current(_:)``) with what the graph knows of each, for `current --json`.
    public static func currentState(_ context: Context) throws -> CurrentState {
        let graph = try context.scripts(.graph).graph
        let heads = try databaseHeads(context, graph)
        return CurrentState(
            databaseHeads: graph.loadOrdered(heads),
            revisions: graph.currentRevisions(heads: heads).map { RevisionInfo(graph, $0, current: heads) })
    }

    /// The heads the database's version table names, checked against the graph; none when the
    /// table does not exist (it is not created).
    static func databaseHeads(_ context: Context, _ graph: RevisionGraph) throws -> Set<String> {
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        let heads = try context.readCurrentHeads(connection, versionTable: table)
        try graph.validateDatabaseHeads(heads, versionTable: table.displayName)
        return heads
    }

    // MARK: merge

    /// Options of `migrate merge`.
    public struct MergeOptions: Sendable {
        public var message: String
        /// The revisions to join: ids, prefixes, labels, `heads`.
        public var revisions: [String]
        public var revisionID: String?
        public var branchLabels: [String] = []
        /// The file format, by default the one `revision` writes.
        public var format: FileFormat = RevisionOptions(message: "").format

        public init(message: String, revisions: [String]) {
            self.message = message
            self.revisions = revisions
        }
    }

    /// Writes a migration file whose down_revision names every revision given (two or more
    /// heads), with empty upgrade and downgrade parts, and returns what it wrote.
    public static func merge(_ context: Context, _ options: MergeOptions) throws -> NewRevision {
        let scripts = try context.scripts(.graph)
        let graph = scripts.graph
        var parents: [String] = []
        for identifier in options.revisions {
            for id in try graph.resolve(identifier) where !parents.contains(id) { parents.append(id) }
        }
        guard parents.count >= 2 else {
            throw MigrateError(
                .usage,
                "a merge joins two or more revisions; \(options.revisions.joined(separator: " ")) names \(parents.isEmpty ? "none" : "only \(parents[0])")",
                hint: "`migrate heads` lists the heads to merge; `migrate merge -m MSG heads` joins all of them")
        }
        for parent in parents where !graph.children(of: parent).isEmpty {
            throw MigrateError(
                .usage,
                "revision \(parent) is not a head: \(graph.children(of: parent).joined(separator: ", ")) already build\(graph.children(of: parent).count == 1 ? "s" : "") on it",
                hint: "merge heads (`migrate heads` lists them)")
        }
        for parent in parents {
            let ancestors = graph.ancestors(of: [parent])
            if let other = parents.first(where: ancestors.contains) {
                throw MigrateError(
                    .usage, "revision \(other) is already an ancestor of \(parent) (through depends_on), so there is nothing to merge",
                    hint: "merge only revisions on separate branches")
            }
        }
        let id = options.revisionID ?? newRevisionID()
        guard Revision.isValidID(id.utf8) else {
            throw MigrateError(.usage, "revision id '\(id)' may hold only letters, digits and underscores")
        }
        if let existing = graph.revisions[id] {
            throw MigrateError(.usage, "revision id \(id) is already used by \(existing.path ?? "another file")")
        }
        for label in options.branchLabels {
            if let owner = graph.labelOwner(label) {
                throw MigrateError(.usage, "branch label '\(label)' is already used by \(owner)")
            }
        }
        let path = FilePath.join(scripts.folders[0], "\(id)_\(slug(options.message)).\(options.format.rawValue)")
        return try writeMigrationFile(
            context, path: path, format: options.format, id: id, parents: parents, branchLabels: options.branchLabels,
            dependsOn: [], message: options.message)
    }
}
