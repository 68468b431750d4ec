import MigrateCore
import MigrateSQL
import Testing

/// Enumeration values, schemas and extensions in the comparator: which operations, in which
/// order, and that their reverses make the downgrade.
@Suite struct SchemaDiffTypeTests {
    static func moods(_ values: [String], default defaultValue: ServerDefault? = nil, schema: String? = nil) -> Table {
        Table(
            TableName("entries", schema: schema),
            columns: [
                Column("id", .integer, isPrimaryKey: true),
                Column("mood", .enumeration(name: "mood", values: values), defaultValue: defaultValue),
            ])
    }

    static func compare(_ declared: Schema, _ reflected: Schema, dialect: SQLDialect = .postgresql) -> [Operation] {
        SchemaDiff.compare(
            declared: declared, reflected: reflected, dialect: dialect,
            options: SchemaComparisonOptions(includeSchemas: ["audit", "archive", "app"], defaultSchema: "public"))
    }

    @Test func addedValuesAreAddedAtTheirPositionsWithoutAlteringColumns() {
        let operations = Self.compare(
            Schema(tables: [Self.moods(["calm", "happy", "curious", "sad", "angry"])]),
            Schema(tables: [Self.moods(["happy", "sad"])]))
        let mood = TableName("mood")
        #expect(
            operations == [
                .addEnumerationValue(mood, value: "calm", before: "happy"),
                .addEnumerationValue(mood, value: "curious", after: "happy"),
                .addEnumerationValue(mood, value: "angry", after: "sad"),
            ])
        // Each reverses to taking the value out again, from where it was.
        #expect(operations.reversed().compactMap(\.reversed) == [
            .dropEnumerationValue(mood, value: "angry", after: "sad"),
            .dropEnumerationValue(mood, value: "curious", after: "happy"),
            .dropEnumerationValue(mood, value: "calm", before: "happy"),
        ])
    }

    @Test func aRemovedValueRecreatesTheTypeInExplicitSteps() {
        let declared = Schema(tables: [Self.moods(["happy", "sad"], default: .string("happy"))])
        let reflected = Schema(tables: [Self.moods(["happy", "sad", "angry"], default: .string("happy"))])
        let operations = Self.compare(declared, reflected)
        let entries = TableName("entries")
        #expect(
            operations == [
                .createEnumeration(TableName("mood_new"), values: ["happy", "sad"]),
                .alterColumn(
                    entries, column: "mood",
                    changes: ColumnChanges(defaultValue: .some(nil), existingDefault: .some(.string("happy")))),
                .alterColumn(
                    entries, column: "mood",
                    changes: ColumnChanges(
                        type: .enumeration(name: "mood_new", values: ["happy", "sad"]),
                        existingType: .enumeration(name: "mood", values: ["happy", "sad", "angry"]))),
                .dropEnumeration(TableName("mood"), values: ["happy", "sad", "angry"]),
                .renameEnumeration(TableName("mood_new"), to: "mood"),
                .alterColumn(
                    entries, column: "mood",
                    changes: ColumnChanges(defaultValue: .some(.string("happy")), existingDefault: .some(nil))),
            ])
        // Every step reverses, so the downgrade recreates the type with the value back in place.
        let downgrade = operations.reversed().compactMap(\.reversed)
        #expect(downgrade.count == operations.count)
        #expect(downgrade.contains(.createEnumeration(TableName("mood"), values: ["happy", "sad", "angry"])))
        #expect(downgrade.contains(.dropEnumeration(TableName("mood_new"), values: ["happy", "sad"])))
    }

    @Test func reorderedValuesRecreateTheTypeAndSameValuesGiveNothing() {
        let reordered = Self.compare(
            Schema(tables: [Self.moods(["sad", "happy"])]), Schema(tables: [Self.moods(["happy", "sad"])]))
        #expect(reordered.first == .createEnumeration(TableName("mood_new"), values: ["sad", "happy"]))
        #expect(Self.compare(Schema(tables: [Self.moods(["a", "b"])]), Schema(tables: [Self.moods(["a", "b"])])).isEmpty)
    }

    @Test func sqliteKeepsAlteringTheColumn() {
        let operations = Self.compare(
            Schema(tables: [Self.moods(["happy", "sad", "angry"])]), Schema(tables: [Self.moods(["happy", "sad"])]),
            dialect: .sqlite)
        guard case .alterColumn(_, "mood", let changes)? = operations.first else {
            Issue.record("expected an alterColumn, got \(operations)")
            return
        }
        #expect(changes.type == .enumeration(name: "mood", values: ["happy", "sad", "angry"]))
    }

    @Test func schemasAreCreatedFirstAndDroppedLast() {
        let events = Table(TableName("events", schema: "audit"), columns: [Column("id", .integer, isPrimaryKey: true)])
        let old = Table(TableName("old", schema: "archive"), columns: [Column("id", .integer, isPrimaryKey: true)])
        let operations = Self.compare(
            Schema(tables: [events], schemas: ["app"]),
            Schema(tables: [old], schemas: ["archive", "elsewhere"]))
        #expect(operations.first == .createSchema("app"))
        #expect(operations[1] == .createSchema("audit"))
        #expect(operations.last == .dropSchema("archive"))
        #expect(!operations.contains(.dropSchema("elsewhere")))
        let tableDrop = operations.firstIndex { if case .dropTable = $0 { true } else { false } }
        #expect(tableDrop.map { $0 < operations.count - 1 } == true)
    }

    @Test func extensionsAreCreatedBeforeTablesUpdatedAndDroppedAfterThem() {
        let users = Table(TableName("users"), columns: [Column("email", .custom("citext"))])
        let operations = Self.compare(
            Schema(
                tables: [users],
                extensions: [DatabaseExtension("citext", version: "1.6"), DatabaseExtension("hstore", schema: "public")]),
            Schema(
                schemas: ["audit"],
                extensions: [DatabaseExtension("citext", version: "1.5"), DatabaseExtension("pg_trgm", version: "1.6")]))
        #expect(
            operations == [
                .alterExtension("citext", version: "1.6", previous: "1.5"),
                .createExtension(DatabaseExtension("hstore")),
                .createTable(users),
                .dropExtension("pg_trgm", definition: DatabaseExtension("pg_trgm", version: "1.6")),
                .dropSchema("audit"),
            ])
        // A declared extension without a version takes whatever version is installed.
        #expect(
            Self.compare(
                Schema(extensions: [DatabaseExtension("citext")]),
                Schema(extensions: [DatabaseExtension("citext", version: "1.5")])
            ).isEmpty)
        // SQLite has none of these.
        #expect(Self.compare(Schema(schemas: ["audit"], extensions: [DatabaseExtension("citext")]), Schema(), dialect: .sqlite).isEmpty)
    }
}
