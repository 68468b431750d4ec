import Dispatch
import MigrateCore
import MigrateSQL
import MigrateScript

extension Commands {
    // MARK: check

    /// One difference between the models and the database: the operation that removes it and a
    /// one-line summary in Alembic's words (`add_table accounts`, `modify_nullable tasks.title`).
    public struct SchemaChange: Sendable, Hashable, CustomStringConvertible {
        public var operation: MigrateCore.Operation
        public var summary: String

        public var description: String { summary }
    }

    /// What upgrading the database to the declared models takes, as one change per operation
    /// (an `alterColumn` that changes several things is one change whose summary lists them).
    /// Empty when the database matches the models. Online only.
    /// Like Alembic, refuses a database that is not at the heads: pending migrations would show
    /// as differences.
    public static func check(_ context: Context) throws -> [SchemaChange] {
        let models = DeclaredModels(context.configuration)
        defer { models.finish() }
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        let recorded = try context.readRecordedState(connection, versionTable: table)
        try requireUpToDate(graph, heads: recorded.heads, table: table, target: "heads")
        // Drift can also come from an applied migration edited afterwards: say so too.
        for problem in verificationProblems(graph: graph, recorded: recorded) {
            context.onEvent(.verificationProblem(problem))
        }
        return try comparison(context, connection, models: models).upgrade.map(SchemaChange.init)
    }

    /// Throws Alembic's "Target database is not up to date" unless the database is at `target`.
    static func requireUpToDate(_ graph: RevisionGraph, heads: Set<String>, table: VersionTable, target: String) throws {
        try graph.validateDatabaseHeads(heads, versionTable: table.displayName)
        let expected = try graph.resolve(target)
        guard Set(heads) != Set(expected) else { return }
        let at = heads.isEmpty ? "base" : graph.topologicallySorted(heads).joined(separator: ", ")
        let wanted = expected.isEmpty ? "base" : graph.topologicallySorted(expected).joined(separator: ", ")
        throw MigrateError(
            .database, "Target database is not up to date: it is at \(at), not at \(wanted)",
            hint: "run `migrate upgrade \(target)` first, so the comparison starts from the revision the models follow")
    }

    /// What `revision --autogenerate` did: the changes it found and the file it wrote (nil when
    /// there were no changes and an empty revision was not asked for).
    public struct AutogenerateResult: Sendable {
        public var changes: [SchemaChange]
        public var path: String? { written?.path }
        /// The file written, nil when none was.
        public var written: NewRevision?
        /// What `migrate lint` finds in the new revision.
        public var lintFindings: [LintFinding] = []
    }

    /// Compares the models with the database and writes a Swift migration whose upgrade makes
    /// the database match the models and whose downgrade undoes that. Refuses when the database
    /// is not at the revision the new one builds on (Alembic: "Target database is not up to date").
    public static func autogenerateRevision(
        _ context: Context, _ options: RevisionOptions, allowEmpty: Bool = false
    ) throws -> AutogenerateResult {
        guard options.format == .swift else {
            throw MigrateError(
                .usage, "--autogenerate writes Swift migrations",
                hint: "leave out --format sql; the Swift file's operations render for every database")
        }
        let models = DeclaredModels(context.configuration)
        defer { models.finish() }
        let graph = try context.scripts().graph
        let connection = try context.connect()
        let table = context.versionTable(dialect: connection.dialect)
        let recorded = try context.readRecordedState(connection, versionTable: table, history: false)
        try requireUpToDate(graph, heads: recorded.heads, table: table, target: options.head)
        let result = try comparison(context, connection, models: models)
        let changes = result.upgrade.map(SchemaChange.init)
        if changes.isEmpty && !allowEmpty { return AutogenerateResult(changes: [], written: nil) }
        let written = try writeRevision(context, options, upgrade: result.upgrade, downgrade: result.downgrade)
        // Lint advises on what was written; a migration it cannot render is for `upgrade` to report.
        let findings = (try? lintRevision(context, path: written.path))?.findings ?? []
        return AutogenerateResult(changes: changes, written: written, lintFindings: findings)
    }

