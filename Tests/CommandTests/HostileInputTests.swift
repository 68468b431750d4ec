import Foundation
import Testing
import TestSupport
import MigrateCore
import MigrateKit
import MigrateSQL

/// Mutates valid inputs the way hostile or broken files look: flipped bytes, truncation,
/// duplicated and deleted lines, stray unicode, quotes, semicolons, huge numbers, deep nesting.
struct Mutator {
    var random: SeededGenerator
    /// The deepest nesting a mutation inserts. swift-syntax's error recovery is exponential in
    /// nesting depth (a few hundred unclosed brackets take minutes), so Swift input stays shallow.
    var maxDepth = 20_000

    static let fragments: [String] = [
        "'", "\"", "`", "''", "\"\"", "$$", "$tag$", "$", "E'\\'", "/*", "*/", "--", "#", ";", ";;", "; DROP TABLE x; --",
        "\\", "\0", "\r", "\r\n", "\t", "\u{FEFF}", "\u{202E}", "\u{0301}", "é", "表", "🚀", "\u{10FFFF}", "\u{FFFD}",
        "99999999999999999999999999999999", "-9223372036854775808", "9223372036854775807", "1e400", "-0", "NaN",
        ":", "@", "+", "-", "%", "%00", "%zz", "?", "&", "=", "{", "}", "[", "]", "(", ")", ",", "null", "true",
        "BEGIN", "END", "COMMIT;", "ROLLBACK;", "CREATE TRIGGER t BEGIN", "BEGIN ATOMIC", "head", "base", "heads",
        "-- migrate:upgrade\n", "-- migrate:downgrade\n", "-- revision: ", "-- down_revision: ", "-- transactional: ",
        "${", "${X:-", "}", "\n",
    ]

    mutating func int(_ range: Range<Int>) -> Int { range.isEmpty ? range.lowerBound : Int.random(in: range, using: &random) }

    /// One to four mutations of `text`, as bytes (which may not be valid UTF-8).
    mutating func mutate(_ text: String) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<int(1..<5) {
            switch int(0..<10) {
            case 0:  // flip a bit
                if !bytes.isEmpty { bytes[int(0..<bytes.count)] ^= UInt8(1 << int(0..<8)) }
            case 1:  // truncate
                bytes = Array(bytes.prefix(int(0..<(bytes.count + 1))))
            case 2, 3:  // duplicate or delete a line
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                let line = int(0..<lines.count)
                if int(0..<2) == 0 { lines.insert(lines[line], at: line) } else if lines.count > 1 { lines.remove(at: line) }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            case 4, 5:  // insert a fragment
                let fragment = Self.fragments[int(0..<Self.fragments.count)]
                bytes.insert(contentsOf: Array(fragment.utf8), at: int(0..<(bytes.count + 1)))
            case 6:  // random unicode scalars
                var scalars = ""
                for _ in 0..<int(1..<6) {
                    let value = UInt32(int(0..<0x11_0000))
                    scalars.unicodeScalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                }
                bytes.insert(contentsOf: Array(scalars.utf8), at: int(0..<(bytes.count + 1)))
            case 7:  // deep nesting
                let (open, close) = [("(", ")"), ("[", "]"), ("{", "}"), ("/*", "*/"), ("\"", "\"")][int(0..<5)]
                let depth = int(min(100, maxDepth / 2)..<maxDepth)
                let at = int(0..<(bytes.count + 1))
                bytes.insert(contentsOf: Array(String(repeating: open, count: depth).utf8) + (int(0..<2) == 0 ? Array(String(repeating: close, count: depth).utf8) : []), at: at)
            case 8:  // replace a range with another slice of the text
                guard bytes.count > 2 else { break }
                let a = int(0..<bytes.count), b = int(a..<bytes.count)
                let c = int(0..<bytes.count), d = int(c..<min(bytes.count, c + 64))
                bytes.replaceSubrange(a..<b, with: Array(bytes[c..<d]))
            default:  // a random byte
                bytes.insert(UInt8(int(0..<256)), at: int(0..<(bytes.count + 1)))
            }
        }
        return bytes
    }

    mutating func mutateText(_ text: String) -> String {
        String(decoding: mutate(text), as: UTF8.self)
    }
}

