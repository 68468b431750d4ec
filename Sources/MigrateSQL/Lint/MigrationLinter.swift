/// One statement of a migration as the runner renders it, and the transaction it runs in.
package struct LintStatement: Sendable, Hashable {
    package var text: String
    /// An id shared by the statements of one transaction; nil for a statement run outside one.
    package var transaction: Int?

    package init(_ text: String, transaction: Int?) {
        self.text = text
        self.transaction = transaction
    }
}

/// A rule broken by one statement of a migration.
package struct LintFinding: Sendable, Hashable {
    package var rule: LintRule
    /// What the statement does wrong, naming the objects involved.
    package var message: String
    /// The index of the statement in the migration's statements.
    package var statement: Int
}

/// Lints migrations in the order they run, knowing what the ones before created.
///
/// Lock hazards only matter for objects that exist while the app runs: a table created earlier
/// in the linted range (or in the same migration) is new and empty, so building an index on it
/// or setting a column NOT NULL is harmless. The linter therefore replays every statement: the
/// history before the range through ``record(_:)`` (existing objects, and facts such as a
/// column's type or a constraint's kind), then each migration of the range through
/// ``lint(_:)``, whose objects count as new.
package struct MigrationLinter {
    package let dialect: SQLDialect
    private var tables: [String: TrackedTable] = [:]
    private var indexes: [String: TrackedIndex] = [:]
    /// Named constraints, keyed by `table key` + "." + name.
    private var constraints: [String: TrackedConstraint] = [:]
    private var newSchemas: Set<String> = []
    /// Types and domains created in the range.
    private var newTypes: Set<String> = []
    /// Transactions in which a statement took a strong lock on an existing table.
    private var lockingTransactions: Set<Int> = []

    private struct TrackedTable {
        var isNew: Bool
        var columns: [String: TrackedColumn] = [:]
        /// Whether the columns are known (false for tables created before the history starts).
        var columnsKnown: Bool
    }

    private struct TrackedColumn {
        var type: String
        var isNew: Bool
        /// NOT NULL without a default: rows that exist cannot get a value for it.
        var requiresValue = false
        /// A validated `CHECK (col IS NOT NULL)` exists, so `SET NOT NULL` needs no scan.
        var provenNotNull = false
    }

    private struct TrackedIndex {
        var table: String
        var isNew: Bool
    }

    private struct TrackedConstraint {
        var kind: ConstraintShape.Kind
        var isNew: Bool
        var notNullColumn: String?
        /// The transaction a `NOT VALID` constraint was added in.
        var addedInTransaction: Int?
    }

    package init(dialect: SQLDialect) {
        self.dialect = dialect
    }

    /// Replays statements that ran before the linted range: what they create exists.
    package mutating func record(_ statements: [String]) {
        var pass = Pass(statements: statements.map { LintStatement($0, transaction: nil) }, reporting: false)
        run(&pass)
    }

    /// The rules `statements` (one migration, in order) break.
    package mutating func lint(_ statements: [LintStatement]) -> [LintFinding] {
        var pass = Pass(statements: statements, reporting: true)
        run(&pass)
        return pass.findings.sorted { $0.statement < $1.statement }
    }

    // MARK: The pass over one migration

    private struct Pass {
        var statements: [LintStatement]
        var reporting: Bool
        var findings: [LintFinding] = []
        /// The first statement that takes a strong lock on an existing table.
        var firstStrongLock: Int?
        /// The first `SET lock_timeout`.
        var lockTimeout: Int?
        /// Unbounded data changes inside a transaction: a finding if that transaction also
        /// locks an existing table.
        var backfills: [(statement: Int, transaction: Int, table: ObjectName)] = []
        /// Statement indexes of `DROP TABLE` that are part of a table rebuild, with the index of
        /// the rename that completes it.
        var rebuildDrops: [Int: Int] = [:]
        var rebuildRenames: Set<Int> = []
        /// The definition a rebuilt table had before its drop, for the rename that replaces it.
        var rebuiltTables: [String: TrackedTable] = [:]
    }

    private mutating func run(_ pass: inout Pass) {
        let shapes = pass.statements.map { StatementShape.read($0.text, dialect: dialect) }
        if dialect.canRebuildTables { findRebuilds(shapes, &pass) }
        for (index, shape) in shapes.enumerated() {
            apply(shape, at: index, &pass)
        }
        guard pass.reporting else { return }
        for backfill in pass.backfills where lockingTransactions.contains(backfill.transaction) {
            report(
                .backfillWithDDL, "unbounded change of every row of \(backfill.table) in the transaction of a schema change",
                at: backfill.statement, &pass)
        }
        if let first = pass.firstStrongLock, pass.lockTimeout.map({ $0 > first }) ?? true {
            report(.lockTimeoutMissing, "this migration takes a strong lock on an existing table without SET lock_timeout first", at: first, &pass)
        }
    }

    /// Marks `DROP TABLE t` … `ALTER TABLE n RENAME TO t`, where `n` was created earlier in the
    /// same migration: the create–copy–drop–rename of a table rebuild.
    private func findRebuilds(_ shapes: [StatementShape], _ pass: inout Pass) {
        var created: [String: Int] = [:]
        for (index, shape) in shapes.enumerated() {
            switch shape {
            case .createTable(let name, _, _):
                created[name.key] = index
            case .renameTable(let from, let to):
                guard let creation = created[from.key] else { continue }
                let drop = shapes.indices.last { candidate in
                    guard candidate > creation, candidate < index, case .dropTables(let dropped) = shapes[candidate] else {
                        return false
                    }
                    return dropped.count == 1 && dropped[0].key == to.key
                }
                if let drop {
                    pass.rebuildDrops[drop] = index
                    pass.rebuildRenames.insert(index)
                }
            default:
                continue
            }
        }
    }

    private func report(_ rule: LintRule, _ message: String, at statement: Int, _ pass: inout Pass) {
        guard pass.reporting, rule.applies(to: dialect) else { return }
        pass.findings.append(LintFinding(rule: rule, message: message, statement: statement))
    }

    private func isNew(_ table: ObjectName) -> Bool {
        tables[table.key]?.isNew ?? false
    }

    private func isNew(_ table: ObjectName, column: String) -> Bool {
        guard let tracked = tables[table.key] else { return false }
        return tracked.isNew || tracked.columns[column]?.isNew == true
    }

    /// Notes a lock that blocks reads or writes on `table` (nil: a table lint does not know, so
    /// an existing one).
    private mutating func strongLock(_ table: ObjectName?, at index: Int, _ pass: inout Pass) {
        if let table, isNew(table) { return }
        if pass.firstStrongLock == nil { pass.firstStrongLock = index }
        if let transaction = pass.statements[index].transaction { lockingTransactions.insert(transaction) }
    }

    private mutating func apply(_ shape: StatementShape, at index: Int, _ pass: inout Pass) {
        let statement = pass.statements[index]
        let inRange = pass.reporting
        switch shape {
        case .createTable(let name, let columns, let tableConstraints):
            var table = TrackedTable(isNew: inRange, columnsKnown: !columns.isEmpty)
            for column in columns {
                table.columns[column.name] = TrackedColumn(type: column.type, isNew: inRange, requiresValue: column.requiresValue)
                if column.references != nil {
                    // PostgreSQL's name for an unnamed column foreign key.
                    constraints[name.key + "." + "\(name.name)_\(column.name)_fkey"] = TrackedConstraint(kind: .foreignKey, isNew: inRange)
                }
            }
            tables[name.key] = table
            for constraint in tableConstraints {
                guard let constraintName = constraint.name else { continue }
                constraints[name.key + "." + constraintName] = TrackedConstraint(
                    kind: constraint.kind, isNew: inRange, notNullColumn: constraint.notNullColumn)
            }

        case .dropTables(let names):
            if let rename = pass.rebuildDrops[index], names.count == 1 {
                let name = names[0]
                if let old = tables[name.key] {
                    pass.rebuiltTables[name.key] = old
                }
                if !isNew(name) {
                    report(.tableRebuild, "table \(name) is rebuilt: every row is copied into a new table", at: index, &pass)
                    reportRebuildChanges(name, rename: rename, &pass)
                }
                removeTable(name)
                return
            }
            for name in names {
                if !isNew(name) {
                    report(.dropTable, "DROP TABLE \(name)", at: index, &pass)
                    strongLock(name, at: index, &pass)
                }
                removeTable(name)
            }

        case .renameTable(let name, let newName):
            if pass.rebuildRenames.contains(index) {
                // The rebuilt table takes the old one's place: it is as new as the old one was,
                // and so are the columns it kept.
                var table = tables.removeValue(forKey: name.key) ?? TrackedTable(isNew: inRange, columnsKnown: false)
                if let old = pass.rebuiltTables[newName.key] {
                    table.isNew = old.isNew
                    for column in table.columns.keys {
                        // A column the rebuild adds is new; one it keeps is as old as it was.
                        table.columns[column]?.isNew = old.isNew || (old.columns[column]?.isNew ?? (old.columnsKnown && inRange))
                    }
                } else {
                    table.isNew = false
                    for column in table.columns.keys { table.columns[column]?.isNew = false }
                }
                tables[newName.key] = table
                moveTableObjects(from: name, to: newName)
                return
            }
            if !isNew(name) {
                report(.renameTable, "table \(name) is renamed to \(newName.name)", at: index, &pass)
                strongLock(name, at: index, &pass)
            }
            tables[newName.key] = tables.removeValue(forKey: name.key) ?? TrackedTable(isNew: false, columnsKnown: false)
            moveTableObjects(from: name, to: newName)

        case .createIndex(let name, let table, let concurrently):
            if concurrently && statement.transaction != nil {
                report(.concurrentlyInTransaction, "CREATE INDEX CONCURRENTLY inside a transaction fails", at: index, &pass)
            }
            if !concurrently && !isNew(table) {
                report(
                    .indexNotConcurrent, "index \(name?.description ?? "(unnamed)") on existing table \(table) is built without CONCURRENTLY",
                    at: index, &pass)
                strongLock(table, at: index, &pass)
            }
            if let name { indexes[name.key] = TrackedIndex(table: table.key, isNew: inRange || isNew(table)) }

        case .dropIndexes(let names, let concurrently):
            if concurrently && statement.transaction != nil {
                report(.concurrentlyInTransaction, "DROP INDEX CONCURRENTLY inside a transaction fails", at: index, &pass)
            }
            for name in names {
                let tracked = indexes.removeValue(forKey: name.key)
                let new = tracked.map { $0.isNew || tables[$0.table]?.isNew == true } ?? false
                if !concurrently && !new {
                    report(.dropIndexNotConcurrent, "index \(name) is dropped without CONCURRENTLY", at: index, &pass)
                    strongLock(tracked.map { ObjectName($0.table) }, at: index, &pass)
                }
            }

        case .reindex(let table, let indexName, let concurrently):
            if concurrently && statement.transaction != nil {
                report(.concurrentlyInTransaction, "REINDEX CONCURRENTLY inside a transaction fails", at: index, &pass)
            }
            let new = table.map(isNew) ?? indexName.map { indexes[$0.key]?.isNew == true } ?? false
            if !concurrently && !new {
                report(.reindexNotConcurrent, "REINDEX of \((table ?? indexName)!) without CONCURRENTLY", at: index, &pass)
                strongLock(table, at: index, &pass)
            }

        case .alterTable(let table, let actions):
            for action in actions { apply(action, on: table, at: index, &pass) }

        case .renameColumn(let table, let old, let new):
            if !isNew(table, column: old) {
                report(.renameColumn, "column \(table).\(old) is renamed to \(new)", at: index, &pass)
                strongLock(table, at: index, &pass)
            }
            if let column = tables[table.key]?.columns.removeValue(forKey: old) {
                tables[table.key]?.columns[new] = column
            }

        case .createSchema(let name):
            if inRange { newSchemas.insert(name) }

        case .dropSchemas(let names):
            for name in names where !newSchemas.contains(name) {
                report(.dropSchema, "DROP SCHEMA \(name)", at: index, &pass)
                // It drops (and so locks) every table in the schema.
                strongLock(nil, at: index, &pass)
            }

        case .createType(let name):
            if inRange { newTypes.insert(name.key) }

        case .renameEnumValue(let type):
            if !newTypes.contains(type.key) {
                report(.renameEnumValue, "a value of enum type \(type) is renamed", at: index, &pass)
            }

        case .addDomainCheck(let domain, let notValid):
            if !notValid && !newTypes.contains(domain.key) {
                report(.checkNotValid, "CHECK added to domain \(domain) without NOT VALID checks every column of that type", at: index, &pass)
            }

        case .dataChange(let table, let bounded):
            if !bounded, let transaction = statement.transaction {
                pass.backfills.append((index, transaction, table))
            }

        case .setLockTimeout:
            if pass.lockTimeout == nil { pass.lockTimeout = index }

        case .locksTable(let table):
            strongLock(table, at: index, &pass)

        case .rowWrite, .other:
            break
        }
    }

    /// Reports what a rebuild does to the columns: those it leaves out are dropped, and those
    /// it adds NOT NULL without a default cannot be filled from the existing rows.
    private func reportRebuildChanges(_ name: ObjectName, rename: Int, _ pass: inout Pass) {
        guard let old = tables[name.key], old.columnsKnown,
            case .renameTable(let temporary, _) = StatementShape.read(pass.statements[rename].text, dialect: dialect),
            let rebuilt = tables[temporary.key], rebuilt.columnsKnown
        else { return }
        for column in old.columns.keys.sorted() where rebuilt.columns[column] == nil && old.columns[column]?.isNew == false {
            report(.dropColumn, "column \(name).\(column) is dropped (by the rebuild)", at: rename, &pass)
        }
        for (column, tracked) in rebuilt.columns.sorted(by: { $0.key < $1.key }) where old.columns[column] == nil && tracked.requiresValue {
            report(.addColumnRequired, "NOT NULL column \(name).\(column) is added without a default (by the rebuild)", at: rename, &pass)
        }
    }

    private mutating func apply(_ action: AlterAction, on table: ObjectName, at index: Int, _ pass: inout Pass) {
        let existing = !isNew(table)
        let transaction = pass.statements[index].transaction
        switch action {
        case .validateConstraint:
            // SHARE UPDATE EXCLUSIVE: reads and writes go on.
            break
        default:
            strongLock(table, at: index, &pass)
        }
        switch action {
        case .addColumn(let column):
            if existing {
                if column.requiresValue {
                    report(.addColumnRequired, "NOT NULL column \(table).\(column.name) is added without a default", at: index, &pass)
                }
                if let expression = column.defaultExpression, let function = Self.volatileFunction(in: expression) {
                    report(
                        .addColumnVolatileDefault, "column \(table).\(column.name) is added with the volatile default \(function)()",
                        at: index, &pass)
                }
                if column.storedGenerated {
                    report(.addColumnStoredGenerated, "stored generated column \(table).\(column.name) is added", at: index, &pass)
                }
                if column.autoIncrement {
                    report(.addColumnSerial, "\(column.type.lowercased().hasSuffix("serial") ? column.type.lowercased() : "identity") column \(table).\(column.name) is added", at: index, &pass)
                }
                if column.unique || column.primaryKey {
                    report(
                        .uniqueWithoutIndex, "column \(table).\(column.name) is added with \(column.primaryKey ? "PRIMARY KEY" : "UNIQUE"), building its index in place",
                        at: index, &pass)
                }
            }
            tables[table.key, default: TrackedTable(isNew: false, columnsKnown: false)]
                .columns[column.name] = TrackedColumn(type: column.type, isNew: pass.reporting, requiresValue: column.requiresValue)
            if column.references != nil {
                constraints[table.key + "." + "\(table.name)_\(column.name)_fkey"] = TrackedConstraint(kind: .foreignKey, isNew: pass.reporting)
            }

        case .dropColumn(let column):
            if !isNew(table, column: column) {
                report(.dropColumn, "column \(table).\(column) is dropped", at: index, &pass)
            }
            tables[table.key]?.columns.removeValue(forKey: column)

        case .alterType(let column, let type):
            let old = tables[table.key]?.columns[column]
            if !isNew(table, column: column) && !Self.changesWithoutRewrite(from: old?.type, to: type) {
                report(
                    .typeChange,
                    "column \(table).\(column) changes type \(old.map { "from \($0.type) " } ?? "")to \(type)",
                    at: index, &pass)
            }
            tables[table.key]?.columns[column]?.type = type

        case .setNotNull(let column):
            let proven = tables[table.key]?.columns[column]?.provenNotNull == true
            if !isNew(table, column: column) && !proven {
                report(.setNotNull, "SET NOT NULL on existing column \(table).\(column)", at: index, &pass)
            }

        case .addConstraint(let constraint):
            let label = constraint.name.map { "constraint \($0)" } ?? "an unnamed constraint"
            if existing {
                switch constraint.kind {
                case .foreignKey where !constraint.notValid:
                    report(.foreignKeyNotValid, "foreign key \(label) is added to \(table) without NOT VALID", at: index, &pass)
                    if let referenced = constraint.references { strongLock(referenced, at: index, &pass) }
                case .check where !constraint.notValid:
                    report(.checkNotValid, "CHECK \(label) is added to \(table) without NOT VALID", at: index, &pass)
                case .primaryKey where !constraint.usingIndex, .unique where !constraint.usingIndex:
                    report(
                        .uniqueWithoutIndex,
                        "\(constraint.kind == .unique ? "UNIQUE" : "PRIMARY KEY") \(label) is added to \(table) without USING INDEX",
                        at: index, &pass)
                case .exclusion:
                    report(.exclusionConstraint, "EXCLUDE \(label) is added to \(table)", at: index, &pass)
                default:
                    break
                }
            }
            if let column = constraint.notNullColumn, !constraint.notValid {
                tables[table.key]?.columns[column]?.provenNotNull = true
            }
            if let name = constraint.name {
                constraints[table.key + "." + name] = TrackedConstraint(
                    kind: constraint.kind, isNew: pass.reporting, notNullColumn: constraint.notNullColumn,
                    addedInTransaction: constraint.notValid ? transaction : nil)
            }

        case .validateConstraint(let name):
            guard let tracked = constraints[table.key + "." + name] else { break }
            if let added = tracked.addedInTransaction, added == transaction, existing {
                report(.validateInSameTransaction, "constraint \(name) is validated in the transaction that added it", at: index, &pass)
            }
            if let column = tracked.notNullColumn { tables[table.key]?.columns[column]?.provenNotNull = true }

        case .dropConstraint(let name):
            let tracked = constraints.removeValue(forKey: table.key + "." + name)
            if let tracked, tracked.kind == .foreignKey, !tracked.isNew, existing {
                report(.dropForeignKey, "foreign key \(name) of \(table) is dropped", at: index, &pass)
            }
            if let column = tracked?.notNullColumn { tables[table.key]?.columns[column]?.provenNotNull = false }

        case .other:
            break
        }
    }

    private mutating func removeTable(_ name: ObjectName) {
        tables.removeValue(forKey: name.key)
        let prefix = name.key + "."
        constraints = constraints.filter { !$0.key.hasPrefix(prefix) }
        indexes = indexes.filter { $0.value.table != name.key }
    }

    /// Moves constraints and indexes along with a renamed table.
    private mutating func moveTableObjects(from old: ObjectName, to new: ObjectName) {
        let prefix = old.key + "."
        for (key, constraint) in constraints where key.hasPrefix(prefix) {
            constraints.removeValue(forKey: key)
            constraints[new.key + "." + key.dropFirst(prefix.count)] = constraint
        }
        for (key, index) in indexes where index.table == old.key {
            indexes[key]?.table = new.key
        }
    }

    // MARK: Knowledge about PostgreSQL

    /// Functions PostgreSQL marks volatile that defaults commonly call: a default calling one
    /// is evaluated for every existing row, so adding the column rewrites the table.
    static let volatileFunctions: Set<String> = [
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
        "uuidv4", "uuidv7", "clock_timestamp", "timeofday", "nextval", "setseed", "txid_current",
        "random_normal",
    ]

    /// The first volatile function a default expression calls, if any.
    static func volatileFunction(in expression: [SQLToken]) -> String? {
        for (offset, token) in expression.enumerated() where token.kind == .word {
            let name = token.text.lowercased()
            if volatileFunctions.contains(name), offset + 1 < expression.count, expression[offset + 1].isSymbol("(") {
                return name
            }
        }
        return nil
    }

    /// Whether PostgreSQL changes a column from `old` to `new` without rewriting the table:
    /// widening or removing a `varchar` length, `varchar` to `text`, widening a `numeric`'s
    /// precision at the same scale, `cidr` to `inet`. Unknown old types are assumed to rewrite.
    static func changesWithoutRewrite(from old: String?, to new: String) -> Bool {
        guard let old else { return false }
        let before = TypeSpelling(old)
        let after = TypeSpelling(new)
        if before == after { return true }
        switch (before.base, after.base) {
        case ("VARCHAR", "VARCHAR"), ("VARBIT", "VARBIT"):
            guard let newLength = after.arguments.first else { return true }
            guard let oldLength = before.arguments.first else { return false }
            return newLength >= oldLength
        case ("VARCHAR", "TEXT"), ("TEXT", "TEXT"):
            return true
        case ("TEXT", "VARCHAR"):
            return after.arguments.isEmpty
        case ("NUMERIC", "NUMERIC"):
            guard after.arguments.count >= 1 else { return true }
            guard before.arguments.count >= 1 else { return false }
            return after.arguments[0] >= before.arguments[0] && before.arguments.dropFirst().first ?? 0 == after.arguments.dropFirst().first ?? 0
        case ("CIDR", "INET"):
            return true
        default:
            return false
        }
    }

    /// A type reduced to a base name, synonyms merged, and its numeric arguments.
    struct TypeSpelling: Equatable {
        var base: String
        var arguments: [Int]

        init(_ type: String) {
            var name = type
            var arguments: [Int] = []
            if let open = type.firstIndex(of: "("), let close = type.lastIndex(of: ")"), open < close {
                name = String(type[..<open])
                arguments = type[type.index(after: open)..<close].split(separator: ",").compactMap { Int($0) }
            }
            let words = name.split(separator: " ").joined(separator: " ")
            let synonyms = [
                "CHARACTER VARYING": "VARCHAR", "DECIMAL": "NUMERIC", "BIT VARYING": "VARBIT", "INT": "INTEGER",
                "INT4": "INTEGER", "INT8": "BIGINT", "INT2": "SMALLINT", "BOOL": "BOOLEAN", "FLOAT8": "DOUBLE PRECISION",
                "FLOAT4": "REAL", "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
            ]
            base = synonyms[words] ?? words
            self.arguments = arguments
        }
    }
}
