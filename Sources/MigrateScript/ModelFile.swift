#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import SwiftDiagnostics
import SwiftParser
import SwiftParserDiagnostics
import SwiftSyntax

/// Declared models written in Swift, read without compiling them (for `check` and
/// `revision --autogenerate`).
///
/// A models file holds `import` declarations and types conforming to `ModelSchema` whose members
/// are `static let tables: [Table] = [Table(…), …]`, each table written with the literal
/// vocabulary migration files use (`Column`, `ForeignKey`, `UniqueConstraint`, `CheckConstraint`,
/// `Index`, `PrimaryKey`), and optionally `static let views: [View]`,
/// `static let triggers: [Trigger]`, `static let sequences: [DatabaseSequence]`,
/// `static let domains: [Domain]`, `static let functions: [Function]`, `static let schemas: [String]`
/// and `static let extensions: [DatabaseExtension]`. Anything else is an error at its `file:line:column`.
package enum ModelFile {
    /// The protocol whose conformers declare tables.
    package static let modelProtocol = "ModelSchema"

    /// The tables declared in `text`, in file order; `path` is used in errors.
    package static func tables(parsing text: String, path: String) throws -> [Table] {
        try declarations(parsing: text, path: path).tables
    }

    /// Everything `text` declares: tables, views and triggers, in file order.
    package static func declarations(parsing text: String, path: String) throws -> Schema {
        let (source, tree) = try parse(text, path: path)
        let models = try source.readModels(tree)
        var schema = models.objects
        schema.tables = models.tables.map(\.table)
        return schema
    }

    /// The syntax tree of `text`, or the first syntax error at its position.
    static func parse(_ text: String, path: String) throws -> (ScriptSource, SourceFileSyntax) {
        try SwiftMigrationFile.rejectPathologicalNesting(text, path: path)
        let tree = Parser.parse(source: text)
        let source = ScriptSource(path: path, text: text, tree: tree)
        if tree.hasError {
            let diagnostics = ParseDiagnosticsGenerator.diagnostics(for: tree)
            if let first = diagnostics.first(where: { $0.diagMessage.severity == .error }) ?? diagnostics.first {
                throw source.error(
                    "syntax error: \(first.message)", at: first.position,
                    hint: "fix the Swift syntax; a models file must compile against MigrateKit")
            }
        }
        return (source, tree)
    }

    /// The schema declared by `paths`: files, or folders whose `*.swift` files (recursively, in
    /// name order) are read. A table declared twice is an error at its second declaration.
    ///
    /// With a `cache`, a file whose text is unchanged since it was last read is not parsed again
    /// (a 300-table models file costs `check` more to parse than the database costs to reflect).
    package static func schema(paths: [String], cache: ParseCache? = nil) throws -> Schema {
        let read = try schemaDeferringCache(paths: paths, cache: cache)
        read.updateCache()
        return read.schema
    }

    /// ``schema(paths:cache:)``, with the cache's update left to the caller: encoding what was
    /// parsed costs a tenth of reading a large models file, and `check` can compare meanwhile.
    /// A file read from the cache keeps its stored bytes; only parsed files are encoded.
    package static func schemaDeferringCache(paths: [String], cache: ParseCache?) throws
        -> (schema: Schema, updateCache: @Sendable () -> Void)
    {
        var schema = Schema()
        var seen: [TableName: String] = [:]
        var stored: [String: [UInt8]] = [:]
        var parsed: [String: Schema] = [:]
        for file in try swiftFiles(paths) {
            let text: String
            do {
                text = try FileText.contents(of: file)
            } catch {
                throw MigrateError(.script, "cannot read the models file \(file)", cause: error)
            }
            let checksum = SHA256.hex(text.utf8)
            let declarations: Schema
            if let bytes = cache?.entry(checksum: checksum), let cached = RevisionCoding.decode(models: bytes) {
                declarations = cached
                stored[checksum] = bytes
            } else {
                declarations = try Self.declarations(parsing: text, path: file)
                parsed[checksum] = declarations
            }
            schema.appendObjects(of: declarations)
            for (index, table) in declarations.tables.enumerated() {
                if let first = seen[table.name] {
                    // Parsed again (the tables may come from the cache) to point at the declaration.
                    let (source, tree) = try parse(text, path: file)
                    let node = try source.readModels(tree).tables[index].node
                    throw source.error(
                        "table \(table.name) is declared twice; first in \(first)", at: node,
                        hint: "declare each table once across the files listed under `models`")
                }
                seen[table.name] = file
                schema.tables.append(table)
            }
        }
        let update: @Sendable () -> Void = { [stored, parsed] in
            guard let cache else { return }
            var entries = stored
            for (checksum, declarations) in parsed { entries[checksum] = RevisionCoding.encode(models: declarations) }
            cache.update(entries)
        }
        return (schema, update)
    }

    /// The Swift files `paths` name, expanding folders.
    static func swiftFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw MigrateError(
                    .configuration, "the models path \(path) does not exist",
                    hint: "list existing files or folders under `models` in migrate.json")
            }
            if !isDirectory {
                files.append(path)
                continue
            }
            let relatives: [String]
            do {
                relatives = try manager.subpathsOfDirectory(atPath: path)
            } catch {
                throw MigrateError(.configuration, "cannot list the models folder \(path)", cause: error)
            }
            let found = relatives.filter { $0.hasSuffix(".swift") }.map { FilePath.join(path, $0) }
            files += found.sorted()
        }
        return files
    }
}

