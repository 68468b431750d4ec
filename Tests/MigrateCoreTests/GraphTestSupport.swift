import MigrateCore
import Testing

/// Builds a graph from lines like `"c <- a, b"`, `"d <- c @label"` and `"e <- d ~ x"` (depends on x).
func makeGraph(_ lines: String...) throws -> RevisionGraph {
    try RevisionGraph(lines.map(parseScenarioLine))
}

/// Revisions in ``makeGraph(_:)``'s notation, in the order given (the load order).
func scenarioRevisions<S: Sequence>(_ lines: S) -> [Revision] where S.Element == String {
    lines.map(parseScenarioLine)
}

/// One line of ``makeGraph(_:)``'s notation: `"c <- a, b @label @other ~ dependency, other"`.
func parseScenarioLine(_ line: String) -> Revision {
    var text = Substring(line)
    var dependencies: [String] = []
    if let tilde = text.firstIndex(of: "~") {
        dependencies = text[text.index(after: tilde)...].split(separator: ",").map { $0.trimmingCharacters() }
        text = text[..<tilde]
    }
    let labelParts = text.split(separator: "@", omittingEmptySubsequences: false)
    let labels = labelParts.dropFirst().map { $0.trimmingCharacters() }
    text = labelParts[0]
    let parts = text.split(separator: "<-", maxSplits: 1).map { String($0).trimmingCharacters() }
    let parents = parts.count > 1 ? parts[1].split(separator: ",").map { $0.trimmingCharacters() } : []
    return Revision(
        id: parts[0], downRevisions: parents, branchLabels: labels, dependsOn: dependencies,
        message: "m_\(parts[0])", path: "versions/\(parts[0]).sql")
}

extension StringProtocol {
    func trimmingCharacters() -> String { String(self).trimmingWhitespace() }
}

/// The ids of a plan, with `-` marking downgrades.
func ids(_ steps: [MigrationStep]) -> [String] {
    steps.map { ($0.direction == .upgrade ? "" : "-") + $0.revision.id }
}
