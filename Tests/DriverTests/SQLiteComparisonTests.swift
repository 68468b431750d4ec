import MigrateCore
import MigrateSQL
import MigrateSQLite
import Testing
import TestSupport

/// The comparator against SQLite reflection: a schema the tool created on SQLite compares equal
/// to its declaration, in the same fixed number of queries for 3 tables as for 300.
@Suite struct SQLiteComparisonTests {
    @Test func threeHundredTablesTheToolCreatedHaveNoDifferences() throws {
        var counts: [Int] = []
        for size in [3, 300] {
            let connection = try SQLiteConnection(path: try freshSQLitePath())
            let declared = SampleSchemas.realistic(tables: size)
            let dialect = connection.dialect
            let creation = SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: dialect)
            try connection.execute(
                try creation.flatMap { try dialect.statements(for: $0, inspector: nil) }.joined(separator: ";\n"))
            let reflection = try connection.reflectSchema(excluding: [TableName("migrate_version")])
            #expect(reflection.schema.tables.count == size)
            counts.append(reflection.queryCount)
            let options = SchemaComparisonOptions(compareServerDefaults: true, defaultSchema: reflection.defaultSchema)
            let differences = SchemaDiff.compare(
                declared: declared, reflected: reflection.schema, dialect: dialect, options: options)
            #expect(differences == [])
        }
        #expect(counts[0] == counts[1])
    }

    @Test func detectsChangesMadeOutsideTheDeclaration() throws {
        let connection = try SQLiteConnection(path: try freshSQLitePath())
        let declared = SampleSchemas.realistic(tables: 2)
        let dialect = connection.dialect
        let creation = SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: dialect)
        try connection.execute(
            try creation.flatMap { try dialect.statements(for: $0, inspector: nil) }.joined(separator: ";\n"))
        try connection.execute(
            """
            ALTER TABLE t001 ADD COLUMN extra INTEGER;
            DROP INDEX ix_t001_lower_name;
            CREATE TABLE stray (id INTEGER PRIMARY KEY);
            """)
        let reflection = try connection.reflectSchema(excluding: [])
        let differences = SchemaDiff.compare(declared: declared, reflected: reflection.schema, dialect: dialect)
        let t001 = try #require(reflection.schema.table(TableName("t001")))
        let stray = try #require(reflection.schema.table(TableName("stray")))
        #expect(
            differences == [
                .createIndex(declared.tables[1].indexes[1]),
                .dropColumn(TableName("t001"), column: "extra", definition: t001.column(named: "extra")),
                .dropTable(TableName("stray"), definition: stray),
            ])
    }
}
