import MigrateCore

/// The comparison of functions and procedures, and what their changes do to the objects that
/// use them.
///
/// A function is known by its name and input argument types (overloads are distinct). A changed
/// body or option is replaced in place (`CREATE OR REPLACE`), which keeps what uses it; a changed
/// result type, argument name or default, or kind (function or procedure), which `CREATE OR
/// REPLACE` refuses, is a drop and a create, with the triggers, views, column defaults, checks
/// and functions that use it dropped before and put back after. Functions are created before the
/// tables (defaults and checks call them; PL/pgSQL bodies are not checked against tables until
/// they run), except one whose definition names a table this migration creates (an SQL body is
/// checked when it is created), which comes after the tables; either way before views and
/// triggers. Functions gone from the models are dropped after everything that used them.
///
/// What uses a reflected function comes from the database (``Schema/dependencies``, PostgreSQL's
/// `pg_depend`); for declared models, from the names definitions mention.
extension ObjectComparison {
    struct FunctionPlan {
        /// Creates and replacements that go before the table changes (after dependants' drops).
        var beforeTables: [Operation] = []
        /// Creates and replacements of functions whose bodies read tables this migration creates.
        var afterTables: [Operation] = []
        /// Drops of functions gone from the models, after everything else.
        var last: [Operation] = []
        /// Drops of functions created again, which go after their dependants' drops.
        var drops: [Operation] = []
        /// Column defaults and checks taken off before a function is dropped, and put back after.
        var dependantDrops: [Operation] = []
        var dependantRestores: [Operation] = []
        /// Triggers and views that use a dropped function: dropped and created again.
        var triggers: Set<SchemaObjectName> = []
        var views: Set<TableName> = []
    }

    struct FunctionKey: Hashable {
        var name: TableName
        var arguments: String
    }

    func key(_ function: Function) -> FunctionKey {
        FunctionKey(name: normalized(function.name), arguments: Self.comparableArguments(function.arguments))
    }