    /// The upgrade from the database to the models, and its downgrade.
    ///
    /// The downgrade is each upgrade operation's reverse, in reverse order; when one has no
    /// reverse (a dropped constraint keeps no definition), it is instead the comparison run the
    /// other way, from the models back to the database as reflected, so it is never a guess.
    static func comparison(
        _ context: Context, _ connection: DatabaseConnection, models: DeclaredModels
    ) throws -> (upgrade: [MigrateCore.Operation], downgrade: [MigrateCore.Operation]) {
        let configuration = context.configuration
        guard !configuration.models.isEmpty else {
            throw MigrateError(
                .configuration, "no models are configured, so there is nothing to compare the database with",
                hint: "list the Swift files or folders declaring your tables under `models` in migrate.json")
        }
        let versionTable = context.versionTable(dialect: connection.dialect)
        let history = context.historyTable(dialect: connection.dialect)
        let excluded = [
            TableName(versionTable.name, schema: versionTable.schema), TableName(history.name, schema: history.schema),
        ]
        let schemas: SchemaSelection = configuration.compare.includeAllSchemas
            ? .all : .listed(configuration.compare.includeSchemas)
        let reflection = try context.performing("read the schema to compare it with the models") {
            try connection.reflectSchema(includeSchemas: schemas, excluding: excluded)
        }
        let declared = try models.schema()
        let options = SchemaComparisonOptions(
            compareTypes: configuration.compare.types, compareServerDefaults: configuration.compare.serverDefaults,
            includeSchemas: schemas, excludeTables: configuration.compare.excludeTables,
            include: configuration.compare.include, exclude: configuration.compare.exclude,
            defaultSchema: reflection.defaultSchema)
        let upgrade = SchemaDiff.compare(
            declared: declared, reflected: reflection.schema, dialect: connection.dialect, options: options)
        let reverses = upgrade.reversed().map(\.reversed)
        let downgrade = reverses.allSatisfy { $0 != nil }
            ? reverses.compactMap { $0 }
            : SchemaDiff.compare(declared: reflection.schema, reflected: declared, dialect: connection.dialect, options: options)
        return (upgrade, downgrade)
    }
}

extension Commands.SchemaChange {
    init(_ operation: MigrateCore.Operation) {
        self.init(operation: operation, summary: Self.summary(operation))
    }

    /// Alembic's autogenerate vocabulary, one line per operation.
    static func summary(_ operation: MigrateCore.Operation) -> String {
        func columns(_ names: [String]) -> String { "(" + names.joined(separator: ", ") + ")" }
        switch operation {
        case .createTable(let table):
            return "add_table \(table.name)"
        case .dropTable(let table, _):
            return "remove_table \(table)"
        case .renameTable(let table, let newName):
            return "rename_table \(table) -> \(newName)"
        case .addColumn(let table, let column):
            return "add_column \(table).\(column.name)"
        case .dropColumn(let table, let column, _):
            return "remove_column \(table).\(column)"
        case .alterColumn(let table, let column, let changes):
            var parts: [String] = []
            if let newName = changes.newName { parts.append("rename_column -> \(newName)") }
            if let type = changes.type {
                parts.append("modify_type \(changes.existingType.map(typeText) ?? "?") -> \(typeText(type))")
            }
            if let nullable = changes.isNullable {
                parts.append("modify_nullable \(changes.existingNullable.map(String.init) ?? "?") -> \(nullable)")
            }
            if let value = changes.defaultValue {
                parts.append("modify_default \(defaultText(changes.existingDefault ?? nil)) -> \(defaultText(value))")
            }
            if changes.comment != nil { parts.append("modify_comment") }
            let kind = parts.count == 1 ? String(parts[0].prefix { $0 != " " }) : "modify_column"
            let details = parts.count == 1 ? String(parts[0].drop { $0 != " " }.dropFirst()) : parts.joined(separator: ", ")
            return "\(kind) \(table).\(column): \(details)"
        case .createIndex(let index):
            let keys = index.keys.map { key -> String in
                switch key {
                case .column(let name): return name
                case .expression(let sql): return sql
                }
            }
            return "add_index \(index.name) on \(index.table)\(columns(keys))\(index.isUnique ? " unique" : "")"
        case .dropIndex(let name, let table, _):
            return "remove_index \(name) on \(table)"
        case .createUniqueConstraint(let table, let constraint):
            return "add_unique_constraint \(constraint.name ?? "") on \(table)\(columns(constraint.columns))"
        case .createCheckConstraint(let table, let constraint):
            return "add_check_constraint \(constraint.name ?? "") on \(table): \(constraint.expression)"
        case .createForeignKey(let table, let key):
            return "add_fk \(key.name ?? "") on \(table)\(columns(key.columns)) -> \(key.referencedTable)\(columns(key.referencedColumns))"
        case .createPrimaryKey(let table, let name, let keyColumns):
            return "add_primary_key \(name ?? "") on \(table)\(columns(keyColumns))"
        case .dropConstraint(let table, let name, let kind):
            let word: String
            switch kind {
            case .unique: word = "remove_unique_constraint"
            case .check: word = "remove_check_constraint"
            case .foreignKey: word = "remove_fk"
            case .primaryKey: word = "remove_primary_key"
            }
            return "\(word) \(name) on \(table)"
        case .setTableComment(let table, _, _):
            return "modify_table_comment \(table)"
        case .execute(let sql):
            return "execute \(sql.prefix(60))"
        case .bulkInsert(let table, _, let rows):
            return "bulk_insert \(table) (\(rows.count) rows)"
        case .swiftCode(let label):
            return "run_swift \(label ?? "")"
        }
    }

