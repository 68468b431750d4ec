/// Resolution of the identifiers users type: full and partial ids, `head`, `heads`, `base`,
/// relative steps (`+2`, `-1`, `REV+1`, `heads-1`), branch-qualified forms (`LABEL@head`,
/// `LABEL@REV`, `REV@base`, `LABEL@-1`) and ranges, with Alembic's meaning for each.
extension RevisionGraph {
    /// Where a walk through the graph stands: before the first revision (Alembic's `None`, where
    /// walking up starts from the bases and walking down from the heads), at base (reached by
    /// walking down past a base), or at a revision. `parentsOf` is where a walk that ends one
    /// step below a merge lands: on all the merge's parents.
    enum Point: Equatable {
        case start
        case base
        case revision(Int)
        case parentsOf(Int)
    }

    /// A relative identifier, `[LABEL@][SYMBOL]±N`.
    struct RelativeForm {
        var label: String?
        var symbol: String?
        var steps: Int
    }

    // MARK: Public resolution

    /// The revisions an identifier names, as Alembic's `get_revisions` reads it (an empty result
    /// means base): `heads` is every head, `LABEL@heads` the heads of one branch, `-N` and
    /// `LABEL@-N` walk N steps down from the graph's heads, `REV+N` and `REV-N` from REV.
    ///
    /// - Parameter current: the database's heads, which `current` names; nil when the caller did
    ///   not read the database, which makes `current` an error.
    public func resolve(_ identifier: String, current: Set<String>? = nil) throws -> [String] {
        let text = try Self.checkedIdentifier(identifier)
        if text == "current" {
            guard let current else {
                throw MigrateError(.usage, "'current' needs a database, which offline mode does not have")
            }
            return loadOrdered(current)
        }
        var points: [Point]
        if let form = Self.relativeForm(text), form.symbol != nil {
            let start = try point(try revision(form.label.map { "\($0)@\(form.symbol!)" } ?? form.symbol!))
            points = [try walkOrFail(from: start, steps: form.steps, label: form.steps > 0 ? form.label : nil, identifier: text)]
        } else {
            points = try revisions(text)
        }
        var ids: [String] = []
        for point in points {
            switch point {
            case .revision(let place): ids.append(order[place])
            case .parentsOf(let merge): ids += parents[merge].map { order[$0] }
            case .base: break
            case .start: throw Self.didNotProduce(text)
            }
        }
        return ids
    }

    /// Whether an identifier names the database's current revision (`current`, or a range end
    /// that is `current`), so a read command must connect to resolve it.
    public static func isRelativeToCurrent(_ identifier: String) -> Bool {
        identifier.trimmingWhitespace() == "current"
    }

    /// A full id, a branch label (which names the revision that declares it), or an unambiguous
    /// prefix of either.
    public func resolveID(_ text: String) throws -> String {
        order[try place(ofIdentifier: text, branch: nil)]
    }

    // MARK: Alembic's resolution, by position

    static func checkedIdentifier(_ identifier: String) throws -> String {
        let text = identifier.trimmingWhitespace()
        guard !text.isEmpty else {
            throw MigrateError(.usage, "empty revision identifier", hint: "name a revision, `head`, `heads` or `base`")
        }
        if text.contains(":") {
            throw MigrateError(
                .usage, "'\(text)' is a range; this command takes a single revision",
                hint: "ranges (A:B) are for `history -r` and offline `--sql` runs")
        }
        return text
    }

    /// Splits `[LABEL@]REST` and reads REST: `heads` (every head, or with a label every head
    /// of that branch, those only depended on included), `head` (the only head, of the branch
    /// when labelled), `base` (nothing), or a revision identifier left for the caller.
    func revisionNumber(_ text: String) throws -> (ids: [String], label: String?) {
        var label: String? = nil
        var rest = Substring(text)
        if let at = text.firstIndex(of: "@") {
            label = String(text[..<at])
            rest = text[text.index(after: at)...]
        }
        switch rest {
        case "heads":
            guard let label else { return (heads, nil) }
            return (try filterForLineage(tipPlaces, label).map { order[$0] }, label)
        case "head":
            return (try currentHead(label: label).map { [order[$0]] } ?? [], label)
        case "base":
            return ([], label)
        case "":
            throw MigrateError(.usage, "'\(text)' names no revision after '@'", hint: "write LABEL@head, LABEL@base or LABEL@REV")
        default:
            return ([String(rest)], label)
        }
    }

    /// The positions with no child, in load order.
    var tipPlaces: [Int] {
        order.indices.filter { children[$0].isEmpty }.sorted { loadIndex[$0] < loadIndex[$1] }
    }

