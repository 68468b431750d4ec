/// Resolution of the identifiers users type: full and partial ids, `head`, `heads`, `base`,
/// relative steps (`+2`, `-1`, `REV+1`), branch labels (`LABEL@head`, `LABEL@REV`) and ranges.
extension RevisionGraph {
    /// Resolves one identifier to the revisions it names; an empty result means `base` (nothing
    /// applied).
    ///
    /// - Parameter current: the database's current heads, needed by relative forms (`+1`, `-1`,
    ///   `heads+1`, `current`); nil when there is no database (offline), which makes those forms
    ///   an error.
    public func resolve(_ identifier: String, current: Set<String>? = nil) throws -> [String] {
        try resolveTarget(identifier, current: current).revisions
    }

    /// Resolves one identifier like ``resolve(_:current:)`` and also returns the branch a
    /// `LABEL@…` or `REV@…` form names, which a downgrade must stay within.
    public func resolveTarget(_ identifier: String, current: Set<String>? = nil) throws -> RevisionTarget {
        let text = identifier.trimmingWhitespace()
        guard !text.isEmpty else {
            throw MigrateError(.usage, "empty revision identifier", hint: "name a revision, `head`, `heads` or `base`")
        }
        if text.contains(":") {
            throw MigrateError(
                .usage, "'\(text)' is a range; this command takes a single revision",
                hint: "ranges (A:B) are for `history -r` and offline `--sql` runs")
        }

        // LABEL@REST scopes REST to one branch: its own revisions, and the ancestors it grew
        // from, so that `LABEL@-1` can step down to the branch point and `LABEL@ROOT` names
        // a shared ancestor.
        var branch: Set<String>? = nil
        var scope: Set<String>? = nil
        var scopeName: String? = nil
        var rest = Substring(text)
        if let at = text.firstIndex(of: "@") {
            let label = String(text[..<at])
            rest = text[text.index(after: at)...]
            let root: String
            if let owner = labelOwners[label] {
                root = owner
                branch = members(ofLabel: label)
            } else if let id = try? resolveID(label) {
                // REV@head: the branch that grows from REV.
                root = id
                branch = descendants(of: [id], includeDependencies: false).union([id])
            } else {
                throw MigrateError(
                    .usage, "'\(label)' in '\(text)' is neither a branch label nor a revision",
                    hint: labelOwners.isEmpty ? "this project has no branch labels" : "known labels: \(labelOwners.keys.sorted().joined(separator: ", "))")
            }
            scope = branch!.union(ancestors(of: [root], includeDependencies: false))
            scopeName = label
        }
        return RevisionTarget(
            revisions: try resolveScoped(text: text, rest: rest, scope: scope, scopeName: scopeName, current: current),
            branch: branch)
    }

    /// Whether an identifier is relative to the database's heads (`current`, `+1`, `heads-1`,
    /// `LABEL@-1`), so a read command must connect to resolve it.
    public static func isRelativeToCurrent(_ identifier: String) -> Bool {
        var text = Substring(identifier.trimmingWhitespace())
        if let at = text.firstIndex(of: "@") { text = text[text.index(after: at)...] }
        if text == "current" { return true }
        guard let (anchor, _) = splitRelative(text) else { return false }
        return anchor.isEmpty || anchor == "current" || anchor == "heads"
    }

    private func resolveScoped(
        text: String, rest: Substring, scope: Set<String>?, scopeName: String?, current: Set<String>?
    ) throws -> [String] {
        // A trailing +N / -N is a relative step from what precedes it (or from the current heads).
        if let (anchor, steps) = Self.splitRelative(rest) {
            let starts: [String]
            // `heads+N` moves every head the database is at, so it is relative to them too.
            if anchor.isEmpty || anchor == "current" || anchor == "heads" {
                guard let current else {
                    throw MigrateError(
                        .usage, "'\(text)' is relative to the database's current revision, which offline mode does not know",
                        hint: "name the revisions (A:B) instead of a relative step")
                }
                let scoped = scope.map { current.intersection($0) } ?? current
                starts = topologicallySorted(scoped)
            } else {
                starts = try resolveAbsolute(anchor, scope: scope, scopeName: scopeName, current: current)
            }
            if anchor == "heads" {
                return try starts.flatMap { try walk(from: [$0], steps: steps, scope: scope, identifier: text) }
            }
            return try walk(from: starts, steps: steps, scope: scope, identifier: text)
        }
        return try resolveAbsolute(rest, scope: scope, scopeName: scopeName, current: current)
    }

    /// Resolves an `A:B` range to its two ends; either end may be empty (`:B` from base,
    /// `A:` to the heads). Ends are resolved like single identifiers.
    public func resolveRange(_ text: String, current: Set<String>? = nil) throws -> (lower: [String], upper: [String]) {
        let (lower, upper) = try resolveRangeTargets(text, current: current)
        return (lower.revisions, upper.revisions)
    }

