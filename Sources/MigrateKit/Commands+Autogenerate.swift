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

    /// Finds a reflected table's position by a declared name, the default schema's tables also by
    /// their bare names; through one dictionary, since a schema of a thousand tables is searched
    /// a thousand times.
    static func tablePositions(_ reflected: Schema, defaultSchema: String?) -> (TableName) -> Int? {
        let positions = Dictionary(
            reflected.tables.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return { name in
            if let position = positions[name] { return position }
            guard name.schema != nil, name.schema == defaultSchema else { return nil }
            return positions[TableName(name.name)]
        }
    }

    /// Gives each declared check that shares its name with a reflected one the reflected text
    /// when the engine says both mean the same condition, so the diff can compare conditions as
    /// text and a condition changed under the same name shows. False when the engine could not
    /// say; conditions are then not compared.
    static func alignCheckConditions(
        _ declared: inout Schema, reflected: Schema, reflectedPosition: (TableName) -> Int?,
        connection: DatabaseConnection
    ) -> Bool {
        var pairs: [(table: Int, check: Int, reflected: TableName, existing: String)] = []
        for (tableIndex, table) in declared.tables.enumerated() where !table.checkConstraints.isEmpty {
            guard let position = reflectedPosition(table.name) else { continue }
            let existing = reflected.tables[position]
            for (checkIndex, check) in table.checkConstraints.enumerated() {
                guard let name = check.name, let match = existing.checkConstraints.first(where: { $0.name == name }),
                    match.expression != check.expression
                else { continue }
                pairs.append((tableIndex, checkIndex, existing.name, match.expression))
            }
        }
        let requests = pairs.map { pair in
            (table: pair.reflected, condition: declared.tables[pair.table].checkConstraints[pair.check].expression)
        }
        guard let normalized = connection.normalizedCheckConditions(requests) else { return false }
        for (pair, condition) in zip(pairs, normalized)
        where condition.map(SQLExpressionText.comparable) == SQLExpressionText.comparable(pair.existing) {
            declared.tables[pair.table].checkConstraints[pair.check].expression = pair.existing
        }
        return true
    }

    /// Gives each declared stored generated column the reflected expression when the engine
    /// prints both alike though their texts differ even loosely (`status IN ('a', 'b')` is stored
    /// as `status = ANY (ARRAY['a'::text, 'b'::text])`): without it such a column would be
    /// reported changed, and dropped and added again, on every run.
    static func alignGenerationExpressions(
        _ declared: inout Schema, reflected: Schema, reflectedPosition: (TableName) -> Int?,
        connection: DatabaseConnection
    ) {
        var pairs: [(table: Int, column: Int, reflectedTable: TableName, existing: String)] = []
        for (tableIndex, table) in declared.tables.enumerated() {
            guard table.columns.contains(where: { $0.generated?.isStored == true }),
                let position = reflectedPosition(table.name)
            else { continue }
            let existing = reflected.tables[position]
            for (columnIndex, column) in table.columns.enumerated() {
                guard case .stored(let expression)? = column.generated,
                    case .stored(let reflectedExpression)? = existing.column(named: column.name)?.generated,
                    SQLExpressionText.comparable(expression) != SQLExpressionText.comparable(reflectedExpression)
                else { continue }
                pairs.append((tableIndex, columnIndex, existing.name, reflectedExpression))
            }
        }
        guard !pairs.isEmpty else { return }
        let normalized = connection.normalizedGenerationExpressions(
            pairs.map { pair in
                let column = declared.tables[pair.table].columns[pair.column]
                return (table: pair.reflectedTable, type: column.type, expression: column.generated?.expression ?? "")
            })
        for (pair, expression) in zip(pairs, normalized)
        where expression.map(SQLExpressionText.comparable) == SQLExpressionText.comparable(pair.existing) {
            declared.tables[pair.table].columns[pair.column].generated = .stored(pair.existing)
        }
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
        var declared = try models.schema()
        // The schemas holding migrate's own tables are not the models' to drop.
        for schema in [versionTable.schema, history.schema].compactMap({ $0 }) where !declared.schemas.contains(schema) {
            declared.schemas.append(schema)
        }
        let reflectedPosition = tablePositions(reflection.schema, defaultSchema: reflection.defaultSchema)
        let comparesChecks = alignCheckConditions(
            &declared, reflected: reflection.schema, reflectedPosition: reflectedPosition, connection: connection)
        alignGenerationExpressions(
            &declared, reflected: reflection.schema, reflectedPosition: reflectedPosition, connection: connection)
        let options = SchemaComparisonOptions(
            compareTypes: configuration.compare.types, compareServerDefaults: configuration.compare.serverDefaults,
            includeSchemas: schemas, excludeTables: configuration.compare.excludeTables,
            include: configuration.compare.include, exclude: configuration.compare.exclude,
            defaultSchema: reflection.defaultSchema, compareCheckConditions: comparesChecks)
        // Declared views compare by the database's own printing of their queries.
        let normalizedViews = declared.views.isEmpty ? [:] : try context.performing("read the declared views back") {
            try connection.normalizedViewDefinitions(declared.views)
        }
        // Declared functions likewise, and with the argument types the database gives them.
        if !declared.functions.isEmpty {
            declared.functions = try context.performing("read the declared functions back") {
                try connection.normalizedFunctions(declared.functions)
            }
        }
        let upgrade = SchemaDiff.compare(
            declared: declared, reflected: reflection.schema, dialect: connection.dialect, options: options,
            normalizedViews: normalizedViews)
        let reverses = upgrade.reversed().map(\.reversed)
        guard !reverses.allSatisfy({ $0 != nil }) else { return (upgrade, reverses.compactMap { $0 }) }
        // The other way, the models' views in the database's words, as the database's are.
        var models = declared
        for index in models.views.indices {
            if let normalized = normalizedViews[models.views[index].name] { models.views[index].definition = normalized }
        }
        let downgrade = SchemaDiff.compare(
            declared: reflection.schema, reflected: models, dialect: connection.dialect, options: options)
        return (upgrade, downgrade)
    }
}

extension Commands.SchemaChange {
    init(_ operation: MigrateCore.Operation) {
        self.init(operation: operation, summary: operation.summary)
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
