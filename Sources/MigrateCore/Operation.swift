/// A schema change as plain data; dialects in MigrateSQL turn it into statements.
///
/// Keeping operations free of SQL lets one migration render for PostgreSQL, for SQLite and for
/// offline scripts, and lets autogenerate compute reverses without parsing SQL.
public enum Operation: Sendable, Hashable, Codable {
    case createTable(Table)
    /// `definition` is the table as it was, when known (autogenerate knows it): it makes the drop
    /// reversible.
    case dropTable(TableName, definition: Table? = nil)
    case renameTable(TableName, to: String)
    case addColumn(TableName, Column)
    /// `definition` is the column as it was, when known, for the reverse.
    case dropColumn(TableName, column: String, definition: Column? = nil)
    case alterColumn(TableName, column: String, changes: ColumnChanges)
    case createIndex(Index)
    /// `definition` is the index as it was, when known, for the reverse.
    case dropIndex(name: String, table: TableName, definition: Index? = nil)
    case createUniqueConstraint(TableName, UniqueConstraint)
    case createCheckConstraint(TableName, CheckConstraint)
    case createForeignKey(TableName, ForeignKey)
    case createPrimaryKey(TableName, name: String?, columns: [String])
    /// `kind` tells engines that rebuild tables (SQLite) which part of the definition to remove.
    case dropConstraint(TableName, name: String, kind: ConstraintKind)
    /// nil removes the comment.
    case setTableComment(TableName, comment: String?, previous: String? = nil)
    /// Sets an SQLite table's `STRICT`, `WITHOUT ROWID` and `AUTOINCREMENT` (a rebuild); the
    /// options it replaces are not kept, so it has no reverse.
    case alterTableOptions(TableName, SQLiteTableOptions)
    /// A view or materialized view (with its indexes), from its query.
    case createView(View)
    /// `definition` is the view's query as it was, when known, for the reverse.
    case dropView(TableName, materialized: Bool, definition: String? = nil)
    /// A trigger from its whole `CREATE TRIGGER` statement.
    case createTrigger(Trigger)
    /// `definition` is the `CREATE TRIGGER` statement as it was, when known, for the reverse.
    case dropTrigger(name: String, table: TableName, definition: String? = nil)
    /// A sequence with its options (its owner, if any, is set too).
    case createSequence(DatabaseSequence)
    /// Sets every option of a sequence, and its owner, to `sequence`'s; `previous` is the
    /// sequence as it was, when known, for the reverse.
    case alterSequence(DatabaseSequence, previous: DatabaseSequence? = nil)
    /// `definition` is the sequence as it was, when known, for the reverse.
    case dropSequence(TableName, definition: DatabaseSequence? = nil)
    /// A domain with its base type, nullability, default and checks.
    case createDomain(Domain)
    /// Sets a domain's nullability, default and checks to `domain`'s (its base type cannot
    /// change); `previous` is the domain as it was, which says which checks to drop.
    case alterDomain(Domain, previous: Domain? = nil)
    /// `definition` is the domain as it was, when known, for the reverse.
    case dropDomain(TableName, definition: Domain? = nil)
    /// A PostgreSQL enumeration type on its own (columns create the ones they use themselves).
    case createEnumeration(TableName, values: [String])
    /// `values` are the type's values as they were, when known, for the reverse.
    case dropEnumeration(TableName, values: [String]? = nil)
    case renameEnumeration(TableName, to: String)
    /// `ALTER TYPE … ADD VALUE`, placed before or after an existing value (at the end when
    /// neither is given). PostgreSQL cannot use a value in the transaction that added it, so
    /// the runner commits it on its own before the rest of its migration.
    case addEnumerationValue(TableName, value: String, before: String? = nil, after: String? = nil)
    /// Takes a value out of an enumeration type: recreates the type without it and converts
    /// every column of the type, which it finds when it runs (autogenerate writes those steps
    /// explicitly instead). `before`/`after` say where the value was, for the reverse.
    case dropEnumerationValue(TableName, value: String, before: String? = nil, after: String? = nil)
    case renameEnumerationValue(TableName, from: String, to: String)
    /// A PostgreSQL schema (namespace).
    case createSchema(String)
    case dropSchema(String)
    /// `CREATE EXTENSION IF NOT EXISTS`, in its schema and at its version when they are given.
    case createExtension(DatabaseExtension)
    /// `ALTER EXTENSION … UPDATE TO version`; `previous` is the version it had, for the reverse.
    case alterExtension(String, version: String, previous: String? = nil)
    /// `definition` is the extension as it was (its schema and version), for the reverse.
    case dropExtension(String, definition: DatabaseExtension? = nil)
    /// A function or procedure, from its whole `CREATE FUNCTION`/`CREATE PROCEDURE` statement.
    case createFunction(Function)
    /// Replaces a function's definition in place (`CREATE OR REPLACE`), which keeps what uses it;
    /// the name, argument types and result stay. `previous` is the function as it was, when
    /// known, for the reverse.
    case replaceFunction(Function, previous: Function? = nil)
    /// `definition` is the `CREATE` statement as it was, when known, for the reverse.
    case dropFunction(TableName, arguments: String, procedure: Bool = false, definition: String? = nil)
    /// Makes an existing table a partition of `partition.parent`, taking the rows of
    /// `partition.bound` (PostgreSQL's `ATTACH PARTITION`).
    case attachPartition(TableName, TablePartition)
    /// Makes a partition a table of its own again (`DETACH PARTITION`); `partition` keeps the
    /// parent and bound it had, for the reverse.
    case detachPartition(TableName, TablePartition)
    /// Raw SQL, run as written: one statement per case (SQL files are split before this).
    case execute(String)
    /// Data rows to insert; every row has a value for each of `columns`.
    case bulkInsert(TableName, columns: [String], rows: [[SQLValue]])
    /// Where a compiled migration runs Swift code (`op.run { db in … }`) against the database.
    ///
    /// A closure cannot be data, so the operation only marks the place; the app's `Migrator`
    /// keeps the closure, keyed by revision, direction and the operation's index. The command
    /// line, which reads migration files without compiling them, cannot run it and says so.
    /// `label` is the optional description given to `op.run`, for messages and scripts.
    case swiftCode(label: String?)
    /// An update of many rows in batches, each committed on its own (see ``Backfill``). A
    /// migration that backfills holds nothing else and runs outside a transaction.
    case backfill(Backfill)
}

