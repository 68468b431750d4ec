/// Listing a history newest first, and drawing it as an ASCII graph like `git log --graph`.
extension RevisionGraph {
    /// The revisions of `subset` (every revision when nil) newest first: each after everything
    /// that builds on it, and a branch kept together by following first parents, so that a
    /// drawn graph has as few crossings as a history allows.
    public func newestFirst(_ subset: Set<String>? = nil) -> [String] {
        let members = subset ?? Set(order)
        var waiting: [String: Int] = [:]
        for id in members {
            let above = Set((children[id] ?? []) + (dependents[id] ?? []))
            waiting[id] = above.filter(members.contains).count
        }
        // Ready revisions sorted by topological position, the newest last.
        var ready = members.filter { waiting[$0] == 0 }.sorted { position[$0]! < position[$1]! }
        var result: [String] = []
        result.reserveCapacity(members.count)
        var last: String? = nil
        while !ready.isEmpty {
            var index = ready.count - 1
            if let last {
                for parent in revisions[last]!.downRevisions where waiting[parent] == 0 {
                    if let found = readyIndex(of: parent, in: ready) {
                        index = found
                        break
                    }
                }
            }
            let id = ready.remove(at: index)
            result.append(id)
            last = id
            let revision = revisions[id]!
            for earlier in Set(revision.downRevisions + revision.dependsOn) where members.contains(earlier) {
                waiting[earlier]! -= 1
                if waiting[earlier] == 0 {
                    let place = insertionIndex(of: earlier, in: ready)
                    ready.insert(earlier, at: place)
                }
            }
        }
        return result
    }

    /// The revisions of `history -r LOWER:UPPER`: the upper ends and their ancestors, limited to
    /// the lower ends and their descendants (both ends included); an empty lower end is base.
    public func revisions(from lower: [String], to upper: [String]) -> Set<String> {
        let below = ancestors(of: upper).union(upper)
        if lower.isEmpty { return below }
        return below.intersection(descendants(of: lower).union(lower))
    }

    private func insertionIndex(of id: String, in sorted: [String]) -> Int {
        let key = position[id]!
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if position[sorted[middle]]! < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func readyIndex(of id: String, in sorted: [String]) -> Int? {
        let index = insertionIndex(of: id, in: sorted)
        return index < sorted.count && sorted[index] == id ? index : nil
    }

    /// Draws `listed` (newest first, as ``newestFirst(_:)`` orders them) as lanes joined by
    /// `|`, `/` and `\`, one ``GraphRow`` per revision. Only down_revision edges between listed
    /// revisions are drawn; dependencies are left to the text.
    public func drawGraph(_ listed: [String]) -> [GraphRow] {
        let shown = Set(listed)
        var lanes: [String] = []
        var rows: [GraphRow] = []
        rows.reserveCapacity(listed.count)
        for id in listed {
            let column: Int
            if let found = lanes.firstIndex(of: id) {
                column = found
            } else {
                lanes.append(id)
                column = lanes.count - 1
            }
            let parents = revisions[id]!.downRevisions.filter(shown.contains)
            // The node's lane becomes its parents' lanes; a lane another lane already waits
            // for joins it (a branch point seen from above).
            var next: [String] = []
            var edges: [(from: Int, to: Int)] = []
            for (index, lane) in lanes.enumerated() {
                for target in index == column ? parents : [lane] {
                    if let existing = next.firstIndex(of: target) {
                        edges.append((index, existing))
                    } else {
                        next.append(target)
                        edges.append((index, next.count - 1))
                    }
                }
            }
            let width = 2 * max(lanes.count, next.count) - 1
            let node = lanes.indices.map { $0 == column ? "*" : "|" }.joined(separator: " ")
            let continuation = lanes.indices.map { $0 == column && parents.isEmpty ? " " : "|" }
                .joined(separator: " ")
            rows.append(
                GraphRow(
                    revision: id, node: node.padding(to: width),
                    continuation: continuation.padding(to: width),
                    connectors: Self.connectors(edges)))
            lanes = next
        }
        return rows
    }

    /// The lines that move each edge from its column to its new one, one column per line.
    private static func connectors(_ edges: [(from: Int, to: Int)]) -> [String] {
        let steps = edges.map { abs($0.to - $0.from) }.max() ?? 0
        guard steps > 0 else { return [] }
        let width = 2 * (edges.map { max($0.from, $0.to) }.max()! + 1)
        var lines: [String] = []
        for line in 1...steps {
            var characters = [Character](repeating: " ", count: width)
            for edge in edges {
                let distance = edge.to - edge.from
                if line > abs(distance) {
                    characters[2 * edge.to] = "|"
                } else if distance > 0 {
                    characters[2 * (edge.from + line - 1) + 1] = "\\"
                } else {
                    characters[2 * (edge.from - line) + 1] = "/"
                }
            }
            lines.append(String(characters).trimmingTrailingSpaces())
        }
        return lines
    }
}

/// One revision of a drawn history graph.
public struct GraphRow: Sendable, Hashable {
    public var revision: String
    /// The lanes on the revision's own line, `*` marking it, padded so text after it aligns.
    public var node: String
    /// The lanes for further lines of the same entry (verbose output).
    public var continuation: String
    /// Lines after the entry that bend lanes towards their next columns (`|\`, `|/`).
    public var connectors: [String]
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