/// In-process fuzzing of every parser, and CLI fuzzing of the real binary. Each call
/// either returns or throws ``MigrateError``; a Swift trap would kill the test process.
/// `MIGRATE_FUZZ_CASES` scales the in-process cases per parser (1000 by default),
/// `MIGRATE_FUZZ_CLI_CASES` the CLI runs (150 by default), `MIGRATE_FUZZ_SWIFT_CASES` the
/// mutated Swift migration files (80 by default), `MIGRATE_FUZZ_SEED` replays a run.
@Suite struct HostileInputTests {
    static let sqlFile = """
        -- add accounts; with 'quotes' and "doubles"
        -- revision: aaa111
        -- down_revision: base0, other1
        -- branch_labels: main
        -- depends_on: dep9
        -- transactional: true

        -- migrate:upgrade
        CREATE TABLE accounts (id integer PRIMARY KEY, name text NOT NULL DEFAULT 'a;b', note text);
        CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN RETURN NEW; END; $body$ LANGUAGE plpgsql;
        CREATE TRIGGER t AFTER INSERT ON accounts BEGIN SELECT 1; END;
        /* a /* nested */ comment; */ INSERT INTO accounts VALUES (1, E'it\\'s', 'x'); -- trailing; comment

        -- migrate:downgrade
        DROP TABLE accounts;
        """

    static let configFile = """
        {
          "url": "${DATABASE_URL:-sqlite:///app.db}",
          "versions": ["versions", "more/versions"],
          "models": [],
          "version_table": "migrate_version",
          "version_table_schema": null,
          "transaction_per_migration": true,
          "lock_timeout": 12.5,
          "compare": {"types": true, "server_defaults": false, "include_schemas": ["public"], "exclude_tables": ["x"]}
        }
        """

    static let swiftFile = """
        import MigrateKit

        /// add accounts
        enum Rev_aaa111: Migration {
            static let revision = "aaa111"
            static let downRevision: String? = nil
            static let branchLabels: [String] = ["main"]
            static let dependsOn: [String] = []
            static let transactional = true

            static func upgrade(_ op: Operations) throws {
                op.execute("CREATE TABLE accounts (id integer PRIMARY KEY)")
            }

            static func downgrade(_ op: Operations) throws {
                op.execute("DROP TABLE accounts")
            }
        }
        """

    static let urls = [
        "postgresql://deploy:s3cret/PW9x@db.example.com:5432/app?sslmode=require",
        "postgres://deploy:s3cret%2FPW9x@[::1]:5432,other:6543/app?password=s3cret/PW9x&application_name=x",
        "postgresql+psycopg2://u@/app?host=/run/postgresql&port=5432",
        "sqlite:///relative/app.db", "sqlite:////absolute/app.db", "sqlite::memory:", "sqlite:///:memory:",
        "sqlite:///with%20space%3F.db",
    ]

    static let identifiers = [
        "head", "heads", "base", "aaa111", "bbb", "ccc333+1", "-1", "+2", "main@head", "feat@-1", "heads+1", "current",
        "aaa111:head", "base:ccc333", "main@aaa111", "bbb222@head", "ddd444-2", "heads-1", "head:base",
    ]

    /// A small graph with a branch, labels, a dependency and a merge.
    static let graph: RevisionGraph = try! RevisionGraph([
        Revision(id: "aaa111", branchLabels: ["main"]),
        Revision(id: "bbb222", downRevisions: ["aaa111"]),
        Revision(id: "ccc333", downRevisions: ["bbb222"]),
        Revision(id: "ddd444", downRevisions: ["bbb222"], branchLabels: ["feat"], dependsOn: ["ccc333"]),
        Revision(id: "eee555", downRevisions: ["ccc333", "ddd444"]),
    ])

    /// Runs `body`; anything thrown must be a MigrateError.
    static func expectReturnsOrMigrateError(_ what: String, _ input: String, seed: UInt64, _ body: () throws -> Void) {
        do {
            try body()
        } catch is MigrateError {
        } catch {
            Issue.record("\(what) threw \(type(of: error)) (\(error)), not MigrateError, for \(input.debugDescription) (MIGRATE_FUZZ_SEED=\(seed))")
        }
    }