public enum ConstraintKind: String, Sendable, Hashable, Codable, CaseIterable {
    case unique, check, foreignKey, primaryKey
}

/// What `alterColumn` changes; nil fields stay as they are. The `existing…` fields describe the
/// column before the change, which reverses need and SQLite's table rebuilds can use.
public struct ColumnChanges: Sendable, Hashable, Codable {
    public var newName: String?
    public var type: ColumnType?
    public var isNullable: Bool?
    /// `.some(nil)` drops the default.
    public var defaultValue: ServerDefault??
    /// `.some(nil)` drops the comment.
    public var comment: String??
    public var existingType: ColumnType?
    public var existingNullable: Bool?
    public var existingDefault: ServerDefault??
    public var existingComment: String??
    /// `.some(nil)` returns to the engine's default collation.
    public var collation: String?? = nil
    public var existingCollation: String?? = nil
    /// `.some(nil)` stops the database numbering the column (PostgreSQL; see ``IdentityGeneration``).
    public var identity: IdentityGeneration?? = nil
    public var existingIdentity: IdentityGeneration?? = nil
    /// `.some(nil)` stops computing a generated column: it keeps the values it holds, and inserts
    /// may set it from then on. A column becomes generated only by being dropped and added again
    /// (no engine computes an existing column in place), its values computed anew.
    public var generated: GeneratedColumn?? = nil
    public var existingGenerated: GeneratedColumn?? = nil
    /// The options of the sequence numbering the column, stated in full (an empty value returns
    /// them to the database's defaults). Rendering needs to know whether the column is an
    /// identity or serial: `identity` or `existingIdentity` says so.
    public var sequence: SequenceOptions? = nil
    public var existingSequence: SequenceOptions? = nil

