import MigrateCore

/// The statements of views and triggers, kept apart from the table operations they sit beside.
extension SQLDialect {
    func createViewStatements(_ view: View) throws -> [String] {
        try checkSchema(view.name)
        if view.isMaterialized { try requireMaterializedViews(view.name) }
        let body = Self.viewBody(view.definition)
        guard !body.isEmpty else {
            throw MigrateError(
                .script, "the view \(view.name) has no query",
                hint: "Give the view's query, e.g. \"SELECT id, title FROM tasks\".")
        }
        let kind = view.isMaterialized ? "MATERIALIZED VIEW" : "VIEW"
        var statements = ["CREATE \(kind) \(qualified(view.name)) AS \(body)"]
        for index in view.indexes {
            var index = index
            index.table = view.name
            statements.append(try createIndexSQL(index))
        }
        return statements
    }

    func dropViewStatements(_ name: TableName, materialized: Bool) throws -> [String] {
        try checkSchema(name)
        if materialized { try requireMaterializedViews(name) }
        return ["DROP \(materialized ? "MATERIALIZED VIEW" : "VIEW") \(qualified(name))"]
    }

    func dropTriggerStatements(_ name: String, table: TableName) throws -> [String] {
        try checkSchema(table)
        guard dropTriggerNamesTable else {
            return ["DROP TRIGGER \(quoteIdentifier(name))"]
        }
        return ["DROP TRIGGER \(quoteIdentifier(name)) ON \(qualified(table))"]
    }

    private func requireMaterializedViews(_ name: TableName) throws {
        guard !supportsMaterializedViews else { return }
        throw MigrateError(
            .script, "\(self.name) has no materialized views, so \(name) cannot be one",
            hint: "Declare \(name) as a plain view for \(self.name); materialized views work on PostgreSQL.")
    }

    /// The query without surrounding space and a trailing semicolon (PostgreSQL prints one).
    package static func viewBody(_ definition: String) -> String {
        var text = Substring(definition)
        while let last = text.last, last.isWhitespace || last == ";" { text = text.dropLast() }
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        return String(text)
    }
}

/// The statements of sequences.
extension SQLDialect {
    func createSequenceStatements(_ sequence: DatabaseSequence) throws -> [String] {
        try requireSequences(sequence.name)
        var clauses: [String] = []
        if let increment = sequence.increment { clauses.append("INCREMENT BY \(increment)") }
        if let minimum = sequence.minValue { clauses.append("MINVALUE \(minimum)") }
        if let maximum = sequence.maxValue { clauses.append("MAXVALUE \(maximum)") }
        if let start = sequence.start { clauses.append("START WITH \(start)") }
        if let cache = sequence.cache { clauses.append("CACHE \(cache)") }
        if sequence.cycles { clauses.append("CYCLE") }
        var statements = [(["CREATE SEQUENCE \(qualified(sequence.name))"] + clauses).joined(separator: " ")]
        if let owner = try ownerClause(sequence), sequence.ownerTable != nil {
            statements.append("ALTER SEQUENCE \(qualified(sequence.name)) \(owner)")
        }
        return statements
    }

    /// Every option stated, so the sequence ends as described whatever it was.
    func alterSequenceStatements(_ sequence: DatabaseSequence) throws -> [String] {
        try requireSequences(sequence.name)
        var clauses = ["INCREMENT BY \(sequence.increment ?? 1)"]
        clauses.append(sequence.minValue.map { "MINVALUE \($0)" } ?? "NO MINVALUE")
        clauses.append(sequence.maxValue.map { "MAXVALUE \($0)" } ?? "NO MAXVALUE")
        if let start = sequence.start { clauses.append("START WITH \(start)") }
        clauses.append("CACHE \(sequence.cache ?? 1)")
        clauses.append(sequence.cycles ? "CYCLE" : "NO CYCLE")
        clauses.append(try ownerClause(sequence) ?? "OWNED BY NONE")
        return [(["ALTER SEQUENCE \(qualified(sequence.name))"] + clauses).joined(separator: " ")]
    }

    private func ownerClause(_ sequence: DatabaseSequence) throws -> String? {
        switch (sequence.ownerTable, sequence.ownerColumn) {
        case (nil, nil):
            return nil
        case (let table?, let column?):
            try checkSchema(table)
            return "OWNED BY \(qualified(table)).\(quoteIdentifier(column))"
        default:
            throw MigrateError(
                .script, "the sequence \(sequence.name) names an owner table or column, not both",
                hint: "Give both `ownedByTable:` and `ownedByColumn:`, or neither.")
        }
    }

    func requireSequences(_ name: TableName) throws {
        try checkSchema(name)
        guard !supportsSequences else { return }
        throw MigrateError(
            .script, "\(self.name) has no sequences, so \(name) cannot be created, altered or dropped",
            hint: "Leave sequences out for \(self.name) (an identity column numbers rows there); sequences work on PostgreSQL.")
    }
}