    @Test func parsersSurviveMutatedInput() throws {
        let perParser = ReliabilitySettings.count("MIGRATE_FUZZ_CASES", default: 1000)
        let seed = ReliabilitySettings.seed("MIGRATE_FUZZ_SEED")
        var mutator = Mutator(random: SeededGenerator(seed: seed))
        var cases = 0
        var accepted = 0

        for _ in 0..<perParser {
            let text = mutator.mutateText(Self.sqlFile)
            cases += 1
            Self.expectReturnsOrMigrateError("SQLMigrationFile", text, seed: seed) {
                let file = try SQLMigrationFile(parsing: text, path: "versions/fuzz.sql")
                accepted += 1
                // Whatever it accepted is an id the version table can hold, never SQL.
                #expect(file.revision.id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }, "\(file.revision.id.debugDescription) (MIGRATE_FUZZ_SEED=\(seed))")
            }
        }
        for _ in 0..<perParser {
            let text = mutator.mutateText(Self.configFile)
            cases += 1
            Self.expectReturnsOrMigrateError("Configuration", text, seed: seed) {
                let configuration = try Configuration(parsing: text, path: "/tmp/fuzz/migrate.json", environment: ["DATABASE_URL": "sqlite:///x.db"])
                _ = try? configuration.resolveURL(flag: nil, environment: [:])
                accepted += 1
            }
        }
        for index in 0..<perParser {
            let text = mutator.mutateText(Self.sqlFile)
            cases += 1
            let dialect: SQLDialect = index % 2 == 0 ? .postgresql : .sqlite
            let statements = StatementSplitter.split(text, dialect: dialect)
            // Counted by scalars: "\r\n" is one Character but a line break either way.
            let lineCount = text.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
            for statement in statements {
                #expect(statement.line >= 1 && statement.line <= lineCount, "line \(statement.line) of \(lineCount) (MIGRATE_FUZZ_SEED=\(seed))")
            }
        }
        for index in 0..<perParser {
            let original = Self.urls[index % Self.urls.count]
            let text = mutator.mutateText(original)
            cases += 1
            var message = ""
            do {
                let url = try DatabaseURL(text, relativeTo: "/srv/app")
                message = url.description + "\(url)" + String(reflecting: url)
                accepted += 1
            } catch let error as MigrateError {
                message = "\(error)"
            } catch {
                Issue.record("DatabaseURL threw \(type(of: error)) for \(text.debugDescription) (MIGRATE_FUZZ_SEED=\(seed))")
            }
            // Where the redacted form hides the password, so must every message.
            let redacted = DatabaseURL.redact(text)
            for secret in ["s3cret", "PW9x"] where text.contains(secret) && !redacted.contains(secret) {
                #expect(!message.contains(secret), "\(message) leaks the password of \(text.debugDescription) (MIGRATE_FUZZ_SEED=\(seed))")
            }
        }
        for index in 0..<perParser {
            let text = index % 4 == 0 ? Self.identifiers[index / 4 % Self.identifiers.count] : mutator.mutateText(Self.identifiers[index % Self.identifiers.count])
            cases += 1
            let current: Set<String>? = [nil, [], ["ccc333"], ["ccc333", "ddd444"], ["eee555"]][index % 5]
            Self.expectReturnsOrMigrateError("RevisionGraph.resolve", text, seed: seed) {
                let resolved = try Self.graph.resolve(text, current: current)
                accepted += 1
                for id in resolved { #expect(Self.graph.revisions[id] != nil) }
            }
            Self.expectReturnsOrMigrateError("RevisionGraph.history", text, seed: seed) {
                _ = try Self.history(text, current: current)
            }
            Self.expectReturnsOrMigrateError("RevisionGraph.upgradeSteps", text, seed: seed) {
                _ = try Self.graph.upgradeSteps(from: current ?? [], to: text)
            }
            Self.expectReturnsOrMigrateError("RevisionGraph.downgradeSteps", text, seed: seed) {
                _ = try Self.graph.downgradeSteps(from: current ?? [], to: text)
            }
            Self.expectReturnsOrMigrateError("RevisionGraph.stampHeads", text, seed: seed) {
                _ = try Self.graph.stampHeads(from: current ?? [], to: [text])
            }
        }
        print("fuzz in-process: \(cases) cases, \(accepted) accepted, \(cases - accepted) rejected, no trap (MIGRATE_FUZZ_SEED=\(seed))")
        #expect(accepted > 0 && accepted < cases, "the mutations should produce both valid and invalid input")
    }

    /// `history -r TEXT` as the command splits it.
    private static func history(_ text: String, current: Set<String>?) throws -> [String] {
        let ends = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return try graph.history(from: ends.count > 1 ? ends[0] : nil, to: ends.last, current: current)
    }

    /// Huge relative steps and numbers that overflow an Int must be errors, not traps.
    @Test func hugeNumbersInIdentifiersAreErrors() {
        for text in [
            "+9223372036854775807", "-9223372036854775808", "aaa111+9223372036854775807", "heads+9223372036854775807",
            "main@+9223372036854775807", "ccc333-9223372036854775807", "+99999999999999999999999", "eee555-99999999999999999999",
            "aaa111:+9223372036854775807", "-9223372036854775807:head",
        ] {
            for current in [nil, Set(["ccc333"])] as [Set<String>?] {
                Self.expectReturnsOrMigrateError("resolve", text, seed: 0) { _ = try Self.graph.resolve(text, current: current) }
                Self.expectReturnsOrMigrateError("history", text, seed: 0) { _ = try Self.history(text, current: current) }
                Self.expectReturnsOrMigrateError("upgradeSteps", text, seed: 0) {
                    _ = try Self.graph.upgradeSteps(from: current ?? [], to: text)
                }
                Self.expectReturnsOrMigrateError("downgradeSteps", text, seed: 0) {
                    _ = try Self.graph.downgradeSteps(from: current ?? [], to: text)
                }
            }
        }
    }

    /// Swift migration files go through swift-syntax, whose diagnostics code can trap; they are
    /// fuzzed through the binary, so a trap fails this test instead of killing the test process.
    @Test func cliSurvivesMutatedSwiftMigrationFiles() throws {
        let total = ReliabilitySettings.count("MIGRATE_FUZZ_SWIFT_CASES", default: 80)
        let seed = ReliabilitySettings.seed("MIGRATE_FUZZ_SEED")
        var mutator = Mutator(random: SeededGenerator(seed: seed))
        // swift-syntax's error recovery is exponential in nesting depth: keep nesting shallow.
        mutator.maxDepth = 12
        let env = try Environment(.sqlite)
        let path = env.directory.appendingPathComponent("versions/aaa111_accounts.swift")
        var outcomes: [Int32: Int] = [:]
        for index in 0..<total {
            let bytes = mutator.mutate(Self.swiftFile)
            try Data(bytes).write(to: path)
            let result = try env.run("upgrade", "head", "--sql")
            outcomes[result.status, default: 0] += 1
            let replay = "case \(index), file \(String(decoding: bytes, as: UTF8.self).debugDescription) (MIGRATE_FUZZ_SEED=\(seed))"
            #expect([0, 1, 64].contains(result.status), "\(replay): \(result)")
            #expect(!result.stderr.contains("Fatal error"), "\(replay): \(result)")
            if result.status != 0 { #expect(result.stderr.hasPrefix("error:"), "\(replay): \(result)") }
        }
        print("fuzz Swift files via CLI: \(total) runs, exit statuses \(outcomes.sorted { $0.key < $1.key }) (MIGRATE_FUZZ_SEED=\(seed))")
    }

    /// Inputs the fuzzers found: a form feed before '=' in a Swift migration made swift-syntax
    /// trap; a NUL byte inside a statement made the C drivers run only the part before it.
    @Test(arguments: TestEngine.enabled)
    func foundByFuzzingFormFeedAndNUL(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "bbb222").status == 0)
        try env.write("versions/ddd444_x.swift", "import MigrateKit\n\nenum Rev_ddd444: Migration {\n    static let revision \u{0C}= \"ddd444\"\n}\n")
        let swift = try env.run("upgrade", "head")
        #expect(swift.status == 1, "\(swift)")
        #expect(swift.stderr.hasPrefix("error:") && swift.stderr.contains("ddd444_x.swift:4"), "\(swift)")
        #expect(!swift.stderr.contains("Fatal error"), "\(swift)")

        // Unclosed and deeply nested brackets: swift-syntax's recovery took minutes on 22
        // unclosed '[' and overflowed the stack on 2000; now a prompt error.
        for brackets in [String(repeating: "[", count: 26), String(repeating: "(", count: 3000)] {
            try env.write("versions/ddd444_x.swift", "import MigrateKit\n\nenum Rev_ddd444: Migration {\n    static let revision = \"ddd444\"\n    static func upgrade(_ op: Operations) { op.execute(\(brackets)) }\n}\n")
            let (nested, timedOut) = try env.watch(["upgrade", "head"]).finish(timeout: .seconds(20))
            #expect(!timedOut, "reading a file with \(brackets.count) brackets hung")
            #expect(nested.status == 1 && nested.stderr.hasPrefix("error: ") && nested.stderr.contains("brackets"), "\(nested)")
        }
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/ddd444_x.swift"))

        // Without the check, SQLite and libpq would run `DELETE FROM authors` and empty the table.
        try env.migration("ddd444", parent: "ccc333", upgrade: "DELETE FROM authors\u{0} WHERE id = 12345;")
        let db = try env.database()
        let up = try env.run("upgrade", "head")
        #expect(up.status == 1, "\(up)")
        #expect(up.stderr.contains("NUL character"), "\(up)")
        #expect(try db.versions() == ["ccc333"])
        #expect(try db.column("SELECT count(*) FROM authors") == ["1"])
    }

