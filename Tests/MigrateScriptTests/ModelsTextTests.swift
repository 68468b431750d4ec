import Foundation
import MigrateCore
import SwiftBasicFormat
import SwiftSyntax
import SwiftSyntaxBuilder
import Testing

@testable import MigrateScript

/// The models file `inspect` writes is printed from the writer's expressions without building a
/// syntax tree; it must be exactly what swift-syntax's formatter makes of the same tree (the
/// layout migration files get), and read back as what it was written from.
@Suite struct ModelsTextTests {
    static let hostile = [
        "plain", "quo\"te", "back\\slash", "tab\there", "line\nbreak", "cr\rlf", "ünïcødé", "🚀", "#hash", "\"#",
        "", "nul\u{0}", "del\u{7F}", "sep\u{2028}", "'single'", "x\"#y", "##\"##",
    ]

    static let tables: [Table] = {
        var tables: [Table] = []
        for (index, name) in hostile.enumerated() {
            let other = hostile[(index + 1) % hostile.count]
            var table = Table(
                TableName(name, schema: index % 3 == 0 ? nil : other),
                columns: [
                    Column("id", .integer, isNullable: false, isPrimaryKey: true, isIdentity: index % 2 == 0),
                    Column(other, .string(length: index % 2 == 0 ? nil : 20), isNullable: index % 2 == 0,
                           defaultValue: .string(name), comment: other),
                    Column("n", .numeric(precision: 10, scale: index % 2 == 0 ? nil : 2), defaultValue: .double(-1.5)),
                    Column("i", .bigInteger, defaultValue: .integer(-42)),
                    Column("d", .dateTime(timezone: true), defaultValue: .currentTimestamp),
                    Column("e", .enumeration(name: name, values: [name, other])),
                    Column("c", .custom(name), defaultValue: .expression(other)),
                    Column("b", .boolean, defaultValue: .boolean(index % 2 == 0)),
                ],
                comment: index % 2 == 0 ? name : nil)
            table.columns[1].collation = index % 2 == 0 ? "C" : nil
            table.primaryKeyName = index % 2 == 0 ? "\(name)_pkey" : nil
            table.foreignKeys = [
                ForeignKey(
                    name: other, columns: ["i"], references: TableName(other, schema: name), referencedColumns: ["id"],
                    onDelete: .cascade, onUpdate: .setNull, deferrable: .deferred, match: .full),
                ForeignKey(columns: ["i", "n"], references: TableName(name), referencedColumns: ["id", other]),
            ]
            table.uniqueConstraints = [UniqueConstraint(name: name, columns: [other, "i"]), UniqueConstraint(columns: ["n"])]
            table.checkConstraints = [CheckConstraint(name: other, expression: "\(name) <> '\(other)'")]
            table.indexes = [
                Index(name: name, table: table.name, columns: [other], isUnique: true, predicate: other),
                Index(
                    name: "ix_\(index)", table: table.name,
                    keys: [
                        IndexKey.expression("lower(\(name))").with(IndexKeyOptions(isDescending: true, nulls: .last)),
                        IndexKey.column(other).with(IndexKeyOptions(collation: name, operatorClass: "text_pattern_ops")),
                    ],
                    method: "gin", include: [name]),
            ]
            table.sqliteOptions = SQLiteTableOptions(isStrict: index % 2 == 0, isWithoutRowid: index % 3 == 0, autoincrement: true)
            tables.append(table)
        }
        tables.append(Table(TableName("empty"), columns: []))
        tables.append(Table(virtual: TableName("search", schema: "app"), using: #"fts5(title, tokenize="porter")"#))
        return tables
    }()

    static let views = [
        View(TableName("v"), definition: "SELECT \"a\"\n  FROM t"),
        View(
            TableName("m", schema: "app"), definition: "SELECT 1", isMaterialized: true,
            indexes: [Index(name: "ix_m", table: TableName("m"), columns: ["a"]), Index(name: "ix_m2", table: TableName("m"), columns: ["b"], isUnique: true)]),
    ]
    static let triggers = [Trigger("tr", on: TableName("t", schema: "app"), definition: "CREATE TRIGGER tr \\ \"x\"")]
    static let sequences = [
        DatabaseSequence(TableName("s"), start: -5, increment: 2, minValue: -100, maxValue: 100, cache: 3, cycles: true,
                         ownerTable: TableName("t"), ownerColumn: "id"),
        DatabaseSequence(TableName("plain", schema: "app")),
    ]
    static let domains = [
        Domain(TableName("d"), baseType: .integer, isNullable: false, defaultValue: .integer(1),
               checks: [CheckConstraint(name: "c1", expression: "VALUE > 0"), CheckConstraint(expression: "VALUE < 9")]),
        Domain(TableName("e", schema: "app"), baseType: .text),
    ]

    /// The models file as swift-syntax builds and formats it: the reference layout.
    static func formatted(
        tables: [Table], views: [View], triggers: [Trigger], sequences: [DatabaseSequence], domains: [Domain],
        schemas: [String] = [], extensions: [DatabaseExtension] = [], notes: [String]
    ) -> String {
        var trivia: Trivia = [.newlines(2)]
        for line in notes { trivia = trivia + [.lineComment(line.isEmpty ? "//" : "// \(line)"), .newlines(1)] }
        if !notes.isEmpty { trivia = trivia + [.newlines(1)] }
        trivia = trivia + [.docLineComment("/// Summary."), .newlines(1)]
        func property(_ name: String, _ type: String, _ elements: [SwiftExpression]) -> DeclSyntax {
            SwiftMigrationWriter.property(name, type: type, value: SwiftExpression.array(elements, multiline: true).syntax)
        }
        var properties = [property("tables", "[Table]", tables.map(SwiftMigrationWriter.tableDefinition))]
        if !schemas.isEmpty {
            properties.append(SwiftMigrationWriter.property("schemas", type: "[String]", value: SwiftMigrationWriter.strings(schemas).syntax))
        }
        if !extensions.isEmpty { properties.append(property("extensions", "[DatabaseExtension]", extensions.map(SwiftMigrationWriter.extensionDefinition))) }
        if !sequences.isEmpty { properties.append(property("sequences", "[DatabaseSequence]", sequences.map(SwiftMigrationWriter.sequence))) }
        if !domains.isEmpty { properties.append(property("domains", "[Domain]", domains.map(SwiftMigrationWriter.domain))) }
        if !views.isEmpty { properties.append(property("views", "[View]", views.map(SwiftMigrationWriter.viewDefinition))) }
        if !triggers.isEmpty { properties.append(property("triggers", "[Trigger]", triggers.map(SwiftMigrationWriter.triggerDefinition))) }
        let model = EnumDeclSyntax(
            leadingTrivia: trivia, name: .identifier("AppSchema"),
            inheritanceClause: InheritanceClauseSyntax { InheritedTypeSyntax(type: IdentifierTypeSyntax(name: .identifier("ModelSchema"))) },
            memberBlock: MemberBlockSyntax { for declaration in properties { MemberBlockItemSyntax(decl: declaration) } })
        let file = SourceFileSyntax {
            ImportDeclSyntax(path: ImportPathComponentListSyntax { ImportPathComponentSyntax(name: .identifier("MigrateKit")) })
            model
        }
        return file.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description + "\n"
    }

    @Test(arguments: [false, true])
    func printedAsSwiftSyntaxFormatsIt(withEverything: Bool) throws {
        let notes = withEverything ? ["db holds more:", "", "- function f()", #"- view "odd\name""#] : []
        let views = withEverything ? Self.views : []
        let triggers = withEverything ? Self.triggers : []
        let sequences = withEverything ? Self.sequences : []
        let domains = withEverything ? Self.domains : []
        let schemas = withEverything ? ["app", #"we"ird"#] : []
        let extensions = withEverything
            ? [DatabaseExtension("citext"), DatabaseExtension("pg_trgm", schema: "app", version: "1.6")] : []
        let text = SwiftMigrationWriter.renderModels(
            tables: Self.tables, views: views, triggers: triggers, sequences: sequences, domains: domains,
            schemas: schemas, extensions: extensions, summary: "Summary.", notes: notes)
        let reference = Self.formatted(
            tables: Self.tables, views: views, triggers: triggers, sequences: sequences, domains: domains,
            schemas: schemas, extensions: extensions, notes: notes)
        #expect(text == reference)

        let read = try ModelFile.declarations(parsing: text, path: "Schema.swift")
        #expect(read.tables == Self.tables)
        #expect(read.views.map(\.name) == views.map(\.name))
        #expect(read.views.map(\.definition) == views.map(\.definition))
        #expect(read.triggers == triggers)
        #expect(read.sequences == sequences)
        #expect(read.domains == domains)
    }

    @Test func anEmptySchemaIsAnEmptyList() {
        let text = SwiftMigrationWriter.renderModels(tables: [], summary: "Summary.")
        #expect(text == Self.formatted(tables: [], views: [], triggers: [], sequences: [], domains: [], notes: []))
        #expect(text.contains("static let tables: [Table] = []\n"))
    }

    /// Every shape of expression, nested: what the printer writes is what the formatter writes.
    @Test func everyExpressionShapePrintsAsFormatted() {
        let leaves: [SwiftExpression] = [
            .string("a"), .string(#"b"c"#), .integer(-3), .integer(7), .double(-0.5), .double(2), .boolean(true),
            .nilLiteral, .member("x"),
        ]
        var shapes = leaves
        for depth in 0..<3 {
            var next: [SwiftExpression] = []
            for (index, shape) in shapes.enumerated() where index % (depth + 1) == 0 {
                let other = shapes[(index + 3) % shapes.count]
                let multiline = index % 2 == 0
                next.append(.call("Call", [.init(label: nil, value: shape), .init(label: "label", value: other)], multiline: multiline))
                next.append(.call(".case", [.init(label: "only", value: shape)], multiline: !multiline))
                next.append(.call("A.b", [], multiline: multiline))
                next.append(.array([shape, other], multiline: multiline))
                next.append(.array([], multiline: multiline))
                next.append(.dictionary([.init(key: .string("k"), value: shape)]))
            }
            shapes += next
        }
        for shape in shapes {
            let list = SwiftExpression.array([shape], multiline: true)
            var printed = ""
            list.write(to: &printed, level: 1)
            let reference = Self.formatted(expression: list.syntax)
            #expect(printed == reference, "\(shape)")
        }
    }

    /// `value` as the right-hand side of a member of a type, formatted, without what precedes it.
    static func formatted(expression: ExprSyntax) -> String {
        let model = EnumDeclSyntax(
            name: .identifier("T"),
            memberBlock: MemberBlockSyntax { MemberBlockItemSyntax(decl: SwiftMigrationWriter.property("p", value: expression)) })
        let text = model.formatted(using: BasicFormat(indentationWidth: .spaces(4))).description
        let start = text.range(of: "static let p = ")!.upperBound
        let end = text.range(of: "\n}", options: .backwards)!.lowerBound
        return String(text[start..<end])
    }
}
