import MigrateCore

/// The comparison of views and triggers, and the order that puts them around the table changes.
///
/// Views and triggers are dropped before any table changes and created after them, each kind in
/// dependency order: a view is dropped before the views that it is read by are, and created after
/// the views it reads. A reflected view is also dropped and created again when something it
/// depends on changes underneath it: a column it reads changes type or goes away, its table goes,
/// or a view it reads is replaced. That is what lets `ALTER COLUMN … TYPE` run under views
/// (PostgreSQL refuses to change the type of a column a view uses).
///
/// Reflected dependencies come from the database (``Schema/dependencies``, PostgreSQL's
/// `pg_depend`, by column); otherwise, and for declared views, from the names a definition
/// mentions (SQLite keeps no dependency catalog).
struct ObjectComparison {
    let dialect: SQLDialect
    let options: SchemaComparisonOptions
    /// Declared views' definitions as the database prints them, by normalised name, when the
    /// caller could have the database normalise them; otherwise the declared text is compared.
    var normalizedDefinitions: [TableName: String]

    /// The operations that go before the table changes, and those that go after.
    mutating func run(declared: Schema, reflected: Schema, tableOperations: [Operation]) -> (
        before: [Operation], after: [Operation]
    ) {
        normalizedDefinitions = Dictionary(
            normalizedDefinitions.map { (normalized($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
        let declaredViews = declared.views.map(normalized).filter { isIncluded($0.name) }
        let reflectedViews = reflected.views.map(normalized).filter { isIncluded($0.name) }
        let declaredByName = Dictionary(declaredViews.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let reflectedByName = Dictionary(reflectedViews.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        let tableNames = Set((declared.tables + reflected.tables).map { normalized($0.name) })
        let reflectedDependencies = dependencies(of: reflectedViews, in: reflected, tableNames: tableNames)
        let declaredDependencies = mentionedDependencies(
            of: declaredViews, viewNames: Set(declaredViews.map(\.name)), tableNames: tableNames)

        // What the table operations change underneath the views.
        var changedColumns = Set<ColumnReference>()
        var droppedTables = Set<TableName>()
        var alteredTables = Set<TableName>()
        for operation in tableOperations {
            switch operation {
            case .alterColumn(let table, let column, let changes) where changes.type != nil:
                changedColumns.insert(ColumnReference(table: normalized(table), column: column))
                alteredTables.insert(normalized(table))
            case .dropColumn(let table, let column, _):
                changedColumns.insert(ColumnReference(table: normalized(table), column: column))
                alteredTables.insert(normalized(table))
            case .dropTable(let table, _):
                droppedTables.insert(normalized(table))
            default:
                continue
            }
        }

        let functions = compareFunctions(declared: declared, reflected: reflected, tableOperations: tableOperations)

        // Views to drop: gone from the models, changed, standing on something that changes, or
        // using a function that is dropped.
        var dropped = functions.views.filter { reflectedByName[$0] != nil }
        for view in reflectedViews {
            guard let declaredView = declaredByName[view.name] else {
                dropped.insert(view.name)
                continue
            }
            if declaredView.isMaterialized != view.isMaterialized
                || comparableDefinition(declaredView) != Self.comparable(view.definition)
            {
                dropped.insert(view.name)
                continue
            }
            let standsOnChange = (reflectedDependencies[view.name] ?? []).contains { dependency in
                guard dependency.referenced.kind == .table else { return false }
                let table = dependency.referenced.name
                if droppedTables.contains(table) { return true }
                guard dependency.fromCatalog else { return false }
                if let column = dependency.column {
                    return changedColumns.contains(ColumnReference(table: table, column: column))
                }
                return alteredTables.contains(table)
            }
            if standsOnChange { dropped.insert(view.name) }
        }
        // … and the views reading a dropped view, transitively.
        var grew = true
        while grew {
            grew = false
            for view in reflectedViews where !dropped.contains(view.name) {
                let readsDropped = (reflectedDependencies[view.name] ?? []).contains {
                    $0.referenced.kind == .view && dropped.contains($0.referenced.name)
                }
                if readsDropped {
                    dropped.insert(view.name)
                    grew = true
                }
            }
        }

        let created = declaredViews.filter { reflectedByName[$0.name] == nil || dropped.contains($0.name) }

        // Triggers: on a relation that goes, or changed, or gone from the models.
        let declaredTriggers = declared.triggers.map(normalized).filter { isIncluded($0.table) }
        let reflectedTriggers = reflected.triggers.map(normalized).filter { isIncluded($0.table) }
        let goneRelations = droppedTables.union(dropped)
        var droppedTriggers: [Trigger] = []
        var createdTriggers: [Trigger] = []
        for trigger in reflectedTriggers {
            let match = declaredTriggers.first { $0.name == trigger.name && $0.table == trigger.table }
            if match == nil || goneRelations.contains(trigger.table)
                || Self.comparable(match!.definition) != Self.comparable(trigger.definition)
                || functions.triggers.contains(SchemaObjectName(.trigger, trigger.table, member: trigger.name))
            {
                droppedTriggers.append(trigger)
            }
        }
        for trigger in declaredTriggers {
            let existing = reflectedTriggers.first { $0.name == trigger.name && $0.table == trigger.table }
            if existing == nil || droppedTriggers.contains(existing!) { createdTriggers.append(trigger) }
        }

        var before: [Operation] = droppedTriggers.map {
            .dropTrigger(name: $0.name, table: $0.table, definition: $0.definition)
        }
        for name in Self.order(
            Array(dropped), dependencies: reflectedDependencies, referencedFirst: false,
            original: reflectedViews.map(\.name))
        {
            guard let view = reflectedByName[name] else { continue }
            for index in view.indexes {
                before.append(.dropIndex(name: index.name, table: view.name, definition: index))
            }
            before.append(
                .dropView(view.name, materialized: view.isMaterialized, definition: Self.body(view.definition)))
        }

        var after: [Operation] = []
        // Indexes of materialized views kept as they are.
        for view in declaredViews where view.isMaterialized && !dropped.contains(view.name) {
            guard let existing = reflectedByName[view.name] else { continue }
            compareIndexes(view, existing, before: &before, after: &after)
        }
        let createdByName = Dictionary(created.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in Self.order(
            created.map(\.name), dependencies: declaredDependencies, referencedFirst: true,
            original: declaredViews.map(\.name))
        {
            guard var view = createdByName[name] else { continue }
            let indexes = view.indexes
            view.indexes = []
            view.definition = Self.body(view.definition)
            after.append(.createView(view))
            after += indexes.map { index in
                var index = index
                index.table = view.name
                return .createIndex(index)
            }
        }
        after += createdTriggers.map(Operation.createTrigger)

        let sequences = compareSequences(declared: declared, reflected: reflected)
        let domains = compareDomains(declared: declared, reflected: reflected)
        return (
            domains.first + sequences.first + before + functions.dependantDrops + functions.drops
                + functions.beforeTables,
            domains.afterTables + sequences.afterTables + functions.afterTables + functions.dependantRestores + after
                + functions.last + sequences.last + domains.last
        )
    }

    // MARK: - Sequences

    /// Sequences are created before any table (a column's `nextval` default needs its sequence)
    /// and dropped after every table; ownership, which needs the owning column, is given after
    /// the tables are created and taken away before they are dropped. A changed sequence is
    /// altered to the declared options after the tables change.
    func compareSequences(declared: Schema, reflected: Schema) -> (
        first: [Operation], afterTables: [Operation], last: [Operation]
    ) {
        let declaredSequences = declared.sequences.map(normalized).filter { isIncluded($0.name) }
        let reflectedSequences = reflected.sequences.map(normalized).filter { isIncluded($0.name) }
        var first: [Operation] = []
        var afterTables: [Operation] = []
        var last: [Operation] = []
        for sequence in declaredSequences {
            guard let existing = reflectedSequences.first(where: { $0.name == sequence.name }) else {
                first.append(.createSequence(sequence.withoutOwner))
                if sequence.ownerTable != nil {
                    afterTables.append(.alterSequence(sequence, previous: sequence.withoutOwner))
                }
                continue
            }
            if sequence.effective != existing.effective {
                afterTables.append(.alterSequence(sequence, previous: existing))
            }
        }
        for sequence in reflectedSequences where !declaredSequences.contains(where: { $0.name == sequence.name }) {
            if sequence.ownerTable != nil {
                first.append(.alterSequence(sequence.withoutOwner, previous: sequence))
            }
            last.append(.dropSequence(sequence.name, definition: sequence.withoutOwner))
        }
        return (first, afterTables, last)
    }

    // MARK: - Domains

    /// Domains are created before every table (columns use them) and dropped after every table;
    /// a changed domain is altered (its base type cannot change: that is a drop and a create,
    /// which autogenerate leaves to the author since columns use it).
    func compareDomains(declared: Schema, reflected: Schema) -> (
        first: [Operation], afterTables: [Operation], last: [Operation]
    ) {
        let declaredDomains = declared.domains.map(normalized).filter { isIncluded($0.name) }
        let reflectedDomains = reflected.domains.map(normalized).filter { isIncluded($0.name) }
        var first: [Operation] = []
        var afterTables: [Operation] = []
        var last: [Operation] = []
        for domain in declaredDomains {
            guard let existing = reflectedDomains.first(where: { $0.name == domain.name }) else {
                first.append(.createDomain(domain))
                continue
            }
            if !sameDomain(domain, existing) {
                // The existing checks a declared one matches keep their database names.
                var target = domain
                target.checks = domain.checks.map { check in
                    existing.checks.first { sameCheck($0, check) } ?? check
                }
                afterTables.append(.alterDomain(target, previous: existing))
            }
        }
        for domain in reflectedDomains where !declaredDomains.contains(where: { $0.name == domain.name }) {
            last.append(.dropDomain(domain.name, definition: domain))
        }
        return (first, afterTables, last)
    }

    func sameDomain(_ domain: Domain, _ other: Domain) -> Bool {
        dialect.comparableType(domain.baseType) == dialect.comparableType(other.baseType)
            && domain.isNullable == other.isNullable
            && dialect.comparableDefault(domain.defaultValue) == dialect.comparableDefault(other.defaultValue)
            && domain.checks.count == other.checks.count
            && domain.checks.allSatisfy { check in other.checks.contains { sameCheck($0, check) } }
    }

    func sameCheck(_ check: CheckConstraint, _ other: CheckConstraint) -> Bool {
        (check.name == nil || other.name == nil || check.name == other.name)
            && SQLExpressionText.comparable(check.expression) == SQLExpressionText.comparable(other.expression)
    }

    func normalized(_ domain: Domain) -> Domain {
        var domain = domain
        domain.name = normalized(domain.name)
        return domain
    }

    func normalized(_ sequence: DatabaseSequence) -> DatabaseSequence {
        var sequence = sequence
        sequence.name = normalized(sequence.name)
        sequence.ownerTable = sequence.ownerTable.map(normalized)
        return sequence
    }

    // MARK: - Dependencies

    struct ColumnReference: Hashable {
        var table: TableName
        var column: String
    }

    /// A view's dependency; `fromCatalog` says the database reported it (so a dependency on a
    /// whole table means any of its columns), rather than that the definition mentions the name.
    struct ViewDependency: Hashable {
        var referenced: SchemaObjectName
        var column: String?
        var fromCatalog: Bool
    }

    func dependencies(of views: [View], in schema: Schema, tableNames: Set<TableName>) -> [TableName: [ViewDependency]] {
        guard !schema.dependencies.isEmpty else {
            return mentionedDependencies(of: views, viewNames: Set(views.map(\.name)), tableNames: tableNames)
        }
        var result: [TableName: [ViewDependency]] = [:]
        for dependency in schema.dependencies where dependency.dependent.kind == .view {
            var referenced = dependency.referenced
            referenced.name = normalized(referenced.name)
            result[normalized(dependency.dependent.name), default: []].append(
                ViewDependency(referenced: referenced, column: dependency.column, fromCatalog: true))
        }
        return result
    }

    /// The tables and views each definition mentions by name.
    func mentionedDependencies(of views: [View], viewNames: Set<TableName>, tableNames: Set<TableName>)
        -> [TableName: [ViewDependency]]
    {
        var result: [TableName: [ViewDependency]] = [:]
        for view in views {
            let tokens = SQLTokenizer.tokenize(view.definition, dollarQuotes: dialect.supportsDollarQuoting)
            var found = Set<ViewDependency>()
            for (position, token) in tokens.enumerated() where token.isIdentifier {
                // `schema.name` when qualified, else the bare name.
                var name = TableName(token.value)
                if position + 2 < tokens.count, tokens[position + 1].isSymbol("."), tokens[position + 2].isIdentifier {
                    name = TableName(tokens[position + 2].value, schema: token.value)
                }
                name = normalized(name)
                for candidate in [name, TableName(name.name.lowercased(), schema: name.schema)] {
                    if candidate != view.name, viewNames.contains(candidate) {
                        found.insert(ViewDependency(referenced: SchemaObjectName(.view, candidate), column: nil, fromCatalog: false))
                    } else if tableNames.contains(candidate) {
                        found.insert(ViewDependency(referenced: SchemaObjectName(.table, candidate), column: nil, fromCatalog: false))
                    }
                }
            }
            result[view.name] = Array(found)
        }
        return result
    }

    /// `names` ordered so that a view comes after the views it reads (`referencedFirst`) or
    /// before them; otherwise in `original` order. A cycle (which no database accepts) ends in
    /// original order.
    static func order(
        _ names: [TableName], dependencies: [TableName: [ViewDependency]], referencedFirst: Bool, original: [TableName]
    ) -> [TableName] {
        let members = Set(names)
        let position = Dictionary(original.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var pending = names.sorted { (position[$0] ?? .max, $0.description) < (position[$1] ?? .max, $1.description) }
        // Edges among the members: reader → read.
        var reads: [TableName: Set<TableName>] = [:]
        for name in names {
            reads[name] = Set((dependencies[name] ?? []).filter { $0.referenced.kind == .view }.map(\.referenced.name))
                .intersection(members).subtracting([name])
        }
        var placed: [TableName] = []
        var done = Set<TableName>()
        while !pending.isEmpty {
            let ready = pending.firstIndex { name in
                if referencedFirst { return reads[name, default: []].isSubset(of: done) }
                // Dropping: nothing still pending reads this one.
                return !pending.contains { $0 != name && reads[$0, default: []].contains(name) }
            } ?? 0
            let name = pending.remove(at: ready)
            placed.append(name)
            done.insert(name)
        }
        return placed
    }

    // MARK: - Materialized views' indexes

    func compareIndexes(_ declared: View, _ reflected: View, before: inout [Operation], after: inout [Operation]) {
        for index in declared.indexes {
            var wanted = index
            wanted.table = declared.name
            guard let existing = reflected.indexes.first(where: { $0.name == index.name }) else {
                after.append(.createIndex(wanted))
                continue
            }
            if !Comparison(dialect: dialect, options: options).sameDefinition(wanted, existing) {
                before.append(.dropIndex(name: existing.name, table: reflected.name, definition: existing))
                after.append(.createIndex(wanted))
            }
        }
        for index in reflected.indexes where !declared.indexes.contains(where: { $0.name == index.name }) {
            before.append(.dropIndex(name: index.name, table: reflected.name, definition: index))
        }
    }

    // MARK: - Names and text

    func normalized(_ name: TableName) -> TableName {
        guard dialect.supportsSchemas, let schema = name.schema, !schema.isEmpty, schema != options.defaultSchema else {
            return TableName(name.name)
        }
        return name
    }

    func normalized(_ view: View) -> View {
        var view = view
        view.name = normalized(view.name)
        view.indexes = view.indexes.map { index in
            var index = index
            index.table = view.name
            return index
        }
        return view
    }

    func normalized(_ trigger: Trigger) -> Trigger {
        var trigger = trigger
        trigger.table = normalized(trigger.table)
        return trigger
    }

    func isIncluded(_ name: TableName) -> Bool {
        if let schema = name.schema, !options.includeSchemas.contains(schema) { return false }
        return !options.excludeTables.contains { Glob.matches($0, name.name) || Glob.matches($0, name.description) }
    }

    func comparableDefinition(_ view: View) -> String {
        Self.comparable(normalizedDefinitions[view.name] ?? view.definition)
    }

    static func comparable(_ definition: String) -> String {
        SQLExpressionText.comparable(body(definition))
    }

    static func body(_ definition: String) -> String {
        SQLDialect.viewBody(definition)
    }
}
