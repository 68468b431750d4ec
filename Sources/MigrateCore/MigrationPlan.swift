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

    /// The positions of the `addEnumerationValue` operations that run, and commit, before the
    /// rest of the step: PostgreSQL cannot use a value in the transaction that added it. A value
    /// added to a type that an earlier operation of the step creates stays in place, since
    /// PostgreSQL lets a transaction use the values of a type it created.
    public var enumerationValuesAddedFirst: [Int] {
        var created = Set<String>()
        func enumerationName(_ type: ColumnType?) -> String? {
            if case .enumeration(let name, _)? = type { return name }
            return nil
        }
        var first: [Int] = []
        for (index, operation) in operations.enumerated() {
            switch operation {
            case .addEnumerationValue(let type, _, _, _):
                if !created.contains(type.name) { first.append(index) }
            case .createEnumeration(let type, _):
                created.insert(type.name)
            case .renameEnumeration(_, let newName):
                created.insert(newName)
            case .createTable(let table):
                created.formUnion(table.columns.compactMap { enumerationName($0.type) })
            case .addColumn(_, let column):
                if let name = enumerationName(column.type) { created.insert(name) }
            case .alterColumn(_, _, let changes):
                if let name = enumerationName(changes.type) { created.insert(name) }
            default:
                continue
            }
        }
        return first
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

    /// What `migrate current` shows for a database at `heads` (Alembic's `get_all_current`):
    /// of the revisions the rows imply, those no applied revision builds on as a child, in load
    /// order. A revision applied only because a row depends on it is shown too; a row that is
    /// an ancestor of another is not.
    public func currentRevisions(heads: Set<String>) -> [String] {
        currentRevisions(places: heads.map { position[$0]! }).map { order[$0] }
    }

    // MARK: upgrade

    /// The steps that take a database at `current` heads up to what `identifier` names, in
    /// Alembic's order. A target that is already applied needs nothing.
    public func upgradeSteps(from current: Set<String>, to identifier: String) throws -> [MigrationStep] {
        let text = try Self.checkedIdentifier(identifier)
        let start = loadOrderedPlaces(current)
        let (needs, targets) = try collectUpgrade(
            target: text, lower: .heads(start), inclusive: false, implicitBase: true, noOverwalk: true)
        return steps(upgrading: Array(sortedNewestFirst(needs, heads: targets).reversed()), from: current)
    }

    /// The lower end of an upgrade collection: the database's heads, or a typed identifier
    /// (the start of a `history` range).
    enum Lower {
        case heads([Int])
        case identifier(String)
    }

    /// Alembic's `_parse_upgrade_target`: the revisions an upgrade (or the upper end of a
    /// history range) goes to. `+N` steps from the current heads (kept to a branch with
    /// `LABEL@+N`), `REV+N` from REV; `-N` alone is not an upgrade.
    func upgradeTargets(_ text: String, current: [Point], noOverwalk: Bool) throws -> [Point] {
        guard let form = Self.relativeForm(text) else { return try revisions(text) }
        if form.steps > 0 {
            guard let symbol = form.symbol else {
                var starts = current.isEmpty ? [Point.start] : current
                if let label = form.label {
                    let places = current.compactMap(\.place)
                    var onBranch = try filterForLineage(places, label)
                    if onBranch.isEmpty {
                        // The branch has nothing applied above its branch point: start from the
                        // newest applied revisions of the branch's line, or from base.
                        let applied = below(places)
                        let line = try filterForLineage(order.indices.filter { applied[$0] }, label)
                        var isBelowAnother = [Bool](repeating: false, count: order.count)
                        for place in line { for lower in normalizedDown[place] { isBelowAnother[lower] = true } }
                        onBranch = line.filter { !isBelowAnother[$0] }
                    }
                    starts = onBranch.isEmpty ? [.start] : onBranch.map { .revision($0) }
                }
                if starts.count > 1 {
                    throw MigrateError(
                        .usage, "'\(text)' is ambiguous: the database is at several heads (\(starts.map { $0.describe(self) }.joined(separator: ", ")))",
                        hint: "name a branch (LABEL@+N) or a revision (REV+N)")
                }
                guard let point = try walk(from: starts[0], steps: form.steps, label: form.label, noOverwalk: noOverwalk) else {
                    throw Self.didNotProduce(text)
                }
                return [point]
            }
            let start = point(try revision(symbol))
            guard let point = try walk(from: start, steps: form.steps, label: form.label, noOverwalk: noOverwalk) else {
                throw Self.didNotProduce(text)
            }
            return [point]
        }
        guard let symbol = form.symbol else {
            throw MigrateError(
                .usage, "'\(text)' steps down, which an upgrade cannot do",
                hint: "use `migrate downgrade \(text)`, or name the revision to upgrade to")
        }
        let start = point(try revision(form.label.map { "\($0)@\(symbol)" } ?? symbol))
        guard let point = try walk(from: start, steps: form.steps, label: nil, noOverwalk: noOverwalk) else {
            throw Self.didNotProduce(text)
        }
        return [point]
    }

    /// Alembic's `_collect_upgrade_revisions`: the revisions needed to reach `target` from
    /// `lower`, and the targets. Upgrades take every missing ancestor (`implicitBase`);
    /// history ranges (`inclusive`, no implicit base) only what lies between the two ends and
    /// fail when the ends are not on one line of descent.
    func collectUpgrade(
        target: String, targetPlaces: [Int]? = nil, lower: Lower, inclusive: Bool, implicitBase: Bool, noOverwalk: Bool
    ) throws -> (needs: [Bool], targets: [Int]) {
        // A relative upper end walks from the lower end, which must then name one revision.
        let parseCurrent: [Point]
        switch lower {
        case .heads(let places): parseCurrent = places.map { .revision($0) }
        case .identifier(let text):
            if let form = Self.relativeForm(target), form.steps > 0, form.symbol == nil {
                parseCurrent = form.label == nil ? [point(try revision(text))] : try revisions(text)
            } else {
                parseCurrent = []
            }
        }
        let points = try targetPlaces.map { $0.map { Point.revision($0) } }
            ?? upgradeTargets(target, current: parseCurrent, noOverwalk: noOverwalk)
        var targets = try points.flatMap { point -> [Int] in
            switch point {
            case .revision(let place): return [place]
            case .parentsOf(let merge): return parents[merge]
            case .base, .start: throw Self.didNotProduce(target)
            }
        }
        if case .identifier(let text) = lower, let at = text.firstIndex(of: "@") {
            // `LABEL@…:END` keeps the range to that branch.
            var branch = String(text[..<at])
            if labelOwners[branch] == nil, let place = try revision(branch) {
                guard labels[place].count == 1 else {
                    throw MigrateError(
                        .usage, "'\(branch)' in '\(text)' carries \(labels[place].isEmpty ? "no" : "several") branch labels, so it names no single branch",
                        hint: "use a branch label before '@'")
                }
                branch = labels[place][0]
            }
            targets = targets.filter { labels[$0].contains(branch) }
        }
        let required = try belowChecked(targets)
        var current: [Point]
        switch lower {
        case .heads(let places): current = places.map { .revision($0) }
        case .identifier(let text):
            current = try revisions(text).flatMap { point -> [Point] in
                if case .parentsOf(let merge) = point { return parents[merge].map { .revision($0) } }
                return [point]
            }
        }
        if !implicitBase, current.contains(where: { point in point != .start && !(point.place.map { required[$0] } ?? false) }) {
            throw Self.rangeNotOnOneLine(lower: lower, upper: target, graph: self)
        }
        if current.first == .start, case .identifier(let text) = lower {
            // A relative lower end that walks past base counts from the upper end instead.
            let (_, point) = try downgradeTarget(text, current: targets, noOverwalk: noOverwalk)
            current = point == .base || point == .start ? [] : [point]
        }
        let currentPlaces = current.flatMap { point -> [Int] in
            switch point {
            case .revision(let place): return [place]
            case .parentsOf(let merge): return parents[merge]
            case .base, .start: return []
            }
        }
        let applied = try belowChecked(currentPlaces)
        var needs = required
        for index in needs.indices where applied[index] { needs[index] = false }
        if inclusive { for place in currentPlaces { needs[place] = true } }
        if !currentPlaces.isEmpty && !implicitBase {
            let upwards = above(currentPlaces, dependencies: false)
            for index in needs.indices where !upwards[index] { needs[index] = false }
        }
        return (needs, targets)
    }

    /// `below(places)`, refusing a list where one revision lies below another.
    func belowChecked(_ places: [Int]) throws -> [Bool] {
        if places.count > 1 {
            for place in places {
                let under = below([place])
                if let other = places.first(where: { $0 != place && under[$0] }) {
                    throw MigrateError(
                        .usage, "revision \(order[place]) and revision \(order[other]) are on one line: \(order[other]) is below \(order[place])",
                        hint: "name only the newer one")
                }
            }
        }
        return below(places)
    }

    static func rangeNotOnOneLine(lower: Lower, upper: String, graph: RevisionGraph) -> MigrateError {
        let start: String
        switch lower {
        case .heads(let places): start = places.isEmpty ? "base" : places.map { graph.order[$0] }.joined(separator: ", ")
        case .identifier(let text): start = text
        }
        return MigrateError(
            .usage, "the range \(start):\(upper) does not join revisions along one line of descent",
            hint: "the start of a range must be an ancestor of its end; `migrate history` shows the lines")
    }

    // MARK: downgrade

    /// The steps that take a database at `current` heads down to what `identifier` names, in
    /// Alembic's order: everything applied that grows from the target's children (or, for base,
    /// from the bases) is reverted; revisions that merely depend on the target stay.
    public func downgradeSteps(from current: Set<String>, to identifier: String) throws -> [MigrationStep] {
        let text = try Self.checkedIdentifier(identifier)
        let heads = loadOrderedPlaces(current)
        let (label, target) = try downgradeTarget(text, current: heads, noOverwalk: true)
        var roots: [Int]
        switch target {
        case .base, .start: roots = order.indices.filter { parents[$0].isEmpty }.sorted { loadIndex[$0] < loadIndex[$1] }
        case .revision(let place): roots = children[place]
        case .parentsOf(let merge): roots = [merge]
        }
        if let label, roots.count > 1 {
            let line = below([try branchPlace(label)], dependencies: false)
            roots = roots.filter { line[$0] }
            if roots.isEmpty {
                throw MigrateError(
                    .usage, "'\(text)' is not a valid downgrade target from the current head(s)",
                    hint: "`migrate current` shows where the database is")
            }
        }
        var removing = above(roots)
        let applied = below(heads)
        for index in removing.indices where !applied[index] { removing[index] = false }
        if case .revision(let place) = target, !removing.contains(true), !heads.contains(place) {
            throw MigrateError(
                .usage,
                "\(order[place]) is not a valid downgrade target from the current head(s) (\(current.isEmpty ? "base" : loadOrdered(current).joined(separator: ", ")))",
                hint: applied[place] ? "nothing above it is applied" : "it is not applied: use `migrate upgrade \(order[place])` to move forward to it")
        }
        return steps(downgrading: sortedNewestFirst(removing, heads: heads), from: current)
    }

    /// Alembic's `_parse_downgrade_target`: the branch a downgrade is kept to, and where it goes.
    /// `-N` steps down from the current head (of the branch with `LABEL@-N`), `REV-N` and
    /// `REV+N` from REV; `+N` alone is not a downgrade.
    func downgradeTarget(_ text: String, current: [Int], noOverwalk: Bool) throws -> (label: String?, point: Point) {
        guard let form = Self.relativeForm(text) else {
            var label: String? = nil
            var symbol = text
            if let at = text.lastIndex(of: "@") {
                label = at == text.startIndex ? nil : String(text[..<at])
                symbol = String(text[text.index(after: at)...])
                if let label { _ = try branchPlace(label) }
            }
            return (label, point(try revision(symbol)))
        }
        if form.steps >= 0 {
            guard let symbol = form.symbol else {
                throw MigrateError(
                    .usage, "'\(text)' steps up, which a downgrade cannot do",
                    hint: "use `migrate upgrade \(text)`, or name the revision to downgrade to")
            }
            guard let point = try walk(from: point(try revision(symbol)), steps: form.steps, label: form.label, noOverwalk: noOverwalk) else {
                throw Self.didNotProduce(text)
            }
            return (form.label, point)
        }
        var label = form.label
        let symbol: String
        if let given = form.symbol {
            symbol = given
        } else if let branch = label {
            var onBranch = try filterForLineage(current, branch)
            if onBranch.isEmpty {
                onBranch = try filterForLineage(currentRevisions(places: current), branch)
            }
            guard onBranch.count == 1 else {
                throw MigrateError(
                    .usage,
                    onBranch.isEmpty
                        ? "'\(text)': nothing on branch '\(branch)' is applied"
                        : "'\(text)' is ambiguous: the database is at several revisions of branch '\(branch)' (\(onBranch.map { order[$0] }.joined(separator: ", ")))",
                    hint: "name the revision to go to")
            }
            symbol = order[onBranch[0]]
        } else {
            guard let first = current.first else { throw Self.didNotProduce(text) }
            if current.count > 1 {
                throw MigrateError(
                    .usage, "'\(text)' is ambiguous: the database is at several heads (\(current.map { order[$0] }.joined(separator: ", ")))",
                    hint: "name a branch (LABEL@-N) or a revision (REV-N)")
            }
            symbol = order[first]
            label = symbol
        }
        let start = point(try revision(label.map { "\($0)@\(symbol)" } ?? symbol))
        guard let point = try walk(from: start, steps: form.steps, label: nil, noOverwalk: noOverwalk) else {
            throw Self.didNotProduce(text)
        }
        return (label, point)
    }

    /// The positions of `current` and their ancestors that no applied revision builds on as a
    /// child, in load order (see ``currentRevisions(heads:)``).
    func currentRevisions(places: [Int]) -> [Int] {
        let applied = below(places)
        return order.indices.filter { applied[$0] && !children[$0].contains { applied[$0] } }
            .sorted { loadIndex[$0] < loadIndex[$1] }
    }

    func loadOrderedPlaces(_ ids: Set<String>) -> [Int] {
        ids.map { position[$0]! }.sorted { loadIndex[$0] < loadIndex[$1] }
    }

    // MARK: Order and version-table rows

    /// The marked revisions newest first, in Alembic's order: starting from `heads` in load
    /// order, each line is followed down as long as no other line still needs to pass through
    /// its next revision, so a branch stays together and independent branches keep load order.
    ///
    /// Alembic keeps every line's ancestors to ask whether another line still needs a
    /// revision; that is the same as asking whether a marked revision not yet listed builds on
    /// it directly, which a count answers. Only then is the line that needs it searched for.
    func sortedNewestFirst(_ marked: [Bool], heads: [Int]) -> [Int] {
        var todo = marked
        var waiting = [Int](repeating: 0, count: order.count)
        for place in order.indices where todo[place] {
            for lower in normalizedDown[place] { waiting[lower] += 1 }
        }
        var lines: [Int] = []
        for head in heads.sorted(by: { loadIndex[$0] < loadIndex[$1] }) where todo[head] && !lines.contains(head) {
            lines.append(head)
        }
        var visited = [Int](repeating: -1, count: order.count)
        var search = 0
        /// The first line other than `index` whose revision lies above `place`.
        func lineAbove(_ place: Int, except index: Int) -> Int? {
            for (other, top) in lines.enumerated() where other != index {
                search += 1
                var stack = [top]
                while let next = stack.popLast() {
                    if next == place { return other }
                    guard next > place, visited[next] != search else { continue }
                    visited[next] = search
                    stack.append(contentsOf: normalizedDown[next])
                }
            }
            return nil
        }
        var output: [Int] = []
        output.reserveCapacity(order.count)
        var index = 0
        while !lines.isEmpty {
            let candidate = lines[index]
            if waiting[candidate] > 0, let other = lineAbove(candidate, except: index) {
                index = other
                continue
            }
            output.append(candidate)
            todo[candidate] = false
            for lower in normalizedDown[candidate] { waiting[lower] -= 1 }
            let next = normalizedDown[candidate].filter { todo[$0] && !lines.contains($0) }
            if next.isEmpty {
                lines.remove(at: index)
                index = max(index - 1, 0)
            } else {
                lines[index] = next[0]
                lines.append(contentsOf: next.dropFirst())
            }
        }
        return output
    }

    /// Upgrade steps for `places` (oldest first), with the version-table rows Alembic keeps:
    /// a revision replaces the rows of its parents and dependencies, or adds a row when none of
    /// them is one.
    func steps(upgrading places: [Int], from current: Set<String>) -> [MigrationStep] {
        var heads = Set(current.map { position[$0]! })
        var rows = current
        var steps: [MigrationStep] = []
        steps.reserveCapacity(places.count)
        for place in places {
            let before = rows
            let down = normalizedDown[place]
            let present = down.filter { heads.contains($0) }
            var replaced: [Int] = []
            if down.count > 1 && present.count > 1 {
                let others = heads.subtracting(down)
                let covered = others.isEmpty ? [Bool](repeating: false, count: order.count) : below(Array(others))
                replaced = down.filter { !covered[$0] }
            } else if let only = present.first {
                replaced = [only]
            }
            for lower in replaced where heads.remove(lower) != nil { rows.remove(order[lower]) }
            heads.insert(place)
            rows.insert(order[place])
            steps.append(step(place, .upgrade, before: before, after: rows))
        }
        return steps
    }

    /// Downgrade steps for `places` (newest first): a reverted revision's row gives way to its
    /// parents and dependencies, except those another row (or, for a merge, another parent)
    /// already implies.
    func steps(downgrading places: [Int], from current: Set<String>) -> [MigrationStep] {
        var heads = Set(current.map { position[$0]! })
        var rows = current
        var steps: [MigrationStep] = []
        steps.reserveCapacity(places.count)
        for place in places {
            let before = rows
            if heads.remove(place) != nil { rows.remove(order[place]) }
            let down = normalizedDown[place]
            var restored: [Int] = []
            if down.count == 1 && heads.isEmpty {
                restored = down
            } else if !down.isEmpty {
                var covered: [Bool]
                if heads.isEmpty {
                    covered = [Bool](repeating: false, count: order.count)
                    for lower in down {
                        var under = below([lower])
                        under[lower] = false
                        for index in covered.indices where under[index] { covered[index] = true }
                    }
                } else {
                    covered = below(Array(heads))
                }
                restored = down.filter { !covered[$0] }
            }
            for lower in restored where heads.insert(lower).inserted { rows.insert(order[lower]) }
            steps.append(step(place, .downgrade, before: before, after: rows))
        }
        return steps
    }

    private func step(_ place: Int, _ direction: MigrationStep.Direction, before: Set<String>, after: Set<String>) -> MigrationStep {
        MigrationStep(revision: revisions[order[place]]!, direction: direction, headsBefore: before, headsAfter: after)
    }

    // MARK: stamp

    /// The version-table rows after stamping `targets` on a database at `current` (Alembic's
    /// `_stamp_revs`): each target replaces the rows on its own line of descent, or adds a row
    /// when it is on a line no row is on; `base` (or `LABEL@base`) removes the rows of its
    /// lines. No migration runs.
    public func stampHeads(from current: Set<String>, to targets: [String]) throws -> Set<String> {
        let start = loadOrderedPlaces(current)
        var onLines: [Int] = []
        var destinations: [Int] = []
        for target in targets {
            let text = try Self.checkedIdentifier(target)
            for place in try start.isEmpty ? [] : filterForLineage(start, text, dependencies: true) where !onLines.contains(place) {
                onLines.append(place)
            }
            for point in try revisions(text) {
                switch point {
                case .revision(let place): destinations.append(place)
                case .parentsOf(let merge): destinations += parents[merge]
                case .base: break
                case .start: throw Self.didNotProduce(text)
                }
            }
        }
        var heads = Set(start)
        if destinations.isEmpty {
            heads.subtract(onLines)
            return Set(heads.map { order[$0] })
        }
        for destination in destinations where !onLines.contains(destination) {
            let up = above([destination])
            let down = below([destination])
            if onLines.contains(where: { up[$0] }) {
                // The rows are above the target: they all give way to it.
                heads.subtract(onLines)
            } else if onLines.contains(where: { down[$0] }) {
                // The rows are below the target; an earlier target of the same stamp may have
                // moved them already, and then this one adds its own row.
                if !onLines.contains(where: { !heads.contains($0) }) { heads.subtract(onLines) }
            }
            heads.insert(destination)
        }
        return Set(heads.map { order[$0] })
    }
}

extension RevisionGraph {
    /// The version-table rows an offline range starts from: `A` of `A:B`, one revision (or
    /// base), since a script cannot read where the database is.
    public func rangeStart(_ text: String) throws -> Set<String> {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw MigrateError(
                .usage, "the range has no start: offline mode needs to be told where the database is",
                hint: "write START:END, e.g. base:head or ae10:head")
        }
        return Set(try revision(try Self.checkedIdentifier(trimmed)).map { [order[$0]] } ?? [])
    }
}
