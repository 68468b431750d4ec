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
    /// Position of each id in `order`. The edges below are kept by position, so that walks over
    /// a long history index arrays instead of hashing ids.
    let position: [String: Int]
    /// By position: the parents (`down_revision`).
    let parents: [[Int]]
    /// By position: the dependencies (`depends_on`, labels resolved), each once.
    let dependencies: [[Int]]
    /// By position: the children along `down_revision` edges, sorted by id.
    let children: [[Int]]
    /// By position: the revisions that depend on it, sorted by id.
    let dependents: [[Int]]
    /// By position: the place of the revision in the list the graph was built from, which is
    /// the order its files are loaded in (folders in configured order, names sorted). Like
    /// Alembic, ties between independent branches are broken by it.
    let loadIndex: [Int]
    /// By position: parents, then the dependencies that no parent-line ancestor already
    /// declares (Alembic's normalized down revisions): the edges walks down the graph follow.
    let normalizedDown: [[Int]]
    /// The revision that declares each branch label.
    let labelOwners: [String: String]
    /// By position: the labels each revision carries (see ``branchLabels(of:)``), computed once
    /// so that listing a long history stays linear.
    let labels: [[String]]

    /// Builds and validates the graph. Throws ``MigrateError`` of kind `.graph` naming the ids
    /// and files involved.
    public init(_ list: [Revision]) throws {
        // Revisions are first numbered by their place in `list`, then by topological position.
        var indexOf: [String: Int] = [:]
        indexOf.reserveCapacity(list.count)
        for (index, revision) in list.enumerated() {
            if let existing = indexOf.updateValue(index, forKey: revision.id) {
                throw MigrateError(
                    .graph,
                    "revision \(revision.id) is declared twice: in \(list[existing].path ?? "?") and in \(revision.path ?? "?")",
                    hint: "give one of the files a new id (`migrate revision` makes unique ones)")
            }
        }

        var labelOwners: [String: String] = [:]
        for revision in list {
            for parent in revision.downRevisions where indexOf[parent] == nil {
                throw MigrateError(
                    .graph,
                    "revision \(revision.id) names down_revision \(parent), which no migration file declares",
                    hint: "restore the missing file, or correct down_revision",
                    location: revision.path.map { SourceLocation(path: $0) })
            }
            if revision.downRevisions.count > 1 && Set(revision.downRevisions).count != revision.downRevisions.count {
                throw MigrateError(
                    .graph, "revision \(revision.id) lists the same down_revision twice",
                    hint: "list each parent once in down_revision",
                    location: revision.path.map { SourceLocation(path: $0) })
            }
            for dependency in revision.dependsOn {
                guard indexOf[dependency] != nil || list.contains(where: { $0.branchLabels.contains(dependency) }) else {
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
                if indexOf[label] != nil {
                    throw MigrateError(
                        .graph, "branch label '\(label)' of \(revision.id) is also a revision id",
                        hint: "choose a label that cannot be mistaken for a revision")
                }
                labelOwners[label] = revision.id
            }
        }

        // `depends_on` may name a branch label; it stands for the revision that declares it.
        let resolvedDependencies = list.map { revision in
            revision.dependsOn.map { indexOf[$0] != nil ? $0 : labelOwners[$0]! }
        }
        let parentIndices = list.map { $0.downRevisions.map { indexOf[$0]! } }
        let dependencyIndices = resolvedDependencies.map { ids in
            var indices: [Int] = []
            for id in ids where !indices.contains(indexOf[id]!) { indices.append(indexOf[id]!) }
            return indices
        }
        let sorted = try Self.topologicalOrder(list, parents: parentIndices, dependencies: dependencyIndices)
        var positionOf = [Int](repeating: 0, count: list.count)
        for (position, index) in sorted.enumerated() { positionOf[index] = position }

        let order = sorted.map { list[$0].id }
        let parents = sorted.map { parentIndices[$0].map { positionOf[$0] } }
        let dependencies = sorted.map { dependencyIndices[$0].map { positionOf[$0] } }
        var children = [[Int]](repeating: [], count: list.count)
        var dependents = [[Int]](repeating: [], count: list.count)
        for position in order.indices {
            for parent in parents[position] { children[parent].append(position) }
            for dependency in dependencies[position] { dependents[dependency].append(position) }
        }
        let byID = { (left: Int, right: Int) in order[left] < order[right] }
        for position in order.indices {
            if children[position].count > 1 { children[position].sort(by: byID) }
            if dependents[position].count > 1 { dependents[position].sort(by: byID) }
        }
        let loadIndex = sorted
        let normalizedDown = Self.normalizedDown(parents: parents, dependencies: dependencies)
        var labels = [[String]](repeating: [], count: list.count)
        for label in labelOwners.keys.sorted() {
            let owner = positionOf[indexOf[labelOwners[label]!]!]
            for member in Self.members(
                ofLabelOwner: owner, parents: parents, children: children, dependents: dependents, loadIndex: loadIndex)
            {
                labels[member].append(label)
            }
        }

        var revisions = indexOf.mapValues { list[$0] }
        for (index, resolved) in resolvedDependencies.enumerated() where !resolved.isEmpty {
            revisions[list[index].id]!.dependsOn = resolved
        }
        self.revisions = revisions
        self.order = order
        self.position = indexOf.mapValues { positionOf[$0] }
        self.parents = parents
        self.dependencies = dependencies
        self.children = children
        self.dependents = dependents
        self.loadIndex = loadIndex
        self.normalizedDown = normalizedDown
        self.labelOwners = labelOwners
        self.labels = labels
    }

    /// Kahn's algorithm over indices into `list`, with the ready set kept sorted by id, so the
    /// order never depends on file system listing order.
    private static func topologicalOrder(
        _ list: [Revision], parents: [[Int]], dependencies: [[Int]]
    ) throws -> [Int] {
        var remaining = [Int](repeating: 0, count: list.count)
        var next = [[Int]](repeating: [], count: list.count)
        for index in list.indices {
            remaining[index] = parents[index].count
            for earlier in parents[index] { next[earlier].append(index) }
            for earlier in dependencies[index] where !parents[index].contains(earlier) {
                remaining[index] += 1
                next[earlier].append(index)
            }
        }
        var ready = list.indices.filter { remaining[$0] == 0 }.sorted { list[$0].id > list[$1].id }
        var order: [Int] = []
        order.reserveCapacity(list.count)
        while let index = ready.popLast() {
            order.append(index)
            for later in next[index] {
                remaining[later] -= 1
                guard remaining[later] == 0 else { continue }
                // Binary insertion keeps `ready` sorted descending without re-sorting it each time.
                let id = list[later].id
                var low = 0
                var high = ready.count
                while low < high {
                    let middle = (low + high) / 2
                    if list[ready[middle]].id > id { low = middle + 1 } else { high = middle }
                }
                ready.insert(later, at: low)
            }
        }
        if order.count != list.count {
            var placed = [Bool](repeating: false, count: list.count)
            for index in order { placed[index] = true }
            let cycle = Self.cycle(list, placed: placed, parents: parents, dependencies: dependencies)
            throw MigrateError(
                .graph,
                "revisions form a cycle through down_revision or depends_on: \(Self.describeCycle(cycle.map { list[$0].id }))",
                hint: "a revision cannot come after itself: correct down_revision/depends_on in those files",
                location: list[cycle[0]].path.map { SourceLocation(path: $0) })
        }
        return order
    }

    /// One cycle among the revisions Kahn's algorithm could not place, in order (each revision
    /// comes after the one before it, the last before the first), starting at its smallest id.
    ///
    /// Every unplaced revision waits for an unplaced parent or dependency, so walking from one
    /// to such a predecessor must come back to a revision already seen: the walk from there is a
    /// cycle. Descendants of the cycle, unplaced too, are left out of the report.
    private static func cycle(_ list: [Revision], placed: [Bool], parents: [[Int]], dependencies: [[Int]]) -> [Int] {
        var current = list.indices.filter { !placed[$0] }.min { list[$0].id < list[$1].id }!
        var seenAt: [Int: Int] = [:]
        var walk: [Int] = []
        while seenAt[current] == nil {
            seenAt[current] = walk.count
            walk.append(current)
            current = (parents[current] + dependencies[current]).filter { !placed[$0] }
                .min { list[$0].id < list[$1].id }!
        }
        // The walk goes from child to parent; the cycle reads from parent to child.
        let cycle = Array(walk[seenAt[current]!...].reversed())
        let start = cycle.indices.min { list[cycle[$0]].id < list[cycle[$1]].id }!
        return Array(cycle[start...] + cycle[..<start])
    }

    /// `a -> b -> c -> a`; a long cycle keeps its first and last revisions and says how many
    /// it leaves out, so the message stays one readable line.
    static func describeCycle(_ ids: [String]) -> String {
        let shown = 10
        guard ids.count > shown else { return (ids + [ids[0]]).joined(separator: " -> ") }
        let head = ids.prefix(shown / 2).joined(separator: " -> ")
        let tail = (ids.suffix(shown / 2 - 1) + [ids[0]]).joined(separator: " -> ")
        return "\(head) -> … \(ids.count - shown + 1) more … -> \(tail)"
    }

    /// Each revision's parents followed by the dependencies that no ancestor along its
    /// parents already declares: a dependency some earlier revision of the same line needed
    /// is reached through that revision.
    private static func normalizedDown(parents: [[Int]], dependencies: [[Int]]) -> [[Int]] {
        // Who declares each dependency; most are declared once, and then nothing is to check.
        var declarers = [[Int]](repeating: [], count: parents.count)
        for position in parents.indices {
            for dependency in dependencies[position] { declarers[dependency].append(position) }
        }
        var result = parents
        for position in parents.indices where !dependencies[position].isEmpty {
            for dependency in dependencies[position] where !result[position].contains(dependency) {
                let others = declarers[dependency].filter { $0 != position }
                if others.isEmpty || !Self.parentLine(of: position, parents: parents, reachesAnyOf: others) {
                    result[position].append(dependency)
                }
            }
        }
        return result
    }

    /// Whether one of `targets` is a strict ancestor of `start` along parents. Positions are a
    /// topological order, so the walk stops below the lowest target.
    private static func parentLine(of start: Int, parents: [[Int]], reachesAnyOf targets: [Int]) -> Bool {
        let lowest = targets.min()!
        var seen: Set<Int> = []
        var stack = parents[start]
        while let next = stack.popLast() {
            if targets.contains(next) { return true }
            guard next > lowest, seen.insert(next).inserted else { continue }
            stack.append(contentsOf: parents[next])
        }
        return false
    }

    // MARK: Shape

    /// Revisions nothing builds on, neither as a child nor through `depends_on`, in load order:
    /// what `upgrade heads` reaches (Alembic's "real" heads).
    public var heads: [String] {
        loadOrdered(order.indices.filter { children[$0].isEmpty && dependents[$0].isEmpty })
    }

    /// Revisions with no parent, in load order.
    public var bases: [String] {
        loadOrdered(order.indices.filter { parents[$0].isEmpty })
    }

    /// Whether two or more revisions name this one as their parent.
    public func isBranchPoint(_ id: String) -> Bool { position[id].map { children[$0].count > 1 } ?? false }

    public func isHead(_ id: String) -> Bool {
        position[id].map { children[$0].isEmpty && dependents[$0].isEmpty } ?? true
    }

    /// Revisions no revision names as down_revision, in load order: the heads plus those other
    /// branches only depend on (Alembic's "effective heads"). `head` names the only one of
    /// them; `merge` and `revision` build on them.
    public var tips: [String] {
        loadOrdered(order.indices.filter { children[$0].isEmpty })
    }

    /// Children of a revision along down_revision edges, sorted by id.
    public func children(of id: String) -> [String] {
        position[id].map { children[$0].map { order[$0] } } ?? []
    }

    /// Ids sorted in the graph's topological order.
    public func topologicallySorted<S: Sequence>(_ ids: S) -> [String] where S.Element == String {
        ids.map { position[$0]! }.sorted().map { order[$0] }
    }

    /// Ids sorted in the order their files are loaded (see ``loadIndex``).
    public func loadOrdered<S: Sequence>(_ ids: S) -> [String] where S.Element == String {
        loadOrdered(ids.map { position[$0]! })
    }

    func loadOrdered(_ places: [Int]) -> [String] {
        places.sorted { loadIndex[$0] < loadIndex[$1] }.map { order[$0] }
    }

    /// Every revision reachable through parents and dependencies, not including the starts
    /// (unless one start lies below another).
    public func ancestors<S: Sequence>(of ids: S, includeDependencies: Bool = true) -> Set<String>
    where S.Element == String {
        var seen = [Bool](repeating: false, count: order.count)
        var stack: [Int] = []
        func push(_ position: Int) {
            stack.append(contentsOf: parents[position])
            if includeDependencies { stack.append(contentsOf: dependencies[position]) }
        }
        for id in ids { push(position[id]!) }
        while let next = stack.popLast() {
            if !seen[next] {
                seen[next] = true
                push(next)
            }
        }
        return idSet(seen)
    }

    /// By position, the revisions at or below `starts`: through parents, and with
    /// `dependencies` also through normalized dependencies.
    func below(_ starts: [Int], dependencies: Bool = true) -> [Bool] {
        var seen = [Bool](repeating: false, count: order.count)
        var stack = starts
        while let next = stack.popLast() {
            guard !seen[next] else { continue }
            seen[next] = true
            stack.append(contentsOf: dependencies ? normalizedDown[next] : parents[next])
        }
        return seen
    }

    /// By position, the revisions at or above `starts`: through children, and with
    /// `dependencies` also through dependents.
    func above(_ starts: [Int], dependencies: Bool = true) -> [Bool] {
        var seen = [Bool](repeating: false, count: order.count)
        var stack = starts
        while let next = stack.popLast() {
            guard !seen[next] else { continue }
            seen[next] = true
            stack.append(contentsOf: children[next])
            if dependencies { stack.append(contentsOf: self.dependents[next]) }
        }
        return seen
    }

    /// The ids of the positions marked true.
    func idSet(_ marked: [Bool]) -> Set<String> {
        var ids: Set<String> = []
        for position in marked.indices where marked[position] { ids.insert(order[position]) }
        return ids
    }

    // MARK: Branch labels

    /// The labels a revision carries: its own, those of its ancestors (a label names the whole
    /// branch after the revision that declares it), and those of the line below it down to the
    /// nearest branch or merge point, as Alembic propagates them.
    public func branchLabels(of id: String) -> [String] {
        position[id].map { labels[$0] } ?? []
    }

    /// The positions a label declared at `owner` names, as Alembic propagates labels: the owner
    /// and everything that grows from it along down_revision edges; then, from the last of
    /// those reached (children are followed in file order), the single-parent line downwards
    /// until a revision that two revisions build on (children or dependents) or a merge point.
    private static func members(
        ofLabelOwner owner: Int, parents: [[Int]], children: [[Int]], dependents: [[Int]], loadIndex: [Int]
    ) -> [Int] {
        var isMember = [Bool](repeating: false, count: parents.count)
        var members: [Int] = []
        var stack = [owner]
        var last = owner
        while let next = stack.popLast() {
            guard !isMember[next] else { continue }
            isMember[next] = true
            members.append(next)
            last = next
            let above = children[next]
            stack.append(contentsOf: above.count > 1 ? above.sorted { loadIndex[$0] > loadIndex[$1] } : above)
        }
        var current = last
        while children[current].count + dependents[current].count { !children[current].contains($0) } < 2,
            parents[current].count < 2
        {
            if !isMember[current] {
                isMember[current] = true
                members.append(current)
            }
            guard let parent = parents[current].first else { break }
            current = parent
        }
        return members
    }

    /// The revision that declares a branch label.
    public func labelOwner(_ label: String) -> String? { labelOwners[label] }
}
