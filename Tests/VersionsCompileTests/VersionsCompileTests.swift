import DemoVersions
import Foundation
import MigrateKit
import MigrateScript
import Testing

/// The repository's `versions/*.swift` compile against MigrateKit (this target would not build
/// otherwise), and reading each file without compiling it yields what running it compiled does.
@Suite struct VersionsCompileTests {
    static let versionsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("versions")

    static let swiftFiles: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: versionsFolder.path)) ?? []
        return names.filter { $0.hasSuffix(".swift") }.sorted()
    }()

    @Test func theDemoHasSwiftMigrations() {
        #expect(Self.swiftFiles.count >= 3)
    }

    @Test(arguments: swiftFiles)
    func interpreterAgreesWithCompiledMigration(file: String) throws {
        let path = Self.versionsFolder.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let read = try SwiftMigrationFile.revision(parsing: text, path: path)

        // Found by its mangled name (module, then the enum), so a new file needs no list to be updated.
        let module = "DemoVersions"
        let name = SwiftMigrationWriter.typeName(revision: read.id)
        let mangled = "\(module.utf8.count)\(module)\(name.utf8.count)\(name)"
        // O, V and C mangle an enum, a struct and a class.
        let found = ["O", "V", "C"].lazy.compactMap { _typeByName(mangled + $0) as? any Migration.Type }.first
        let type = try #require(found, "\(module).\(name) is not a compiled Migration in \(file)")
        let compiled = type.makeRevision(message: read.message, path: path)

        #expect(compiled.id == read.id)
        #expect(compiled.downRevisions == read.downRevisions)
        #expect(compiled.branchLabels == read.branchLabels)
        #expect(compiled.dependsOn == read.dependsOn)
        #expect(compiled.isTransactional == read.isTransactional)
        #expect(compiled.createDate == read.createDate)
        #expect(compiled.upgrade == read.upgrade)
        #expect(compiled.downgrade == read.downgrade)
        #expect(!read.upgrade.isEmpty)
    }

    /// Every method and schema form, in one migration compiled into this test target.
    @Test func interpreterAgreesOnEveryOperation() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("EveryOperation.swift").path
        let read = try SwiftMigrationFile.revision(parsing: String(contentsOfFile: path, encoding: .utf8), path: path)
        let compiled = Rev_everything.makeRevision(message: read.message, path: path)
        #expect(read.message == "every operation and schema form the interpreter reads, compiled too")
        #expect(compiled.id == read.id)
        #expect(compiled.downRevisions == read.downRevisions)
        #expect(compiled.branchLabels == read.branchLabels)
        #expect(compiled.dependsOn == read.dependsOn)
        #expect(compiled.isTransactional == read.isTransactional)
        #expect(compiled.upgrade.count == read.upgrade.count)
        for (compiledOperation, readOperation) in zip(compiled.upgrade, read.upgrade) {
            #expect(compiledOperation == readOperation)
        }
        #expect(compiled.downgrade == read.downgrade)
    }
}
