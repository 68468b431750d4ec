import MigrateCore
import Testing

/// One move of a scenario: from the database heads `from`, go up or down to `target`, and
/// expect exactly these steps (`-x` reverts x) and these version-table rows afterwards.
struct Move: Sendable, CustomStringConvertible {
    var from: [String]
    var target: String
    var steps: [String]
    var headsAfter: [String]

    var description: String { "\(from.isEmpty ? "base" : from.joined(separator: ",")) → \(target)" }
}

/// A graph (in ``makeGraph(_:)``'s notation) and the moves to check on it.
struct Scenario: Sendable, CustomStringConvertible {
    var name: String
    var lines: [String]
    var moves: [Move]

    var description: String { name }
}

func up(_ from: [String], _ target: String, _ steps: String, heads: [String]) -> Move {
    Move(from: from, target: target, steps: steps.split(separator: " ").map(String.init), headsAfter: heads)
}

func down(_ from: [String], _ target: String, _ steps: String, heads: [String]) -> Move {
    Move(from: from, target: target, steps: steps.split(separator: " ").map { "-\($0)" }, headsAfter: heads)
}

let scenarios: [Scenario] = [
    Scenario(name: "linear", lines: ["a", "b <- a", "c <- b"], moves: [
        up([], "head", "a b c", heads: ["c"]),
        up([], "b", "a b", heads: ["b"]),
        up(["a"], "+1", "b", heads: ["b"]),
        up(["a"], "heads", "b c", heads: ["c"]),
        down(["c"], "-2", "c b", heads: ["a"]),
        down(["c"], "a", "c b", heads: ["a"]),
        down(["c"], "base", "c b a", heads: []),
    ]),
    Scenario(name: "fork with labelled branches", lines: [
        "a", "b1 <- a @left", "b2 <- b1", "c1 <- a @right", "c2 <- c1",
    ], moves: [
        up([], "heads", "a b1 b2 c1 c2", heads: ["b2", "c2"]),
        up([], "left@head", "a b1 b2", heads: ["b2"]),
        up(["b2"], "right@head", "c1 c2", heads: ["b2", "c2"]),
        up(["a"], "right@+1", "c1", heads: ["c1"]),
        up(["b1", "c1"], "heads+1", "b2 c2", heads: ["b2", "c2"]),
        up(["b2"], "c1", "c1", heads: ["b2", "c1"]),
        down(["b2", "c2"], "left@base", "b2 b1", heads: ["c2"]),
        down(["b2", "c2"], "left@a", "b2 b1", heads: ["c2"]),
        down(["b1", "c2"], "left@-1", "b1", heads: ["c2"]),
        down(["b2", "c2"], "right@-1", "c2", heads: ["b2", "c1"]),
        down(["b2", "c2"], "b1", "b2", heads: ["b1", "c2"]),
        down(["b2"], "left@base", "b2 b1", heads: ["a"]),
        down(["b2", "c2"], "a", "c2 c1 b2 b1", heads: ["a"]),
        down(["b2", "c2"], "base", "c2 c1 b2 b1 a", heads: []),
    ]),
    Scenario(name: "merge of two parents", lines: ["a", "b <- a", "c <- a", "m <- b, c", "d <- m"], moves: [
        up([], "head", "a b c m d", heads: ["d"]),
        up(["b"], "m", "c m", heads: ["m"]),
        up(["b", "c"], "heads", "m d", heads: ["d"]),
        down(["d"], "b", "d m", heads: ["b", "c"]),
        down(["d"], "-1", "d", heads: ["m"]),
        down(["d"], "-2", "d m", heads: ["b", "c"]),
        down(["m"], "-1", "m", heads: ["b", "c"]),
        down(["m"], "c", "m", heads: ["b", "c"]),
        down(["d"], "base", "d m c b a", heads: []),
    ]),
    Scenario(name: "merge of three parents", lines: [
        "a", "b <- a", "c <- a", "e <- a", "m <- b, c, e",
    ], moves: [
        up([], "head", "a b c e m", heads: ["m"]),
        up(["c"], "head", "b e m", heads: ["m"]),
        down(["m"], "e", "m", heads: ["b", "c", "e"]),
        down(["m"], "a", "m e c b", heads: ["a"]),
        down(["m"], "base", "m e c b a", heads: []),
    ]),
    Scenario(name: "dependency across branches", lines: ["a", "b <- a", "x", "y <- x", "c <- b ~ y"], moves: [
        up([], "c", "a b x y c", heads: ["c"]),
        up(["b"], "c", "x y c", heads: ["c"]),
        up([], "y", "x y", heads: ["y"]),
        down(["c"], "x", "c y", heads: ["b", "x"]),
        down(["c"], "b", "c", heads: ["b", "y"]),
        down(["c"], "base", "c y x b a", heads: []),
    ]),
    Scenario(name: "independent bases with labels", lines: ["a @app", "b <- a", "x @lib", "y <- x"], moves: [
        up([], "heads", "a b x y", heads: ["b", "y"]),
        up([], "app@head", "a b", heads: ["b"]),
        up(["b"], "lib@head", "x y", heads: ["b", "y"]),
        up(["a"], "app@+1", "b", heads: ["b"]),
        down(["b", "y"], "lib@base", "y x", heads: ["b"]),
        down(["b", "y"], "app@-1", "b", heads: ["a", "y"]),
        down(["b", "y"], "lib@x", "y", heads: ["b", "x"]),
    ]),
]

