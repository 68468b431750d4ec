import MigrateCore
import Testing

/// The scenarios of Alembic's own revision tests (`tests/test_revision.py` and
/// `tests/test_version_traversal.py`): each graph with its files in load order, and what
/// Alembic's commands do on it, step by step. The expectations were taken from Alembic itself,
/// run through its command-level entry points on a freshly loaded graph, so they describe what
/// a user of Alembic sees. Where migrate deliberately differs, the row says so and
/// docs/migration-files.md ("Differences from Alembic") gives the reason.
///
/// Graph lines read `id <- parent, parent @label ~ dependency`. Steps are the revisions run,
/// in order; rows are the version table afterwards.
@Suite struct AlembicParityTests {
    @Test(arguments: alembicScenarios)
    func scenario(_ scenario: ParityScenario) throws {
        let graph = try RevisionGraph(scenarioRevisions(scenario.lines))
        #expect(graph.tips == scenario.heads, "\(scenario): heads")
        #expect(graph.heads == scenario.resolvedHeads, "\(scenario): heads --resolve-dependencies")
        #expect(graph.newestFirst() == words(scenario.history), "\(scenario): history")
        for move in scenario.moves {
            check(move, on: graph, in: scenario)
        }
    }

    private func check(_ move: ParityMove, on graph: RevisionGraph, in scenario: ParityScenario) {
        let context = "\(scenario): \(move)"
        switch move {
        case .upgrade(let from, let target, let steps, let rows), .downgrade(let from, let target, let steps, let rows):
            let isUpgrade = if case .upgrade = move { true } else { false }
            do {
                let planned = isUpgrade
                    ? try graph.upgradeSteps(from: Set(from), to: target)
                    : try graph.downgradeSteps(from: Set(from), to: target)
                #expect(planned.map(\.revision.id) == words(steps), "\(context)")
                #expect((planned.last?.headsAfter ?? Set(from)) == Set(rows), "\(context)")
                for (earlier, later) in zip(planned, planned.dropFirst()) {
                    #expect(earlier.headsAfter == later.headsBefore, "\(context)")
                }
            } catch {
                Issue.record("\(context): \(error)")
            }
        case .stamp(let from, let targets, let rows):
            #expect((try? graph.stampHeads(from: Set(from), to: words(targets))) == Set(rows), "\(context)")
        case .history(let range, let listed):
            let (lower, upper) = ends(range)
            #expect((try? graph.history(from: lower, to: upper)) == words(listed), "\(context)")
        case .show(let identifier, let names):
            #expect((try? graph.resolve(identifier)) == words(names), "\(context)")
        case .current(let rows, let shown):
            #expect(graph.currentRevisions(heads: Set(rows)) == words(shown), "\(context)")
        case .fails(let command, let from, let argument):
            #expect(throws: MigrateError.self, "\(context)") {
                switch command {
                case .upgrade: _ = try graph.upgradeSteps(from: Set(from), to: argument)
                case .downgrade: _ = try graph.downgradeSteps(from: Set(from), to: argument)
                case .stamp: _ = try graph.stampHeads(from: Set(from), to: words(argument))
                case .history:
                    let (lower, upper) = ends(argument)
                    _ = try graph.history(from: lower, to: upper)
                case .show: _ = try graph.resolve(argument)
                }
            }
        }
    }

    private func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    private func ends(_ range: String) -> (String?, String?) {
        let parts = range.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return (parts[0].isEmpty ? nil : parts[0], parts[1].isEmpty ? nil : parts[1])
    }
}

struct ParityScenario: Sendable, CustomStringConvertible {
    var name: String
    var lines: [String]
    /// `migrate heads` (Alembic's `heads`): every revision with no child, in load order.
    var heads: [String]
    /// `migrate heads --resolve-dependencies`.
    var resolvedHeads: [String]
    /// `migrate history`, newest first.
    var history: String
    var moves: [ParityMove]

    init(_ name: String, _ lines: [String], heads: [String], resolvedHeads: [String], history: String, _ moves: [ParityMove]) {
        self.name = name
        self.lines = lines
        self.heads = heads
        self.resolvedHeads = resolvedHeads
        self.history = history
        self.moves = moves
    }

    var description: String { name }
}

enum ParityCommand: Sendable {
    case upgrade, downgrade, stamp, history, show
}

enum ParityMove: Sendable {
    /// From the version-table rows `from`, upgrade to a target: the revisions run, and the rows after.
    case upgrade(from: [String], _ target: String, _ steps: String, rows: [String])
    case downgrade(from: [String], _ target: String, _ steps: String, rows: [String])
    /// `stamp` with space-separated targets: the rows after.
    case stamp(from: [String], _ targets: String, rows: [String])
    /// `history -r RANGE`: the revisions listed, newest first.
    case history(_ range: String, _ listed: String)
    /// `show`: the revisions an identifier names.
    case show(_ identifier: String, _ names: String)
    /// `current` for a database with these rows: the revisions shown.
    case current(_ rows: [String], _ shown: String)
    /// The command refuses (Alembic raises an error).
    case fails(ParityCommand, from: [String] = [], _ argument: String)
}

