import DemoModels
import Foundation
import MigrateKit
import MigrateScript
import Testing

/// The repository's models file compiles against MigrateKit (this target links it), and the
/// command line, which reads it without compiling it, gets the same schema.
@Suite struct ModelsCompileTests {
    static let modelsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models").path

    @Test func readingTheModelsGivesTheCompiledSchema() throws {
        let read = try ModelFile.schema(paths: [Self.modelsFolder])
        #expect(read == DemoSchema.schema)
        #expect(read.tables.map(\.name.name) == ["accounts", "projects", "tasks", "task_states", "labels", "task_labels"])
    }
}
