import Foundation
import MigrateCore
import MigrateKit
import MigrateScript
import Testing
import TestSupport

/// A versions folder may mix SQL and Swift migrations; both read into one graph.
@Suite struct ScriptDirectorySwiftTests {
    @Test func readsAMixedFolder() throws {
        let folder = try makeTemporaryDirectory()
        try """
            -- first, in SQL
            -- revision: a1
            -- down_revision:

            -- migrate:upgrade
            CREATE TABLE t (id integer);

            -- migrate:downgrade
            DROP TABLE t;
            """.write(to: folder.appendingPathComponent("a1_first.sql"), atomically: true, encoding: .utf8)
        try """
            import MigrateKit

            /// second, in Swift
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = ["a1"]

                static func upgrade(_ op: Operations) {
                    op.addColumn("t", Column("name", .string(length: 20), nullable: false, default: .string("")))
                }

                static func downgrade(_ op: Operations) {
                    op.dropColumn("t", "name")
                }
            }
            """.write(to: folder.appendingPathComponent("b2_second.swift"), atomically: true, encoding: .utf8)
        try "notes".write(to: folder.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)

        let scripts = try ScriptDirectory.load(folders: [folder.path])
        #expect(scripts.revisions.map(\.id) == ["a1", "b2"])
        let swift = try #require(scripts.graph.revisions["b2"])
        #expect(swift.message == "second, in Swift")
        #expect(swift.downRevisions == ["a1"])
        #expect(swift.path == folder.appendingPathComponent("b2_second.swift").path)
        #expect(swift.upgrade == [
            .addColumn(TableName("t"), Column("name", .string(length: 20), isNullable: false, defaultValue: .string(""))),
        ])
        #expect(swift.upgradeLines == [9])
        #expect(swift.downgrade == [.dropColumn(TableName("t"), column: "name")])
        #expect(scripts.graph.revisions["a1"]?.upgrade == [.execute("CREATE TABLE t (id integer)")])
    }

    @Test func manyFilesReadInParallelKeepTheirOrder() throws {
        let folder = try makeTemporaryDirectory()
        var parent = ""
        for number in 0..<60 {
            let id = String(format: "r%03d", number)
            try """
                import MigrateKit
                /// step \(number)
                enum Rev_\(id): Migration {
                    static let revision = "\(id)"
                    static let downRevision: [String] = [\(parent.isEmpty ? "" : "\"\(parent)\"")]
                    static func upgrade(_ op: Operations) { op.execute("SELECT \(number)") }
                    static func downgrade(_ op: Operations) {}
                }
                """.write(to: folder.appendingPathComponent("\(id)_step.swift"), atomically: true, encoding: .utf8)
            parent = id
        }
        let scripts = try ScriptDirectory.load(folders: [folder.path])
        #expect(scripts.revisions.map(\.id) == (0..<60).map { String(format: "r%03d", $0) })
        #expect(scripts.revisions.map(\.upgrade) == (0..<60).map { [.execute("SELECT \($0)")] })
    }

    @Test func theFirstBadFileIsReported() throws {
        let folder = try makeTemporaryDirectory()
        for id in ["a1", "b2"] {
            try """
                import MigrateKit
                enum Rev_\(id): Migration {
                    static let revision = "\(id)"
                    static let downRevision: [String] = []
                    static func upgrade(_ op: Operations) { op.execute(sql) }
                    static func downgrade(_ op: Operations) {}
                }
                """.write(to: folder.appendingPathComponent("\(id)_bad.swift"), atomically: true, encoding: .utf8)
        }
        #expect {
            try ScriptDirectory.load(folders: [folder.path])
        } throws: { error in
            let error = error as? MigrateError
            return error?.location == SourceLocation(path: folder.appendingPathComponent("a1_bad.swift").path, line: 5, column: 56)
        }
    }
}

