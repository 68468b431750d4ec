/// The revisions of a project and the edges between them: parents (`down_revision`) and
/// dependencies (`depends_on`).
///
/// The graph is validated once when built (no duplicate ids, no dangling parents or
/// dependencies, no cycles, no label on two revisions), so every later question — heads, order,
/// what to run to reach a target — can be answered without failing.
public struct RevisionGraph: Sendable {
    /// Every revision by id.
    public let revisions: [String: Revision]
    /// Every id in a deterministic topological order: parents and dependencies before their
    /// children, ties broken by id.
    public let order: [String]
    /// Children along `down_revision` edges, sorted.
    let children: [String: [String]]
    /// Revisions that name the key in `depends_on`, sorted.
    let dependents: [String: [String]]
    /// Position of each id in `order`, to sort sets of ids topologically.
    let position: [String: Int]
    /// The revision that declares each branch label.
    let labelOwners: [String: String]
    /// The labels each revision carries (see ``branchLabels(of:)``), computed once so that
    /// listing a long history stays linear.
    let labelsByRevision: [String: [String]]

    /// Builds and validates the graph. Throws ``MigrateError`` of kind `.graph` naming the ids
    /// and files involved.
    public init(_ list: [Revision]) throws {
        var revisions: [String: Revision] = [:]
        revisions.reserveCapacity(list.count)
        for revision in list {
            if let existing = revisions[revision.id] {
                throw MigrateError(
                    .graph,
                    "revision \(revision.id) is declared twice: in \(existing.path ?? "?") and in \(revision.path ?? "?")",
                    hint: "give one of the files a new id (`migrate revision` makes unique ones)")
            }
            revisions[revision.id] = revision
        }

        var children: [String: [String]] = [:]
        var dependents: [String: [String]] = [:]
        var labelOwners: [String: String] = [:]
        for revision in list {
            for parent in revision.downRevisions {
                guard revisions[parent] != nil else {
                    throw MigrateError(
                        .graph,
                        "revision \(revision.id) names down_revision \(parent), which no migration file declares",
                        hint: "restore the missing file, or correct down_revision",
                        location: revision.path.map { SourceLocation(path: $0) })
                }
                children[parent, default: []].append(revision.id)
            }
            if Set(revision.downRevisions).count != revision.downRevisions.count {
                throw MigrateError(
                    .graph, "revision \(revision.id) lists the same down_revision twice",
                    hint: "list each parent once in down_revision",
                    location: revision.path.map { SourceLocation(path: $0) })
            }
            for dependency in revision.dependsOn {
                guard revisions[dependency] != nil || list.contains(where: { $0.branchLabels.contains(dependency) }) else {
                    throw MigrateError(
                        .graph,
                        "revision \(revision.id) depends on \(dependency), which is neither a revision nor a branch label",
                        hint: "correct depends_on, or restore the missing file",
                        location: revision.path.map { SourceLocation(path: $0) })
                }
            }
            for label in revision.branchLabels {
                if let owner = labelOwners[label] {
                    throw MigrateError(
                        .graph,
                        "branch label '\(label)' is used by both \(owner) and \(revision.id)",
                        hint: "a label names one branch: keep it on the revision that starts the branch")
                }
                if revisions[label] != nil {
                    throw MigrateError(
                        .graph, "branch label '\(label)' of \(revision.id) is also a revision id",
                        hint: "choose a label that cannot be mistaken for a revision")
                }
                labelOwners[label] = revision.id
            }
        }
        // `depends_on` may name a branch label; it stands for the revision that declares it.
        // (Collected first: writing into `revisions` while iterating it copied every revision.)
        let resolutions = list.filter { !$0.dependsOn.isEmpty }.map { revision in
            (revision.id, revision.dependsOn.map { revisions[$0] != nil ? $0 : labelOwners[$0]! })
        }
        for (id, resolved) in resolutions {
            revisions[id]!.dependsOn = resolved
            for dependency in resolved { dependents[dependency, default: []].append(id) }
        }
        self.revisions = revisions
        self.children = children.mapValues { $0.sorted() }
        self.dependents = dependents.mapValues { $0.sorted() }
        self.labelOwners = labelOwners
        self.order = try Self.topologicalOrder(revisions)
        self.position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var labelsByRevision: [String: [String]] = [:]
        for label in labelOwners.keys.sorted() {
            for member in Self.members(ofLabelOwner: labelOwners[label]!, revisions: revisions, children: self.children) {
                labelsByRevision[member, default: []].append(label)
            }
        }
        self.labelsByRevision = labelsByRevision
    }

