import MigrateCore
import Testing

/// One move of a scenario: from the database heads `from`, go up or down to `target`, and
/// expect exactly these steps (`-x` reverts x) and these version-table rows afterwards.
struct Move: Sendable, CustomStringConvertible {
    var from: [String]
    var target: String
    var isDowngrade: Bool
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
    Move(from: from, target: target, isDowngrade: false, steps: steps.split(separator: " ").map(String.init), headsAfter: heads)
}

func down(_ from: [String], _ target: String, _ steps: String, heads: [String]) -> Move {
    Move(from: from, target: target, isDowngrade: true, steps: steps.split(separator: " ").map { "-\($0)" }, headsAfter: heads)
}

/// Hand-written scenarios, each move checked against Alembic (the larger table from Alembic's
/// own tests is in AlembicParityTests). Moves marked "differs" are deliberate differences,
/// listed in docs/migration-files.md.
let scenarios: [Scenario] = [
    Scenario(name: "linear", lines: ["a", "b <- a", "c <- b"], moves: [
        up([], "head", "a b c", heads: ["c"]),
        up([], "b", "a b", heads: ["b"]),
        up(["a"], "+1", "b", heads: ["b"]),
        up(["a"], "heads", "b c", heads: ["c"]),
        up(["c"], "a", "", heads: ["c"]),
        down(["c"], "-2", "c b", heads: ["a"]),
        down(["c"], "a", "c b", heads: ["a"]),
        down(["c"], "heads-2", "c b", heads: ["a"]),
        down(["b"], "heads-2", "b", heads: ["a"]),
        down(["c"], "base", "c b a", heads: []),
    ]),
    Scenario(name: "fork with labelled branches", lines: [
        "a", "b1 <- a @left", "b2 <- b1", "c1 <- a @right", "c2 <- c1",
    ], moves: [
        up([], "heads", "a c1 c2 b1 b2", heads: ["b2", "c2"]),
        up([], "left@head", "a b1 b2", heads: ["b2"]),
        up(["b2"], "right@head", "c1 c2", heads: ["b2", "c2"]),
        up(["a"], "right@+1", "c1", heads: ["c1"]),
        up(["b2"], "c1", "c1", heads: ["b2", "c1"]),
        // LABEL@base reverts from the bases of the label's line: here the shared base, so
        // everything.
        down(["b2", "c2"], "left@base", "b2 b1 c2 c1 a", heads: []),
        down(["b2", "c2"], "left@a", "b2 b1", heads: ["c2"]),
        down(["b1", "c2"], "left@-1", "b1", heads: ["c2"]),
        down(["b2", "c2"], "right@-1", "c2", heads: ["b2", "c1"]),
        down(["b2", "c2"], "b1", "b2", heads: ["b1", "c2"]),
        down(["b2"], "left@base", "b2 b1 a", heads: []),
        down(["b2", "c2"], "a", "b2 b1 c2 c1", heads: ["a"]),
        down(["b2", "c2"], "base", "b2 b1 c2 c1 a", heads: []),
    ]),
    Scenario(name: "merge of two parents", lines: ["a", "b <- a", "c <- a", "m <- b, c", "d <- m"], moves: [
        up([], "head", "a c b m d", heads: ["d"]),
        up(["b"], "m", "c m", heads: ["m"]),
        up(["b", "c"], "heads", "m d", heads: ["d"]),
        down(["d"], "b", "d m", heads: ["b", "c"]),
        down(["d"], "-1", "d", heads: ["m"]),
        // differs: Alembic refuses a step down from a merge ("Ambiguous walk").
        down(["d"], "-2", "d m", heads: ["b", "c"]),
        down(["m"], "-1", "m", heads: ["b", "c"]),
        down(["m"], "c", "m", heads: ["b", "c"]),
        down(["d"], "base", "d m b c a", heads: []),
    ]),
    Scenario(name: "merge of three parents", lines: [
        "a", "b <- a", "c <- a", "e <- a", "m <- b, c, e",
    ], moves: [
        up([], "head", "a e c b m", heads: ["m"]),
        up(["c"], "head", "e b m", heads: ["m"]),
        down(["m"], "e", "m", heads: ["b", "c", "e"]),
        down(["m"], "a", "m b c e", heads: ["a"]),
        down(["m"], "base", "m b c e a", heads: []),
    ]),
    Scenario(name: "dependency across branches", lines: ["a", "b <- a", "x", "y <- x", "c <- b ~ y"], moves: [
        up([], "c", "x y a b c", heads: ["c"]),
        up(["b"], "c", "x y c", heads: ["c"]),
        up([], "y", "x y", heads: ["y"]),
        down(["c"], "x", "c y", heads: ["b", "x"]),
        down(["c"], "b", "c", heads: ["b", "y"]),
        down(["c"], "base", "c b a y x", heads: []),
    ]),
    Scenario(name: "independent bases with labels", lines: ["a @app", "b <- a", "x @lib", "y <- x"], moves: [
        up([], "heads", "x y a b", heads: ["b", "y"]),
        up([], "app@head", "a b", heads: ["b"]),
        up(["b"], "lib@head", "x y", heads: ["b", "y"]),
        up(["a"], "app@+1", "b", heads: ["b"]),
        down(["b", "y"], "lib@base", "y x", heads: ["b"]),
        down(["b", "y"], "app@-1", "b", heads: ["a", "y"]),
        down(["b", "y"], "lib@x", "y", heads: ["b", "x"]),
    ]),
    Scenario(name: "a revision that depends on the target stays", lines: ["a1", "b1 ~ a1", "bmerge <- a1, b1"], moves: [
        down(["bmerge"], "a1", "bmerge", heads: ["b1"]),
        // differs: Alembic refuses a step down from a merge ("Ambiguous walk").
        down(["bmerge"], "-1", "bmerge", heads: ["b1"]),
        up(["b1"], "heads", "bmerge", heads: ["bmerge"]),
    ]),
]

