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
/// A models file holds `import` declarations and types conforming to `ModelSchema` whose only
/// member is `static let tables: [Table] = [Table(…), …]`, each table written with the literal
/// vocabulary migration files use (`Column`, `ForeignKey`, `UniqueConstraint`, `CheckConstraint`,
/// `Index`, `PrimaryKey`). Anything else is an error at its `file:line:column`.
package enum ModelFile {
    /// The protocol whose conformers declare tables.
    package static let modelProtocol = "ModelSchema"

    /// The tables declared in `text`, in file order; `path` is used in errors.
    package static func tables(parsing text: String, path: String) throws -> [Table] {
        let (source, tree) = try parse(text, path: path)
        return try source.readModels(tree).map(\.table)
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
        var tables: [Table] = []
        var seen: [TableName: String] = [:]
        var stored: [String: [UInt8]] = [:]
        var parsed: [String: [Table]] = [:]
        for file in try swiftFiles(paths) {
            let text: String
            do {
                text = try FileText.contents(of: file)
            } catch {
                throw MigrateError(.script, "cannot read the models file \(file)", cause: error)
            }
            let checksum = SHA256.hex(text.utf8)
            let declared: [Table]
            if let bytes = cache?.entry(checksum: checksum), let cached = RevisionCoding.decode(tables: bytes) {
                declared = cached
                stored[checksum] = bytes
            } else {
                declared = try Self.tables(parsing: text, path: file)
                parsed[checksum] = declared
            }
            for (index, table) in declared.enumerated() {
                if let first = seen[table.name] {
                    // Parsed again (the tables may come from the cache) to point at the declaration.
                    let (source, tree) = try parse(text, path: file)
                    let node = try source.readModels(tree)[index].node
                    throw source.error(
                        "table \(table.name) is declared twice; first in \(first)", at: node,
                        hint: "declare each table once across the files listed under `models`")
                }
                seen[table.name] = file
                tables.append(table)
            }
        }
        let update: @Sendable () -> Void = { [stored, parsed] in
            guard let cache else { return }
            var entries = stored
            for (checksum, declared) in parsed { entries[checksum] = RevisionCoding.encode(tables: declared) }
            cache.update(entries)
        }
        return (Schema(tables: tables), update)
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

    /// The tables of every `ModelSchema` type in the file.
    func readModels(_ tree: SourceFileSyntax) throws -> [DeclaredTable] {
        var tables: [DeclaredTable] = []
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
            tables += try readTables(members)
        }
        if !foundModel {
            throw error("this file declares no type conforming to `ModelSchema`", line: 1, utf8Column: 1, hint: Self.modelsHint)
        }
        return tables
    }

    /// The `static let tables = […]` member of a model type.
    private func readTables(_ members: MemberBlockSyntax) throws -> [DeclaredTable] {
        var result: [DeclaredTable]?
        for member in members.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self), variable.bindingSpecifier.tokenKind == .keyword(.let),
                variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }),
                variable.bindings.count == 1, let binding = variable.bindings.first,
                let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text, name == "tables"
            else {
                throw error(
                    "a model type's only member is `static let tables: [Table] = […]`", at: member, hint: Self.modelsHint)
            }
            if result != nil {
                throw error("`tables` is declared twice", at: member, hint: Self.modelsHint)
            }
            guard let value = binding.initializer?.value else {
                throw error("`tables` needs a value, `= [Table(…), …]`", at: binding, hint: Self.modelsHint)
            }
            result = try array(value, of: "tables").map { element in
                guard let table = try tableDefinition(element), !element.is(NilLiteralExprSyntax.self) else {
                    throw notLiteral(element, expected: "a table definition, `Table(\"name\", Column(…), …)`")
                }
                return DeclaredTable(table: table, node: element)
            }
        }
        return result ?? []
    }
}
