#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL
import MigrateScript

extension Commands {
    /// What `inspect` read: the models file's text, how many tables it declares, and what the
    /// database holds that the file cannot declare (also written in the file as comments).
    public struct Inspection: Sendable {
        public var text: String
        public var tableCount: Int
        /// One line each: `view actor_info`, `trigger last_updated on actor`.
        public var unmodeled: [String]
        /// The tables as declared, for `init --from-database`'s baseline.
        var schema: Schema
    }

    /// Reads the live database into a models file declaring every table of the default schema
    /// (and of `schemas`, else migrate.json's `compare.include_schemas`, which may be `true`: all) but `migrate`'s own
    /// tables and those matching `excludeTables` (else `compare.exclude_tables`).
    ///
    /// The text depends only on the database: tables in (schema, name) order, and within each its
    /// columns in their order and its keys and indexes by name, so inspecting twice gives the same
    /// bytes. `check` against the same database then finds nothing, since the file holds exactly
    /// what reflection read.
    public static func inspect(_ context: Context, schemas: [String] = [], excludeTables: [String] = []) throws
        -> Inspection
    {
        let compare = context.configuration.compare
        let includeSchemas: SchemaSelection = !schemas.isEmpty
            ? .listed(schemas) : compare.includeAllSchemas ? .all : .listed(compare.includeSchemas)
        let excludePatterns = excludeTables.isEmpty ? context.configuration.compare.excludeTables : excludeTables
        let connection = try context.connect()
        let versionTable = context.versionTable(dialect: connection.dialect)
        let history = context.historyTable(dialect: connection.dialect)
        let excluded = [
            TableName(versionTable.name, schema: versionTable.schema), TableName(history.name, schema: history.schema),
        ]
        let (reflection, unmodeled) = try context.performing("read the schema to write the models") {
            (
                try connection.reflectSchema(includeSchemas: includeSchemas, excluding: excluded),
                try connection.unmodeledObjects(includeSchemas: includeSchemas)
            )
        }
        let tables = reflection.schema.tables
            .filter { table in
                !excludePatterns.contains { Glob.matches($0, table.name.name) || Glob.matches($0, table.name.description) }
            }
            .map(canonicalOrder)
            .sorted { ($0.name.schema ?? "", $0.name.name) < ($1.name.schema ?? "", $1.name.name) }
        let reflected = reflection.schema
        func order<Object>(_ objects: [Object], _ name: (Object) -> (String, String)) -> [Object] {
            objects.sorted { name($0) < name($1) }
        }
        // The triggers of the relations written (not of an excluded table).
        let relations = Set(tables.map(\.name) + reflected.views.map(\.name))
        let declared = Schema(
            tables: tables,
            views: order(reflected.views) { ($0.name.schema ?? "", $0.name.name) },
            triggers: order(reflected.triggers.filter { relations.contains($0.table) }) { ($0.table.description, $0.name) },
            sequences: order(reflected.sequences) { ($0.name.schema ?? "", $0.name.name) },
            domains: order(reflected.domains) { ($0.name.schema ?? "", $0.name.name) },
            schemas: reflected.schemas.sorted(),
            extensions: order(reflected.extensions) { ($0.name, "") })
        let text = SwiftMigrationWriter.renderModels(
            tables: tables, views: declared.views, triggers: declared.triggers, sequences: declared.sequences,
            domains: declared.domains, schemas: declared.schemas, extensions: declared.extensions, summary: "The schema of the database as `migrate inspect` read it.",
            notes: modelNotes(unmodeled, database: context.databaseName))
        return Inspection(text: text, tableCount: tables.count, unmodeled: unmodeled.map(\.description), schema: declared)
    }

    /// A table with its keys, constraints and indexes sorted by name (unnamed ones by their
    /// columns, after the named), so that the written file does not depend on catalog order.
    static func canonicalOrder(_ table: Table) -> Table {
        func key(_ name: String?, _ columns: [String]) -> (Int, String, String) {
            (name == nil ? 1 : 0, name ?? "", columns.joined(separator: ","))
        }
        var table = table
        table.foreignKeys.sort { key($0.name, $0.columns) < key($1.name, $1.columns) }
        table.uniqueConstraints.sort { key($0.name, $0.columns) < key($1.name, $1.columns) }
        table.checkConstraints.sort { key($0.name, [$0.expression]) < key($1.name, [$1.expression]) }
        table.indexes.sort { $0.name < $1.name }
        return table
    }

    /// The comment lines naming what the models cannot declare.
    static func modelNotes(_ unmodeled: [UnmodeledObject], database: String) -> [String] {
        guard !unmodeled.isEmpty else { return [] }
        return ["\(database) also holds what models cannot declare yet; `migrate check` does not compare it:"]
            + unmodeled.map { "- \($0)" }
    }

    /// Writes `text` to `path` (its folder created), replacing a file that is there.
    static func writeModelsFile(_ path: String, text: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: FilePath.parent(path), withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw MigrateError(.script, "cannot write the models file \(path)", hint: "check that the folder is writable", cause: error)
        }
    }

    /// `inspect --output PATH`: the inspection, written to `path`.
    public static func inspect(
        _ context: Context, writingTo path: String, schemas: [String] = [], excludeTables: [String] = []
    ) throws -> Inspection {
        let inspection = try inspect(context, schemas: schemas, excludeTables: excludeTables)
        try writeModelsFile(path, text: inspection.text)
        return inspection
    }
}
