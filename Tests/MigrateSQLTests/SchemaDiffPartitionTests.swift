import MigrateCore
import MigrateSQL
import Testing

/// Partitioned tables and partitions in the comparator: created after their parent and dropped
/// before it, attached, detached, and detached and attached again when the bound moves.
@Suite struct SchemaDiffPartitionTests {
    static let parentName = TableName("payments")
    static let parent: Table = {
        var table = Table(
            parentName, columns: [Column("id", .integer, isNullable: false), Column("paid_on", .date, isNullable: false)])
        table.partitionKey = .range("paid_on")
        return table
    }()

    static func partition(_ name: String, bound: String, indexes: [String] = []) -> Table {
        var table = Table(
            TableName(name), columns: [],
            indexes: indexes.map { Index(name: $0, table: TableName(name), columns: ["id"]) })
        table.partitionOf = TablePartition(of: parentName, bound: bound)
        return table
    }

    static let year2024 = "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"

    static func compare(_ declared: [Table], _ reflected: [Table]) -> [Operation] {
        SchemaDiff.compare(
            declared: Schema(tables: declared), reflected: Schema(tables: reflected), dialect: .postgresql,
            options: SchemaComparisonOptions(defaultSchema: "public"))
    }

    @Test func partitionsAreCreatedAfterTheirParentAndDroppedBeforeIt() {
        // Declared before its parent, and named before it too.
        let early = Self.partition("a_payments_2024", bound: Self.year2024)
        let created = Self.compare([early, Self.parent], [])
        #expect(created == [.createTable(Self.parent), .createTable(early)])
        let dropped = Self.compare([], [Self.parent, early])
        #expect(dropped == [.dropTable(early.name, definition: early), .dropTable(Self.parentName, definition: Self.parent)])
    }

    @Test func matchingPartitionsGiveNothingWhateverTheBoundsSpacing() {
        let declared = Self.partition("payments_2024", bound: "for values from ('2024-01-01')  to ('2025-01-01')")
        let reflected = Self.partition("payments_2024", bound: Self.year2024)
        #expect(Self.compare([Self.parent, declared], [Self.parent, reflected]).isEmpty)
    }

    @Test func aMovedBoundDetachesAndAttachesAgain() {
        let moved = Self.partition("payments_2024", bound: "FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')")
        let existing = Self.partition("payments_2024", bound: Self.year2024)
        let operations = Self.compare([Self.parent, moved], [Self.parent, existing])
        #expect(
            operations == [
                .detachPartition(moved.name, TablePartition(of: Self.parentName, bound: Self.year2024)),
                .attachPartition(moved.name, TablePartition(of: Self.parentName, bound: moved.partitionOf!.bound)),
            ])
        // The reverse puts the old bound back.
        #expect(operations.reversed().compactMap(\.reversed).last == .attachPartition(moved.name, existing.partitionOf!))
    }

    @Test func aTableBecomingAPartitionIsAttachedAndNothingElseIsCompared() {
        let plain = Table(
            TableName("payments_2023"),
            columns: [Column("id", .integer, isNullable: false), Column("paid_on", .date, isNullable: false)],
            indexes: [Index(name: "payments_2023_id_idx", table: TableName("payments_2023"), columns: ["id"])])
        let declared = Self.partition("payments_2023", bound: "FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')")
        #expect(
            Self.compare([Self.parent, declared], [Self.parent, plain]) == [
                .attachPartition(declared.name, declared.partitionOf!)
            ])
    }

    @Test func aPartitionBecomingATableIsDetachedAndComparedWithItsParentsColumns() {
        let existing = Self.partition("payments_2024", bound: Self.year2024)
        let detached = Table(TableName("payments_2024"), columns: Self.parent.columns)
        #expect(
            Self.compare([Self.parent, detached], [Self.parent, existing]) == [
                .detachPartition(detached.name, existing.partitionOf!)
            ])
        // A column the detached table gains is added after the detach.
        var wider = detached
        wider.columns.append(Column("note", .text))
        #expect(
            Self.compare([Self.parent, wider], [Self.parent, existing]) == [
                .detachPartition(detached.name, existing.partitionOf!), .addColumn(wider.name, Column("note", .text)),
            ])
    }

    @Test func aPartitionsOwnIndexesAreCompared() {
        let declared = Self.partition("payments_2024", bound: Self.year2024, indexes: ["ix_2024_id"])
        let reflected = Self.partition("payments_2024", bound: Self.year2024)
        #expect(Self.compare([Self.parent, declared], [Self.parent, reflected]) == [.createIndex(declared.indexes[0])])
    }
}
