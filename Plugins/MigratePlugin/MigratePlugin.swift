import Foundation
import PackagePlugin

/// `swift package migrate …`: the `migrate` command line, built from this package, run in the
/// package's folder (where migrate.json is), with the arguments as given.
///
/// ```
/// swift package --allow-writing-to-package-directory migrate upgrade head
/// swift package --allow-writing-to-package-directory migrate revision -m "add tags"
/// ```
///
/// SwiftPM builds `migrate` for the plugin, so nothing needs installing. The plugin asks for
/// permission to write to the package folder: `revision`, `merge` and `init` write migration
/// files, and SQLite databases and the parse cache live there.
@main
struct MigratePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "migrate")
        let process = Process()
        process.executableURL = tool.url
        process.arguments = arguments
        process.currentDirectoryURL = context.package.directoryURL
        try process.run()
        process.waitUntilExit()
        if process.terminationReason == .exit && process.terminationStatus == 0 { return }
        Diagnostics.error("migrate \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
        throw MigrateFailed(status: process.terminationStatus)
    }
}

/// The tool failed; it has already said why.
struct MigrateFailed: Error, CustomStringConvertible {
    var status: Int32
    var description: String { "migrate exited with status \(status)" }
}