/// Swift files read once are not parsed again while their text is unchanged.
@Suite struct ParseCacheTests {
    @Test func aCachedRevisionIsReusedAndAnEditIsNoticed() throws {
        let environment = try makeTemporaryDirectory()
        let versions = environment.appendingPathComponent("versions")
        try FileManager.default.createDirectory(at: versions, withIntermediateDirectories: true)
        let file = versions.appendingPathComponent("a1_first.swift")
        func write(_ sql: String) throws {
            try """
                import MigrateKit
                /// first
                enum Rev_a1: Migration {
                    static let revision = "a1"
                    static let downRevision: [String] = []
                    static func upgrade(_ op: Operations) { op.execute("\(sql)") }
                    static func downgrade(_ op: Operations) {}
                }
                """.write(to: file, atomically: true, encoding: .utf8)
        }
        try write("SELECT 1")
        let first = try ScriptDirectory.load(folders: [versions.path])
        let cacheFile = environment.appendingPathComponent(".migrate-cache/swift-v\(RevisionCoding.formatVersion).cache").path
        let written = try #require(FileManager.default.contents(atPath: cacheFile))
        #expect(RevisionCoding.decode(entries: [UInt8](written))?.count == 1)

        // Read from the cache: the same revision, checksum included, and the file is not rewritten.
        let before = try FileManager.default.attributesOfItem(atPath: cacheFile)[.modificationDate] as? Date
        let second = try ScriptDirectory.load(folders: [versions.path])
        #expect(second.revisions == first.revisions)
        #expect(try FileManager.default.attributesOfItem(atPath: cacheFile)[.modificationDate] as? Date == before)

        // An edit changes the key, so the new text is parsed, and the stale entry is dropped.
        try write("SELECT 2")
        let third = try ScriptDirectory.load(folders: [versions.path])
        #expect(third.revisions.first?.upgrade == [.execute("SELECT 2")])
        let rewritten = try #require(FileManager.default.contents(atPath: cacheFile))
        #expect(RevisionCoding.decode(entries: [UInt8](rewritten))?.keys.sorted() == [third.revisions[0].checksum!])

        // A damaged cache is parsed again, not trusted.
        try Data([0xFF]).write(to: URL(fileURLWithPath: cacheFile))
        #expect(try ScriptDirectory.load(folders: [versions.path]).revisions == third.revisions)
        #expect(try ScriptDirectory.load(folders: [versions.path], useCache: false).revisions == third.revisions)
    }
}

/// How migration files are read: bytes as written, a byte order mark left out, bad text refused.
@Suite struct MigrationFileReadingTests {
    static let sqlFile = "-- first\n-- revision: a1\n-- down_revision:\n\n-- migrate:upgrade\nSELECT 1;\n"

    @Test func theChecksumIsTheSHA256OfTheTextWithoutAByteOrderMark() throws {
        let plain = try makeTemporaryDirectory()
        try Data(Self.sqlFile.utf8).write(to: plain.appendingPathComponent("a1_first.sql"))
        let marked = try makeTemporaryDirectory()
        try Data([0xEF, 0xBB, 0xBF] + Array(Self.sqlFile.utf8)).write(to: marked.appendingPathComponent("a1_first.sql"))

        let expected = SHA256.hex(Self.sqlFile.utf8)
        #expect(try ScriptDirectory.load(folders: [plain.path]).revisions.map(\.checksum) == [expected])
        #expect(try ScriptDirectory.load(folders: [marked.path]).revisions.map(\.checksum) == [expected])
        #expect(try ScriptDirectory.load(folders: [marked.path]).revisions.map(\.message) == ["first"])
    }

    @Test func graphCommandsSkipChecksumsAndOperationsButTheSwiftCacheKeepsWorking() throws {
        let environment = try makeTemporaryDirectory()
        let versions = environment.appendingPathComponent("versions")
        try FileManager.default.createDirectory(at: versions, withIntermediateDirectories: true)
        try Data(Self.sqlFile.utf8).write(to: versions.appendingPathComponent("a1_first.sql"))
        try """
            import MigrateKit
            /// second
            enum Rev_b2: Migration {
                static let revision = "b2"
                static let downRevision: [String] = ["a1"]
                static func upgrade(_ op: Operations) { op.execute("SELECT 2") }
                static func downgrade(_ op: Operations) {}
            }
            """.write(to: versions.appendingPathComponent("b2_second.swift"), atomically: true, encoding: .utf8)

        let graphOnly = try ScriptDirectory.load(folders: [versions.path], detail: .graph)
        #expect(graphOnly.revisions.map(\.checksum) == [nil, nil])
        #expect(graphOnly.revisions.map(\.upgrade) == [[], []])
        #expect(graphOnly.revisions.map(\.upgradeLines) == [[], []])
        #expect(graphOnly.revisions.map(\.message) == ["first", "second"])
        #expect(graphOnly.graph.heads == ["b2"])
        let cacheFile = environment.appendingPathComponent(".migrate-cache/swift-v\(RevisionCoding.formatVersion).cache").path
        #expect(FileManager.default.contents(atPath: cacheFile).flatMap { RevisionCoding.decode(entries: [UInt8]($0)) }?.count == 1)

        // A graph command that rewrites the cache (a file was added) from header-only reads
        // still writes every entry whole, operations included, for the next full command.
        try """
            import MigrateKit
            /// third
            enum Rev_c3: Migration {
                static let revision = "c3"
                static let downRevision: [String] = ["b2"]
                static func upgrade(_ op: Operations) { op.execute("SELECT 3") }
                static func downgrade(_ op: Operations) {}
            }
            """.write(to: versions.appendingPathComponent("c3_third.swift"), atomically: true, encoding: .utf8)
        #expect(try ScriptDirectory.load(folders: [versions.path], detail: .graph).graph.heads == ["c3"])
        let entries = try #require(FileManager.default.contents(atPath: cacheFile).flatMap { RevisionCoding.decode(entries: [UInt8]($0)) })
        #expect(entries.values.compactMap { RevisionCoding.decode($0, path: "x")?.upgrade }.sorted { "\($0)" < "\($1)" }
            == [[.execute("SELECT 2")], [.execute("SELECT 3")]])