extension ScriptSource {
    /// One table read from a models file, with the node errors about it point at.
    struct DeclaredTable {
        var table: Table
        var node: ExprSyntax
    }

    static let modelsHint =
        "a models file holds types conforming to `ModelSchema` with `static let tables: [Table] = [Table(…), …]`, "
        + "written with literals; migrate reads it without compiling it"

    /// What the `ModelSchema` types of a file declare.
    struct Declarations {
        /// The tables, each with its syntax node, for errors that point at a declaration.
        var tables: [DeclaredTable] = []
        /// Everything else (views, triggers, …), with no tables.
        var objects = Schema()
    }

    /// The tables, views and triggers of every `ModelSchema` type in the file.
    func readModels(_ tree: SourceFileSyntax) throws -> Declarations {
        var declarations = Declarations()
        var foundModel = false
        for item in tree.statements {
            if item.item.is(ImportDeclSyntax.self) { continue }
            let members: MemberBlockSyntax?
            let inheritance: InheritanceClauseSyntax?
            if let declaration = item.item.as(EnumDeclSyntax.self) {
                (members, inheritance) = (declaration.memberBlock, declaration.inheritanceClause)
            } else if let declaration = item.item.as(StructDeclSyntax.self) {
                (members, inheritance) = (declaration.memberBlock, declaration.inheritanceClause)
            } else {
                throw error("a models file declares types conforming to `ModelSchema`; this is something else", at: item, hint: Self.modelsHint)
            }
            let conforms = inheritance?.inheritedTypes.contains {
                $0.type.trimmedDescription == ModelFile.modelProtocol
                    || $0.type.trimmedDescription == "MigrateKit." + ModelFile.modelProtocol
            } ?? false
            guard conforms, let members else {
                throw error("this type does not conform to `ModelSchema`, so it declares no tables", at: item, hint: Self.modelsHint)
            }
            foundModel = true
            let read = try readMembers(members)
            declarations.tables += read.tables
            declarations.objects.appendObjects(of: read.objects)
        }
        if !foundModel {
            throw error("this file declares no type conforming to `ModelSchema`", line: 1, utf8Column: 1, hint: Self.modelsHint)
        }
        return declarations
    }

