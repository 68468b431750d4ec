import MigrateCore

extension SwiftMigrationWriter {
    /// The text of a models file declaring `tables` in one `ModelSchema` type, in the order
    /// given, each written as `createTable` writes it (so whatever a table can say, the file says).
    /// `notes` become comment lines above the type: what the file does not declare, and why.
    ///
    /// The text is printed from the written expressions in the layout swift-syntax's formatter
    /// gives migration files, since building and formatting a syntax tree of a thousand tables
    /// would take seconds.
    package static func renderModels(
        tables: [Table], views: [View] = [], triggers: [Trigger] = [], sequences: [DatabaseSequence] = [],
        domains: [Domain] = [], functions: [Function] = [], schemas: [String] = [],
        extensions: [DatabaseExtension] = [], typeName: String = "AppSchema", summary: String, notes: [String] = []
    ) -> String {
        var properties = [("tables", "[Table]", list(tables.map(tableDefinition), multiline: true))]
        // The other objects only when there are some, so a file of tables alone stays as it was.
        if !schemas.isEmpty {
            properties.append(("schemas", "[String]", strings(schemas)))
        }
        if !extensions.isEmpty {
            properties.append(("extensions", "[DatabaseExtension]", list(extensions.map(extensionDefinition), multiline: true)))
        }
        if !sequences.isEmpty {
            properties.append(("sequences", "[DatabaseSequence]", list(sequences.map(sequence), multiline: true)))
        }
        if !domains.isEmpty {
            properties.append(("domains", "[Domain]", list(domains.map(domain), multiline: true)))
        }
        if !functions.isEmpty {
            properties.append(("functions", "[Function]", list(functions.map(functionDefinition), multiline: true)))
        }
        if !views.isEmpty {
            properties.append(("views", "[View]", list(views.map(viewDefinition), multiline: true)))
        }
        if !triggers.isEmpty {
            properties.append(("triggers", "[Trigger]", list(triggers.map(triggerDefinition), multiline: true)))
        }
        var text = "import MigrateKit\n\n"
        for line in notes {
            text += line.isEmpty ? "//" : "// \(line)"
            text += "\n"
        }
        if !notes.isEmpty { text += "\n" }
        text += "/// \(summary)\nenum \(typeName): \(ModelFile.modelProtocol) {"
        for (name, type, value) in properties {
            SwiftExpression.newline(to: &text, level: 1)
            text += "static let \(name): \(type) = "
            value.write(to: &text, level: 1)
        }
        text += "\n}\n"
        return text
    }

    /// `DatabaseExtension("name", schema:, version:)`, as models files declare it.
    static func extensionDefinition(_ definition: DatabaseExtension) -> SwiftExpression {
        call("DatabaseExtension", [
            arg(literal(definition.name)), arg("schema", definition.schema.map(literal)),
            arg("version", definition.version.map(literal)),
        ]).expression
    }

    /// `View("name", "SELECT …", schema:, materialized:, indexes: […])`, as models files declare it.
    static func viewDefinition(_ view: View) -> SwiftExpression {
        call("View", [
            arg(literal(view.name.name)), arg(literal(view.definition)), arg("schema", view.name.schema.map(literal)),
            arg("materialized", view.isMaterialized ? bool(true) : nil),
            arg("indexes", view.indexes.isEmpty ? nil : list(view.indexes.map(indexElement), multiline: true)),
        ]).expression
    }

    /// `Function("CREATE FUNCTION …")`, as models files declare it.
    static func functionDefinition(_ function: Function) -> SwiftExpression {
        call("Function", [arg(literal(function.definition))]).expression
    }

    /// `Trigger("name", on: "table", "CREATE TRIGGER …", schema:)`, as models files declare it.
    static func triggerDefinition(_ trigger: Trigger) -> SwiftExpression {
        call("Trigger", [
            arg(literal(trigger.name)), arg("on", literal(trigger.table.name)), arg(literal(trigger.definition)),
            arg("schema", trigger.table.schema.map(literal)),
        ]).expression
    }
}