        let full = try ScriptDirectory.load(folders: [versions.path])
        #expect(full.revisions.map(\.checksum) == [SHA256.hex(Self.sqlFile.utf8), full.revisions[1].checksum, full.revisions[2].checksum])
        #expect(full.revisions[1].checksum != nil)
        #expect(full.revisions.map(\.upgrade) == [[.execute("SELECT 1")], [.execute("SELECT 2")], [.execute("SELECT 3")]])
        #expect(full.revisions[0].upgradeLines == [6])
    }

    @Test func aFileThatIsNotUTF8IsRefusedWithItsPath() throws {
        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("a1_first.sql").path
        try Data(Array(Self.sqlFile.utf8) + [0xC3, 0x28]).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: MigrateError.self) { try ScriptDirectory.load(folders: [folder.path]) }
        #expect(error.kind == .script)
        #expect(error.location == SourceLocation(path: path, line: 7, column: 1))
        #expect(error.message == "cannot read the migration file")
        #expect(String(describing: error.cause!)
            == "the file is not valid UTF-8 text: byte 0xC3 at offset 73 (line 7, column 1) does not start a valid UTF-8 sequence")
    }

    @Test func anUnreadableEntryIsReportedWithTheSystemsReason() throws {
        let folder = try makeTemporaryDirectory()
        // A link that leads nowhere, named like a migration file.
        let path = folder.appendingPathComponent("a1_first.sql").path
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder.path + "/gone.sql")
        let error = try #require(throws: MigrateError.self) { try ScriptDirectory.load(folders: [folder.path]) }
        #expect(error.location?.path == path)
        #expect(String(describing: error.cause!).contains("(errno 2)"))
    }

    /// A folder named like a migration file is refused before anything is opened.
    @Test func anEntryThatIsNoRegularFileIsRefused() throws {
        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("a1_first.sql").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let error = try #require(throws: MigrateError.self) { try ScriptDirectory.load(folders: [folder.path]) }
        #expect(error.location?.path == path)
        #expect(error.message == "a folder is not a migration file")
        #expect(error.hint?.contains("must be regular files") == true)
    }

    @Test func largeFilesAreReadWhole() throws {
        let folder = try makeTemporaryDirectory()
        let statements = (1...5000).map { "INSERT INTO t VALUES (\($0), 'row \($0)');" }
        try (Self.sqlFile + statements.joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("a1_first.sql"), atomically: true, encoding: .utf8)
        let revision = try #require(try ScriptDirectory.load(folders: [folder.path]).revisions.first)
        #expect(revision.upgrade.count == 5001)
        #expect(revision.upgrade.last == .execute("INSERT INTO t VALUES (5000, 'row 5000')"))
    }
}

/// New migration files are created, never replacing a file that is there.
@Suite struct NewFileTests {
    @Test func createsAFileOnceAndNeverReplacesIt() throws {
        let folder = try makeTemporaryDirectory()
        let path = folder.appendingPathComponent("a1_first.sql").path
        try FileText.create(path, text: "-- first\n")
        #expect(try FileText.contents(of: path) == "-- first\n")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions.map { $0 & 0o600 } == 0o600)

        let error = try #require(throws: FileError.self) { try FileText.create(path, text: "-- second\n") }
        #expect(error.reason == .system(EEXIST))
        #expect(try FileText.contents(of: path) == "-- first\n")

        let missing = folder.appendingPathComponent("no/such/folder/x.sql").path
        let noFolder = try #require(throws: FileError.self) { try FileText.create(missing, text: "x") }
        #expect(noFolder.reason == .system(ENOENT))
        #expect(String(describing: noFolder).contains("(errno \(ENOENT))"))
    }
}
