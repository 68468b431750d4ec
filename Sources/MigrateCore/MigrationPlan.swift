/// One migration to run, in one direction, with the version-table heads before and after it.
public struct MigrationStep: Sendable, Hashable {
    public enum Direction: String, Sendable {
        case upgrade, downgrade
    }

    public var revision: Revision
    public var direction: Direction
    /// The version table's rows before the step.
    public var headsBefore: Set<String>
    /// The version table's rows after the step.
    public var headsAfter: Set<String>

    /// The operations this step runs.
    public var operations: [Operation] {
        direction == .upgrade ? revision.upgrade : revision.downgrade
    }

    /// Where the operation at `index` is written, when the file reader recorded it.
    public func location(ofOperation index: Int) -> SourceLocation? {
        guard let path = revision.path else { return nil }
        let lines = direction == .upgrade ? revision.upgradeLines : revision.downgradeLines
        return SourceLocation(path: path, line: lines.indices.contains(index) ? lines[index] : nil)
    }

    /// Alembic's progress line, `Running upgrade a, b -> c, message`, also the marker comment
    /// of offline scripts.
    public var summary: String {
        switch direction {
        case .upgrade:
            return "Running upgrade \(revision.downRevisions.joined(separator: ", ")) -> \(revision.id), \(revision.message)"
        case .downgrade:
            return "Running downgrade \(revision.id) -> \(revision.downRevisions.joined(separator: ", ")), \(revision.message)"
        }
    }
}

extension RevisionGraph {
    /// The applied revisions implied by a set of heads: the heads and all their ancestors.
    public func appliedRevisions(heads: Set<String>) -> Set<String> {
        ancestors(of: heads).union(heads)
    }

    /// Checks that every id the database holds is a known revision.
    public func validateDatabaseHeads(_ heads: Set<String>, versionTable: String) throws {
        let unknown = heads.filter { revisions[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            throw MigrateError(
                .graph,
                "the database's \(versionTable) table names \(unknown.count == 1 ? "revision" : "revisions") \(unknown.joined(separator: ", ")), which no migration file declares",
                hint: "restore the missing migration files (another branch of your code may have them), or `migrate stamp --purge REV` to reset the version table")
        }
    }

    /// The steps that take a database at `current` heads up to `targets` (and everything they
    /// need), parents and dependencies first.
    public func upgradeSteps(from current: Set<String>, to targets: [String]) throws -> [MigrationStep] {
        var applied = appliedRevisions(heads: current)
        for target in targets where applied.contains(target) && !current.contains(target) {
            throw MigrateError(
                .usage,
                "\(target) is already applied and behind the current head(s) \(topologicallySorted(current).joined(separator: ", "))",
                hint: "use `migrate downgrade \(target)` to go back to it")
        }
        let needed = ancestors(of: targets).union(targets)
        var heads = current
        var steps: [MigrationStep] = []
        for id in order where needed.contains(id) && !applied.contains(id) {
            let revision = revisions[id]!
            let before = heads
            // A head stops being one when a new revision builds on it. Since the heads are the
            // maximal applied revisions, only direct parents and dependencies can be affected.
            heads.subtract(revision.downRevisions)
            heads.subtract(revision.dependsOn)
            heads.insert(id)
            applied.insert(id)
            steps.append(MigrationStep(revision: revision, direction: .upgrade, headsBefore: before, headsAfter: heads))
        }
        return steps
    }

    /// The steps that take a database at `current` heads down to `targets`: every applied
    /// descendant of a target is reverted, children before parents. An empty target list means
    /// base (revert everything); other branches are left alone.
    ///
    /// - Parameter branch: for `LABEL@REV` and `LABEL@base`, the branch's revisions: only they
    ///   (and what builds on them) are reverted, so a shared ancestor stays with the other branches.
    public func downgradeSteps(
        from current: Set<String>, to targets: [String], within branch: Set<String>? = nil
    ) throws -> [MigrationStep] {
        var applied = appliedRevisions(heads: current)
        var removing: Set<String>
        if targets.isEmpty {
            removing = applied
        } else {
            for target in targets where !applied.contains(target) {
                throw MigrateError(
                    .usage,
                    "\(target) is not applied, so the database cannot be downgraded to it (current: \(current.isEmpty ? "base" : topologicallySorted(current).joined(separator: ", ")))",
                    hint: "use `migrate upgrade \(target)` to move forward to it")
            }
            removing = descendants(of: targets).intersection(applied)
        }
        if let branch {
            let confined = removing.intersection(branch)
            removing = confined.union(descendants(of: confined)).intersection(applied)
        }
        return revertSteps(removing, applied: &applied, heads: current)
    }

    /// The steps of a downgrade to what `target` names, confined to its branch if it names one.
    public func downgradeSteps(from current: Set<String>, to target: RevisionTarget) throws -> [MigrationStep] {
        try downgradeSteps(from: current, to: target.revisions, within: target.branch)
    }

    /// The steps that revert exactly `removing` (which must be closed under applied descendants).
    public func revertSteps(_ removing: Set<String>, applied: inout Set<String>, heads current: Set<String>) -> [MigrationStep] {
        var heads = current
        var steps: [MigrationStep] = []
        for id in order.reversed() where removing.contains(id) {
            let revision = revisions[id]!
            let before = heads
            heads.remove(id)
            applied.remove(id)
            // A parent or dependency becomes a head again when nothing applied builds on it.
            for earlier in revision.downRevisions + revision.dependsOn where applied.contains(earlier) {
                let place = position[earlier]!
                let above = children[place] + dependents[place]
                if !above.contains(where: { applied.contains(order[$0]) }) { heads.insert(earlier) }
            }
            steps.append(MigrationStep(revision: revision, direction: .downgrade, headsBefore: before, headsAfter: heads))
        }
        return steps
    }

    /// The heads the version table should hold to mark `targets` as applied, without running
    /// anything (`stamp`): the targets that are not ancestors of other targets.
    public func minimalHeads(_ targets: [String]) -> Set<String> {
        let covered = ancestors(of: targets)
        return Set(targets.filter { !covered.contains($0) })
    }
}
