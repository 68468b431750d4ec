#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL
import MigrateScript

extension Commands {
    /// What `init --from-database` wrote, and the context to stamp the database with once the
    /// user agrees.
    public struct DatabaseAdoption: Sendable {
        /// migrate.json, the versions folder, the models file and the baseline revision.
        public var created: [String]
        /// The baseline revision's id: stamping it records the database as already at it.
        public var baseline: String
        public var inspection: Inspection
        /// Whether migrate.json names the database or refers to `MIGRATE_DATABASE_URL` (a URL
        /// with a password, or one that came from the environment, is not written into the file).
        public var urlFromEnvironment: Bool
        /// The environment just written, for `stamp`.
        public var context: Context
    }

    /// The environment variable `init --from-database` reads the URL from without `--url`.
    static let databaseURLVariable = "MIGRATE_DATABASE_URL"

    /// Adopts an existing database: writes migrate.json, the models `inspect` reads from it
    /// (`Models/Schema.swift`) and a baseline revision whose upgrade creates those tables from
    /// nothing and whose downgrade drops them. Stamping is left to the caller (`stamp(_:to:purge:)`
    /// with ``DatabaseAdoption/baseline``), which may ask first. Refuses to overwrite an
    /// existing migrate.json.
    public static func initializeFromDatabase(
        directory: String, urlFlag: String?, environment: [String: String],
        onEvent: @escaping @Sendable (RunEvent) -> Void = { _ in }
    ) throws -> DatabaseAdoption {
        let fileManager = FileManager.default
        let configPath = FilePath.join(directory, "migrate.json")
        let versionsPath = FilePath.join(directory, "versions")
        let modelsPath = FilePath.join(directory, "Models/Schema.swift")
        if fileManager.fileExists(atPath: configPath) {
            throw MigrateError(
                .usage, "\(configPath) already exists", hint: "init writes a new environment; to read the models again run `migrate inspect --output Models/Schema.swift`")
        }
        guard let url = urlFlag ?? environment[databaseURLVariable], !url.isEmpty else {
            throw MigrateError(
                .usage, "init --from-database needs the database to read",
                hint: "pass --url URL or set \(databaseURLVariable)")
        }
        // A password never goes into a file that is committed; the environment supplies it.
        let parsed = try DatabaseURL(url, relativeTo: fileManager.currentDirectoryPath)
        let writesURL = urlFlag != nil && parsed.redacted == url
        do {
            try fileManager.createDirectory(atPath: versionsPath, withIntermediateDirectories: true)
            try Configuration.renderFile(url: writesURL ? url : "${\(databaseURLVariable)}", models: ["Models"])
                .write(toFile: configPath, atomically: true, encoding: .utf8)
        } catch {
            throw MigrateError(.configuration, "cannot write the new environment in \(directory)", cause: error)
        }
        var configEnvironment = environment
        if configEnvironment[databaseURLVariable] == nil { configEnvironment[databaseURLVariable] = url }
        let configuration = try Configuration.load(from: configPath, environment: configEnvironment)
        let context = Context(configuration: configuration, urlFlag: url, environment: environment, onEvent: onEvent)

        let inspection = try inspect(context)
        try writeModelsFile(modelsPath, text: inspection.text)
        let connection = try context.connect()
        let options = SchemaComparisonOptions(includeSchemas: .listed(configuration.compare.includeSchemas))
        let upgrade = SchemaDiff.compare(
            declared: inspection.schema, reflected: Schema(), dialect: connection.dialect, options: options)
        let reverses = upgrade.reversed().map(\.reversed)
        let downgrade = reverses.allSatisfy { $0 != nil }
            ? reverses.compactMap { $0 }
            : SchemaDiff.compare(declared: Schema(), reflected: inspection.schema, dialect: connection.dialect, options: options)
        var revisionOptions = RevisionOptions(message: "baseline: the schema as the database had it")
        let baseline = newRevisionID()
        revisionOptions.revisionID = baseline
        let revisionPath = try writeRevision(context, revisionOptions, upgrade: upgrade, downgrade: downgrade).path
        return DatabaseAdoption(
            created: [configPath, versionsPath, modelsPath, revisionPath], baseline: baseline,
            inspection: inspection, urlFromEnvironment: !writesURL, context: context)
    }
}
