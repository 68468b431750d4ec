import ArgumentParser
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateKit

/// Options every command takes: which environment and which database.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "The configuration file.")
    var config: String = "migrate.json"

    @Option(help: ArgumentHelp("The database URL; wins over MIGRATE_DATABASE_URL and migrate.json.", valueName: "url"))
    var url: String?

    /// Loads the configuration and builds the context commands run with; progress goes to stderr.
    func context() throws -> Context {
        let environment = ProcessInfo.processInfo.environment
        let configuration = try Configuration.load(from: config, environment: environment)
        return Context(
            configuration: configuration, urlFlag: url, environment: environment,
            onEvent: Progress.print)
    }
}
