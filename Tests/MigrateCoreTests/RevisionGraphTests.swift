import MigrateCore
import Testing

@Suite struct RevisionGraphShapeTests {
    @Test func linearHistory() throws {
        let graph = try makeGraph("a", "b <- a", "c <- b")
        #expect(graph.order == ["a", "b", "c"])
        #expect(graph.heads == ["c"])
        #expect(graph.bases == ["a"])
    }

    @Test func forkAndMerge() throws {
        let graph = try makeGraph("a", "c <- a", "b <- a", "m <- b, c")
        #expect(graph.order == ["a", "b", "c", "m"])
        #expect(graph.isBranchPoint("a"))
        #expect(graph.revisions["m"]!.isMergePoint)
        #expect(graph.heads == ["m"])
    }

    @Test func orderDoesNotDependOnInputOrder() throws {
        let one = try makeGraph("a", "b <- a", "c <- a", "d <- c", "e <- b, d")
        let two = try makeGraph("e <- b, d", "d <- c", "c <- a", "b <- a", "a")
        #expect(one.order == two.order)
    }

    @Test func dependencyIsOrderedFirstAndIsNotAHead() throws {
        let graph = try makeGraph("a", "b <- a", "x", "c <- b ~ x")
        #expect(graph.order.firstIndex(of: "x")! < graph.order.firstIndex(of: "c")!)
        #expect(graph.heads == ["c"])
    }

    @Test func labelsAreInheritedAlongTheBranch() throws {
        let graph = try makeGraph("a", "b <- a @feature", "c <- b", "d <- a")
        #expect(graph.branchLabels(of: "c") == ["feature"])
        #expect(graph.branchLabels(of: "b") == ["feature"])
        // a is a branch point: the label does not climb above it.
        #expect(graph.branchLabels(of: "a") == [])
        #expect(graph.branchLabels(of: "d") == [])
    }

