import Foundation
import MigrateCore
import MigrateScript
import Testing

/// The error reading models `text` produces.
func modelError(_ text: String) -> MigrateError? {
    do {
        _ = try ModelFile.tables(parsing: text, path: "models/App.swift")
        return nil
    } catch let error as MigrateError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

/// A models file whose `tables` array holds `body`, starting on line 5, indented by 8 spaces.
func modelsFile(_ body: String) -> String {
    """
    import MigrateKit

    enum AppSchema: ModelSchema {
        static let tables: [Table] = [
            \(body)
        ]
    }

    """
}

@Suite struct ModelFileTests {
    @Test func readsTablesWithEveryElement() throws {
        let tables = try ModelFile.tables(parsing: modelsFile("""
            Table("accounts",
                    Column("id", .integer, primaryKey: true),
                    Column("email", .string(length: 255), nullable: false, comment: "sign-in"),
                    UniqueConstraint(["email"], name: "uq_accounts_email"),
                    CheckConstraint("email LIKE '%@%'", name: "ck_email"),
                    Index("ix_lower_email", keys: [.expression("lower(email)")]),
                    comment: "people"),
                Table("memberships",
                    Column("account_id", .integer),
                    Column("team", .string(length: 20)),
                    PrimaryKey(["account_id", "team"], name: "pk_memberships"),
                    ForeignKey(["account_id"], references: "accounts", ["id"], onDelete: .cascade),
                    schema: "app"),
            """), path: "models/App.swift")
        #expect(tables.map(\.name) == [TableName("accounts"), TableName("memberships", schema: "app")])
        let accounts = tables[0]
        #expect(accounts.comment == "people")
        #expect(accounts.column(named: "email") == Column(
            "email", .string(length: 255), isNullable: false, comment: "sign-in"))
        #expect(accounts.uniqueConstraints == [UniqueConstraint(name: "uq_accounts_email", columns: ["email"])])
        #expect(accounts.checkConstraints == [CheckConstraint(name: "ck_email", expression: "email LIKE '%@%'")])
        #expect(accounts.indexes == [Index(
            name: "ix_lower_email", table: TableName("accounts"), keys: [.expression("lower(email)")])])
        let memberships = tables[1]
        #expect(memberships.primaryKey == ["account_id", "team"])
        #expect(memberships.primaryKeyName == "pk_memberships")
        #expect(memberships.foreignKeys.first?.onDelete == .cascade)
    }

    /// A models file is read like migration files: text that is not UTF-8 is refused with its path.
    @Test func aModelsFileThatIsNotUTF8IsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/App.swift"
        try Data(Array(modelsFile("").utf8) + [0xC3, 0x28]).write(to: URL(fileURLWithPath: file))
        let error = #expect(throws: MigrateError.self) { try ModelFile.schema(paths: [file]) }
        #expect(error?.message == "cannot read the models file \(file)")
        #expect(error.flatMap { $0.cause.map(String.init(describing:)) }?.hasPrefix("the file is not valid UTF-8 text: byte 0xC3 at offset") == true)
    }

    @Test func anEmptyTablesListIsNoTables() throws {
        #expect(try ModelFile.tables(parsing: modelsFile(""), path: "m.swift").isEmpty)
    }

    @Test func aNameInsteadOfALiteralIsLocated() throws {
        let error = try #require(modelError(modelsFile(#"Table("accounts", Column("id", kind)),"#)))
        #expect(error.kind == .script)
        #expect(error.location == SourceLocation(path: "models/App.swift", line: 5, column: 40))
        #expect(error.message.hasPrefix("`kind` is a name, not a literal"))
        #expect(error.messageAndExcerpt.contains("\n        Table(\"accounts\", Column(\"id\", kind)),\n"))
    }

    @Test func aComputedTableIsLocated() throws {
        let error = try #require(modelError(modelsFile("makeTable(\"accounts\"),")))
        #expect(error.location?.line == 5)
        #expect(error.location?.column == 9)
        #expect(error.message.contains("a call to `makeTable` is computed at run time"))
    }

    @Test func aMisspeltLabelIsLocatedWithASuggestion() throws {
        let error = try #require(modelError(modelsFile(#"Table("a", Column("id", .integer, nulable: false)),"#)))
        #expect(error.location?.line == 5)
        #expect(error.location?.column == 43)
        #expect(error.hint?.contains("did you mean `nullable:`?") == true)
    }

    @Test func readsTheSequenceOptionsOfANumberedColumn() throws {
        let tables = try ModelFile.tables(parsing: modelsFile("""
            Table("orders",
                    Column("id", .bigInteger, primaryKey: true, identity: .always, sequence: SequenceOptions(start: 1000, increment: 10)),
                    Column("n", .integer, nullable: false, identity: .serial,
                        sequence: SequenceOptions(increment: -1, minValue: -9, maxValue: 0, cache: 5, cycle: true)),
                    Column("plain", .integer)),
            """), path: "models/App.swift")
        let columns = try #require(tables.first?.columns)
        #expect(columns[0].sequence == SequenceOptions(start: 1000, increment: 10))
        #expect(columns[1].sequence == SequenceOptions(increment: -1, minValue: -9, maxValue: 0, cache: 5, cycle: true))
        #expect(columns[2].sequence.isEmpty)
        let error = try #require(modelError(modelsFile(
            #"Table("a", Column("id", .integer, identity: true, sequence: SequenceOptions(begin: 5))),"#)))
        #expect(error.location?.line == 5)
        #expect(error.hint?.contains("SequenceOptions takes (start:, increment:, minValue:, maxValue:, cache:, cycle:)") == true, "\(error)")
        let notOptions = try #require(modelError(modelsFile(
            #"Table("a", Column("id", .integer, identity: true, sequence: 5)),"#)))
        #expect(notOptions.message.contains("SequenceOptions(start: …, increment: …)"), "\(notOptions)")
    }

    @Test func topLevelCodeIsRefused() throws {
        let error = try #require(modelError("import MigrateKit\n\nlet accounts = Table(\"accounts\")\n"))
        #expect(error.location == SourceLocation(path: "models/App.swift", line: 3, column: 1))
        #expect(error.message.hasPrefix("a models file declares types conforming to `ModelSchema`"))
    }

    @Test func aTypeWithoutTheProtocolOrWithOtherMembersIsRefused() throws {
        let plain = try #require(modelError("enum Schema {\n    static let tables: [Table] = []\n}\n"))
        #expect(plain.location?.line == 1)
        #expect(plain.message.contains("does not conform to `ModelSchema`"))

        let extra = try #require(modelError(
            "enum S: ModelSchema {\n    static let tables: [Table] = []\n    static var count = 1\n}\n"))
        #expect(extra.location == SourceLocation(path: "models/App.swift", line: 3, column: 5))
        #expect(extra.message.contains("only members are `static let tables"))
    }

    @Test func aFileWithoutModelsIsRefused() throws {
        let error = try #require(modelError("import MigrateKit\n"))
        #expect(error.location?.line == 1)
        #expect(error.message.contains("declares no type conforming to `ModelSchema`"))
    }

    @Test func aSyntaxErrorIsLocated() throws {
        let error = try #require(modelError(modelsFile(#"Table("a", Column("id", .integer),"#)))
        #expect(error.message.hasPrefix("syntax error"))
        #expect(error.location?.line != nil)
    }

    /// The bracket count that guards the parser reads raw and multi-line string literals as text:
    /// a default `inspect` writes as `#"a"b((((((((((("#` must not count as unclosed brackets.
    @Test func bracketsAndQuotesInRawAndMultilineStringsAreText() throws {
        let text = #"""
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = [
                    Table("t", Column("id", .integer, primaryKey: true),
                        Column("note", .text, default: .string(#"a"b(((((((((("#)),
                        Column("other", .text, default: .string(##"x"#((((((((((("##)),
                        Column("more", .text, default: .string("""
                            say "((((((((((" and ""
                            """))),
                ]
            }
            """#
        let schema = try ModelFile.declarations(parsing: text, path: "Schema.swift")
        let columns = schema.tables.first?.columns ?? []
        #expect(columns.map(\.defaultValue) == [
            nil, .string(#"a"b(((((((((("#), .string(##"x"#((((((((((("##), .string(#"say "((((((((((" and """#),
        ])
        do {
            _ = try ModelFile.declarations(
                parsing: "import MigrateKit\nenum A: ModelSchema { static let tables: [Table] = [" + String(repeating: "(", count: 12),
                path: "Schema.swift")
            Issue.record("unclosed brackets were accepted")
        } catch let error as MigrateError {
            #expect(error.message.hasSuffix("brackets are never closed, the first of them here"))
        }
    }

    @Test func aMemberDeclaredTwiceInOneTypeIsRefused() throws {
        let text = """
            import MigrateKit

            enum AppSchema: ModelSchema {
                static let tables: [Table] = []
                static let schemas: [String] = ["audit"]
                static let schemas: [String] = ["archive"]
            }
            """
        do {
            _ = try ModelFile.declarations(parsing: text, path: "Schema.swift")
            Issue.record("a member declared twice was accepted")
        } catch let error as MigrateError {
            #expect(error.message == "`schemas` is declared twice")
            #expect(error.location?.line == 6)
        }
    }

    @Test func aTableDeclaredTwiceAcrossFilesIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try modelsFile(#"Table("a", Column("id", .integer)),"#)
            .write(to: folder.appendingPathComponent("1.swift"), atomically: true, encoding: .utf8)
        try modelsFile(#"Table("b"), Table("a", Column("id", .integer)),"#)
            .write(to: folder.appendingPathComponent("2.swift"), atomically: true, encoding: .utf8)
        do {
            _ = try ModelFile.schema(paths: [folder.path])
            Issue.record("a table declared twice was accepted")
        } catch let error as MigrateError {
            #expect(error.location?.path.hasSuffix("2.swift") == true)
            #expect(error.location?.line == 5)
            #expect(error.location?.column == 21)
            #expect(error.message.hasPrefix("table a is declared twice; first in"))
        }
    }

    @Test func aDuplicateIsStillLocatedWhenTheTablesComeFromTheCache() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try modelsFile(#"Table("a", Column("id", .integer)), Table("b"), Table("a"),"#)
            .write(to: folder.appendingPathComponent("1.swift"), atomically: true, encoding: .utf8)
        let cache = folder.appendingPathComponent(".cache").path
        for _ in 0..<2 {
            let error = try #require(throws: MigrateError.self) {
                try ModelFile.schema(paths: [folder.appendingPathComponent("1.swift").path], cache: ParseCache(folder: cache, kind: "models"))
            }
            // The second `a`, not the first.
            #expect(error.location?.line == 5)
            #expect(error.location?.column == 57)
        }
    }

    @Test func aMissingPathIsAConfigurationError() throws {
        #expect(throws: MigrateError.self) { try ModelFile.schema(paths: ["/nonexistent/models"]) }
    }
}