    /// Resolves an `A:B` range like ``resolveRange(_:current:)``, keeping the branch each end
    /// names (`head:LABEL@base` downgrades one branch).
    public func resolveRangeTargets(_ text: String, current: Set<String>? = nil) throws -> (lower: RevisionTarget, upper: RevisionTarget) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw MigrateError(.usage, "'\(text)' is not a range", hint: "write ranges as A:B, e.g. base:head")
        }
        let lower = parts[0].isEmpty ? RevisionTarget(revisions: []) : try resolveTarget(String(parts[0]), current: current)
        let upper = parts[1].isEmpty ? RevisionTarget(revisions: heads) : try resolveTarget(String(parts[1]), current: current)
        return (lower, upper)
    }

    /// A full id, an unambiguous prefix of one, or a branch label (which names the revision
    /// that declares it).
    public func resolveID(_ text: String) throws -> String {
        if revisions[text] != nil { return text }
        if let owner = labelOwners[text] { return owner }
        let candidates = revisions.keys.filter { $0.hasPrefix(text) }.sorted()
        if candidates.count == 1 { return candidates[0] }
        if candidates.isEmpty {
            throw MigrateError(
                .usage, "no revision matches '\(text)'",
                hint: "`migrate history` lists the revisions; identifiers are ids, unique prefixes of ids, branch labels, head, heads or base")
        }
        let shown = candidates.prefix(10).joined(separator: ", ")
        throw MigrateError(
            .usage, "'\(text)' is ambiguous: it is a prefix of \(candidates.count) revisions (\(shown)\(candidates.count > 10 ? ", …" : ""))",
            hint: "type more characters of the id")
    }

    private func resolveAbsolute(
        _ text: Substring, scope: Set<String>?, scopeName: String?, current: Set<String>?
    ) throws -> [String] {
        switch text {
        case "base":
            return []
        case "heads":
            return scope.map { members in heads.filter { members.contains($0) } } ?? heads
        case "head":
            let candidates = scope.map { members in heads.filter { members.contains($0) } } ?? heads
            if candidates.count > 1 {
                throw MigrateError(
                    .usage,
                    "'\(scopeName.map { "\($0)@" } ?? "")head' is ambiguous: there are \(candidates.count) heads (\(candidates.joined(separator: ", ")))",
                    hint: "use `heads` to reach all of them, LABEL@head or an id for one branch, or `migrate merge` to join them")
            }
            return candidates
        case "current":
            guard let current else {
                throw MigrateError(.usage, "'current' needs a database, which offline mode does not have")
            }
            return topologicallySorted(scope.map { current.intersection($0) } ?? current)
        default:
            let id = try resolveID(String(text))
            if let scope, !scope.contains(id) {
                throw MigrateError(
                    .usage, "revision \(id) is not on branch '\(scopeName ?? "")'",
                    hint: "`migrate branches` shows which revisions each branch holds")
            }
            return [id]
        }
    }

    /// Splits `REV+N` / `REV-N` / `+N` / `-N`; nil when the text has no relative suffix.
    private static func splitRelative(_ text: Substring) -> (anchor: Substring, steps: Int)? {
        guard let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return nil }
        let digits = text[text.index(after: sign)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let count = Int(digits) else { return nil }
        return (text[..<sign], text[sign] == "+" ? count : -count)
    }

    /// Walks `steps` revisions up (positive) or down (negative) from `starts`; an empty start
    /// means base. Stepping through a fork or a merge is ambiguous unless `scope` picks one way,
    /// except that a walk may end on all the parents of a merge.
    private func walk(from starts: [String], steps: Int, scope: Set<String>?, identifier: String) throws -> [String] {
        guard starts.count <= 1 else {
            throw MigrateError(
                .usage, "'\(identifier)' is ambiguous: it starts from several heads (\(starts.joined(separator: ", ")))",
                hint: "name a branch: LABEL@+1, or an id with +N/-N")
        }
        var position = starts.first
        for step in 0..<abs(steps) {
            var options: [String]
            if steps > 0 {
                options = position.map { children(of: $0) } ?? bases
            } else {
                guard let here = position else {
                    throw MigrateError(.usage, "'\(identifier)' goes below base", hint: "use `base` to remove every migration")
                }
                options = revisions[here]!.downRevisions
                if options.isEmpty {
                    position = nil
                    continue
                }
            }
            if let scope { options = options.filter { scope.contains($0) } }
            if options.isEmpty {
                throw MigrateError(
                    .usage, "'\(identifier)' goes past \(steps > 0 ? "the head" : "base") (\(position ?? "base"))",
                    hint: "`migrate history` shows how many revisions there are")
            }
            // One step down from a merge reverts just the merge: it lands on all its parents.
            if options.count > 1 && steps < 0 && step == abs(steps) - 1 {
                return topologicallySorted(options)
            }
            if options.count > 1 {
                throw MigrateError(
                    .usage,
                    "'\(identifier)' is ambiguous at \(position ?? "base"): it could go to \(options.sorted().joined(separator: " or "))",
                    hint: "name the branch (LABEL@+N) or the revision")
            }
            position = options[0]
        }
        return position.map { [$0] } ?? []
    }
}

/// What an identifier names: revisions (none for base), and the branch a `LABEL@…` form confines
/// them to.
public struct RevisionTarget: Sendable, Hashable {
    public var revisions: [String]
    /// The revisions of the branch named before `@`; nil when the identifier names no branch.
    public var branch: Set<String>?

    public init(revisions: [String], branch: Set<String>? = nil) {
        self.revisions = revisions
        self.branch = branch
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
