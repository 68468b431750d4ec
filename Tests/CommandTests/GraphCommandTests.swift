import Foundation
import Testing
import TestSupport

/// A history that forks after `aaa111` into two labelled branches and merges them again:
///
///     * fff666
///     *   eee555 (merge)
///     |\
///     * | ddd444
///     * | bbb222 (left)
///     | * ccc333 (right)
///     |/
///     * aaa111
///
/// `withMerge: false` leaves out eee555 and fff666, so the graph has two heads.
func writeBranchyHistory(_ env: Environment, withMerge: Bool = true) throws {
    try env.migration("aaa111", message: "create authors", upgrade: """
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL);
        """, downgrade: "DROP TABLE authors;")
    try env.migration("bbb222", parent: "aaa111", message: "create books", upgrade: """
        CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id), title VARCHAR(200));
        """, downgrade: "DROP TABLE books;", extraHeader: "-- branch_labels: left")
    try env.migration("ccc333", parent: "aaa111", message: "create tags", upgrade: """
        CREATE TABLE tags (id INTEGER PRIMARY KEY, label VARCHAR(50) NOT NULL);
        INSERT INTO tags (id, label) VALUES (1, 'it''s; fine');
        """, downgrade: "DROP TABLE tags;", extraHeader: "-- branch_labels: right")
    try env.migration("ddd444", parent: "bbb222", message: "index books", upgrade: """
        CREATE INDEX ix_books_title ON books (title);
        """, downgrade: "DROP INDEX ix_books_title;")
    guard withMerge else { return }
    try env.migration("eee555", parent: "ddd444, ccc333", message: "merge left and right", upgrade: "")
    try env.migration("fff666", parent: "eee555", message: "add reviews", upgrade: """
        CREATE TABLE reviews (id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books (id), tag_id INTEGER REFERENCES tags (id));
        """, downgrade: "DROP TABLE reviews;")
}

extension CLIResult {
    /// The standard output as lines, for comparing listings.
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The standard output parsed as JSON.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8))
    }
}