/// The statements of domains.
extension SQLDialect {
    func createDomainStatements(_ domain: Domain) throws -> [String] {
        try requireDomains(domain.name)
        var parts = ["CREATE DOMAIN \(qualified(domain.name)) AS \(try typeSQL(domain.baseType, schema: domain.name.schema))"]
        if let value = domain.defaultValue { parts.append("DEFAULT \(try defaultSQL(value))") }
        if !domain.isNullable { parts.append("NOT NULL") }
        parts += domain.checks.map(checkSQL)
        return [parts.joined(separator: " ")]
    }

    /// Nullability and default stated; the previous domain's checks dropped by name and the new
    /// ones added (without `previous`, only added).
    func alterDomainStatements(_ domain: Domain, previous: Domain?) throws -> [String] {
        try requireDomains(domain.name)
        let target = "ALTER DOMAIN \(qualified(domain.name))"
        var statements = [
            try domain.defaultValue.map { "\(target) SET DEFAULT \(try defaultSQL($0))" } ?? "\(target) DROP DEFAULT",
            "\(target) \(domain.isNullable ? "DROP" : "SET") NOT NULL",
        ]
        let kept = Set(domain.checks.filter { check in previous?.checks.contains(check) ?? false })
        for check in previous?.checks ?? [] where !kept.contains(check) {
            guard let name = check.name else {
                throw MigrateError(
                    .script, "a check of the domain \(domain.name) has no name, so it cannot be dropped",
                    hint: "Name the domain's checks (`CheckConstraint(\"VALUE > 0\", name: \"…\")`).")
            }
            statements.append("\(target) DROP CONSTRAINT \(quoteIdentifier(name))")
        }
        for check in domain.checks where !kept.contains(check) {
            statements.append("\(target) ADD \(checkSQL(check))")
        }
        return statements
    }

    func requireDomains(_ name: TableName) throws {
        try checkSchema(name)
        guard !supportsDomains else { return }
        throw MigrateError(
            .script, "\(self.name) has no domains, so \(name) cannot be created, altered or dropped",
            hint: "Use the base type and a check constraint on the column for \(self.name); domains work on PostgreSQL.")
    }
}

/// The statements of partitioned tables and their partitions (PostgreSQL).
extension SQLDialect {
    /// ` PARTITION BY RANGE (…)` after a partitioned table's definition; empty for other tables.
    func partitionKeySQL(_ table: Table) throws -> String {
        guard let key = table.partitionKey else { return "" }
        try requirePartitions(table.name, bound: nil)
        guard !key.keys.allSatisfy(\.isWhitespace) else {
            throw MigrateError(
                .script, "the partitioned table \(table.name) has no partition key",
                hint: "Name the columns or expressions that place its rows, e.g. partitionBy: .range(\"created_at\").")
        }
        return " PARTITION BY \(key.definition)"
    }

    /// `CREATE TABLE p PARTITION OF parent (constraints…) FOR VALUES …`: the columns are the
    /// parent's, so only the partition's own constraints are listed.
    func createPartitionSQL(_ table: Table, of partition: TablePartition) throws -> String {
        try requirePartitions(table.name, bound: partition.bound)
        if let column = table.columns.first {
            throw MigrateError(
                .script, "the partition \(table.name) declares the column \(column.name), but a partition has its parent's columns",
                hint: "Declare the columns on \(partition.parent) and leave them out of the partition.")
        }
        var lines: [String] = []
        for constraint in table.uniqueConstraints { lines.append(uniqueSQL(constraint)) }
        for constraint in table.checkConstraints { lines.append(checkSQL(constraint)) }
        for key in table.foreignKeys {
            try checkSchema(key.referencedTable)
            lines.append(foreignKeySQL(key))
        }
        let constraints = lines.isEmpty ? "" : " (\n    " + lines.joined(separator: ",\n    ") + "\n)"
        return "CREATE TABLE \(qualified(table.name)) PARTITION OF \(qualified(partition.parent))\(constraints) "
            + partition.bound + (try partitionKeySQL(table))
    }

    /// Throws unless the dialect partitions tables, and (given a bound) unless the bound says something.
    func requirePartitions(_ name: TableName, bound: String?) throws {
        try checkSchema(name)
        guard supportsPartitions else {
            throw MigrateError(
                .script, "\(self.name) has no partitioned tables, so \(name) cannot be partitioned or be a partition",
                hint: "Leave partitionBy, partitionOf and partitions out for \(self.name); they work on PostgreSQL.")
        }
        if let bound, bound.allSatisfy(\.isWhitespace) {
            throw MigrateError(
                .script, "the partition \(name) has no bound",
                hint: "Say which rows it takes, e.g. bound: \"FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')\" or bound: \"DEFAULT\".")
        }
    }
}