@Suite struct GraphScenarioTests {
    /// Every move of every scenario, planned from the identifier as the CLI resolves it.
    @Test(arguments: scenarios)
    func plansFollowAlembic(scenario: Scenario) throws {
        let graph = try RevisionGraph(scenarioRevisions(scenario.lines))
        for move in scenario.moves {
            let current = Set(move.from)
            let target = try graph.resolveTarget(move.target, current: current)
            let steps = move.steps.first?.hasPrefix("-") ?? false
                ? try graph.downgradeSteps(from: current, to: target)
                : try graph.upgradeSteps(from: current, to: target.revisions)
            #expect(ids(steps) == move.steps, "\(scenario): \(move)")
            #expect(Set(steps.last?.headsAfter ?? current) == Set(move.headsAfter), "\(scenario): \(move)")
            // Each step starts where the previous one ended.
            for (earlier, later) in zip(steps, steps.dropFirst()) {
                #expect(earlier.headsAfter == later.headsBefore, "\(scenario): \(move)")
            }
        }
    }

    @Test func orderDoesNotDependOnFileOrder() throws {
        for scenario in scenarios {
            let forward = try RevisionGraph(scenarioRevisions(scenario.lines))
            let backward = try RevisionGraph(scenarioRevisions(scenario.lines.reversed()))
            #expect(forward.order == backward.order, "\(scenario)")
            #expect(forward.newestFirst() == backward.newestFirst(), "\(scenario)")
        }
    }

    @Test func labelsOnlyConfineDowngradesToTheirBranch() throws {
        let graph = try makeGraph("a", "b1 <- a @left", "c1 <- a @right")
        let error = try #require(throws: MigrateError.self) { try graph.resolveTarget("left@c1") }
        #expect(error.description.contains("not on branch 'left'"))
        #expect(try graph.resolveTarget("left@a") == RevisionTarget(revisions: ["a"], branch: ["b1"]))
        #expect(try graph.resolveTarget("a") == RevisionTarget(revisions: ["a"]))
    }

    @Test func relativeIdentifiersAreRecognised() {
        for text in ["current", "+1", "-2", "heads+1", "left@-1", "current-1", "left@current"] {
            #expect(RevisionGraph.isRelativeToCurrent(text), "\(text)")
        }
        for text in ["head", "heads", "base", "ae10+1", "left@head", "b2-1", "abc"] {
            #expect(!RevisionGraph.isRelativeToCurrent(text), "\(text)")
        }
    }
}

