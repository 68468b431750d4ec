/// Listing a history newest first, and drawing it as an ASCII graph like `git log --graph`.
extension RevisionGraph {
    /// The revisions of `subset` (every revision when nil) newest first: each after everything
    /// that builds on it, and a branch kept together by following first parents, so that a
    /// drawn graph has as few crossings as a history allows.
    public func newestFirst(_ subset: Set<String>? = nil) -> [String] {
        var isMember = [Bool](repeating: subset == nil, count: order.count)
        for id in subset ?? [] { isMember[position[id]!] = true }
        // How many listed revisions build on each one (children and dependents, each once).
        var waiting = [Int](repeating: 0, count: order.count)
        for place in order.indices where isMember[place] {
            waiting[place] = children[place].count { isMember[$0] }
                + dependents[place].count { isMember[$0] && !children[place].contains($0) }
        }
        // Ready positions in ascending order, the newest last.
        var ready = order.indices.filter { isMember[$0] && waiting[$0] == 0 }
        var result: [String] = []
        result.reserveCapacity(ready.count)
        var last: Int? = nil
        while !ready.isEmpty {
            var index = ready.count - 1
            if let last {
                for parent in parents[last] where isMember[parent] && waiting[parent] == 0 {
                    if let found = readyIndex(of: parent, in: ready) {
                        index = found
                        break
                    }
                }
            }
            let place = ready.remove(at: index)
            result.append(order[place])
            last = place
            let below = parents[place] + dependencies[place].filter { !parents[place].contains($0) }
            for earlier in below where isMember[earlier] {
                waiting[earlier] -= 1
                if waiting[earlier] == 0 { ready.insert(earlier, at: insertionIndex(of: earlier, in: ready)) }
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

    private func insertionIndex(of place: Int, in sorted: [Int]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < place { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private func readyIndex(of place: Int, in sorted: [Int]) -> Int? {
        let index = insertionIndex(of: place, in: sorted)
        return index < sorted.count && sorted[index] == place ? index : nil
    }

    /// Draws `listed` (newest first, as ``newestFirst(_:)`` orders them) as lanes joined by
    /// `|`, `/` and `\`, one ``GraphRow`` per revision. Only down_revision edges between listed
    /// revisions are drawn; dependencies are left to the text.
    public func drawGraph(_ listed: [String]) -> [GraphRow] {
        var shown = [Bool](repeating: false, count: order.count)
        for id in listed { shown[position[id]!] = true }
        var lanes: [Int] = []
        var rows: [GraphRow] = []
        rows.reserveCapacity(listed.count)
        for id in listed {
            let place = position[id]!
            let column: Int
            if let found = lanes.firstIndex(of: place) {
                column = found
            } else {
                lanes.append(place)
                column = lanes.count - 1
            }
            let parents = parents[place].filter { shown[$0] }
            // The node's lane becomes its parents' lanes; a lane another lane already waits
            // for joins it (a branch point seen from above).
            var next: [Int] = []
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
            rows.append(
                GraphRow(
                    revision: id,
                    node: Self.lanes(lanes.count, width: width) { $0 == column ? UInt8(ascii: "*") : UInt8(ascii: "|") },
                    continuation: Self.lanes(lanes.count, width: width) {
                        $0 == column && parents.isEmpty ? UInt8(ascii: " ") : UInt8(ascii: "|")
                    },
                    connectors: Self.connectors(edges)))
            lanes = next
        }
        return rows
    }

    /// `count` lane marks separated by spaces, padded with spaces to `width`.
    private static func lanes(_ count: Int, width: Int, mark: (Int) -> UInt8) -> String {
        String(unsafeUninitializedCapacity: max(width, 2 * count - 1)) { text in
            var length = 0
            for lane in 0..<count {
                if lane > 0 {
                    text[length] = UInt8(ascii: " ")
                    length += 1
                }
                text[length] = mark(lane)
                length += 1
            }
            while length < width {
                text[length] = UInt8(ascii: " ")
                length += 1
            }
            return length
        }
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
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