    static func comparableArguments(_ arguments: String) -> String {
        arguments.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: " ,", with: ",")
    }

    func compareFunctions(declared: Schema, reflected: Schema, tableOperations: [Operation]) -> FunctionPlan {
        var plan = FunctionPlan()
        let filter = Comparison(dialect: dialect, options: options)
        func compared(_ function: Function) -> Bool {
            let name = normalized(function.name)
            return isIncluded(name) && filter.passes(.function, [name.name, name.description])
        }
        let declaredFunctions = declared.functions.filter(compared)
        let reflectedFunctions = reflected.functions.filter(compared)
        guard !(declaredFunctions.isEmpty && reflectedFunctions.isEmpty) else { return plan }
        let reflectedByKey = Dictionary(reflectedFunctions.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let declaredKeys = Set(declaredFunctions.map(key))
        var createdTables = Set<String>()
        for operation in tableOperations {
            if case .createTable(let table) = operation { createdTables.insert(normalized(table.name).name.lowercased()) }
        }

        var creates: [Function] = []
        var replaces: [(Function, previous: Function)] = []
        var dropped: [Function] = []
        for function in declaredFunctions {
            guard let existing = reflectedByKey[key(function)] else {
                creates.append(function)
                continue
            }
            guard Self.comparableFunction(function.definition) != Self.comparableFunction(existing.definition) else {
                continue
            }
            if function.isProcedure != existing.isProcedure
                || Self.signatureLines(function.definition) != Self.signatureLines(existing.definition)
            {
                dropped.append(existing)
                creates.append(function)
            } else {
                replaces.append((function, existing))
            }
        }
        let gone = reflectedFunctions.filter { !declaredKeys.contains(key($0)) }

        // What uses the functions that go, transitively through functions that use them.
        let uses = dependants(of: reflectedFunctions, in: reflected)
        var recreatedKeys = Set(dropped.map(key))
        var pending = dropped + gone
        var usedBy: [SchemaObjectName] = []
        while let function = pending.popLast() {
            for user in uses[key(function)] ?? [] {
                if user.kind == .function {
                    let userKey = FunctionKey(name: user.name, arguments: Self.comparableArguments(user.member ?? ""))
                    guard let userFunction = reflectedByKey[userKey], declaredKeys.contains(userKey),
                        !recreatedKeys.contains(userKey),
                        let declaredUser = declaredFunctions.first(where: { key($0) == userKey })
                    else { continue }
                    recreatedKeys.insert(userKey)
                    dropped.append(userFunction)
                    replaces.removeAll { key($0.0) == userKey }
                    if !creates.contains(where: { key($0) == userKey }) { creates.append(declaredUser) }
                    pending.append(userFunction)
                } else if !usedBy.contains(user) {
                    usedBy.append(user)
                }
            }
        }
        for user in usedBy {
            switch user.kind {
            case .trigger:
                plan.triggers.insert(user)
            case .view:
                plan.views.insert(user.name)
            case .columnDefault:
                restoreDefault(user, reflected: reflected, tableOperations: tableOperations, into: &plan)
            case .check:
                restoreCheck(user, reflected: reflected, tableOperations: tableOperations, into: &plan)
            case .table, .function:
                continue
            }
        }

        // Functions that use other functions come after them (and are dropped before them).
        let created = Self.functionOrder(creates, referencedFirst: true)
        plan.drops = Self.functionOrder(dropped, referencedFirst: false).map(dropOperation)
        for function in created {
            let operation = Operation.createFunction(function)
            if readsCreatedTable(function, createdTables) {
                plan.afterTables.append(operation)
            } else {
                plan.beforeTables.append(operation)
            }
        }
        for (function, previous) in replaces {
            let operation = Operation.replaceFunction(function, previous: previous)
            if readsCreatedTable(function, createdTables) {
                plan.afterTables.append(operation)
            } else {
                plan.beforeTables.append(operation)
            }
        }
        plan.last = Self.functionOrder(gone, referencedFirst: false).map(dropOperation)
        return plan
    }

    func dropOperation(_ function: Function) -> Operation {
        .dropFunction(
            function.name, arguments: function.arguments, procedure: function.isProcedure,
            definition: function.definition)
    }

    /// A column default that calls a function being dropped: taken off before and set again
    /// after, unless the table changes already drop it or set it.
    func restoreDefault(
        _ user: SchemaObjectName, reflected: Schema, tableOperations: [Operation], into plan: inout FunctionPlan
    ) {
        guard let column = user.member,
            let table = reflected.tables.first(where: { normalized($0.name) == user.name }),
            let current = table.columns.first(where: { $0.name == column }), let value = current.defaultValue
        else { return }
        let handled = tableOperations.contains { operation in
            switch operation {
            case .dropTable(let name, _): return normalized(name) == user.name
            case .dropColumn(let name, let dropped, _): return normalized(name) == user.name && dropped == column
            case .alterColumn(let name, let altered, let changes):
                return normalized(name) == user.name && altered == column && changes.defaultValue != nil
            default: return false
            }
        }
        guard !handled else { return }
        var off = ColumnChanges(defaultValue: .some(nil), existingDefault: .some(value))
        off.existingType = current.type
        var on = ColumnChanges(defaultValue: .some(value), existingDefault: .some(nil))
        on.existingType = current.type
        plan.dependantDrops.append(.alterColumn(table.name, column: column, changes: off))
        plan.dependantRestores.append(.alterColumn(table.name, column: column, changes: on))
    }

    /// A check that calls a function being dropped: dropped before and added again after,
    /// unless the table changes already drop it.
    func restoreCheck(
        _ user: SchemaObjectName, reflected: Schema, tableOperations: [Operation], into plan: inout FunctionPlan
    ) {
        guard let name = user.member,
            let table = reflected.tables.first(where: { normalized($0.name) == user.name }),
            let check = table.checkConstraints.first(where: { $0.name == name })
        else { return }
        let handled = tableOperations.contains { operation in
            switch operation {
            case .dropTable(let dropped, _): return normalized(dropped) == user.name
            case .dropConstraint(let dropped, let constraint, _): return normalized(dropped) == user.name && constraint == name
            default: return false
            }
        }
        guard !handled else { return }
        plan.dependantDrops.append(.dropConstraint(table.name, name: name, kind: .check))
        plan.dependantRestores.append(.createCheckConstraint(table.name, check))
    }

    /// What uses each function: the database's word for a reflected schema, else (declared
    /// models) the triggers, views, defaults, checks and functions whose text names it.
    func dependants(of functions: [Function], in schema: Schema) -> [FunctionKey: [SchemaObjectName]] {
        var result: [FunctionKey: [SchemaObjectName]] = [:]
        guard schema.dependencies.isEmpty else {
            for dependency in schema.dependencies where dependency.referenced.kind == .function {
                var user = dependency.dependent
                user.name = normalized(user.name)
                let function = FunctionKey(
                    name: normalized(dependency.referenced.name),
                    arguments: Self.comparableArguments(dependency.referenced.member ?? ""))
                result[function, default: []].append(user)
            }
            return result
        }
        let byName = Dictionary(grouping: functions) { normalized($0.name).name.lowercased() }
        func add(_ user: SchemaObjectName, mentioning names: Set<String>) {
            for name in names {
                for function in byName[name] ?? [] where !(user.kind == .function && user.name == normalized(function.name)) {
                    result[key(function), default: []].append(user)
                }
            }
        }
        for trigger in schema.triggers {
            add(
                SchemaObjectName(.trigger, normalized(trigger.table), member: trigger.name),
                mentioning: Self.mentionedNames(trigger.definition))
        }
        for view in schema.views {
            add(SchemaObjectName(.view, normalized(view.name)), mentioning: Self.mentionedNames(view.definition))
        }
        for table in schema.tables {
            for column in table.columns {
                guard case .expression(let sql)? = column.defaultValue else { continue }
                add(SchemaObjectName(.columnDefault, normalized(table.name), member: column.name), mentioning: Self.mentionedNames(sql))
            }
            for check in table.checkConstraints {
                guard let name = check.name else { continue }
                add(SchemaObjectName(.check, normalized(table.name), member: name), mentioning: Self.mentionedNames(check.expression))
            }
        }
        return result
    }

    func readsCreatedTable(_ function: Function, _ createdTables: Set<String>) -> Bool {
        !createdTables.isEmpty && !Self.mentionedNames(function.definition).isDisjoint(with: createdTables)
    }

    /// `functions` so that one comes after the functions its definition names (`referencedFirst`)
    /// or before them; otherwise in the order given.
    static func functionOrder(_ functions: [Function], referencedFirst: Bool) -> [Function] {
        let names = Set(functions.map { $0.name.name.lowercased() })
        var mentions: [Int: Set<String>] = [:]
        for (index, function) in functions.enumerated() {
            mentions[index] = mentionedNames(function.definition).intersection(names)
                .subtracting([function.name.name.lowercased()])
        }
        var pending = Array(functions.indices)
        var placed: [Function] = []
        var done = Set<String>()
        while !pending.isEmpty {
            let ready = pending.firstIndex { index in
                if referencedFirst { return mentions[index, default: []].isSubset(of: done) }
                let name = functions[index].name.name.lowercased()
                return !pending.contains { $0 != index && mentions[$0, default: []].contains(name) }
            } ?? 0
            let index = pending.remove(at: ready)
            placed.append(functions[index])
            done.insert(functions[index].name.name.lowercased())
        }
        return placed
    }

    /// The identifiers `definition` names, lowercased, those inside quoted bodies (`$$ … $$`,
    /// `'…'`) included.
    static func mentionedNames(_ definition: String) -> Set<String> {
        var names = Set<String>()
        for token in SQLTokenizer.tokenize(definition, dollarQuotes: true) {
            if token.isIdentifier {
                names.insert(token.value.lowercased())
            } else if token.kind == .string {
                let body = dollarQuotedBody(token.text) ?? token.value
                for inner in SQLTokenizer.tokenize(body, dollarQuotes: true) where inner.isIdentifier {
                    names.insert(inner.value.lowercased())
                }
            }
        }
        return names
    }

    /// The text between `$tag$` and `$tag$`, or nil when `text` is not dollar-quoted.
    static func dollarQuotedBody(_ text: String) -> String? {
        guard text.hasPrefix("$"), let close = text.dropFirst().firstIndex(of: "$") else { return nil }
        let tag = text[text.startIndex...close]
        guard text.count >= tag.count * 2, text.hasSuffix(tag) else { return nil }
        return String(text.dropFirst(tag.count).dropLast(tag.count))
    }

    /// A definition from its name on (`CREATE` or `CREATE OR REPLACE` said alike), in
    /// ``SQLExpressionText/comparable(_:)`` form.
    static func comparableFunction(_ definition: String) -> String {
        guard let header = FunctionHeader(definition) else { return SQLExpressionText.comparable(definition) }
        let bytes = Array(definition.utf8)
        return SQLExpressionText.comparable(String(decoding: bytes[header.nameRange.lowerBound...], as: UTF8.self))
    }

    /// The lines `CREATE OR REPLACE` cannot change: the header up to the closing parenthesis of
    /// the arguments (names, modes, defaults) and the `RETURNS` clause, in comparable form.
    static func signatureLines(_ definition: String) -> [String] {
        let lines = definition.split(separator: "\n", omittingEmptySubsequences: true)
        let header = lines.first.map { line -> String in
            guard let name = FunctionHeader(String(line))?.nameRange.lowerBound else { return String(line) }
            return String(decoding: Array(line.utf8)[name...], as: UTF8.self)
        }
        let returns = lines.first { $0.trimmingPrefix(while: \.isWhitespace).hasPrefix("RETURNS ") }
        return [header.map(SQLExpressionText.comparable) ?? "", returns.map { SQLExpressionText.comparable(String($0)) } ?? ""]
    }
}

extension Substring {
    fileprivate func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        drop(while: predicate)
    }
}