    /// The positions nothing builds on, in load order.
    var headPlaces: [Int] {
        order.indices.filter { children[$0].isEmpty && dependents[$0].isEmpty }.sorted { loadIndex[$0] < loadIndex[$1] }
    }

    /// The only head (of a branch when labelled): Alembic's `head`. Heads that other branches
    /// only depend on count, so `LABEL@head` names the end of that branch.
    func currentHead(label: String?) throws -> Int? {
        var candidates = tipPlaces
        if let label { candidates = try filterForLineage(candidates, label) }
        if candidates.count > 1 {
            throw MigrateError(
                .usage,
                "'\(label.map { "\($0)@" } ?? "")head' is ambiguous: there are \(candidates.count) heads (\(candidates.map { order[$0] }.joined(separator: ", ")))",
                hint: "use `heads` to reach all of them, LABEL@head or an id for one branch, or `migrate merge` to join them")
        }
        return candidates.first
    }

    /// Alembic's `get_revisions` of one identifier: `-N` and `LABEL@-N` walk each head (of the
    /// branch) down N steps; anything else names revisions, or nothing for base.
    func revisions(_ text: String) throws -> [Point] {
        let (ids, label) = try revisionNumber(text)
        if ids.count == 1, let steps = Int(ids[0]), steps < 0, steps > Int.min {
            var starts = headPlaces
            if let label { starts = starts.filter { labels[$0].contains(label) } }
            return try starts.map { try walk(from: .revision($0), steps: steps, label: nil, noOverwalk: true) ?? .start }
        }
        return try ids.map { .revision(try place(ofIdentifier: $0, branch: label)) }
    }

    /// Alembic's `get_revision`: one revision, or nil for base; several is an error.
    func revision(_ text: String) throws -> Int? {
        let (ids, label) = try revisionNumber(text)
        if ids.count > 1 {
            throw MigrateError(
                .usage, "'\(text)' names \(ids.count) heads (\(ids.joined(separator: ", "))) where one revision is needed",
                hint: "name one of them, or LABEL@head for one branch")
        }
        guard let id = ids.first else {
            if let label { _ = try branchPlace(label) }
            return nil
        }
        return try place(ofIdentifier: id, branch: label)
    }

    func point(_ place: Int?) -> Point { place.map { .revision($0) } ?? .start }

    /// The revision a branch name stands for: a label's owner, or a revision (`REV@…`).
    func branchPlace(_ name: String) throws -> Int {
        if let owner = labelOwners[name] { return position[owner]! }
        if let place = position[name] { return place }
        do {
            return try place(ofIdentifier: name, branch: nil)
        } catch {
            throw MigrateError(
                .usage, "'\(name)' is neither a branch label nor a revision",
                hint: labelOwners.isEmpty ? "this project has no branch labels" : "known labels: \(labelOwners.keys.sorted().joined(separator: ", "))")
        }
    }

    /// An id or label, or an unambiguous prefix of one, narrowed to a branch's line when
    /// `branch` is given: a prefix matching several revisions names the one on the branch.
    func place(ofIdentifier text: String, branch: String?) throws -> Int {
        let branchRoot = try branch.map(branchPlace)
        var found: Int
        if let place = position[text] {
            found = place
        } else if let owner = labelOwners[text] {
            found = position[owner]!
        } else {
            var keys = order.filter { $0.count > 3 && $0.hasPrefix(text) }
            keys += labelOwners.keys.filter { $0.count > 3 && $0.hasPrefix(text) }.sorted()
            var places = keys.map { position[$0] ?? position[labelOwners[$0]!]! }
            if let branchRoot {
                let lineage = lineageMarks([branchRoot], dependencies: false)
                places = places.filter { lineage[$0] }
            }
            if places.isEmpty {
                throw MigrateError(
                    .usage, "no revision matches '\(text)'\(branch.map { " on branch '\($0)'" } ?? "")",
                    hint: text.count < 4
                        ? "a partial id needs at least four characters; `migrate history` lists the revisions"
                        : "`migrate history` lists the revisions; identifiers are ids, unique prefixes of ids, branch labels, head, heads or base")
            }
            if places.count > 1 {
                let shown = places.prefix(10).map { order[$0] }.sorted().joined(separator: ", ")
                throw MigrateError(
                    .usage, "'\(text)' is ambiguous: it is a prefix of \(places.count) revisions (\(shown)\(places.count > 10 ? ", …" : ""))",
                    hint: "type more characters of the id")
            }
            found = places[0]
        }
        if let branchRoot, let branch, !lineageMarks([branchRoot], dependencies: false)[found] {
            throw MigrateError(
                .usage, "revision \(order[found]) is not on branch '\(branch)'",
                hint: "`migrate branches` shows which revisions each branch holds")
        }
        return found
    }