    /// The `static let tables = […]`, `views = […]` and `triggers = […]` members of a model type.
    private func readMembers(_ members: MemberBlockSyntax) throws -> Declarations {
        var result: [DeclaredTable] = []
        var objects = Schema()
        var declaredNames: Set<String> = []
        for member in members.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self), variable.bindingSpecifier.tokenKind == .keyword(.let),
                variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }),
                variable.bindings.count == 1, let binding = variable.bindings.first,
                let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text,
                ["tables", "views", "triggers", "sequences", "domains", "functions", "schemas", "extensions"].contains(name)
            else {
                throw error(
                    "a model type's only members are `static let tables: [Table] = […]`, `static let views: [View] = […]`, `static let triggers: [Trigger] = […]`, `static let sequences: [DatabaseSequence] = […]`, `static let domains: [Domain] = […]`, `static let functions: [Function] = […]`, `static let schemas: [String] = […]` and `static let extensions: [DatabaseExtension] = […]`",
                    at: member, hint: Self.modelsHint)
            }
            if !declaredNames.insert(name).inserted {
                throw error("`\(name)` is declared twice", at: member, hint: Self.modelsHint)
            }
            guard let value = binding.initializer?.value else {
                throw error("`\(name)` needs a value, `= […]`", at: binding, hint: Self.modelsHint)
            }
            switch name {
            case "tables":
                result = try array(value, of: "tables").map { element in
                    guard let table = try tableDefinition(element), !element.is(NilLiteralExprSyntax.self) else {
                        throw notLiteral(element, expected: "a table definition, `Table(\"name\", Column(…), …)`")
                    }
                    return DeclaredTable(table: table, node: element)
                }
            case "views":
                objects.views = try array(value, of: "views").map(viewDefinition)
            case "triggers":
                objects.triggers = try array(value, of: "triggers").map(triggerDefinition)
            case "sequences":
                objects.sequences = try array(value, of: "sequences").map(sequenceDefinition)
            case "schemas":
                objects.schemas = try array(value, of: "schemas").map { try string($0) }
            case "extensions":
                objects.extensions = try array(value, of: "extensions").map(extensionDefinition)
            case "domains":
                objects.domains = try array(value, of: "domains").map(domainDefinition)
            default:
                objects.functions = try array(value, of: "functions").map(functionDefinition)
            }
        }
        return Declarations(tables: result, objects: objects)
    }

    static let viewParameters = Parameter.list("_name _definition schema? materialized? indexes?")
    static let triggerParameters = Parameter.list("_name on _definition schema?")

    /// `View("name", "SELECT …", schema:, materialized:, indexes: [Index(…)])`.
    func viewDefinition(_ expression: ExprSyntax) throws -> View {
        guard let construct = try initializer(expression, typeNames: ["View"]) else {
            throw notLiteral(expression, expected: "a view definition, `View(\"name\", \"SELECT …\")`")
        }
        let bound = try bind(construct.arguments!, to: Self.viewParameters, callee: "View", anchor: construct.node)
        let name = TableName(try string(bound["name"]!), schema: try optionalString(bound["schema"]))
        var indexes: [Index] = []
        if let list = bound["indexes"] {
            indexes = try array(list, of: "indexes").map { element in
                guard let index = try initializer(element, typeNames: ["Index"]) else {
                    throw notLiteral(element, expected: "an index definition, `Index(\"name\", columns: […])`")
                }
                var read = try self.index(index)
                read.table = name
                return read
            }
        }
        return View(
            name, definition: try string(bound["definition"]!),
            isMaterialized: try optionalBool(bound["materialized"]) ?? false, indexes: indexes)
    }

    /// A string literal holding a `CREATE FUNCTION` or `CREATE PROCEDURE` statement.
    func functionStatement(_ expression: ExprSyntax) throws -> Function {
        let text = try string(expression)
        guard let function = Function(definition: text) else {
            throw error(
                "this is not a `CREATE FUNCTION` or `CREATE PROCEDURE` statement, so it names no function", at: expression,
                hint: "Give the whole statement, e.g. \"CREATE FUNCTION add_one(n integer) RETURNS integer LANGUAGE sql AS 'SELECT n + 1'\".")
        }
        return function
    }

    /// `Function("CREATE FUNCTION …")`.
    func functionDefinition(_ expression: ExprSyntax) throws -> Function {
        guard let construct = try initializer(expression, typeNames: ["Function"]) else {
            throw notLiteral(expression, expected: "a function definition, `Function(\"CREATE FUNCTION …\")`")
        }
        let bound = try bind(construct.arguments!, to: Self.functionParameters, callee: "Function", anchor: construct.node)
        return try functionStatement(bound["definition"]!)
    }

    static let functionParameters = Parameter.list("_definition")

    /// `Trigger("name", on: "table", "CREATE TRIGGER …", schema:)`.
    func triggerDefinition(_ expression: ExprSyntax) throws -> Trigger {
        guard let construct = try initializer(expression, typeNames: ["Trigger"]) else {
            throw notLiteral(expression, expected: "a trigger definition, `Trigger(\"name\", on: \"table\", \"CREATE TRIGGER …\")`")
        }
        let bound = try bind(construct.arguments!, to: Self.triggerParameters, callee: "Trigger", anchor: construct.node)
        return Trigger(
            try string(bound["name"]!),
            on: TableName(try string(bound["on"]!), schema: try optionalString(bound["schema"])),
            definition: try string(bound["definition"]!))
    }
}
