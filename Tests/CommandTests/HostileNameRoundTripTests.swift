import Foundation
import Testing
import TestSupport
import MigrateCore
import MigrateSQL
import MigrateSQLite
import MigratePostgres

/// Tables and columns named with quotes, semicolons, unicode and reserved words round-trip
/// through create → reflect → diff with an empty diff, and inject nothing.
@Suite struct HostileNameRoundTripTests {
    static let names = [
        #"we"ird; DROP TABLE sentinel; --"#, "robert'); DROP TABLE sentinel;--", "select", "ünïcødé_版本", "with space",
        #"x"y"z"#, #"back\slash"#, "--comment", "$1", "🚀", "Mixed_CASE", "order", "group by",
    ]

    @Test(arguments: TestEngine.enabled)
    func hostileTableAndColumnNamesRoundTrip(engine: TestEngine) throws {
        let db = try TestDatabase(url: try engine.freshDatabaseURL())
        try db.execute("CREATE TABLE sentinel (id INTEGER)")
        var declared: [Table] = []
        for (index, name) in Self.names.enumerated() {
            let table = Table(
                TableName(name),
                columns: [
                    Column("id", .integer, isPrimaryKey: true),
                    Column(Self.names[(index + 1) % Self.names.count], .text),
                    Column(Self.names[(index + 2) % Self.names.count], .string(length: 20), isNullable: false),
                ])
            declared.append(table)
            for statement in try engine.dialect.statements(for: .createTable(table), inspector: nil) {
                try db.execute(statement)
            }
        }
        #expect(try db.tables().contains("sentinel"), "a hostile name dropped the sentinel table")

        let reflected: Schema
        switch engine {
        case .postgresql: reflected = try (db.connection as! PostgresConnection).reflectSchema().schema
        case .sqlite: reflected = try (db.connection as! SQLiteConnection).reflectSchema(excluding: []).schema
        }
        for table in declared {
            let found = reflected.table(table.name)
            #expect(found != nil, "\(table.name.name.debugDescription) was not reflected")
            #expect(found?.columns.map(\.name) == table.columns.map(\.name), "\(table.name.name.debugDescription)")
        }
        let diff = SchemaDiff.compare(
            declared: Schema(tables: declared + [Table(TableName("sentinel"), columns: [Column("id", .integer)])]),
            reflected: reflected, dialect: engine.dialect,
            options: SchemaComparisonOptions(defaultSchema: engine == .postgresql ? "public" : nil))
        #expect(diff.isEmpty, "create → reflect → diff is not empty: \(diff)")
    }
}
