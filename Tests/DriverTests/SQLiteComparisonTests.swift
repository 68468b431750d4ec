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

    /// Descending and collated index keys, a primary key out of column order, deferrable foreign
    /// keys and CURRENT_TIMESTAMP read back from the definitions; a rebuild keeps all of them.
    @Test func reflectsKeyOptionsKeyOrderDeferralAndTheCurrentTimestampAndRebuildsKeepThem() throws {
        let connection = try SQLiteConnection(path: try freshSQLitePath())
        try connection.execute(
            """
            CREATE TABLE owners (id INTEGER PRIMARY KEY);
            CREATE TABLE payments (
                payment_id INTEGER NOT NULL,
                paid_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                owner_id INTEGER REFERENCES owners (id) ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
                other_id INTEGER CONSTRAINT fk_other REFERENCES owners (id) DEFERRABLE,
                note TEXT,
                PRIMARY KEY (paid_at, payment_id)
            );
            CREATE INDEX ix_note ON payments (note COLLATE NOCASE DESC, lower(note) ASC, paid_at DESC);
            """)
        let expectedKeys: [IndexKey] = [
            .column("note", collation: "NOCASE", descending: true), .expression("lower(note)"),
            .column("paid_at", descending: true),
        ]
        func check(_ payments: Table) {
            #expect(payments.primaryKey == ["paid_at", "payment_id"])
            #expect(payments.column(named: "paid_at")?.defaultValue == .currentTimestamp)
            #expect(payments.foreignKeys.map(\.deferrable).sorted { ($0?.rawValue ?? "") < ($1?.rawValue ?? "") } == [.deferred, .immediate])
            #expect(payments.indexes.map(\.keys) == [expectedKeys])
        }
        check(try #require(try connection.table(TableName("payments"))))

        // A rebuild (here: adding a check) writes the table again from its reflection.
        let dialect = connection.dialect
        for statement in try dialect.statements(
            for: .createCheckConstraint(TableName("payments"), CheckConstraint(name: "ck_note", expression: "note <> ''")),
            inspector: connection)
        {
            try connection.execute(statement)
        }
        let rebuilt = try #require(try connection.table(TableName("payments")))
        check(rebuilt)
        #expect(rebuilt.checkConstraints.map(\.name) == ["ck_note"])
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