    /// By position, the revisions on the same line of descent as one of `places`: at, above or
    /// below them.
    func lineageMarks(_ places: [Int], dependencies: Bool) -> [Bool] {
        var marks = above(places, dependencies: dependencies)
        let down = below(places, dependencies: dependencies)
        for index in marks.indices where down[index] { marks[index] = true }
        return marks
    }

    /// The targets on a line of descent with what `branch` names (Alembic's
    /// `filter_for_lineage`): a label, a revision, or `LABEL@REV`.
    func filterForLineage(_ targets: [Int], _ branch: String, dependencies: Bool = false) throws -> [Int] {
        let (ids, label) = try revisionNumber(branch)
        var shares: [Int] = []
        if let label { shares.append(try branchPlace(label)) }
        for id in ids { shares.append(try branchPlace(id)) }
        if shares.isEmpty { return targets }
        let lineage = lineageMarks(shares, dependencies: dependencies)
        return targets.filter { lineage[$0] }
    }

    // MARK: Relative steps

    /// Reads `[LABEL@][SYMBOL]±N`, SYMBOL being word characters; nil for other identifiers.
    static func relativeForm(_ text: String) -> RelativeForm? {
        func tail(_ rest: Substring) -> (symbol: String?, steps: Int)? {
            guard let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return nil }
            let symbol = rest[..<sign]
            let digits = rest[rest.index(after: sign)...]
            guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let count = Int(digits),
                symbol.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
            else { return nil }
            return (symbol.isEmpty ? nil : String(symbol), rest[sign] == "+" ? count : -count)
        }
        var index = text.startIndex
        while let at = text[index...].firstIndex(of: "@") {
            if at != text.startIndex, let (symbol, steps) = tail(text[text.index(after: at)...]) {
                return RelativeForm(label: String(text[..<at]), symbol: symbol, steps: steps)
            }
            index = text.index(after: at)
        }
        return tail(Substring(text)).map { RelativeForm(label: nil, symbol: $0.symbol, steps: $0.steps) }
    }

    /// Walks `steps` revisions up (positive) or down (negative). Walking up from the start
    /// begins at the bases, walking down at the heads; a walk up may be kept to a branch. A step
    /// with two ways to go is ambiguous, except that the last step down from a merge lands on
    /// all its parents. Returns nil when the walk runs out of graph and `noOverwalk` is set;
    /// otherwise it stops where it ran out.
    func walk(from start: Point, steps: Int, label: String?, noOverwalk: Bool) throws -> Point? {
        var here = start
        for step in 0..<abs(steps) {
            var options: [Point]
            if steps > 0 {
                switch here {
                case .base, .parentsOf:
                    return noOverwalk ? nil : here
                case .start:
                    options = order.indices.filter { parents[$0].isEmpty }.sorted { loadIndex[$0] < loadIndex[$1] }.map { .revision($0) }
                case .revision(let place):
                    options = children[place].map { .revision($0) }
                }
                if let label {
                    options = try filterForLineage(options.compactMap(\.place), label).map { .revision($0) }
                }
            } else {
                switch here {
                case .base, .parentsOf:
                    options = []
                case .start:
                    options = tipPlaces.map { .revision($0) }
                case .revision(let place):
                    options = parents[place].isEmpty ? [.base] : parents[place].map { .revision($0) }
                    if parents[place].count > 1 && step == abs(steps) - 1 { return .parentsOf(place) }
                }
            }
            if options.isEmpty { return noOverwalk ? nil : here }
            if options.count > 1 {
                throw MigrateError(
                    .usage,
                    "the relative step is ambiguous at \(here.describe(self)): it could go to \(options.map { $0.describe(self) }.joined(separator: " or "))",
                    hint: "name the branch (LABEL@+N) or the revision")
            }
            here = options[0]
        }
        return here
    }

    func walkOrFail(from start: Point, steps: Int, label: String?, identifier: String) throws -> Point {
        guard let point = try walk(from: start, steps: steps, label: label, noOverwalk: true) else {
            throw Self.didNotProduce(identifier)
        }
        return point
    }

    static func didNotProduce(_ identifier: String) -> MigrateError {
        MigrateError(
            .usage, "'\(identifier)' walks past the end of the history: there are not that many revisions to step over",
            hint: "`migrate history` shows the revisions; `base` and `heads` name the ends")
    }
}

extension RevisionGraph.Point {
    var place: Int? {
        if case .revision(let place) = self { return place }
        return nil
    }

    func describe(_ graph: RevisionGraph) -> String {
        switch self {
        case .start, .base: return "base"
        case .revision(let place): return graph.order[place]
        case .parentsOf(let merge): return graph.parents[merge].map { graph.order[$0] }.joined(separator: ", ")
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    package func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