@Suite struct HistoryLayoutTests {
    @Test func headsTipsAndHistoryOrder() throws {
        let graph = try makeGraph("a", "b <- a", "x", "c <- b ~ x")
        #expect(graph.heads == ["c"])
        #expect(graph.tips == ["x", "c"])
        #expect(graph.newestFirst() == ["c", "b", "a", "x"])
        #expect(graph.revisions(from: ["b"], to: ["c"]) == ["b", "c"])
        #expect(graph.revisions(from: [], to: ["b"]) == ["a", "b"])
    }

    @Test func branchesStayTogetherNewestFirst() throws {
        let graph = try makeGraph("a", "c1 <- a", "b1 <- a", "c2 <- c1", "b2 <- b1", "m <- c2, b2")
        // The merge's first parent's line comes first, then the other branch, then the root.
        #expect(graph.newestFirst() == ["m", "c2", "c1", "b2", "b1", "a"])
        #expect(graph.newestFirst(["b1", "b2", "a"]) == ["b2", "b1", "a"])
    }

    @Test func drawsForksAndMergesLikeGitLogGraph() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "m <- b, c")
        #expect(render(graph) == """
            *   m
            |\\
            * | b
            | * c
            |/
            * a
            """)
    }

    @Test func drawsThreeParentMergeAndTwoHeads() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "d <- a", "m <- b, c, d", "n <- m", "o <- m")
        #expect(render(graph) == """
            * o
            | * n
            |/
            *     m
            |\\
            | |\\
            * | | b
            | | * d
            | |/
            |/|
            | * c
            |/
            * a
            """)
    }

    @Test func drawsOnlyTheListedRevisions() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "m <- b, c")
        let listed = graph.newestFirst(graph.revisions(from: ["b"], to: ["m"]))
        #expect(listed == ["m", "b"])
        let rows = graph.drawGraph(listed)
        #expect(rows.map(\.node) == ["*", "*"])
        #expect(rows[0].continuation == "|")
        #expect(rows[1].continuation == " ")
    }

    @Test func branchLabelsOfEveryRevision() throws {
        let graph = try makeGraph("a", "b <- a", "c <- b @feature", "d <- c", "e <- a", "m <- d, e")
        #expect(graph.branchLabels(of: "b") == ["feature"])
        #expect(graph.branchLabels(of: "d") == ["feature"])
        #expect(graph.branchLabels(of: "m") == ["feature"])
        #expect(graph.branchLabels(of: "a") == [])
        #expect(graph.branchLabels(of: "e") == [])
    }

    private func render(_ graph: RevisionGraph) -> String {
        var lines: [String] = []
        for row in graph.drawGraph(graph.newestFirst()) {
            lines.append("\(row.node) \(row.revision)")
            lines += row.connectors
        }
        return lines.joined(separator: "\n")
    }
}

/// Revisions in ``makeGraph(_:)``'s notation, in the order given.
func scenarioRevisions<S: Sequence>(_ lines: S) -> [Revision] where S.Element == String {
    lines.map(parseScenarioLine)
}

/// One line of ``makeGraph(_:)``'s notation: `"c <- a, b @label ~ dependency"`.
func parseScenarioLine(_ line: String) -> Revision {
    var text = Substring(line)
    var labels: [String] = []
    var dependencies: [String] = []
    if let tilde = text.firstIndex(of: "~") {
        dependencies = text[text.index(after: tilde)...].split(separator: ",").map { $0.trimmingCharacters() }
        text = text[..<tilde]
    }
    if let at = text.firstIndex(of: "@") {
        labels = [text[text.index(after: at)...].trimmingCharacters()]
        text = text[..<at]
    }
    let parts = text.split(separator: "<-", maxSplits: 1).map { String($0).trimmingCharacters() }
    let parents = parts.count > 1 ? parts[1].split(separator: ",").map { $0.trimmingCharacters() } : []
    return Revision(
        id: parts[0], downRevisions: parents, branchLabels: labels, dependsOn: dependencies,
        message: "m_\(parts[0])", path: "versions/\(parts[0]).sql")
}