    public init(
        newName: String? = nil, type: ColumnType? = nil, isNullable: Bool? = nil,
        defaultValue: ServerDefault?? = nil, comment: String?? = nil, existingType: ColumnType? = nil,
        existingNullable: Bool? = nil, existingDefault: ServerDefault?? = nil, existingComment: String?? = nil
    ) {
        self.newName = newName
        self.type = type
        self.isNullable = isNullable
        self.defaultValue = defaultValue
        self.comment = comment
        self.existingType = existingType
        self.existingNullable = existingNullable
        self.existingDefault = existingDefault
        self.existingComment = existingComment
    }
}

/// A literal value for `bulkInsert`.
public enum SQLValue: Sendable, Hashable, Codable {
    case null
    case integer(Int)
    case double(Double)
    case string(String)
    case boolean(Bool)
}

extension Operation {
    /// The line `revision --autogenerate` prints for this operation, in Alembic's vocabulary for
    /// detected changes: `add_table accounts`, `modify_nullable tasks.title: true -> false`.
    package var summary: String {
        func columns(_ names: [String]) -> String { "(" + names.joined(separator: ", ") + ")" }
        switch self {
        case .createTable(let table):
            if let module = table.virtualTableModule { return "add_table \(table.name) using \(module)" }
            if let partition = table.partitionOf { return "add_table \(table.name) partition of \(partition.parent)" }
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
                parts.append("modify_type \(changes.existingType.map(\.migrationFileText) ?? "?") -> \(type.migrationFileText)")
            }
            if let nullable = changes.isNullable {
                parts.append("modify_nullable \(changes.existingNullable.map(String.init) ?? "?") -> \(nullable)")
            }
            if let value = changes.defaultValue {
                parts.append("modify_default \(ServerDefault.summaryText(changes.existingDefault ?? nil)) -> \(ServerDefault.summaryText(value))")
            }
            if changes.comment != nil { parts.append("modify_comment") }
            if let collation = changes.collation {
                parts.append(
                    "modify_collation \((changes.existingCollation ?? nil) ?? "default") -> \(collation ?? "default")")
            }
            if let identity = changes.identity {
                parts.append(
                    "modify_identity \(IdentityGeneration.summaryText(changes.existingIdentity ?? nil)) -> "
                        + IdentityGeneration.summaryText(identity))
            }
            if let generated = changes.generated {
                parts.append(
                    "modify_generated \(GeneratedColumn.summaryText(changes.existingGenerated ?? nil)) -> "
                        + GeneratedColumn.summaryText(generated))
            }
            if let sequence = changes.sequence {
                parts.append(
                    "modify_identity_options \(changes.existingSequence.map(\.summaryText) ?? "?") -> \(sequence.summaryText)")
            }
            let kind = parts.count == 1 ? String(parts[0].prefix { $0 != " " }) : "modify_column"
            let details = parts.count == 1 ? String(parts[0].drop { $0 != " " }.dropFirst()) : parts.joined(separator: ", ")
            return "\(kind) \(table).\(column): \(details)"
        case .createIndex(let index):
            let keys = index.keys.map { key -> String in
                switch key.base {
                case .column(let name), .ordered(.column(let name), _): return name + (key.options.isDescending ? " DESC" : "")
                case .expression(let sql), .ordered(.expression(let sql), _): return sql + (key.options.isDescending ? " DESC" : "")
                case .ordered: return ""
                }
            }
            return "add_index \(index.name) on \(index.table)\(columns(keys))\(index.isUnique ? " unique" : "")"
                + (index.method.map { " using \($0)" } ?? "")
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
        case .createView(let view):
            return "add_\(view.isMaterialized ? "materialized_view" : "view") \(view.name)"
        case .dropView(let view, let materialized, _):
            return "remove_\(materialized ? "materialized_view" : "view") \(view)"
        case .createTrigger(let trigger):
            return "add_trigger \(trigger.name) on \(trigger.table)"
        case .dropTrigger(let name, let table, _):
            return "remove_trigger \(name) on \(table)"
        case .createSequence(let sequence):
            return "add_sequence \(sequence.name)"
        case .alterSequence(let sequence, _):
            return "modify_sequence \(sequence.name)"
        case .dropSequence(let name, _):
            return "remove_sequence \(name)"
        case .createDomain(let domain):
            return "add_domain \(domain.name)"
        case .alterDomain(let domain, _):
            return "modify_domain \(domain.name)"
        case .dropDomain(let name, _):
            return "remove_domain \(name)"
        case .createEnumeration(let name, _):
            return "add_enum \(name)"
        case .dropEnumeration(let name, _):
            return "remove_enum \(name)"
        case .renameEnumeration(let name, let newName):
            return "rename_enum \(name) -> \(newName)"
        case .addEnumerationValue(let name, let value, let before, let after):
            let position = before.map { " before '\($0)'" } ?? after.map { " after '\($0)'" } ?? ""
            return "add_enum_value \(name) '\(value)'\(position)"
        case .dropEnumerationValue(let name, let value, _, _):
            return "remove_enum_value \(name) '\(value)'"
        case .renameEnumerationValue(let name, let old, let new):
            return "rename_enum_value \(name) '\(old)' -> '\(new)'"
        case .createSchema(let name):
            return "add_schema \(name)"
        case .dropSchema(let name):
            return "remove_schema \(name)"
        case .createExtension(let created):
            return "add_extension \(created.name)" + (created.version.map { " \($0)" } ?? "")
        case .alterExtension(let name, let version, let previous):
            return "modify_extension \(name): \(previous ?? "?") -> \(version)"
        case .dropExtension(let name, _):
            return "remove_extension \(name)"
        case .createFunction(let function):
            return "add_\(function.isProcedure ? "procedure" : "function") \(function.signature)"
        case .replaceFunction(let function, _):
            return "modify_\(function.isProcedure ? "procedure" : "function") \(function.signature)"
        case .dropFunction(let name, let arguments, let procedure, _):
            return "remove_\(procedure ? "procedure" : "function") \(name)(\(arguments))"
        case .alterTableOptions(let table, let options):
            var clauses: [String] = []
            if options.isStrict { clauses.append("STRICT") }
            if options.isWithoutRowid { clauses.append("WITHOUT ROWID") }
            if options.autoincrement { clauses.append("AUTOINCREMENT") }
            return "modify_table_options \(table): \(clauses.isEmpty ? "none" : clauses.joined(separator: ", "))"
        case .attachPartition(let table, let partition):
            return "attach_partition \(table) to \(partition.parent) \(partition.bound)"
        case .detachPartition(let table, let partition):
            return "detach_partition \(table) from \(partition.parent)"
        case .execute(let sql):
            return "execute \(sql.prefix(60))"
        case .bulkInsert(let table, _, let rows):
            return "bulk_insert \(table) (\(rows.count) rows)"
        case .swiftCode(let label):
            return "run_swift \(label ?? "")"
        case .backfill(let backfill):
            return "backfill \(backfill.table)"
        }
    }
}

