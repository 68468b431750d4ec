import MigrateCore
import SwiftBasicFormat
import SwiftSyntax
import SwiftSyntaxBuilder

extension SwiftMigrationWriter {
    /// The text of a models file declaring `tables` in one `ModelSchema` type, in the order
    /// given, each written as `createTable` writes it (so whatever a table can say, the file says).
    /// `notes` become comment lines above the type: what the file does not declare, and why.
    package static func renderModels(
        tables: [Table], typeName: String = "AppSchema", summary: String, notes: [String] = []
    ) -> String {
        var trivia: Trivia = [.newlines(2)]
        for line in notes {
            trivia = trivia + [.lineComment(line.isEmpty ? "//" : "// \(line)"), .newlines(1)]
        }
        if !notes.isEmpty { trivia = trivia + [.newlines(1)] }
        trivia = trivia + [.docLineComment("/// \(summary)"), .newlines(1)]
        let tablesProperty = property("tables", type: "[Table]", value: list(tables.map(tableDefinition), multiline: true))
        let model = EnumDeclSyntax(
            leadingTrivia: trivia,
            name: .identifier(typeName),
            inheritanceClause: InheritanceClauseSyntax {
                InheritedTypeSyntax(type: IdentifierTypeSyntax(name: .identifier(ModelFile.modelProtocol)))
            },
            memberBlock: MemberBlockSyntax {
                MemberBlockItemSyntax(decl: tablesProperty)
            })
        let file = SourceFileSyntax {
            ImportDeclSyntax(path: ImportPathComponentListSyntax {
                ImportPathComponentSyntax(name: .identifier("MigrateKit"))
            })
            model
        }
        return file.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description + "\n"
    }
}