/// Alembic's test graphs with the commands its tests run on them.
let alembicScenarios: [ParityScenario] = [
    ParityScenario(
        "APITest",
        [
            "a",
            "b <- a",
            "c",
            "d <- c",
        ],
        heads: ["b", "d"], resolvedHeads: ["b", "d"], history: "b a d c",
        [
            .show("base", ""),
        ]),
    ParityScenario(
        "APITest 2",
        [
            "a",
            "b <- a",
            "c <- b",
        ],
        heads: ["c"], resolvedHeads: ["c"], history: "c b a",
        [
            .show("base", ""),
            .show("head", "c"),
            .fails(.show, "b'12345'"),
            .show("a", "a"),
        ]),
    ParityScenario(
        "APITest 3",
        [
            "a",
            "b <- a",
            "c1 <- b",
            "c2 <- b",
        ],
        heads: ["c1", "c2"], resolvedHeads: ["c1", "c2"], history: "c1 c2 b a",
        [
            .show("heads", "c1 c2"),
        ]),
    ParityScenario(
        "BranchTravellingTest",
        [
            "a1",
            "a2 <- a1",
            "a3 <- a2",
            "b1 <- a3",
            "b2 <- a3",
            "cb1 <- b1",
            "cb2 <- b2",
            "db1 <- cb1",
            "db2 <- cb2",
            "e1b1 <- db1",
            "fe1b1 <- e1b1",
            "e2b1 <- db1",
            "e2b2 <- db2",
            "merge <- e2b1, e2b2",
        ],
        heads: ["fe1b1", "merge"], resolvedHeads: ["fe1b1", "merge"], history: "fe1b1 e1b1 merge e2b1 db1 cb1 b1 e2b2 db2 cb2 b2 a3 a2 a1",
        [
            .show("merge", "merge"),
            .upgrade(from: ["db1"], "merge", "b2 cb2 db2 e2b2 e2b1 merge", rows: ["merge"]),
            .upgrade(from: [], "fe1b1", "a1 a2 a3 b1 cb1 db1 e1b1 fe1b1", rows: ["fe1b1"]),
            .history("a2:merge", "merge e2b1 db1 cb1 b1 e2b2 db2 cb2 b2 a3 a2"),
            .history("b1:merge", "merge e2b1 db1 cb1 b1"),
            .history("a1:merge", "merge e2b1 db1 cb1 b1 e2b2 db2 cb2 b2 a3 a2 a1"),
            .current(["db1"], "db1"),
        ]),
    ParityScenario(
        "DiamondTest",
        [
            "a",
            "b1 <- a",
            "b2 <- a",
            "c <- b1, b2",
            "d <- c",
        ],
        heads: ["d"], resolvedHeads: ["d"], history: "d c b1 b2 a",
        [
            .history("a:d", "d c b1 b2 a"),
        ]),
    ParityScenario(
        "EmptyMapTest",
        [
        ],
        heads: [], resolvedHeads: [], history: "",
        [
            .history("base:head", ""),
        ]),
    ParityScenario(
        "GraphWithLoopTest",
        [
            "user_foo",
            "user <- user_foo ~ user_foo",
        ],
        heads: ["user"], resolvedHeads: ["user"], history: "user user_foo",
        [
            .history(":heads", "user user_foo"),
        ]),
    ParityScenario(
        "GraphWithLoopTest 2",
        [
            "user_foo",
            "user <- user_foo",
        ],
        heads: ["user"], resolvedHeads: ["user"], history: "user user_foo",
        [
            .history(":heads", "user user_foo"),
        ]),
    ParityScenario(
        "GraphWithLoopTest 3",
        [
            "user_foo",
            "user ~ user_foo",
        ],
        heads: ["user_foo", "user"], resolvedHeads: ["user"], history: "user user_foo",
        [
            .history(":heads", "user user_foo"),
        ]),
    ParityScenario(
        "LabeledBranchTest",
        [
            "a @abranch",
            "b <- a",
            "somelongername <- b",
            "c <- somelongername",
            "d",
            "e <- d @ebranch",
            "someothername <- e",
            "f <- someothername",
        ],
        heads: ["c", "f"], resolvedHeads: ["c", "f"], history: "c somelongername b a f someothername e d",
        [
            .show("e", "e"),
            .show("abranch@heads", "c"),
            .show("ebranch@ebranch", "e"),
            .show("abranch@head", "c"),
            .show("abranch@base", ""),
            .show("ebranch@head", "f"),
            .show("ebranch@d", "d"),
            .history("ebranch@-2:heads", "f someothername e"),
            .history("base:ebranch@+2", "e d"),
            .show("f", "f"),
            .show("base", ""),
            .show("somelongername@base", ""),
            .history("ebranch@base:heads", "f someothername e d"),
            .history("abranch@base:heads", "c somelongername b a"),
            .history("e@base:heads", "f someothername e d"),
            .history("c@base:heads", "c somelongername b a"),
            .history("base:ebranch@head", "f someothername e d"),
            .history("base:abranch@head", "c somelongername b a"),
            .history("ebranch@head:heads", "f"),
            .history("ebranch@d:heads", "f someothername e d"),
            .show("e@d", "d"),
            .show("someoth@d", "d"),
            .show("ebranch@some", "someothername"),
            .show("abranch@some", "somelongername"),
            .show("abranch", "a"),
            .show("ebranch", "e"),
        ]),
    ParityScenario(
        "LabeledBranchTest 2",
        [
            "a",
            "b <- a",
            "c1 <- b @c1branch",
            "c2 <- b",
            "d <- c1, c2",
        ],
        heads: ["d"], resolvedHeads: ["d"], history: "d c1 c2 b a",
        [
            .show("c1", "c1"),
            .show("c2", "c2"),
            .show("d", "d"),
        ]),
    ParityScenario(
        "LargeMapTest",
        [
            "3fc8a578bc0a <- 4878cb1cb7f6, 454a0529f84e",
            "69285b0faaa <- 36c31e4e1c37, 3a3b24a31b57",
            "3b0452c64639 <- 2f1a0f3667f3",
            "2d9d787a496 <- 135b5fd31062",
            "184f65ed83af <- 3b0452c64639",
            "430074f99c29 <- 54f871bfe0b0",
            "3ffb59981d9a <- 519c9f3ce294",
            "454a0529f84e <- 40f6508e4373, 38a936c6ab11",
            "24c2620b2e3f <- 430074f99c29, 1f5ceb1ec255",
            "169a948471a9 <- 247ad6880f93",
            "2f1a0f3667f3 <- 17dd0f165262",
            "27227dc4fda8 <- 2a66d7c4d8a1",
            "4b2ad1ffe2e7 <- 3b409f268da4, 4f8a9b79a063",
            "124ef6a17781 <- 2529684536da",
            "4789d9c82ca7 <- 593b8076fb2c",
            "64ed798bcc3 <- 44ed1bf512a0, 169a948471a9",
            "2588a3c36a0f <- 50c7b21c9089",
            "359329c2ebb <- 5810e9eff996, 339faa12616",
            "540bc5634bd <- 3a5db5f31209",
            "20fe477817d2 <- 53d5ff905573",
            "4f8a9b79a063 <- 3cf34fcd6473, 300209d8594",
            "6918589deaf <- 3314c17f6e35",
            "1755e3b1481c <- 17b66754be21, 31b1d4b7fc95",
            "58c988e1aa4e <- 219240032b88, f067f0b825c",
            "593b8076fb2c <- 1d94175d221b",
            "38d069994064 <- 46b70a57edc0, 3ed56beabfb7",
            "3e2f6c6d1182 <- 7f96a01461b",
            "1f6969597fe7 <- 1811bdae9e63",
            "17dd0f165262 <- 3cf02a593a68",
            "3cf02a593a68 <- 25a7ef58d293",
            "34dfac7edb2d <- 28f4dd53ad3a",
            "4009c533e05d <- 42ded7355da2",
            "5a0003c3b09c <- 3ed56beabfb7, 2028d94d3863",
            "38a936c6ab11 <- 2588a3c36a0f",
            "59223c5b7b36 <- 2f93dd880bae",
            "4121bd6e99e9 <- 540bc5634bd",
            "260714a3f2de <- 6918589deaf",
            "ae77a2ed69b <- 274fd2642933",
            "18ff1ab3b4c4 <- 430133b6d46c",
            "2b9a327527a9 <- 359329c2ebb, 593b8076fb2c",
            "4e6167c75ed0 <- 325b273d61bd",
            "21ab11a7c5c4 <- 3da31f3323ec, 22f26011d635",
            "3b93e98481b1 <- 4e28e2f4fe2f",
            "145d8f1e334d <- b4143d129e",
            "135b5fd31062 <- 1d94175d221b",
            "300209d8594 <- 52804033910e, 593b8076fb2c",
            "8dca95cce28 <- f034666cd80",
            "46b70a57edc0 <- 145d8f1e334d, 4cc2960cbe19",
            "4d45e479fbb9 <- 2d9d787a496",
            "22f085bf8bbd <- 540bc5634bd",
            "263e91fd17d8 <- 2b9a327527a9",
            "219240032b88 <- 300209d8594, 2b9a327527a9",
            "325b273d61bd <- 4b2ad1ffe2e7",
            "199943ccc774 <- 1aa674ccfa4e",
            "247ad6880f93 <- 1f6969597fe7",
            "4878cb1cb7f6 <- 28f4dd53ad3a",
            "2a66d7c4d8a1 <- 23f1ccb18d6d",
            "42b079245b55 <- 593b8076fb2c",
            "1cccf82219cb <- 20fe477817d2, 915c67915c2",
            "b4143d129e <- 159331d6f484, 504d5168afe1",
            "53d5ff905573 <- 3013877bf5bd",
            "1f5ceb1ec255 <- 3ffb59981d9a",
            "ef1c1c1531f <- 4738812e6ece",
            "1f6963d1ae02 <- 247ad6880f93",
            "44d58f1d31f0 <- 18ff1ab3b4c4",
            "c3ebe64dfb5 <- 3409c57b0da, 31f352e77045",
            "f067f0b825c <- 359329c2ebb",
            "52ab2d3b57ce <- 96d590bd82e",
            "3b409f268da4 <- 20e90eb3eeb6, 263e91fd17d8",
            "5a4ca8889674 <- 4e6167c75ed0",
            "5810e9eff996 <- 2d30d79c4093, 52804033910e",
            "40f6508e4373 <- 4ed16fad67a7",
            "1811bdae9e63 <- 260714a3f2de",
            "3013877bf5bd <- 8dca95cce28, 3fc8a578bc0a",
            "16426dbea880 <- 28f4dd53ad3a",
            "22f26011d635 <- 4c93d063d2ba, 3b93e98481b1",
            "3409c57b0da <- 17b66754be21",
            "44373001000f <- 42b079245b55, 219240032b88",
            "28f4dd53ad3a <- 2e71fd90eb9d",
            "4cc2960cbe19 <- 504d5168afe1",
            "31f352e77045 <- 17b66754be21, 22f085bf8bbd",
            "4ed16fad67a7 <- f034666cd80",
            "3da31f3323ec <- 4c93d063d2ba",
            "31b1d4b7fc95 <- 1cc4459fd115",
            "11bc0ff42f87 <- 28f4dd53ad3a",
            "3a5db5f31209 <- 59742a546b84",
            "20e90eb3eeb6 <- 58c988e1aa4e, 44373001000f",
            "23f1ccb18d6d <- 52ab2d3b57ce",
            "1d94175d221b <- 21ab11a7c5c4",
            "36f1a410ed <- 54f871bfe0b0",
            "181a149173e <- 2ee35cac4c62",
            "171ad2f0c672 <- 4a4e0838e206",
            "2f93dd880bae <- 540bc5634bd",
            "25a7ef58d293",
            "7f96a01461b <- 184f65ed83af",
            "b21f22233f <- 3e2f6c6d1182",
            "52804033910e <- 1d94175d221b",
            "1e6240aba5b3 <- 4121bd6e99e9, 2c50d8bab6ee",
            "1cc4459fd115 <- 1e6240aba5b3",
            "274fd2642933 <- 4009c533e05d",
            "1aa674ccfa4e <- 59223c5b7b36, 42050bf030fd",
            "4e28e2f4fe2f <- 596d7b9e11",
            "49ddec8c7a5e <- 124ef6a17781, 47578179e766",
            "3e9bb349cc46 <- ef1c1c1531f",
            "2028d94d3863 <- 504d5168afe1",
            "159331d6f484 <- 34dfac7edb2d",
            "596d7b9e11 <- 171ad2f0c672",
            "3b96bcc8da76 <- f034666cd80",
            "4738812e6ece <- 78982bf5499",
            "3314c17f6e35 <- 27227dc4fda8",
            "30931c545bf <- 2e71fd90eb9d",
            "2e71fd90eb9d <- c3ebe64dfb5, 1755e3b1481c",
            "3ed56beabfb7 <- 11bc0ff42f87, 69285b0faaa",
            "96d590bd82e <- 3e9bb349cc46",
            "339faa12616 <- 4d45e479fbb9",
            "47578179e766 <- 2529684536da",
            "2ee35cac4c62 <- b21f22233f",
            "50c7b21c9089 <- 4ed16fad67a7, 3b96bcc8da76",
            "78982bf5499 <- ae77a2ed69b",
            "519c9f3ce294 <- 2c50d8bab6ee",
            "2720fc75e5fd <- 1cccf82219cb",
            "21638ec787ba <- 44d58f1d31f0",
            "59742a546b84 <- 49ddec8c7a5e",
            "2d30d79c4093 <- 135b5fd31062",
            "f034666cd80 <- 5a0003c3b09c, 38d069994064",
            "430133b6d46c <- 181a149173e",
            "3a3b24a31b57 <- 16426dbea880, 4cc2960cbe19",
            "2529684536da <- 64ed798bcc3, 1f6963d1ae02",
            "17b66754be21 <- 19e0db9d806a, 24c2620b2e3f",
            "3cf34fcd6473 <- 52804033910e, 4789d9c82ca7",
            "36c31e4e1c37 <- 504d5168afe1",
            "54f871bfe0b0 <- 519c9f3ce294",
            "4a4e0838e206 <- 2a7f37cf7770",
            "19e0db9d806a <- 430074f99c29, 36f1a410ed",
            "44ed1bf512a0 <- 247ad6880f93",
            "42050bf030fd <- 2f93dd880bae",
            "2c50d8bab6ee <- 199943ccc774",
            "504d5168afe1 <- 28f4dd53ad3a, 30931c545bf",
            "915c67915c2 <- 3fc8a578bc0a",
            "2a7f37cf7770 <- 2720fc75e5fd",
            "4c93d063d2ba <- 4e28e2f4fe2f",
            "42ded7355da2 <- 21638ec787ba",
        ],
        heads: ["5a4ca8889674"], resolvedHeads: ["5a4ca8889674"], history: "5a4ca8889674 4e6167c75ed0 325b273d61bd 4b2ad1ffe2e7 3b409f268da4 20e90eb3eeb6 58c988e1aa4e 44373001000f 42b079245b55 219240032b88 4f8a9b79a063 3cf34fcd6473 300209d8594 263e91fd17d8 f067f0b825c 2b9a327527a9 359329c2ebb 5810e9eff996 2d30d79c4093 339faa12616 4d45e479fbb9 2d9d787a496 4789d9c82ca7 135b5fd31062 52804033910e 593b8076fb2c 1d94175d221b 21ab11a7c5c4 3da31f3323ec 22f26011d635 3b93e98481b1 4c93d063d2ba 4e28e2f4fe2f 596d7b9e11 171ad2f0c672 4a4e0838e206 2a7f37cf7770 2720fc75e5fd 1cccf82219cb 20fe477817d2 53d5ff905573 3013877bf5bd 8dca95cce28 915c67915c2 3fc8a578bc0a 4878cb1cb7f6 454a0529f84e 40f6508e4373 38a936c6ab11 2588a3c36a0f 50c7b21c9089 3b96bcc8da76 4ed16fad67a7 f034666cd80 5a0003c3b09c 38d069994064 46b70a57edc0 145d8f1e334d b4143d129e 159331d6f484 34dfac7edb2d 3ed56beabfb7 11bc0ff42f87 2028d94d3863 69285b0faaa 36c31e4e1c37 3a3b24a31b57 16426dbea880 4cc2960cbe19 504d5168afe1 30931c545bf 28f4dd53ad3a 2e71fd90eb9d c3ebe64dfb5 3409c57b0da 1755e3b1481c 31b1d4b7fc95 1cc4459fd115 1e6240aba5b3 4121bd6e99e9 31f352e77045 22f085bf8bbd 17b66754be21 19e0db9d806a 24c2620b2e3f 1f5ceb1ec255 3ffb59981d9a 430074f99c29 36f1a410ed 54f871bfe0b0 519c9f3ce294 2c50d8bab6ee 199943ccc774 1aa674ccfa4e 59223c5b7b36 42050bf030fd 2f93dd880bae 540bc5634bd 3a5db5f31209 59742a546b84 49ddec8c7a5e 124ef6a17781 47578179e766 2529684536da 64ed798bcc3 44ed1bf512a0 1f6963d1ae02 169a948471a9 247ad6880f93 1f6969597fe7 1811bdae9e63 260714a3f2de 6918589deaf 3314c17f6e35 27227dc4fda8 2a66d7c4d8a1 23f1ccb18d6d 52ab2d3b57ce 96d590bd82e 3e9bb349cc46 ef1c1c1531f 4738812e6ece 78982bf5499 ae77a2ed69b 274fd2642933 4009c533e05d 42ded7355da2 21638ec787ba 44d58f1d31f0 18ff1ab3b4c4 430133b6d46c 181a149173e 2ee35cac4c62 b21f22233f 3e2f6c6d1182 7f96a01461b 184f65ed83af 3b0452c64639 2f1a0f3667f3 17dd0f165262 3cf02a593a68 25a7ef58d293",
        [
            .upgrade(from: [], "heads", "25a7ef58d293 3cf02a593a68 17dd0f165262 2f1a0f3667f3 3b0452c64639 184f65ed83af 7f96a01461b 3e2f6c6d1182 b21f22233f 2ee35cac4c62 181a149173e 430133b6d46c 18ff1ab3b4c4 44d58f1d31f0 21638ec787ba 42ded7355da2 4009c533e05d 274fd2642933 ae77a2ed69b 78982bf5499 4738812e6ece ef1c1c1531f 3e9bb349cc46 96d590bd82e 52ab2d3b57ce 23f1ccb18d6d 2a66d7c4d8a1 27227dc4fda8 3314c17f6e35 6918589deaf 260714a3f2de 1811bdae9e63 1f6969597fe7 247ad6880f93 169a948471a9 1f6963d1ae02 44ed1bf512a0 64ed798bcc3 2529684536da 47578179e766 124ef6a17781 49ddec8c7a5e 59742a546b84 3a5db5f31209 540bc5634bd 2f93dd880bae 42050bf030fd 59223c5b7b36 1aa674ccfa4e 199943ccc774 2c50d8bab6ee 519c9f3ce294 54f871bfe0b0 36f1a410ed 430074f99c29 3ffb59981d9a 1f5ceb1ec255 24c2620b2e3f 19e0db9d806a 17b66754be21 22f085bf8bbd 31f352e77045 4121bd6e99e9 1e6240aba5b3 1cc4459fd115 31b1d4b7fc95 1755e3b1481c 3409c57b0da c3ebe64dfb5 2e71fd90eb9d 28f4dd53ad3a 30931c545bf 504d5168afe1 4cc2960cbe19 16426dbea880 3a3b24a31b57 36c31e4e1c37 69285b0faaa 2028d94d3863 11bc0ff42f87 3ed56beabfb7 34dfac7edb2d 159331d6f484 b4143d129e 145d8f1e334d 46b70a57edc0 38d069994064 5a0003c3b09c f034666cd80 4ed16fad67a7 3b96bcc8da76 50c7b21c9089 2588a3c36a0f 38a936c6ab11 40f6508e4373 454a0529f84e 4878cb1cb7f6 3fc8a578bc0a 915c67915c2 8dca95cce28 3013877bf5bd 53d5ff905573 20fe477817d2 1cccf82219cb 2720fc75e5fd 2a7f37cf7770 4a4e0838e206 171ad2f0c672 596d7b9e11 4e28e2f4fe2f 4c93d063d2ba 3b93e98481b1 22f26011d635 3da31f3323ec 21ab11a7c5c4 1d94175d221b 593b8076fb2c 52804033910e 135b5fd31062 4789d9c82ca7 2d9d787a496 4d45e479fbb9 339faa12616 2d30d79c4093 5810e9eff996 359329c2ebb 2b9a327527a9 f067f0b825c 263e91fd17d8 300209d8594 3cf34fcd6473 4f8a9b79a063 219240032b88 42b079245b55 44373001000f 58c988e1aa4e 20e90eb3eeb6 3b409f268da4 4b2ad1ffe2e7 325b273d61bd 4e6167c75ed0 5a4ca8889674", rows: ["5a4ca8889674"]),
        ]),
    ParityScenario(
        "LongShortBranchTest",
        [
            "a",
            "b1 <- a",
            "b2 <- a",
            "c1 <- b1",
            "d11 <- c1",
            "d12 <- c1",
        ],
        heads: ["b2", "d11", "d12"], resolvedHeads: ["b2", "d11", "d12"], history: "b2 d11 d12 c1 b1 a",
        [
            .history("base:heads", "b2 d11 d12 c1 b1 a"),
        ]),
    ParityScenario(
        "MultipleBaseCrossDependencyTestOne",
        [
            "base1 @b_1",
            "a1a <- base1",
            "a1b <- base1",
            "b1a <- a1a",
            "b1b <- a1b ~ a3",
            "base2 @b_2",
            "a2 <- base2",
            "b2 <- a2",
            "c2 <- b2 ~ a3",
            "d2 <- c2",
            "base3 @b_3",
            "a3 <- base3",
            "b3 <- a3",
        ],
        heads: ["b1a", "b1b", "d2", "b3"], resolvedHeads: ["b1a", "b1b", "d2", "b3"], history: "b1a a1a b1b a1b base1 d2 c2 b2 a2 base2 b3 a3 base3",
        [
            .upgrade(from: ["d2"], "b3", "b3", rows: ["b3", "d2"]),
            .history("base:heads", "b1a a1a b1b a1b base1 d2 c2 b2 a2 base2 b3 a3 base3"),
            .downgrade(from: ["b1a", "b1b", "d2", "b3"], "base", "b1a a1a b1b a1b base1 d2 c2 b2 a2 base2 b3 a3 base3", rows: []),
            .upgrade(from: ["d2"], "b2", "", rows: ["d2"]),
            .downgrade(from: ["b1a", "b1b", "d2", "b3"], "b_2@base", "d2 c2 b2 a2 base2", rows: ["b1a", "b1b", "b3"]),
            .history("b_2@base:heads", "d2 c2 b2 a2 base2 a3 base3"),
            .downgrade(from: ["b1a", "b1b", "d2", "b3"], "b_3@base", "b1b d2 c2 b3 a3 base3", rows: ["a1b", "b1a", "b2"]),
            .history("b_3@base:heads", "b3 a3 base3"),
            .downgrade(from: ["b1b"], "b1b@base", "b1b a1b base1", rows: ["a3"]),
            .history("base:b1b@head", "b1b a1b base1 a3 base3"),
            .downgrade(from: ["d2"], "b_2@base", "d2 c2 b2 a2 base2", rows: ["a3"]),
            .history("base:b_2@head", "d2 c2 b2 a2 base2 a3 base3"),
            .downgrade(from: ["b3"], "base", "b3 a3 base3", rows: []),
            .history("base:b_3@head", "b3 a3 base3"),
            .current(["d2"], "d2 a3"),
            .current(["b1a", "b1b", "d2", "b3"], "b1a b1b d2 b3"),
            .current(["b1b"], "b1b a3"),
            .current(["b3"], "b3"),
        ]),
    ParityScenario(
        "MultipleBaseCrossDependencyTestThree",
        [
            "base1",
            "a1 <- base1",
            "b1 <- a1",
            "c2 ~ a1",
            "c3 <- c2",
        ],
        heads: ["b1", "c3"], resolvedHeads: ["b1", "c3"], history: "b1 c3 c2 a1 base1",
        [
            .history("base:heads", "b1 c3 c2 a1 base1"),
        ]),
    ParityScenario(
        "MultipleBaseCrossDependencyTestTwo",
        [
            "base1 @b_1",
            "a1 <- base1",
            "b1 <- a1",
            "c1 <- b1",
            "base2 @b_2 ~ b_1",
            "a2 <- base2",
            "b2 <- a2",
            "c2 <- b2",
            "d2 <- c2",
            "base3 @b_3",
            "a3 <- base3",
            "b3 <- a3",
            "c3 <- b3 ~ b2",
            "d3 <- c3",
        ],
        heads: ["c1", "d2", "d3"], resolvedHeads: ["c1", "d2", "d3"], history: "c1 b1 a1 d2 c2 d3 c3 b3 a3 base3 b2 a2 base2 base1",
        [
            .history("base:heads", "c1 b1 a1 d2 c2 d3 c3 b3 a3 base3 b2 a2 base2 base1"),
            .history("b_1@base:heads", "c1 b1 a1 base1"),
            .history("b_2@base:heads", "d2 c2 b2 a2 base2 base1"),
            .history("b_3@base:heads", "d3 c3 b3 a3 base3 b2 a2 base2 base1"),
            .history("base:b_1@head", "c1 b1 a1 base1"),
            .history("base:b_2@head", "d2 c2 b2 a2 base2 base1"),
            .history("base:b_3@head", "d3 c3 b3 a3 base3 b2 a2 base2 base1"),
        ]),
    ParityScenario(
        "MultipleBaseTest",
        [
            "base1",
            "base2",
            "base3",
            "a1a <- base1",
            "a1b <- base1",
            "a2 <- base2",
            "a3 <- base3",
            "b1a <- a1a",
            "b1b <- a1b",
            "b2 <- a2",
            "b3 <- a3",
            "c2 <- b2",
            "d2 <- c2",
            "mergeb3d2 <- b3, d2",
        ],
        heads: ["b1a", "b1b", "mergeb3d2"], resolvedHeads: ["b1a", "b1b", "mergeb3d2"], history: "b1a a1a b1b a1b base1 mergeb3d2 b3 a3 base3 d2 c2 b2 a2 base2",
        [
            .history("base:heads", "b1a a1a b1b a1b base1 mergeb3d2 b3 a3 base3 d2 c2 b2 a2 base2"),
            .upgrade(from: [], "heads", "base2 a2 b2 c2 d2 base3 a3 b3 mergeb3d2 base1 a1b b1b a1a b1a", rows: ["b1a", "b1b", "mergeb3d2"]),
            .history(":heads", "b1a a1a b1b a1b base1 mergeb3d2 b3 a3 base3 d2 c2 b2 a2 base2"),
            .upgrade(from: ["c2"], "heads", "d2 base3 a3 b3 mergeb3d2 base1 a1b b1b a1a b1a", rows: ["b1a", "b1b", "mergeb3d2"]),
            .history("base3:b3", "b3 a3 base3"),
            .current(["c2"], "c2"),
        ]),
    ParityScenario(
        "MultipleBranchEffectiveHead",
        [
            "y1 @y",
            "x1 @x",
            "y2 <- y1 ~ x1",
            "x2 <- x1",
        ],
        heads: ["y2", "x2"], resolvedHeads: ["y2", "x2"], history: "y2 y1 x2 x1",
        [
            .downgrade(from: ["y2"], "x@-1", "y2 x1", rows: ["y1"]),
            .downgrade(from: ["x2", "y2"], "x@-1", "x2", rows: ["y2"]),
            .downgrade(from: ["x1", "y2"], "x@-1", "y2 x1", rows: ["y1"]),
            .current(["y2"], "x1 y2"),
            .current(["x2", "y2"], "y2 x2"),
            .current(["x1", "y2"], "x1 y2"),
        ]),
    ParityScenario(
        "MultipleBranchTest",
        [
            "a",
            "b1 <- a",
            "b2 <- a",
            "cb1 <- b1",
            "cb2 <- b2",
            "d1cb1 <- cb1",
            "d2cb1 <- cb1",
            "d1cb2 <- cb2",
            "d2cb2 <- cb2",
            "d3cb2 <- cb2",
            "d1d2cb2 <- d1cb2, d2cb2",
        ],
        heads: ["d1cb1", "d2cb1", "d3cb2", "d1d2cb2"], resolvedHeads: ["d1cb1", "d2cb1", "d3cb2", "d1d2cb2"], history: "d1cb1 d2cb1 cb1 b1 d3cb2 d1d2cb2 d1cb2 d2cb2 cb2 b2 a",
        [
            .upgrade(from: ["b1"], "d2cb2", "b2 cb2 d2cb2", rows: ["b1", "d2cb2"]),
            .history("a:d1d2cb2", "d1d2cb2 d1cb2 d2cb2 cb2 b2 a"),
            .history("a:d3cb2", "d3cb2 cb2 b2 a"),
            .history("base:d3cb2", "d3cb2 cb2 b2 a"),
            .upgrade(from: ["d1cb1"], "b1", "", rows: ["d1cb1"]),
            .upgrade(from: ["d1cb1"], "base", "", rows: ["d1cb1"]),
            .current(["b1"], "b1"),
            .current(["d1cb1"], "d1cb1"),
        ]),
    ParityScenario(
        "NormalizedDownRevTest",
        [
            "a1",
            "a2 <- a1",
            "a3 <- a2",
            "b1",
            "b2 <- b1 ~ a3",
            "b3 <- b2",
            "b4 <- b3 ~ a3",
            "b5 <- b4 ~ b4",
        ],
        heads: ["a3", "b5"], resolvedHeads: ["b5"], history: "b5 b4 b3 b2 b1 a3 a2 a1",
        [
            .downgrade(from: ["b5"], "base", "b5 b4 b3 b2 b1 a3 a2 a1", rows: []),
            .downgrade(from: ["b4"], "b1@base", "b4 b3 b2 b1", rows: ["a3"]),
            .show("b5", "b5"),
            .show("b4", "b4"),
            .downgrade(from: ["b5"], "a2", "b5 b4 b3 b2 a3", rows: ["a2", "b1"]),
            .upgrade(from: ["b1"], "b5", "a1 a2 a3 b2 b3 b4 b5", rows: ["b5"]),
            .current(["b5"], "a3 b5"),
            .current(["b4"], "a3 b4"),
            .current(["b1"], "b1"),
        ]),
    ParityScenario(
        "NormalizedDownRevTest 2",
        [
            "c1",
            "a1",
            "a2 <- a1 ~ c1",
            "a3 <- a2 ~ c1",
            "b1",
            "b2 <- b1 ~ a3",
            "b3 <- b2",
            "b4 <- b3 ~ a3",
            "b5 <- b4",
        ],
        heads: ["c1", "a3", "b5"], resolvedHeads: ["b5"], history: "b5 b4 b3 b2 b1 a3 a2 a1 c1",
        [
            .upgrade(from: ["b1"], "b5", "c1 a1 a2 a3 b2 b3 b4 b5", rows: ["b5"]),
            .current(["b1"], "b1"),
        ]),
    ParityScenario(
        "BranchFrom3WayMergepointTest",
        [
            "a1",
            "b1 <- a1",
            "c1 <- b1",
            "a2",
            "b2 <- a2",
            "c2 <- b2",
            "a3",
            "b3 <- a3",
            "c3 <- b3",
            "a5101757a1f5 <- c1, c2, c3",
            "018ca2205ec3 <- c2",
            "7ea4373cb1db <- c3",
        ],
        heads: ["a5101757a1f5", "018ca2205ec3", "7ea4373cb1db"], resolvedHeads: ["a5101757a1f5", "018ca2205ec3", "7ea4373cb1db"], history: "a5101757a1f5 c1 b1 a1 018ca2205ec3 7ea4373cb1db c2 b2 a2 c3 b3 a3",
        [
            .downgrade(from: ["7ea4373cb1db", "018ca2205ec3", "a5101757a1f5"], "b1", "a5101757a1f5 c1", rows: ["018ca2205ec3", "b1", "7ea4373cb1db"]),
            .upgrade(from: ["7ea4373cb1db", "018ca2205ec3", "b1"], "a5101757a1f5", "c1 a5101757a1f5", rows: ["018ca2205ec3", "7ea4373cb1db", "a5101757a1f5"]),
            .upgrade(from: ["7ea4373cb1db", "b2", "b1"], "a5101757a1f5", "c2 c1 a5101757a1f5", rows: ["7ea4373cb1db", "a5101757a1f5"]),
            .upgrade(from: ["7ea4373cb1db", "a5101757a1f5"], "018ca2205ec3", "018ca2205ec3", rows: ["018ca2205ec3", "7ea4373cb1db", "a5101757a1f5"]),
            .current(["7ea4373cb1db", "018ca2205ec3", "a5101757a1f5"], "a5101757a1f5 018ca2205ec3 7ea4373cb1db"),
            .current(["7ea4373cb1db", "018ca2205ec3", "b1"], "b1 018ca2205ec3 7ea4373cb1db"),
            .current(["7ea4373cb1db", "b2", "b1"], "b1 b2 7ea4373cb1db"),
            .current(["7ea4373cb1db", "a5101757a1f5"], "a5101757a1f5 7ea4373cb1db"),
        ]),
    ParityScenario(
        "BranchFromMergepointTest",
        [
            "a1",
            "b1 <- a1",
            "c1 <- b1",
            "a2",
            "b2 <- a2",
            "c2 <- b2",
            "248284bf4882 <- c1, c2",
            "7f1d573897b5 <- c2",
        ],
        heads: ["248284bf4882", "7f1d573897b5"], resolvedHeads: ["248284bf4882", "7f1d573897b5"], history: "248284bf4882 c1 b1 a1 7f1d573897b5 c2 b2 a2",
        [
            .downgrade(from: ["7f1d573897b5", "248284bf4882"], "b1", "248284bf4882 c1", rows: ["7f1d573897b5", "b1"]),
            .upgrade(from: ["7f1d573897b5", "b1"], "248284bf4882", "c1 248284bf4882", rows: ["248284bf4882", "7f1d573897b5"]),
            .current(["7f1d573897b5", "248284bf4882"], "248284bf4882 7f1d573897b5"),
            .current(["7f1d573897b5", "b1"], "b1 7f1d573897b5"),
        ]),
    ParityScenario(
        "BranchedPathTest",
        [
            "a",
            "b <- a",
            "c1 <- b @c1branch",
            "d1 <- c1",
            "c2 <- b @c2branch",
            "d2 <- c2",
        ],
        heads: ["d1", "d2"], resolvedHeads: ["d1", "d2"], history: "d1 c1 d2 c2 b a",
        [
            .downgrade(from: ["a"], "-1", "a", rows: []),
            .downgrade(from: ["d1", "d2"], "a", "d1 c1 d2 c2 b", rows: ["a"]),
            .downgrade(from: ["d1", "c2"], "c2", "", rows: ["c2", "d1"]),
            .downgrade(from: ["d1", "c2"], "d1", "", rows: ["c2", "d1"]),
            // Alembic warns and reverts from its first row; migrate refuses (docs/migration-files.md).
            .fails(.downgrade, from: ["d1", "d2"], "-1"),
            // Alembic warns and reverts from its first row; migrate refuses (docs/migration-files.md).
            .fails(.downgrade, from: ["c1", "d2"], "-1"),
            .downgrade(from: ["d1", "d2"], "c1branch@-1", "d1", rows: ["c1", "d2"]),
            // Alembic warns and reverts from its first row; migrate refuses (docs/migration-files.md).
            .fails(.downgrade, from: ["d2", "d1"], "-1"),
            // Alembic warns and reverts from its first row; migrate refuses (docs/migration-files.md).
            .fails(.downgrade, from: ["c2", "d1"], "-1"),
            .downgrade(from: ["c1", "d2"], "d2-1", "d2", rows: ["c2", "c1"]),
            .downgrade(from: ["d2", "c1"], "d2-1", "d2", rows: ["c2", "c1"]),
            .downgrade(from: ["d1", "d2"], "c1branch@head-1", "d1", rows: ["c1", "d2"]),
            .downgrade(from: ["c1", "d2"], "c1branch@b", "c1", rows: ["d2"]),
            .downgrade(from: ["c1", "d2"], "c2branch@b", "d2 c2", rows: ["c1"]),
            .downgrade(from: ["d1", "d2"], "c2@b", "d2 c2", rows: ["d1"]),
            .downgrade(from: ["d1", "d2"], "d1@b", "d1 c1", rows: ["d2"]),
            .downgrade(from: ["d2", "d1"], "base+2", "d1 c1 d2 c2", rows: ["b"]),
            .downgrade(from: ["d2", "d1"], "c2branch@base+2", "d2 c2", rows: ["d1"]),
            .downgrade(from: ["d2", "d1"], "c2", "d2", rows: ["c2", "d1"]),
            .downgrade(from: ["d2", "d1"], "c2branch@base+3", "d2", rows: ["c2", "d1"]),
            .upgrade(from: ["b"], "c2branch@head-1", "c2", rows: ["c2"]),
            .stamp(from: ["d1", "c2"], "b", rows: ["b"]),
            .stamp(from: ["d1", "c2"], "c1branch@base", rows: ["c2"]),
            .stamp(from: ["d1", "c2"], "c2branch@head", rows: ["d1", "d2"]),
            .upgrade(from: [], "base+1", "a", rows: ["a"]),
            .upgrade(from: [], "+1", "a", rows: ["a"]),
            .upgrade(from: ["c1", "c2"], "c2branch@+1", "d2", rows: ["c1", "d2"]),
            .upgrade(from: ["c1"], "c2branch@+1", "c2", rows: ["c2", "c1"]),
            .upgrade(from: ["b"], "d1", "c1 d1", rows: ["d1"]),
            .current(["a"], "a"),
            .current(["d1", "d2"], "d1 d2"),
            .current(["d1", "c2"], "d1 c2"),
            .current(["c1", "d2"], "c1 d2"),
            .current(["d2", "d1"], "d1 d2"),
            .current(["c2", "d1"], "d1 c2"),
            .current(["d2", "c1"], "c1 d2"),
            .current(["b"], "b"),
            .current(["c1", "c2"], "c1 c2"),
            .current(["c1"], "c1"),
        ]),
    ParityScenario(
        "BranchedPathTestCrossDependencies",
        [
            "a",
            "b <- a",
            "c1 <- b @c1branch",
            "d1 <- c1",
            "c2 <- b @c2branch",
            "d2 <- c2 ~ c1",
        ],
        heads: ["d1", "d2"], resolvedHeads: ["d1", "d2"], history: "d1 d2 c2 c1 b a",
        [
            .downgrade(from: ["d1", "d2"], "c1branch@b", "d1 d2 c1", rows: ["c2"]),
            .downgrade(from: ["d1", "d2"], "c2branch@b", "d2 c2", rows: ["d1"]),
            .current(["d1", "d2"], "d1 d2"),
        ]),
    ParityScenario(
        "DependsOnBranchLabelTest",
        [
            "a1 @lib1",
            "b1 <- a1",
            "c1 <- b1 @c1lib",
            "a2",
            "b2 <- a2",
            "c2 <- b2 ~ c1lib",
            "d1 <- c1",
            "e1 <- d1",
            "f1 <- e1",
        ],
        heads: ["c2", "f1"], resolvedHeads: ["c2", "f1"], history: "c2 b2 a2 f1 e1 d1 c1 b1 a1",
        [
            .upgrade(from: ["a2"], "c2", "a1 b1 c1 b2 c2", rows: ["c2"]),
            .current(["a2"], "a2"),
        ]),
    ParityScenario(
        "DependsOnBranchTestFive",
        [
            "a1",
            "b1 ~ a1",
            "bmerge <- a1, b1",
        ],
        heads: ["bmerge"], resolvedHeads: ["bmerge"], history: "bmerge b1 a1",
        [
            .upgrade(from: ["a1"], "b1", "b1", rows: ["b1"]),
            .upgrade(from: ["b1"], "bmerge", "bmerge", rows: ["bmerge"]),
            .downgrade(from: ["bmerge"], "a1", "bmerge", rows: ["b1"]),
            .downgrade(from: ["bmerge"], "b1", "bmerge", rows: ["b1"]),
            .current(["a1"], "a1"),
            .current(["b1"], "a1 b1"),
            .current(["bmerge"], "bmerge"),
        ]),
    ParityScenario(
        "DependsOnBranchTestFour",
        [
            "a1",
            "a2 <- a1",
            "a3 <- a2",
            "b1",
            "b2 <- b1 ~ a3",
            "b3 <- b2",
            "b4 <- b3 ~ a3",
        ],
        heads: ["a3", "b4"], resolvedHeads: ["b4"], history: "b4 b3 b2 b1 a3 a2 a1",
        [
            .downgrade(from: ["b4"], "b3", "b4", rows: ["b3"]),
            .current(["b4"], "a3 b4"),
        ]),
    ParityScenario(
        "DependsOnBranchTestOne",
        [
            "a1 @lib1",
            "b1 <- a1",
            "c1 <- b1",
            "a2",
            "b2 <- a2",
            "c2 <- b2 ~ c1",
            "d1 <- c1",
            "e1 <- d1",
            "f1 <- e1",
        ],
        heads: ["c2", "f1"], resolvedHeads: ["c2", "f1"], history: "c2 b2 a2 f1 e1 d1 c1 b1 a1",
        [
            .stamp(from: ["e1", "c2"], "b1", rows: ["b1"]),
            .current(["e1", "c2"], "c2 e1"),
        ]),
    ParityScenario(
        "DependsOnBranchTestThree",
        [
            "a1",
            "a2 <- a1",
            "b1",
            "b2 <- b1 ~ a2",
            "b3 <- b2",
            "a3 <- a2 ~ b1",
        ],
        heads: ["b3", "a3"], resolvedHeads: ["b3", "a3"], history: "b3 b2 a3 b1 a2 a1",
        [
            .downgrade(from: ["a3", "b2"], "b1", "b2", rows: ["a3"]),
            .current(["a3", "b2"], "b2 a3"),
        ]),
    ParityScenario(
        "DependsOnBranchTestTwo",
        [
            "a1",
            "a2",
            "a3",
            "amerge <- a1, a2, a3",
            "b1",
            "b2",
            "bmerge <- b1, b2",
            "c1",
            "c2",
            "c3",
            "cmerge <- c1, c2, c3",
            "d1 ~ a3, b2, c1",
        ],
        heads: ["amerge", "bmerge", "cmerge", "d1"], resolvedHeads: ["amerge", "bmerge", "cmerge", "d1"], history: "amerge a1 bmerge b1 cmerge d1 c1 a2 a3 b2 c2 c3",
        [
            .downgrade(from: ["amerge", "bmerge", "cmerge", "d1"], "b2", "bmerge", rows: ["amerge", "b1", "cmerge", "d1"]),
            .downgrade(from: ["amerge", "d1", "b1", "cmerge"], "d1@base", "d1", rows: ["amerge", "b1", "b2", "cmerge"]),
            .downgrade(from: ["amerge", "b1", "b2", "cmerge"], "base", "amerge a1 b1 b2 cmerge c1 a2 a3 c2 c3", rows: []),
            .current(["amerge", "bmerge", "cmerge", "d1"], "amerge bmerge cmerge d1"),
            .current(["amerge", "d1", "b1", "cmerge"], "amerge b1 b2 cmerge d1"),
            .current(["amerge", "b1", "b2", "cmerge"], "amerge b1 b2 cmerge"),
        ]),
    ParityScenario(
        "DependsOnOwnDownrevTest",
        [
            "a1",
            "a2 <- a1 ~ a1",
        ],
        heads: ["a2"], resolvedHeads: ["a2"], history: "a2 a1",
        [
            .upgrade(from: [], "a2", "a1 a2", rows: ["a2"]),
            .downgrade(from: ["a2"], "a1", "a2", rows: ["a1"]),
            .current(["a2"], "a2"),
        ]),
    ParityScenario(
        "ForestTest",
        [
            "a1",
            "b1 <- a1",
            "a2",
            "b2 <- a2",
        ],
        heads: ["b1", "b2"], resolvedHeads: ["b1", "b2"], history: "b1 a1 b2 a2",
        [
            .upgrade(from: [], "heads", "a2 b2 a1 b1", rows: ["b1", "b2"]),
            .stamp(from: [], "heads", rows: ["b1", "b2"]),
            .stamp(from: ["b1", "b2"], "heads", rows: ["b1", "b2"]),
            .current(["b1", "b2"], "b1 b2"),
        ]),
    ParityScenario(
        "MergedPathTest",
        [
            "a",
            "b <- a",
            "c1 <- b",
            "d1 <- c1",
            "c2 <- b @c2branch",
            "d2 <- c2",
            "d59d143578ae <- d1, d2",
            "f <- d59d143578ae",
        ],
        heads: ["f"], resolvedHeads: ["f"], history: "f d59d143578ae d1 c1 d2 c2 b a",
        [
            .downgrade(from: ["f"], "b", "f d59d143578ae d1 c1 d2 c2", rows: ["b"]),
            .stamp(from: ["d59d143578ae"], "c2", rows: ["c2"]),
            .stamp(from: ["d59d143578ae"], "a", rows: ["a"]),
            .stamp(from: ["d1", "c2"], "c2branch@head", rows: ["f"]),
            .stamp(from: ["d1", "c2"], "d59d143578ae", rows: ["d59d143578ae"]),
            .stamp(from: ["c2"], "d59d143578ae", rows: ["d59d143578ae"]),
            .stamp(from: ["b"], "d59d143578ae", rows: ["d59d143578ae"]),
            .upgrade(from: ["b"], "f", "c2 d2 c1 d1 d59d143578ae f", rows: ["f"]),
            .current(["f"], "f"),
            .current(["d59d143578ae"], "d59d143578ae"),
            .current(["d1", "c2"], "d1 c2"),
            .current(["c2"], "c2"),
            .current(["b"], "b"),
        ]),
    ParityScenario(
        "RevisionPathTest",
        [
            "a",
            "b <- a",
            "c <- b",
            "d <- c",
            "e <- d",
        ],
        heads: ["e"], resolvedHeads: ["e"], history: "e d c b a",
        [
            .downgrade(from: [], "base", "", rows: []),
            .downgrade(from: ["e"], "c", "e d", rows: ["c"]),
            .downgrade(from: ["c"], "base", "c b a", rows: []),
            .downgrade(from: ["a"], "a", "", rows: ["a"]),
            .downgrade(from: ["e"], "e", "", rows: ["e"]),
            .downgrade(from: ["c"], "-1", "c", rows: ["b"]),
            .downgrade(from: ["e"], "-3", "e d c", rows: ["b"]),
            .downgrade(from: ["d"], "a+2", "d", rows: ["c"]),
            .downgrade(from: ["d"], "c-2", "d c b", rows: ["a"]),
            .upgrade(from: ["a"], "+2", "b c", rows: ["c"]),
            .upgrade(from: ["a"], "+1", "b", rows: ["b"]),
            .upgrade(from: ["b"], "+3", "c d e", rows: ["e"]),
            .upgrade(from: ["a"], "b+2", "b c d", rows: ["d"]),
            .upgrade(from: ["a"], "d-2", "b", rows: ["b"]),
            .stamp(from: ["d"], "base", rows: []),
            .upgrade(from: ["c"], "e", "d e", rows: ["e"]),
            .upgrade(from: [], "c", "a b c", rows: ["c"]),
            .current(["e"], "e"),
            .current(["c"], "c"),
            .current(["a"], "a"),
            .current(["d"], "d"),
            .current(["b"], "b"),
        ]),
]