/// A models file read once is not parsed again while its text is unchanged.
@Suite struct ModelsCacheTests {
    @Test func cachedTablesAreReusedAndAnEditIsNoticed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("Schema.swift")
        let text = modelsFile(#"Table("accounts", Column("id", .integer, primaryKey: true)),"#)
        try text.write(to: file, atomically: true, encoding: .utf8)
        let cacheFolder = folder.appendingPathComponent(".migrate-cache").path
        func read() throws -> Schema {
            try ModelFile.schema(paths: [file.path], cache: ParseCache(folder: cacheFolder, kind: "models"))
        }

        let parsed = try read()
        #expect(parsed == (try ModelFile.schema(paths: [file.path])))
        let cacheFile = cacheFolder + "/models-v\(RevisionCoding.formatVersion).cache"
        let entries = try #require(FileManager.default.contents(atPath: cacheFile).flatMap { RevisionCoding.decode(entries: [UInt8]($0)) })
        #expect(entries.keys.sorted() == [SHA256.hex(text.utf8)])

        // What the cache holds for this text is what is used: plant a different table under its key.
        ParseCache(folder: cacheFolder, kind: "models").update([
            SHA256.hex(text.utf8): RevisionCoding.encode(models: Schema(tables: [Table(TableName("planted"), columns: [])])),
            "another key, so the cache file is rewritten": [],
        ])
        #expect(try read().tables.map(\.name.name) == ["planted"])

        // An edit changes the key, so the file is parsed again.
        try modelsFile(#"Table("users", Column("id", .integer, primaryKey: true)),"#)
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try read().tables.map(\.name.name) == ["users"])

        // A damaged cache is not trusted.
        try Data([0x01, 0xFF]).write(to: URL(fileURLWithPath: cacheFile))
        #expect(try read().tables.map(\.name.name) == ["users"])
    }
}
