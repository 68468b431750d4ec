/// Listing a history newest first, and drawing it as an ASCII graph like `git log --graph`.
extension RevisionGraph {
    /// Every revision newest first, in Alembic's order (see ``history(from:to:current:)``).
    public func newestFirst() -> [String] {
        let all = [Bool](repeating: true, count: order.count)
        return sortedNewestFirst(all, heads: headPlaces).map { order[$0] }
    }

    /// The revisions of `history -r LOWER:UPPER` newest first, both ends included, as Alembic
    /// lists them: from the upper end (the heads when nil) down to the lower end (base when
    /// nil). `current` at either end names the database's heads; a relative lower end (`-2`,
    /// `LABEL@-2`) counts from the graph's heads. The ends must lie on one line of descent.
    public func history(from lower: String?, to upper: String?, current: Set<String>? = nil) throws -> [String] {
        func databaseHeads() throws -> [Int] {
            guard let current else {
                throw MigrateError(.usage, "'current' needs a database, which offline mode does not have")
            }
            return loadOrderedPlaces(current)
        }
        var lowerEnd = Lower.identifier("base")
        if let lower = lower?.trimmingWhitespace(), !lower.isEmpty {
            if lower == "current" {
                let places = try databaseHeads()
                if !places.isEmpty { lowerEnd = .heads(places) }
            } else {
                lowerEnd = .identifier(lower)
            }
        }
        var upperText = "heads"
        var upperPlaces: [Int]? = nil
        if let upper = upper?.trimmingWhitespace(), !upper.isEmpty {
            if upper == "current" {
                let places = try databaseHeads()
                if !places.isEmpty {
                    upperText = "current"
                    upperPlaces = places
                }
            } else {
                upperText = upper
            }
        }
        let (needs, targets) = try collectUpgrade(
            target: upperText, targetPlaces: upperPlaces, lower: lowerEnd, inclusive: true, implicitBase: false,
            noOverwalk: false)
        return sortedNewestFirst(needs, heads: targets).map { order[$0] }
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