    @Test(arguments: [
        (["a", "a"], "declared twice"),
        (["a", "b <- z"], "names down_revision z"),
        (["a <- b", "b <- a"], "form a cycle"),
        (["a @x", "b <- a @x"], "branch label 'x' is used by both"),
        (["a", "b <- a ~ nothing"], "depends on nothing"),
        (["a <- a"], "form a cycle"),
    ])
    func badGraphsNameTheIdsInvolved(lines: [String], expected: String) throws {
        let error = try #require(throws: MigrateError.self) {
            try RevisionGraph(lines.map { line in
                let parts = line.split(separator: " ")
                var revision = Revision(id: String(parts[0]), path: "versions/\(parts[0]).sql")
                var index = 1
                while index < parts.count {
                    switch parts[index] {
                    case "<-": revision.downRevisions = [String(parts[index + 1])]
                    case "@x": revision.branchLabels = ["x"]
                    case "~": revision.dependsOn = [String(parts[index + 1])]
                    default: break
                    }
                    index += parts[index].hasPrefix("@") ? 1 : 2
                }
                return revision
            })
        }
        #expect(error.kind == .graph)
        #expect(error.description.contains(expected), "\(error)")
    }

    /// A cycle is named by the revisions on it, in order, from the smallest id; revisions that
    /// build on it (which cannot be ordered either) are left out.
    @Test func aCycleIsNamedByItsRevisionsOnly() throws {
        let error = try #require(throws: MigrateError.self) {
            try makeGraph("root", "ccc <- bbb", "aaa <- ccc", "bbb <- aaa ~ root", "ddd <- ccc", "eee <- ddd", "fff ~ eee")
        }
        #expect(error.message == "revisions form a cycle through down_revision or depends_on: aaa -> bbb -> ccc -> aaa")
        #expect(error.location?.path == "versions/aaa.sql")
        let dependency = try #require(throws: MigrateError.self) { try makeGraph("aaa ~ bbb", "bbb <- aaa") }
        #expect(dependency.message.hasSuffix(": aaa -> bbb -> aaa"))
        let itself = try #require(throws: MigrateError.self) { try makeGraph("aaa <- aaa", "bbb <- aaa") }
        #expect(itself.message.hasSuffix(": aaa -> aaa"))
    }

    /// A cycle through a long history stays one short line: its ends, and how many are left out.
    @Test func aLongCycleIsShortened() throws {
        let count = 5000
        let ids = (0..<count).map { "r\(String(1_000_000 + $0).dropFirst())" }
        let revisions = ids.indices.map { index in
            Revision(id: ids[index], downRevisions: [ids[(index + count - 1) % count]], path: "versions/\(ids[index]).sql")
        }
        let error = try #require(throws: MigrateError.self) { try RevisionGraph(revisions) }
        #expect(error.message == """
            revisions form a cycle through down_revision or depends_on: \
            r000000 -> r000001 -> r000002 -> r000003 -> r000004 -> … 4991 more … -> r004996 -> r004997 -> r004998 -> r004999 -> r000000
            """)
    }
}

@Suite struct IdentifierTests {
    let graph: RevisionGraph

    init() throws {
        graph = try makeGraph(
            "ae10", "ae27 <- ae10", "b1 <- ae27 @left", "b2 <- b1", "c1 <- ae27 @right", "c2 <- c1")
    }

    @Test(arguments: [
        ("ae10", ["ae10"]),
        ("ae1", ["ae10"]),
        ("b1", ["b1"]),
        ("base", []),
        ("heads", ["b2", "c2"]),
        ("left@head", ["b2"]),
        ("right@head", ["c2"]),
        ("left", ["b1"]),
        ("right@c1", ["c1"]),
        ("b2-1", ["b1"]),
        ("ae10+1", ["ae27"]),
        ("left@b1+1", ["b2"]),
        ("ae10-1", []),
        ("c1@head", ["c2"]),
    ])
    func resolvesOffline(identifier: String, expected: [String]) throws {
        #expect(try graph.resolve(identifier) == expected)
    }

    /// Relative steps in upgrades and downgrades count from the database's rows; `-N` alone
    /// and `REV-N` in `show` count from the graph.
    @Test(arguments: [
        (["ae10"], "+1", ["ae27"]),
        (["ae27"], "-1", ["-ae27"]),
        ([], "+2", ["ae10", "ae27"]),
        (["b1"], "+1", ["b2"]),
        (["b1", "c1"], "left@+1", ["b2"]),
        (["b1", "c1"], "right@+1", ["c2"]),
        (["ae27"], "-2", ["-ae27", "-ae10"]),
        (["b2", "c2"], "left@-1", ["-b2"]),
        (["b2", "c2"], "left@ae27", ["-b2", "-b1"]),
        (["b2", "c2"], "b2@ae27", ["-b2", "-b1"]),
    ])
    func relativeStepsCountFromTheDatabase(current: [String], identifier: String, expected: [String]) throws {
        let steps = expected.first?.hasPrefix("-") ?? false
            ? try graph.downgradeSteps(from: Set(current), to: identifier)
            : try graph.upgradeSteps(from: Set(current), to: identifier)
        #expect(ids(steps) == expected)
    }

    @Test(arguments: [
        ("ae", "ambiguous: it is a prefix of 2 revisions (ae10, ae27)"),
        ("zz", "no revision matches 'zz'"),
        ("head", "'head' is ambiguous: there are 2 heads (b2, c2)"),
        ("ae27+1", "ambiguous at ae27: it could go to b1 or c1"),
        ("b2+1", "walks past the end of the history"),
        ("ae10-2", "walks past the end of the history"),
        ("+1", "no revision matches '+1'"),
        ("left@c1", "not on branch 'left'"),
        ("nope@head", "'nope' is neither a branch label nor a revision"),
        ("a:b", "is a range"),
    ])
    func errorsExplainThemselves(identifier: String, expected: String) throws {
        let error = try #require(throws: MigrateError.self) { try graph.resolve(identifier) }
        #expect(error.kind == .usage)
        #expect(error.description.contains(expected), "\(error)")
    }

    @Test func relativeStepsThatCannotBeTakenFail() throws {
        for (current, identifier) in [(["ae27"], "-3"), (["b2"], "+1"), (["ae10"], "-2")] {
            #expect(throws: MigrateError.self, "\(identifier)") {
                _ = identifier.hasPrefix("-")
                    ? try graph.downgradeSteps(from: Set(current), to: identifier)
                    : try graph.upgradeSteps(from: Set(current), to: identifier)
            }
        }
        // Several heads: `heads-1` names no single revision, `-1` no single row.
        #expect(throws: MigrateError.self) { try graph.downgradeSteps(from: ["b2", "c2"], to: "heads-1") }
        #expect(throws: MigrateError.self) { try graph.downgradeSteps(from: ["b2", "c2"], to: "-1") }
        #expect(throws: MigrateError.self) { try graph.upgradeSteps(from: ["b1"], to: "-1") }
    }

    @Test func historyRanges() throws {
        #expect(try graph.history(from: "ae10", to: "left@head") == ["b2", "b1", "ae27", "ae10"])
        #expect(try graph.history(from: nil, to: "c1") == ["c1", "ae27", "ae10"])
        // A relative lower end counts from the graph's heads: two steps below each head.
        #expect(try graph.history(from: "-2", to: nil) == ["b2", "b1", "c2", "c1", "ae27"])
        #expect(try graph.history(from: "left@-1", to: "heads") == ["b2", "b1"])
        let error = try #require(throws: MigrateError.self) { try graph.history(from: "b1", to: "c2") }
        #expect(error.description.contains("does not join revisions along one line of descent"))
    }
}

@Suite struct PlanTests {
    @Test func linearUpgradeAndDowngrade() throws {
        let graph = try makeGraph("a", "b <- a", "c <- b")
        let up = try graph.upgradeSteps(from: [], to: "c")
        #expect(ids(up) == ["a", "b", "c"])
        #expect(up.map(\.headsAfter) == [["a"], ["b"], ["c"]])
        #expect(ids(try graph.upgradeSteps(from: ["a"], to: "b")) == ["b"])
        #expect(ids(try graph.upgradeSteps(from: ["c"], to: "c")) == [])
        #expect(ids(try graph.downgradeSteps(from: ["c"], to: "a")) == ["-c", "-b"])
        #expect(ids(try graph.downgradeSteps(from: ["c"], to: "base")) == ["-c", "-b", "-a"])
        #expect(try graph.downgradeSteps(from: ["c"], to: "base").last!.headsAfter == [])
    }

    @Test func branchPointAddsARowAndMergeCollapsesThem() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "m <- b, c")
        let steps = try graph.upgradeSteps(from: [], to: "m")
        #expect(ids(steps) == ["a", "c", "b", "m"])
        #expect(steps.map(\.headsAfter) == [["a"], ["c"], ["b", "c"], ["m"]])
        let down = try graph.downgradeSteps(from: ["m"], to: "b")
        #expect(ids(down) == ["-m"])
        #expect(down[0].headsAfter == ["b", "c"])
    }

    @Test func threeParentMerge() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "d <- a", "m <- b, c, d")
        let steps = try graph.upgradeSteps(from: ["b"], to: "m")
        #expect(ids(steps) == ["d", "c", "m"])
        #expect(steps.last!.headsBefore == ["b", "c", "d"])
        #expect(steps.last!.headsAfter == ["m"])
        #expect(ids(try graph.downgradeSteps(from: ["m"], to: "base")) == ["-m", "-b", "-c", "-d", "-a"])
    }

    @Test func downgradingOneBranchLeavesTheOtherAlone() throws {
        let graph = try makeGraph("a", "b1 <- a", "b2 <- b1", "c1 <- a", "c2 <- c1")
        let steps = try graph.downgradeSteps(from: ["b2", "c2"], to: "b1")
        #expect(ids(steps) == ["-b2"])
        #expect(steps[0].headsAfter == ["b1", "c2"])
        // Reverting a whole branch: its branch point does not come back as a row while the
        // other branch still builds on it.
        let whole = try graph.downgradeSteps(from: ["b2", "c2"], to: "a")
        #expect(ids(whole) == ["-b2", "-b1", "-c2", "-c1"])
        #expect(whole.map(\.headsAfter) == [["b1", "c2"], ["c2"], ["c1"], ["a"]])
    }

    @Test func upgradingOneBranchAddsItsRow() throws {
        let graph = try makeGraph("a", "b1 <- a", "c1 <- a")
        let steps = try graph.upgradeSteps(from: ["b1"], to: "c1")
        #expect(ids(steps) == ["c1"])
        #expect(steps[0].headsAfter == ["b1", "c1"])
    }

    @Test func dependenciesArePulledInAndPushedOut() throws {
        let graph = try makeGraph("a", "b <- a", "x", "y <- x", "c <- b ~ y")
        let up = try graph.upgradeSteps(from: ["b"], to: "c")
        #expect(ids(up) == ["x", "y", "c"])
        #expect(up.last!.headsAfter == ["c"])
        // Downgrading below the dependency reverts its dependent first.
        let down = try graph.downgradeSteps(from: ["c"], to: "x")
        #expect(ids(down) == ["-c", "-y"])
        #expect(down.map(\.headsAfter) == [["b", "y"], ["b", "x"]])
    }

    @Test func upgradeToAnAppliedAncestorDoesNothing() throws {
        let graph = try makeGraph("a", "b <- a")
        #expect(try graph.upgradeSteps(from: ["b"], to: "a").isEmpty)
        let notApplied = try #require(throws: MigrateError.self) { try graph.downgradeSteps(from: ["a"], to: "b") }
        #expect(notApplied.description.contains("b is not a valid downgrade target"))
        #expect(notApplied.description.contains("it is not applied"))
    }

    @Test func summariesMatchAlembic() throws {
        let graph = try makeGraph("a", "b <- a", "c <- a", "m <- b, c")
        let steps = try graph.upgradeSteps(from: [], to: "m")
        #expect(steps[0].summary == "Running upgrade  -> a, m_a")
        #expect(steps[3].summary == "Running upgrade b, c -> m, m_m")
        let down = try graph.downgradeSteps(from: ["m"], to: "base")
        #expect(down[0].summary == "Running downgrade m -> b, c, m_m")
    }

    @Test func unknownDatabaseHeadIsReported() throws {
        let graph = try makeGraph("a")
        let error = try #require(throws: MigrateError.self) {
            try graph.validateDatabaseHeads(["zz"], versionTable: "migrate_version")
        }
        #expect(error.description.contains("names revision zz, which no migration file declares"))
    }
}

/// The one rule SQL files, Swift files and new revisions hold revision ids to.
@Suite struct RevisionIDRuleTests {
    @Test(arguments: ["ae10", "1975ea83b712", "add_accounts", "_", "A1"])
    func accepts(id: String) {
        #expect(Revision.isValidID(id.utf8))
    }

    @Test(arguments: ["", "a-b", "a b", "a@head", "a:b", "é1", "a\u{301}", "a;DROP", "１"])
    func refuses(id: String) {
        #expect(!Revision.isValidID(id.utf8))
    }
}
