import MigrateCore
import SwiftBasicFormat
import SwiftSyntax
import SwiftSyntaxBuilder

extension SwiftMigrationWriter {
    /// The text of a models file declaring `tables` in one `ModelSchema` type, in the order
    /// given, each written as `createTable` writes it (so whatever a table can say, the file says).
    /// `notes` become comment lines above the type: what the file does not declare, and why.
    package static func renderModels(
        tables: [Table], views: [View] = [], triggers: [Trigger] = [], sequences: [DatabaseSequence] = [],
        domains: [Domain] = [], schemas: [String] = [], extensions: [DatabaseExtension] = [],
        typeName: String = "AppSchema", summary: String, notes: [String] = []
    ) -> String {
        var trivia: Trivia = [.newlines(2)]
        for line in notes {
            trivia = trivia + [.lineComment(line.isEmpty ? "//" : "// \(line)"), .newlines(1)]
        }
        if !notes.isEmpty { trivia = trivia + [.newlines(1)] }
        trivia = trivia + [.docLineComment("/// \(summary)"), .newlines(1)]
        var properties = [property("tables", type: "[Table]", value: list(tables.map(tableDefinition), multiline: true))]
        // The other objects only when there are some, so a file of tables alone stays as it was.
        if !schemas.isEmpty {
            properties.append(property("schemas", type: "[String]", value: strings(schemas)))
        }
        if !extensions.isEmpty {
            properties.append(
                property("extensions", type: "[DatabaseExtension]", value: list(extensions.map(extensionDefinition), multiline: true)))
        }
        if !sequences.isEmpty {
            properties.append(property("sequences", type: "[DatabaseSequence]", value: list(sequences.map(sequence), multiline: true)))
        }
        if !domains.isEmpty {
            properties.append(property("domains", type: "[Domain]", value: list(domains.map(domain), multiline: true)))
        }
        if !views.isEmpty {
            properties.append(property("views", type: "[View]", value: list(views.map(viewDefinition), multiline: true)))
        }
        if !triggers.isEmpty {
            properties.append(property("triggers", type: "[Trigger]", value: list(triggers.map(triggerDefinition), multiline: true)))
        }
        let model = EnumDeclSyntax(
            leadingTrivia: trivia,
            name: .identifier(typeName),
            inheritanceClause: InheritanceClauseSyntax {
                InheritedTypeSyntax(type: IdentifierTypeSyntax(name: .identifier(ModelFile.modelProtocol)))
            },
            memberBlock: MemberBlockSyntax {
                for declaration in properties { MemberBlockItemSyntax(decl: declaration) }
            })
        let file = SourceFileSyntax {
            ImportDeclSyntax(path: ImportPathComponentListSyntax {
                ImportPathComponentSyntax(name: .identifier("MigrateKit"))
            })
            model
        }
        return file.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description + "\n"
    }

    /// `DatabaseExtension("name", schema:, version:)`, as models files declare it.
    static func extensionDefinition(_ definition: DatabaseExtension) -> ExprSyntax {
        call("DatabaseExtension", [
            arg(literal(definition.name)), arg("schema", definition.schema.map(literal)),
            arg("version", definition.version.map(literal)),
        ]).expression
    }

    /// `View("name", "SELECT …", schema:, materialized:, indexes: […])`, as models files declare it.
    static func viewDefinition(_ view: View) -> ExprSyntax {
        call("View", [
            arg(literal(view.name.name)), arg(literal(view.definition)), arg("schema", view.name.schema.map(literal)),
            arg("materialized", view.isMaterialized ? bool(true) : nil),
            arg("indexes", view.indexes.isEmpty ? nil : list(view.indexes.map(indexElement), multiline: true)),
        ]).expression
    }

    /// `Trigger("name", on: "table", "CREATE TRIGGER …", schema:)`, as models files declare it.
    static func triggerDefinition(_ trigger: Trigger) -> ExprSyntax {
        call("Trigger", [
            arg(literal(trigger.name)), arg("on", literal(trigger.table.name)), arg(literal(trigger.definition)),
            arg("schema", trigger.table.schema.map(literal)),
        ]).expression
    }
}