@Suite struct GraphCommandTests {
    @Test func headsBranchesAndHistoryFollowAlembicsFormat() throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env, withMerge: false)

        let heads = try env.run("heads")
        #expect(heads.status == 0, "\(heads)")
        #expect(heads.stdout == "ccc333 (right) (head)\nddd444 (left) (head)\n", "\(heads)")

        let branches = try env.run("branches")
        #expect(branches.stdout == """
            aaa111 (branchpoint)
                   -> bbb222 (left)
                   -> ccc333 (right) (head)


            """, "\(branches)")
        let verboseBranches = try env.run("branches", "--verbose")
        #expect(verboseBranches.stdout.hasPrefix("Rev: aaa111 (branchpoint)\nParent: <base>\nBranches into: bbb222, ccc333\n"), "\(verboseBranches)")
        #expect(verboseBranches.stdout.contains("       -> ccc333 (right) (head), create tags\n"), "\(verboseBranches)")

        try writeBranchyHistory(env)
        #expect(try env.run("heads").stdout == "fff666 (left, right) (head)\n")
        let history = try env.run("history")
        #expect(history.status == 0, "\(history)")
        #expect(history.stdout == """
            eee555 -> fff666 (left, right) (head), add reviews
            ddd444, ccc333 -> eee555 (left, right) (mergepoint), merge left and right
            bbb222 -> ddd444 (left), index books
            aaa111 -> bbb222 (left), create books
            aaa111 -> ccc333 (right), create tags
            <base> -> aaa111 (branchpoint), create authors

            """, "\(history)")

        let graph = try env.run("history", "--graph")
        #expect(graph.stdout == """
            * eee555 -> fff666 (left, right) (head), add reviews
            *   ddd444, ccc333 -> eee555 (left, right) (mergepoint), merge left and right
            |\\
            * | bbb222 -> ddd444 (left), index books
            * | aaa111 -> bbb222 (left), create books
            | * aaa111 -> ccc333 (right), create tags
            |/
            * <base> -> aaa111 (branchpoint), create authors

            """, "\(graph)")

        let verbose = try env.run("history", "--verbose", "-r", "ddd444:eee555")
        #expect(verbose.stdout == """
            Rev: eee555 (mergepoint)
            Merges: ddd444, ccc333
            Branch names: left, right
            Path: \(env.directory.path)/versions/eee555_m.sql

                merge left and right

                Revision ID: eee555
                Revises: ddd444, ccc333

            Rev: ddd444
            Parent: bbb222
            Branch names: left
            Path: \(env.directory.path)/versions/ddd444_m.sql

                index books

                Revision ID: ddd444
                Revises: bbb222


            """, "\(verbose)")

        let verboseGraph = try env.run("history", "--graph", "--verbose", "-r", "eee555:")
        #expect(verboseGraph.stdout.hasPrefix("* Rev: fff666 (head)\n| Parent: eee555\n"), "\(verboseGraph)")
        #expect(verboseGraph.stdout.contains("\n* Rev: eee555 (mergepoint)\n  Merges: ddd444, ccc333\n"), "\(verboseGraph)")
    }

    @Test func historyRanges() throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env)
        func listed(_ range: String) throws -> [String] {
            let result = try env.run("history", "-r", range)
            #expect(result.status == 0, "\(result)")
            return result.lines.filter { !$0.isEmpty }.map { String($0.split(separator: " -> ")[1].prefix(6)) }
        }
        #expect(try listed("ccc333:") == ["fff666", "eee555", "ccc333"])
        #expect(try listed(":bbb") == ["bbb222", "aaa111"])
        #expect(try listed("base:right@ccc333") == ["ccc333", "aaa111"])
        #expect(try listed("bbb222:ddd444") == ["ddd444", "bbb222"])
        #expect(try listed("left@bbb222:head") == ["fff666", "eee555", "ddd444", "bbb222"])
        // A relative lower end counts from the graph's heads.
        #expect(try listed("-1:") == ["fff666", "eee555"])
        #expect(try listed("left@-1:heads") == ["fff666", "eee555"])
        #expect(try listed("left@base:") == ["fff666", "eee555", "ddd444", "bbb222", "ccc333", "aaa111"])
        #expect(try listed("right@base:right@head") == ["fff666", "eee555", "ddd444", "bbb222", "ccc333", "aaa111"])

        // Ends that are not on one line of descent are refused, as are relative ends that
        // walk past the history.
        for range in ["bbb222:ccc333", "ddd444:ccc333", "-9:", "fff666-1:"] {
            let result = try env.run("history", "-r", range)
            #expect(result.status == 64, "\(range): \(result)")
            #expect(result.stdout.isEmpty, "\(range): \(result)")
        }
        let unrelated = try env.run("history", "-r", "bbb222:ccc333")
        #expect(unrelated.stderr.contains("does not join revisions along one line of descent"), "\(unrelated)")

        // Before the merge, LABEL@base keeps the listing to that branch's line.
        let forked = try Environment(.sqlite)
        try writeBranchyHistory(forked, withMerge: false)
        func listedBeforeMerge(_ range: String) throws -> [String] {
            try forked.run("history", "-r", range).lines.filter { !$0.isEmpty }.map { String($0.split(separator: " -> ")[1].prefix(6)) }
        }
        #expect(try listedBeforeMerge("left@base:") == ["ddd444", "bbb222", "aaa111"])
        #expect(try listedBeforeMerge("right@base:heads") == ["ccc333", "aaa111"])
        #expect(try listedBeforeMerge("left@-1:") == ["ddd444", "bbb222"])

        let notARange = try env.run("history", "-r", "aaa111")
        #expect(notARange.status == 64, "\(notARange)")
        #expect(notARange.stderr.contains("history takes START:END"), "\(notARange)")
    }

    @Test(arguments: TestEngine.enabled)
    func historyIndicatesTheDatabasesRevisions(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env)
        #expect(try env.run("upgrade", "ddd444").status == 0)
        #expect(try env.run("upgrade", "ccc333").status == 0)

        let history = try env.run("history", "--indicate-current")
        #expect(history.status == 0, "\(history)")
        #expect(history.lines.contains("bbb222 -> ddd444 (left) (current), index books"), "\(history)")
        #expect(history.lines.contains("aaa111 -> ccc333 (right) (current), create tags"), "\(history)")
        #expect(history.lines.filter { $0.contains("(current)") }.count == 2, "\(history)")

        // `current` at either end names the database's rows.
        let fromCurrent = try env.run("history", "-r", "current:")
        #expect(fromCurrent.status == 0, "\(fromCurrent)")
        #expect(fromCurrent.lines.filter { !$0.isEmpty }.map { String($0.split(separator: " -> ")[1].prefix(6)) }
            == ["fff666", "eee555", "ddd444", "ccc333"], "\(fromCurrent)")
        let toCurrent = try env.run("history", "-r", ":current")
        #expect(toCurrent.lines.filter { !$0.isEmpty }.count == 4, "\(toCurrent)")
        let show = try env.run("show", "current")
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.hasPrefix("Rev: ccc333 (current)\nParent: aaa111\nBranch names: right\n"), "\(show)")
        #expect(show.stdout.contains("Rev: ddd444 (current)\n"), "\(show)")
    }

    @Test func showPrintsTheFullEntry() throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env)
        let show = try env.run("show", "eee")
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout == """
            Rev: eee555 (mergepoint)
            Merges: ddd444, ccc333
            Branch names: left, right
            Path: \(env.directory.path)/versions/eee555_m.sql

                merge left and right

                Revision ID: eee555
                Revises: ddd444, ccc333


            """, "\(show)")
        let heads = try env.run("show", "left@head")
        #expect(heads.stdout.hasPrefix("Rev: fff666 (head)\n"), "\(heads)")
        // One step down from a merge names all its parents.
        let parents = try env.run("show", "eee555-1")
        #expect(parents.stdout.hasPrefix("Rev: ddd444\n"), "\(parents)")
        #expect(parents.stdout.contains("Rev: ccc333\n"), "\(parents)")
        // A partial id is narrowed to the branch before it is called ambiguous.
        try env.migration("ddd445", parent: "ccc333", message: "more tags", upgrade: "SELECT 1;")
        #expect(try env.run("show", "ddd4").status == 64)
        let narrowed = try env.run("show", "right@ddd4")
        #expect(narrowed.status == 0, "\(narrowed)")
        #expect(narrowed.stdout.hasPrefix("Rev: ddd445"), "\(narrowed)")
        let base = try env.run("show", "base")
        #expect(base.status == 64, "\(base)")
        #expect(base.stderr.contains("names no revision"), "\(base)")
        let unknown = try env.run("show", "zzz")
        #expect(unknown.status == 64, "\(unknown)")
    }

    @Test(arguments: TestEngine.enabled)
    func jsonOutputOfEveryReadCommand(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env)
        try env.migration("xxx900", message: "lookup tables", upgrade: "CREATE TABLE lookups (id INTEGER PRIMARY KEY);",
                          downgrade: "DROP TABLE lookups;", extraHeader: "-- branch_labels: lib")
        try env.migration("yyy901", parent: "fff666", message: "needs lookups", upgrade: "SELECT 1;",
                          extraHeader: "-- depends_on: xxx900")
        let keys: Set<String> = [
            "revision", "down_revisions", "branch_labels", "depends_on", "message", "path", "is_head", "is_base",
            "is_branch_point", "is_merge_point", "children", "description", "create_date",
        ]

        let heads = try #require(try env.run("heads", "--json").json() as? [[String: Any]])
        #expect(heads.map { $0["revision"] as? String } == ["xxx900", "yyy901"])
        #expect(Set(heads[0].keys) == keys)
        #expect(heads[0]["is_head"] as? Bool == false)
        #expect(heads[1]["depends_on"] as? [String] == ["xxx900"])
        #expect(heads[1]["branch_labels"] as? [String] == ["left", "right"])
        #expect((heads[1]["path"] as? String)?.hasSuffix("/versions/yyy901_m.sql") == true)
        let resolved = try #require(try env.run("heads", "--json", "--resolve-dependencies").json() as? [[String: Any]])
        #expect(resolved.map { $0["revision"] as? String } == ["yyy901"])
        #expect(try env.run("heads", "--resolve-dependencies").stdout == "yyy901 (left, right) (head)\n")
        #expect(try env.run("heads").stdout == "xxx900 (lib) (effective head)\nyyy901 (left, right) (head)\n")

        let branches = try #require(try env.run("branches", "--json").json() as? [[String: Any]])
        #expect(branches.map { $0["revision"] as? String } == ["aaa111"])
        #expect(branches[0]["children"] as? [String] == ["bbb222", "ccc333"])
        #expect(branches[0]["is_branch_point"] as? Bool == true)

        let history = try #require(try env.run("history", "--json").json() as? [[String: Any]])
        #expect(history.count == 8)
        let merge = try #require(history.first { $0["revision"] as? String == "eee555" })
        #expect(merge["down_revisions"] as? [String] == ["ddd444", "ccc333"])
        #expect(merge["is_merge_point"] as? Bool == true)
        #expect(merge["message"] as? String == "merge left and right")
        #expect(merge["is_current"] == nil)
        #expect(history.last?["is_base"] as? Bool == true)

        let show = try #require(try env.run("show", "--json", "ccc").json() as? [[String: Any]])
        #expect(show.map { $0["revision"] as? String } == ["ccc333"])

        #expect(try env.run("upgrade", "ddd444").status == 0)
        #expect(try env.run("upgrade", "xxx900").status == 0)
        let current = try #require(try env.run("current", "--json").json() as? [String: Any])
        #expect(current["database_heads"] as? [String] == ["ddd444", "xxx900"])
        let revisions = try #require(current["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["revision"] as? String } == ["ddd444", "xxx900"])
        #expect(revisions.allSatisfy { $0["is_current"] as? Bool == true })
        #expect(Set(revisions[0].keys) == keys.union(["is_current"]))
        let marked = try #require(try env.run("history", "--json", "--indicate-current").json() as? [[String: Any]])
        #expect(marked.filter { $0["is_current"] as? Bool == true }.map { $0["revision"] as? String } == ["ddd444", "xxx900"])

        // Deterministic: the same graph prints the same bytes.
        #expect(try env.run("history", "--json").stdout == env.run("history", "--json").stdout)
    }

    @Test(arguments: TestEngine.enabled)
    func mergeJoinsTheHeadsAndUpgradesThroughIt(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env, withMerge: false)
        #expect(try env.run("upgrade", "heads").status == 0)
        let db = try env.database()
        #expect(try db.versions() == ["ccc333", "ddd444"])

        let single = try env.run("merge", "-m", "only one", "ccc333")
        #expect(single.status == 64, "\(single)")
        #expect(single.stderr.contains("names only ccc333"), "\(single)")
        let notHead = try env.run("merge", "-m", "x", "bbb222", "ccc333")
        #expect(notHead.status == 64, "\(notHead)")
        #expect(notHead.stderr.contains("revision bbb222 is not a head: ddd444 already builds on it"), "\(notHead)")
        let takenLabel = try env.run("merge", "-m", "x", "heads", "--branch-label", "left")
        #expect(takenLabel.status == 64, "\(takenLabel)")
        #expect(takenLabel.stderr.contains("branch label 'left' is already used by bbb222"), "\(takenLabel)")
        let badID = try env.run("merge", "-m", "x", "heads", "--rev-id", "no way")
        #expect(badID.status == 64, "\(badID)")

        let merge = try env.run(
            "merge", "-m", "Join left & right", "heads", "--rev-id", "mmm777", "--branch-label", "joined", "--format", "sql")
        #expect(merge.status == 0, "\(merge)")
        let path = merge.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path == env.directory.appendingPathComponent("versions/mmm777_join_left_right.sql").path, "\(merge)")
        // The creation date is the one line that differs between runs.
        let written = try String(contentsOfFile: path, encoding: .utf8)
            .replacing(/-- create_date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}\n/, with: "-- create_date: DATE\n")
        #expect(written == """
            -- Join left & right
            -- revision: mmm777
            -- down_revision: ccc333, ddd444
            -- branch_labels: joined
            -- depends_on:
            -- create_date: DATE
            -- transactional: true

            -- migrate:upgrade

            -- migrate:downgrade

            """)
        let again = try env.run("merge", "-m", "x", "ccc333", "ddd444", "--rev-id", "mmm777")
        #expect(again.status == 64, "\(again)")
        #expect(try env.run("heads").stdout == "mmm777 (joined, left, right) (head)\n")

        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(up.stderr.contains("Running upgrade ccc333, ddd444 -> mmm777, Join left & right"), "\(up)")
        #expect(try db.versions() == ["mmm777"])
        let down = try env.run("downgrade", "-1")
        #expect(down.status == 0, "\(down)")
        #expect(try db.versions() == ["ccc333", "ddd444"])
    }

    /// Without --format, merge writes the format `revision` writes by default (Swift).
    @Test func mergeWritesRevisionsDefaultFormat() throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env, withMerge: false)
        let merge = try env.run("merge", "-m", "join", "ccc", "ddd444", "--rev-id", "nnn888")
        #expect(merge.status == 0, "\(merge)")
        let path = merge.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(path.hasSuffix("/versions/nnn888_join.swift"), "\(merge)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(#"static let downRevision: [String] = ["ccc333", "ddd444"]"#), "\(text)")
        #expect(try env.run("heads").stdout == "nnn888 (left, right) (head)\n")
        let up = try env.run("upgrade", "head")
        #expect(up.status == 0, "\(up)")
        #expect(try env.database().versions() == ["nnn888"])
    }

    /// Upgrades and downgrades across the fork and the merge, checking the version table's rows
    /// after each: a branch point adds a row, the merge collapses them, downgrading one branch
    /// leaves the other alone.
    @Test(arguments: TestEngine.enabled)
    func branchyUpgradeAndDowngradeKeepOneRowPerHead(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env)
        let db = try env.database()
        let moves: [(arguments: [String], rows: [String])] = [
            (["upgrade", "bbb"], ["bbb222"]),
            (["upgrade", "ccc333"], ["bbb222", "ccc333"]),
            (["upgrade", "left@ddd444"], ["ccc333", "ddd444"]),
            (["upgrade", "head"], ["fff666"]),
            // One step down from a merge lands on all its parents (Alembic refuses this walk).
            (["downgrade", "-2"], ["ccc333", "ddd444"]),
            // LABEL@base reverts from the bases of the label's line: here the shared base.
            (["downgrade", "right@base"], []),
            (["upgrade", "left@+1"], ["aaa111"]),
            (["upgrade", "heads"], ["fff666"]),
            (["downgrade", "left@-1"], ["eee555"]),
            (["downgrade", "ddd444"], ["ccc333", "ddd444"]),
            (["downgrade", "left@aaa111"], ["ccc333"]),
            (["downgrade", "aaa111"], ["aaa111"]),
            (["upgrade", "right@head"], ["fff666"]),
            (["downgrade", "base"], []),
        ]
        for move in moves {
            let result = try env.run(move.arguments)
            #expect(result.status == 0, "\(move.arguments): \(result)")
            #expect(try db.versions() == move.rows, "\(move.arguments)")
        }
        #expect(try db.tables().filter { !$0.hasPrefix("migrate_version") }.isEmpty)
    }

    @Test(arguments: TestEngine.enabled)
    func stampTakesEveryIdentifierForm(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeBranchyHistory(env)
        let db = try env.database()
        let moves: [(arguments: [String], rows: [String])] = [
            (["stamp", "bbb222", "ccc333"], ["bbb222", "ccc333"]),
            (["stamp", "right@base"], ["bbb222"]),
            (["stamp", "heads"], ["fff666"]),
            (["stamp", "ddd444"], ["ddd444"]),
            (["stamp", "right@head"], ["fff666"]),
            (["stamp", "left@base"], []),
            (["stamp", "ccc333", "bbb222"], ["bbb222", "ccc333"]),
            (["stamp", "eee555"], ["eee555"]),
            (["stamp", "--purge", "aaa1", "ddd444"], ["aaa111", "ddd444"]),
            (["stamp", "--purge", "left@base", "ccc333"], ["ccc333"]),
            (["stamp", "base"], []),
        ]
        for move in moves {
            let result = try env.run(move.arguments)
            #expect(result.status == 0, "\(move.arguments): \(result)")
            #expect(try db.versions() == move.rows, "\(move.arguments)")
        }
        #expect(try !db.tables().contains("authors"), "stamp runs no migration")
        // Relative forms name no revision to stamp while the table has rows.
        #expect(try env.run("stamp", "heads").status == 0)
        for form in ["-1", "eee555-1", "left@+1"] {
            let result = try env.run("stamp", form)
            #expect(result.status == 64, "\(form): \(result)")
        }
        let unknown = try env.run("stamp", "--bogus", "head")
        #expect(unknown.status == 64, "\(unknown)")
    }

    @Test func identifierErrorsFromTheCommandLine() throws {
        let env = try Environment(.sqlite)
        try writeBranchyHistory(env, withMerge: false)
        let cases: [(arguments: [String], message: String)] = [
            (["upgrade", "head"], "'head' is ambiguous: there are 2 heads (ccc333, ddd444)"),
            (["upgrade", "aaa111+1"], "ambiguous at aaa111: it could go to bbb222 or ccc333"),
            (["upgrade", "nope@head"], "'nope' is neither a branch label nor a revision"),
            (["upgrade", "left@ccc333"], "revision ccc333 is not on branch 'left'"),
            (["upgrade", "head", "--sql", "--url", "sqlite:///x.db"], "'head' is ambiguous"),
            (["downgrade", "left@base", "--sql"], "offline downgrade needs a range"),
            (["history", "-r", "zzz:"], "no revision matches 'zzz'"),
            (["downgrade", "-1"], "'-1' walks past the end of the history"),
            (["upgrade", "heads-1"], "'heads' names 2 heads (ccc333, ddd444)"),
            (["show", "left@-4"], "'left@-4' walks past the end of the history"),
        ]
        for (arguments, message) in cases {
            let result = try env.run(arguments)
            #expect(result.status == 64, "\(arguments): \(result)")
            #expect(result.stderr.contains(message), "\(arguments): \(result)")
        }
        let head = try env.run("upgrade", "head")
        #expect(head.stderr.contains("`migrate merge`"), "\(head)")
    }
}