@Suite struct GraphScenarioTests {
    /// Every move of every scenario, planned from the identifier as the CLI resolves it.
    @Test(arguments: scenarios)
    func plansFollowAlembic(scenario: Scenario) throws {
        let graph = try RevisionGraph(scenarioRevisions(scenario.lines))
        for move in scenario.moves {
            let current = Set(move.from)
            let steps = move.isDowngrade
                ? try graph.downgradeSteps(from: current, to: move.target)
                : try graph.upgradeSteps(from: current, to: move.target)
            #expect(ids(steps) == move.steps, "\(scenario): \(move)")
            #expect(Set(steps.last?.headsAfter ?? current) == Set(move.headsAfter), "\(scenario): \(move)")
            // Each step starts where the previous one ended.
            for (earlier, later) in zip(steps, steps.dropFirst()) {
                #expect(earlier.headsAfter == later.headsBefore, "\(scenario): \(move)")
            }
        }
    }

    /// Like Alembic, independent branches are run and listed in the order their files load.
    @Test func independentBranchesFollowLoadOrder() throws {
        let forward = try makeGraph("x", "a", "y <- x", "b <- a")
        let backward = try makeGraph("b <- a", "y <- x", "a", "x")
        #expect(forward.tips == ["y", "b"])
        #expect(backward.tips == ["b", "y"])
        // History lists the first-loaded head's line first; upgrades run that list backwards.
        #expect(forward.newestFirst() == ["y", "x", "b", "a"])
        #expect(ids(try forward.upgradeSteps(from: [], to: "heads")) == ["a", "b", "x", "y"])
        #expect(backward.newestFirst() == ["b", "a", "y", "x"])
        #expect(ids(try backward.upgradeSteps(from: [], to: "heads")) == ["x", "y", "a", "b"])
        #expect(forward.loadOrdered(["b", "y", "a"]) == ["a", "y", "b"])
    }

    @Test func branchQualifiedIdentifiers() throws {
        let graph = try makeGraph("a", "b1 <- a @left", "c1 <- a @right")
        let error = try #require(throws: MigrateError.self) { try graph.resolve("left@c1") }
        #expect(error.description.contains("not on branch 'left'"))
        #expect(try graph.resolve("left@a") == ["a"])
        #expect(try graph.resolve("left@head") == ["b1"])
        #expect(try graph.resolve("left@heads") == ["b1"])
    }

    @Test func onlyCurrentNeedsTheDatabase() {
        #expect(RevisionGraph.isRelativeToCurrent("current"))
        for text in ["+1", "-2", "heads+1", "left@-1", "head", "heads", "base", "ae10+1", "left@head", "b2-1", "abc"] {
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
        #expect(try graph.history(from: "b", to: "c") == ["c", "b"])
        #expect(try graph.history(from: nil, to: "b") == ["b", "a"])
    }

    @Test func branchesStayTogetherNewestFirst() throws {
        let graph = try makeGraph("a", "c1 <- a", "b1 <- a", "c2 <- c1", "b2 <- b1", "m <- c2, b2")
        // The merge's first parent's line comes first, then the other branch, then the root.
        #expect(graph.newestFirst() == ["m", "c2", "c1", "b2", "b1", "a"])
        #expect(try graph.history(from: "b1", to: "b2") == ["b2", "b1"])
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
            * n
            | * o
            |/
            *     m
            |\\
            | |\\
            * | | b
            | * | c
            |/ /
            | * d
            |/
            * a
            """)    }

    @Test func drawsOnlyTheListedRevisions() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "m <- b, c")
        let listed = try graph.history(from: "b", to: "m")
        #expect(listed == ["m", "b"])
        let rows = graph.drawGraph(listed)
        #expect(rows.map(\.node) == ["*", "*"])
        #expect(rows[0].continuation == "|")
        #expect(rows[1].continuation == " ")
    }

    @Test func branchLabelsOfEveryRevision() throws {
        let graph = try makeGraph("a", "b <- a", "c <- b @feature", "d <- c", "e <- a", "m <- d, e")
        // As in Alembic, a label does not spread below its revision when its branch ends in a
        // merge.
        #expect(graph.branchLabels(of: "b") == [])
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