    /// A type as migration files write it: `integer`, `string(length: 50)`.
    static func typeText(_ type: ColumnType) -> String {
        switch type {
        case .integer: return "integer"
        case .bigInteger: return "bigInteger"
        case .smallInteger: return "smallInteger"
        case .string(let length): return length.map { "string(length: \($0))" } ?? "string"
        case .text: return "text"
        case .boolean: return "boolean"
        case .date: return "date"
        case .dateTime(let timezone): return "dateTime(timezone: \(timezone))"
        case .time: return "time"
        case .numeric(let precision, let scale):
            return "numeric(precision: \(precision.map(String.init) ?? "nil"), scale: \(scale.map(String.init) ?? "nil"))"
        case .float: return "float"
        case .double: return "double"
        case .binary: return "binary"
        case .uuid: return "uuid"
        case .json: return "json"
        case .jsonb: return "jsonb"
        case .enumeration(let name, let values): return "enumeration(\(name): \(values.joined(separator: ", ")))"
        case .custom(let sql): return "custom(\(sql))"
        }
    }

    static func defaultText(_ value: ServerDefault?) -> String {
        switch value {
        case nil: return "none"
        case .string(let text)?: return "'\(text)'"
        case .integer(let number)?: return String(number)
        case .double(let number)?: return String(number)
        case .boolean(let flag)?: return String(flag)
        case .expression(let sql)?: return sql
        }
    }
}

/// The declared models, read on another thread from the moment a command starts: parsing a
/// large models file (on a fresh clone, with no parse cache) takes about as long as loading the
/// migrations, connecting and reflecting the database, which the command does meanwhile. The
/// parse cache is written after the schema is handed over, while the command compares.
final class DeclaredModels: @unchecked Sendable {
    /// Left when the schema (or the error) is ready.
    private let ready = DispatchGroup()
    /// Left when the parse cache is written too.
    private let done = DispatchGroup()
    // Written once by the reading thread before `ready` is left; read only after waiting on it.
    private var result: Result<Schema, any Error> = .success(Schema())

    init(_ configuration: Configuration) {
        guard !configuration.models.isEmpty else { return }
        let paths = configuration.models
        let cache = ScriptDirectory.cacheFolder(versions: configuration.versions).map {
            ParseCache(folder: $0, kind: "models")
        }
        ready.enter()
        done.enter()
        DispatchQueue.global().async {
            var updateCache: (@Sendable () -> Void)?
            self.result = Result {
                let read = try ModelFile.schemaDeferringCache(paths: paths, cache: cache)
                updateCache = read.updateCache
                return read.schema
            }
            self.ready.leave()
            updateCache?()
            self.done.leave()
        }
    }

    /// The schema the models declare, or the error reading them threw.
    func schema() throws -> Schema {
        ready.wait()
        return try result.get()
    }

    /// Waits for the reading thread, so that a command never exits while the parse cache is
    /// being written.
    func finish() {
        done.wait()
    }
}