    /// The binary, fed mutated migration files, migrate.json files and revision identifiers:
    /// it exits 0, 1 or 64; a failure prints a clean error (no trap) and leaves the database as
    /// it was.
    @Test func cliSurvivesMutatedInput() throws {
        let total = ReliabilitySettings.count("MIGRATE_FUZZ_CLI_CASES", default: 150)
        let seed = ReliabilitySettings.seed("MIGRATE_FUZZ_SEED")
        var mutator = Mutator(random: SeededGenerator(seed: seed))
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "bbb222").status == 0)
        let dbPath = String(env.url.dropFirst("sqlite:///".count))
        let pristine = try Data(contentsOf: URL(fileURLWithPath: dbPath))
        let files = ["versions/aaa111_m.sql", "versions/bbb222_m.sql", "versions/ccc333_m.sql", "migrate.json"]
        let originals = try files.map { try String(contentsOf: env.directory.appendingPathComponent($0), encoding: .utf8) }
        func state() throws -> [String] {
            let db = try env.database()
            return try db.versions() + db.tables().sorted() + db.column("SELECT count(*) FROM authors")
        }
        let before = try state()
        var outcomes: [Int32: Int] = [:]
        for index in 0..<total {
            var arguments: [String]
            var mutated: (path: String, bytes: [UInt8])?
            switch index % 3 {
            case 0, 1:
                let which = index % 3 == 0 ? mutator.int(0..<3) : 3
                mutated = (files[which], mutator.mutate(originals[which]))
                arguments = [["upgrade", "head"], ["current"], ["upgrade", "head", "--sql"], ["stamp", "ccc333"], ["verify"]][mutator.int(0..<5)]
            default:
                // Linux refuses to start a process with a single argument over 128 KiB (E2BIG),
                // which repeated mutations occasionally produced: that is the kernel, not migrate.
                let id = String(mutator.mutateText(Self.identifiers[mutator.int(0..<Self.identifiers.count)]).prefix(4096))
                arguments = [["upgrade", id], ["downgrade", id], ["stamp", id], ["upgrade", id, "--sql"], ["current", id]][mutator.int(0..<5)]
            }
            if let mutated {
                try Data(mutated.bytes).write(to: env.directory.appendingPathComponent(mutated.path))
            }
            let result = try env.run(arguments)
            outcomes[result.status, default: 0] += 1
            let replay = "case \(index), arguments \(arguments.map(\.debugDescription)), file \(mutated.map { "\($0.path): \(String(decoding: $0.bytes, as: UTF8.self).debugDescription)" } ?? "none") (MIGRATE_FUZZ_SEED=\(seed))"
            #expect([0, 1, 64].contains(result.status), "\(replay): \(result)")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"), "\(replay): \(result)")
            if result.status != 0 {
                // `verify` reporting an edited file is its answer, not an error.
                let verifyReport = arguments == ["verify"] && result.stderr.hasPrefix("verify: ")
                let firstError = result.stderr.split(separator: "\n").first { $0.hasPrefix("error: ") || verifyReport }
                #expect(firstError != nil, "\(replay): \(result)")
                #expect(try state() == before, "a failed run changed the database: \(replay): \(result)")
            }
            // Put everything back for the next case.
            if let mutated {
                try originals[files.firstIndex(of: mutated.path)!].write(to: env.directory.appendingPathComponent(mutated.path), atomically: true, encoding: .utf8)
            }
            if result.status == 0 { try pristine.write(to: URL(fileURLWithPath: dbPath)) }
        }
        print("fuzz CLI: \(total) runs, exit statuses \(outcomes.sorted { $0.key < $1.key }) (MIGRATE_FUZZ_SEED=\(seed))")
    }
}