extension ColumnType {
    /// The type as migration files write it: `integer`, `string(length: 50)`.
    var migrationFileText: String {
        switch self {
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
}

extension ServerDefault {
    /// A default as a summary shows it: `none`, `'text'`, `0`, the expression.
    static func summaryText(_ value: ServerDefault?) -> String {
        switch value {
        case nil: return "none"
        case .string(let text)?: return "'\(text)'"
        case .integer(let number)?: return String(number)
        case .double(let number)?: return String(number)
        case .boolean(let flag)?: return String(flag)
        case .expression(let sql)?: return sql
        case .currentTimestamp?: return "CURRENT_TIMESTAMP"
        }
    }
}

extension Operation {
    /// The operation that undoes this one, or nil when it cannot be known from the operation
    /// alone (a drop without the definition, raw SQL, inserted data).
    public var reversed: Operation? {
        switch self {
        case .createTable(let table):
            return .dropTable(table.name, definition: table)
        case .dropTable(_, let definition):
            return definition.map(Operation.createTable)
        case .renameTable(let table, let newName):
            return .renameTable(TableName(newName, schema: table.schema), to: table.name)
        case .addColumn(let table, let column):
            return .dropColumn(table, column: column.name, definition: column)
        case .dropColumn(let table, _, let definition):
            return definition.map { .addColumn(table, $0) }
        case .alterColumn(let table, let column, let changes):
            var back = ColumnChanges()
            if changes.newName != nil { back.newName = column }
            if changes.type != nil {
                guard let existing = changes.existingType else { return nil }
                back.type = existing
                back.existingType = changes.type
            }
            if let nullable = changes.isNullable {
                back.isNullable = changes.existingNullable ?? !nullable
                back.existingNullable = nullable
            }
            if let newDefault = changes.defaultValue {
                guard let existing = changes.existingDefault else { return nil }
                back.defaultValue = .some(existing)
                back.existingDefault = .some(newDefault)
            }
            if let newComment = changes.comment {
                guard let existing = changes.existingComment else { return nil }
                back.comment = .some(existing)
                back.existingComment = .some(newComment)
            }
            if let newCollation = changes.collation {
                guard let existing = changes.existingCollation else { return nil }
                back.collation = .some(existing)
                back.existingCollation = .some(newCollation)
                // PostgreSQL sets a collation together with the type, which this change kept.
                if changes.type == nil { back.existingType = changes.existingType }
            }
            if let newIdentity = changes.identity {
                guard let existing = changes.existingIdentity else { return nil }
                back.identity = .some(existing)
                back.existingIdentity = .some(newIdentity)
                // A serial's new sequence is made of the column's type, which this change kept.
                if changes.type == nil, back.existingType == nil { back.existingType = changes.existingType }
            }
            if let newSequence = changes.sequence {
                guard let existing = changes.existingSequence else { return nil }
                back.sequence = existing
                back.existingSequence = newSequence
                // Rendering needs the numbering, which an identity change above already gives.
                if changes.identity == nil { back.existingIdentity = changes.existingIdentity }
            }
            if let newGenerated = changes.generated {
                guard let existing = changes.existingGenerated else { return nil }
                back.generated = .some(existing)
                back.existingGenerated = .some(newGenerated)
                // Turning generated again drops and adds the column, which needs all of it.
                if changes.type == nil { back.existingType = changes.existingType }
                if changes.isNullable == nil { back.existingNullable = changes.existingNullable }
                if changes.comment == nil { back.existingComment = changes.existingComment }
                if changes.collation == nil { back.existingCollation = changes.existingCollation }
            }
            return .alterColumn(table, column: changes.newName ?? column, changes: back)
        case .attachPartition(let table, let partition):
            return .detachPartition(table, partition)
        case .detachPartition(let table, let partition):
            return .attachPartition(table, partition)
        case .createIndex(let index):
            return .dropIndex(name: index.name, table: index.table, definition: index)
        case .dropIndex(_, _, let definition):
            return definition.map(Operation.createIndex)
        case .createUniqueConstraint(let table, let constraint):
            return constraint.name.map { .dropConstraint(table, name: $0, kind: .unique) }
        case .createCheckConstraint(let table, let constraint):
            return constraint.name.map { .dropConstraint(table, name: $0, kind: .check) }
        case .createForeignKey(let table, let key):
            return key.name.map { .dropConstraint(table, name: $0, kind: .foreignKey) }
        case .createPrimaryKey(let table, let name, _):
            return name.map { .dropConstraint(table, name: $0, kind: .primaryKey) }
        case .dropConstraint:
            return nil
        case .setTableComment(let table, let comment, let previous):
            return .setTableComment(table, comment: previous, previous: comment)
        case .alterTableOptions:
            return nil
        case .createView(let view):
            return .dropView(view.name, materialized: view.isMaterialized, definition: view.definition)
        case .dropView(let name, let materialized, let definition):
            return definition.map { .createView(View(name, definition: $0, isMaterialized: materialized)) }
        case .createTrigger(let trigger):
            return .dropTrigger(name: trigger.name, table: trigger.table, definition: trigger.definition)
        case .dropTrigger(let name, let table, let definition):
            return definition.map { .createTrigger(Trigger(name, on: table, definition: $0)) }
        case .createSequence(let sequence):
            return .dropSequence(sequence.name, definition: sequence)
        case .alterSequence(let sequence, let previous):
            return previous.map { .alterSequence($0, previous: sequence) }
        case .dropSequence(_, let definition):
            return definition.map(Operation.createSequence)
        case .createDomain(let domain):
            return .dropDomain(domain.name, definition: domain)
        case .alterDomain(let domain, let previous):
            return previous.map { .alterDomain($0, previous: domain) }
        case .dropDomain(_, let definition):
            return definition.map(Operation.createDomain)
        case .createEnumeration(let name, let values):
            return .dropEnumeration(name, values: values)
        case .dropEnumeration(let name, let values):
            return values.map { .createEnumeration(name, values: $0) }
        case .renameEnumeration(let name, let newName):
            return .renameEnumeration(TableName(newName, schema: name.schema), to: name.name)
        case .addEnumerationValue(let name, let value, let before, let after):
            return .dropEnumerationValue(name, value: value, before: before, after: after)
        case .dropEnumerationValue(let name, let value, let before, let after):
            return .addEnumerationValue(name, value: value, before: before, after: after)
        case .renameEnumerationValue(let name, let old, let new):
            return .renameEnumerationValue(name, from: new, to: old)
        case .createSchema(let name):
            return .dropSchema(name)
        case .dropSchema(let name):
            return .createSchema(name)
        case .createExtension(let created):
            return .dropExtension(created.name, definition: created)
        case .alterExtension(let name, let version, let previous):
            return previous.map { .alterExtension(name, version: $0, previous: version) }
        case .dropExtension(_, let definition):
            return definition.map(Operation.createExtension)
        case .createFunction(let function):
            return .dropFunction(
                function.name, arguments: function.arguments, procedure: function.isProcedure,
                definition: function.definition)
        case .replaceFunction(let function, let previous):
            return previous.map { .replaceFunction($0, previous: function) }
        case .dropFunction(let name, let arguments, let procedure, let definition):
            return definition.map {
                .createFunction(Function(name, arguments: arguments, isProcedure: procedure, definition: $0))
            }
        case .execute, .bulkInsert, .swiftCode, .backfill:
            return nil
        }
    }
}

extension SequenceOptions {
    /// How `revision --autogenerate` names a sequence's options: `default`, or those stated, e.g.
    /// `start 100, increment 5, cycle`.
    package var summaryText: String {
        var parts: [String] = []
        if let start { parts.append("start \(start)") }
        if let increment { parts.append("increment \(increment)") }
        if let minValue { parts.append("minvalue \(minValue)") }
        if let maxValue { parts.append("maxvalue \(maxValue)") }
        if let cache { parts.append("cache \(cache)") }
        if cycles { parts.append("cycle") }
        return parts.isEmpty ? "default" : parts.joined(separator: ", ")
    }
}

extension IdentityGeneration {
    /// How `revision --autogenerate` names a column's numbering: `identity by default`,
    /// `identity always`, `serial`, or `none`.
    package static func summaryText(_ identity: IdentityGeneration?) -> String {
        switch identity {
        case nil: "none"
        case .byDefault?: "identity by default"
        case .always?: "identity always"
        case .serial?: "serial"
        }
    }
}

extension GeneratedColumn {
    /// How `revision --autogenerate` names a column's computation: `stored (price * 2)`,
    /// `virtual (…)`, or `none` for a plain column.
    package static func summaryText(_ generated: GeneratedColumn?) -> String {
        guard let generated else { return "none" }
        return "\(generated.isStored ? "stored" : "virtual") (\(generated.expression))"
    }
}