    /// Kahn's algorithm with the ready set kept sorted, so the order never depends on file
    /// system listing order.
    private static func topologicalOrder(_ revisions: [String: Revision]) throws -> [String] {
        var remaining: [String: Int] = [:]
        var next: [String: [String]] = [:]
        for (id, revision) in revisions {
            let before = Set(revision.downRevisions + revision.dependsOn)
            remaining[id] = before.count
            for earlier in before { next[earlier, default: []].append(id) }
        }
        var ready = remaining.filter { $0.value == 0 }.map(\.key).sorted(by: >)
        var order: [String] = []
        order.reserveCapacity(revisions.count)
        while let id = ready.popLast() {
            order.append(id)
            var released: [String] = []
            for later in next[id] ?? [] {
                remaining[later]! -= 1
                if remaining[later] == 0 { released.append(later) }
            }
            // Binary insertion keeps `ready` sorted descending without re-sorting it each time.
            for id in released {
                var low = 0
                var high = ready.count
                while low < high {
                    let middle = (low + high) / 2
                    if ready[middle] > id { low = middle + 1 } else { high = middle }
                }
                ready.insert(id, at: low)
            }
        }
        if order.count != revisions.count {
            let stuck = Set(revisions.keys).subtracting(order).sorted()
            throw MigrateError(
                .graph,
                "the revisions \(stuck.joined(separator: ", ")) form a cycle through down_revision or depends_on",
                hint: "a revision cannot come after itself: correct down_revision/depends_on in those files")
        }
        return order
    }

    // MARK: Shape

    /// Revisions nothing builds on: no child and no dependent, in topological order.
    public var heads: [String] {
        order.filter { children[$0] == nil && dependents[$0] == nil }
    }

    /// Revisions with no parent, in topological order.
    public var bases: [String] {
        order.filter { revisions[$0]!.downRevisions.isEmpty }
    }

    /// Whether two or more revisions name this one as their parent.
    public func isBranchPoint(_ id: String) -> Bool { (children[id]?.count ?? 0) > 1 }

    public func isHead(_ id: String) -> Bool { children[id] == nil && dependents[id] == nil }

    /// Revisions no revision names as down_revision, in topological order: the heads plus
    /// those other branches only depend on (Alembic's "effective heads"), which `merge` and
    /// `revision` may still build on.
    public var tips: [String] {
        order.filter { children[$0] == nil }
    }

    /// Children of a revision along down_revision edges, sorted by id.
    public func children(of id: String) -> [String] { children[id] ?? [] }

    /// Ids sorted in the graph's topological order.
    public func topologicallySorted<S: Sequence>(_ ids: S) -> [String] where S.Element == String {
        ids.sorted { position[$0]! < position[$1]! }
    }

    /// Every revision reachable through parents and dependencies, not including the starts.
    public func ancestors<S: Sequence>(of ids: S, includeDependencies: Bool = true) -> Set<String>
    where S.Element == String {
        var seen: Set<String> = []
        var stack: [String] = []
        for id in ids { stack.append(contentsOf: edgesDown(id, includeDependencies)) }
        while let id = stack.popLast() {
            if seen.insert(id).inserted { stack.append(contentsOf: edgesDown(id, includeDependencies)) }
        }
        return seen
    }

    /// Every revision that reaches one of `ids` through parents and dependencies, not including
    /// the starts.
    public func descendants<S: Sequence>(of ids: S, includeDependencies: Bool = true) -> Set<String>
    where S.Element == String {
        var seen: Set<String> = []
        var stack: [String] = []
        for id in ids { stack.append(contentsOf: edgesUp(id, includeDependencies)) }
        while let id = stack.popLast() {
            if seen.insert(id).inserted { stack.append(contentsOf: edgesUp(id, includeDependencies)) }
        }
        return seen
    }

    private func edgesDown(_ id: String, _ includeDependencies: Bool) -> [String] {
        let revision = revisions[id]!
        return includeDependencies ? revision.downRevisions + revision.dependsOn : revision.downRevisions
    }

    private func edgesUp(_ id: String, _ includeDependencies: Bool) -> [String] {
        includeDependencies ? (children[id] ?? []) + (dependents[id] ?? []) : (children[id] ?? [])
    }

    // MARK: Branch labels

    /// The labels a revision carries: its own, those of its ancestors (a label names the whole
    /// branch after the revision that declares it), and those of descendants up to the nearest
    /// branch or merge point, as Alembic propagates them.
    public func branchLabels(of id: String) -> [String] {
        labelsByRevision[id] ?? []
    }

    /// The revisions a branch label names.
    public func members(ofLabel label: String) -> Set<String>? {
        labelOwners[label].map { Self.members(ofLabelOwner: $0, revisions: revisions, children: children) }
    }

    private static func members(
        ofLabelOwner owner: String, revisions: [String: Revision], children: [String: [String]]
    ) -> Set<String> {
        var members: Set<String> = [owner]
        var stack = children[owner] ?? []
        while let id = stack.popLast() {
            if members.insert(id).inserted { stack.append(contentsOf: children[id] ?? []) }
        }
        var current = revisions[owner]!
        while current.downRevisions.count == 1, let parent = revisions[current.downRevisions[0]],
            (children[parent.id]?.count ?? 0) < 2, !parent.isMergePoint
        {
            members.insert(parent.id)
            current = parent
        }
        return members
    }

    /// The revision that declares a branch label.
    public func labelOwner(_ label: String) -> String? { labelOwners[label] }
}
