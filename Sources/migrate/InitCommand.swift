import ArgumentParser
import MigrateKit

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a new environment: migrate.json and a versions folder.")

    @Argument(help: "The folder to write it in.")
    var directory: String = "."

    func run() throws {
        for path in try Commands.initialize(directory: directory) {
            StandardOutput.line("Created \(path)")
        }
    }
}
