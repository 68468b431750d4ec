import MigrateCore
import MigrateSQL
import Testing

/// Views and triggers in the comparator: what is created, dropped and replaced, and in which
/// order around the table changes.
@Suite struct SchemaDiffObjectTests {
    static let payments = TableName("payments")
    static let table = Table(
        payments, columns: [Column("id", .integer, isPrimaryKey: true), Column("amount", .integer), Column("note", .text)])
    static let amounts = View(TableName("amounts"), definition: "SELECT id, amount FROM payments")
    static let positive = View(TableName("positive"), definition: "SELECT id FROM amounts WHERE amount > 0")
    static let notes = View(TableName("notes"), definition: "SELECT id, note FROM payments")

    /// The database as PostgreSQL reports it: both views, and what `pg_depend` says they read.
    static let reflected = Schema(
        tables: [table], views: [amounts, notes, positive],
        dependencies: [
            ObjectDependency(SchemaObjectName(.view, amounts.name), on: SchemaObjectName(.table, payments), column: "id"),
            ObjectDependency(SchemaObjectName(.view, amounts.name), on: SchemaObjectName(.table, payments), column: "amount"),
            ObjectDependency(SchemaObjectName(.view, notes.name), on: SchemaObjectName(.table, payments), column: "note"),
            ObjectDependency(SchemaObjectName(.view, positive.name), on: SchemaObjectName(.view, amounts.name)),
        ])

    static func compare(_ declared: Schema, _ reflected: Schema, dialect: SQLDialect = .postgresql) -> [Operation] {
        SchemaDiff.compare(declared: declared, reflected: reflected, dialect: dialect)
    }

    @Test func newViewsAreCreatedAfterTheTablesAndTheViewsTheyRead() {
        // Declared reader first: the order comes from what the queries mention.
        let declared = Schema(tables: [Self.table], views: [Self.positive, Self.amounts])
        let operations = Self.compare(declared, Schema())
        #expect(operations == [.createTable(Self.table), .createView(Self.amounts), .createView(Self.positive)])
    }

    @Test func matchingViewsGiveNothing() {
        let declared = Schema(tables: [Self.table], views: [Self.positive, Self.notes, Self.amounts])
        #expect(Self.compare(declared, Self.reflected).isEmpty)
        // Spelling differences that the database would print alike.
        var respelled = declared
        respelled.views[0].definition = "select id\n  from amounts   where amount > 0;"
        #expect(Self.compare(respelled, Self.reflected).isEmpty)
    }

    @Test func aColumnTypeChangeUnderViewsDropsAndRecreatesThemAroundIt() {
        var widened = Self.table
        widened.columns[1].type = .bigInteger
        let declared = Schema(tables: [widened], views: [Self.positive, Self.notes, Self.amounts])
        let operations = Self.compare(declared, Self.reflected)
        #expect(operations == [
            .dropView(Self.positive.name, materialized: false, definition: Self.positive.definition),
            .dropView(Self.amounts.name, materialized: false, definition: Self.amounts.definition),
            .alterColumn(Self.payments, column: "amount", changes: ColumnChanges(
                type: .bigInteger, existingType: .integer, existingNullable: true, existingDefault: .some(nil),
                existingComment: .some(nil))),
            .createView(Self.amounts),
            .createView(Self.positive),
        ])
        // The view on another column stays; the downgrade is the reverse and runs too.
        #expect(!operations.contains { if case .dropView(let name, _, _) = $0 { name == Self.notes.name } else { false } })
        let downgrade = operations.reversed().compactMap(\.reversed)
        #expect(downgrade.count == operations.count)
        #expect(downgrade.first == .dropView(Self.positive.name, materialized: false, definition: Self.positive.definition))
    }

    @Test func aChangedViewReplacesItAndTheViewsReadingIt() {
        var changed = Self.amounts
        changed.definition = "SELECT id, amount * 2 AS amount FROM payments"
        let declared = Schema(tables: [Self.table], views: [Self.positive, Self.notes, changed])
        #expect(Self.compare(declared, Self.reflected) == [
            .dropView(Self.positive.name, materialized: false, definition: Self.positive.definition),
            .dropView(Self.amounts.name, materialized: false, definition: Self.amounts.definition),
            .createView(changed),
            .createView(Self.positive),
        ])
    }

    @Test func removedViewsAreDroppedReadersFirstBeforeTheirTable() {
        let operations = Self.compare(Schema(), Self.reflected)
        let names = operations.map(\.title)
        #expect(names == [
            "dropView notes", "dropView positive", "dropView amounts", "dropTable payments",
        ])
    }

    @Test func normalizedDefinitionsFromTheDatabaseDecide() {
        var declared = Schema(tables: [Self.table], views: [Self.positive, Self.notes, Self.amounts])
        declared.views[2].definition = "SELECT payments.id, payments.amount FROM payments"
        #expect(!Self.compare(declared, Self.reflected).isEmpty)
        let operations = SchemaDiff.compare(
            declared: declared, reflected: Self.reflected, dialect: .postgresql,
            normalizedViews: [Self.amounts.name: Self.amounts.definition])
        #expect(operations.isEmpty)
    }

    @Test func materializedViewIndexesAreComparedAndCreatedAfterTheView() {
        let index = Index(name: "ix_totals", table: TableName("totals"), columns: ["id"], isUnique: true)
        let totals = View(TableName("totals"), definition: "SELECT id FROM payments", isMaterialized: true, indexes: [index])
        let created = Self.compare(Schema(tables: [Self.table], views: [totals]), Schema(tables: [Self.table]))
        var bare = totals
        bare.indexes = []
        #expect(created == [.createView(bare), .createIndex(index)])
        #expect(Self.compare(Schema(tables: [Self.table], views: [totals]), Schema(tables: [Self.table], views: [totals])).isEmpty)
        #expect(Self.compare(Schema(tables: [Self.table], views: [bare]), Schema(tables: [Self.table], views: [totals]))
            == [.dropIndex(name: "ix_totals", table: totals.name, definition: index)])
    }

    @Test func triggersAreCreatedLastAndDroppedFirst() {
        let trigger = Trigger("log", on: Self.payments, definition: "CREATE TRIGGER log AFTER INSERT ON payments BEGIN SELECT 1; END")
        let created = Self.compare(Schema(tables: [Self.table], triggers: [trigger]), Schema(), dialect: .sqlite)
        #expect(created == [.createTable(Self.table), .createTrigger(trigger)])
        #expect(Self.compare(Schema(tables: [Self.table], triggers: [trigger]), Schema(tables: [Self.table], triggers: [trigger]), dialect: .sqlite).isEmpty)
        let dropped = Self.compare(Schema(), Schema(tables: [Self.table], triggers: [trigger]), dialect: .sqlite)
        #expect(dropped.map(\.title) == ["dropTrigger log on payments", "dropTable payments"])
        var changed = trigger
        changed.definition = "CREATE TRIGGER log AFTER UPDATE ON payments BEGIN SELECT 1; END"
        #expect(Self.compare(Schema(tables: [Self.table], triggers: [changed]), Schema(tables: [Self.table], triggers: [trigger]), dialect: .sqlite)
            == [.dropTrigger(name: "log", table: Self.payments, definition: trigger.definition), .createTrigger(changed)])
    }

    @Test func sqliteViewsAreOrderedByTheNamesTheyMention() {
        // SQLite reports no dependencies: they are read from the queries.
        let reflected = Schema(tables: [Self.table], views: [Self.positive, Self.amounts])
        #expect(Self.compare(Schema(tables: [Self.table]), reflected, dialect: .sqlite).map(\.title)
            == ["dropView positive", "dropView amounts"])
    }

    @Test func sequencesComeBeforeTablesAndGoAfterThem() {
        let numbers = DatabaseSequence(TableName("numbers"), start: 1000)
        let owned = DatabaseSequence(TableName("payments_note_seq"), ownerTable: Self.payments, ownerColumn: "note")
        let created = Self.compare(Schema(tables: [Self.table], sequences: [numbers, owned]), Schema())
        #expect(created == [
            .createSequence(numbers), .createSequence(owned.withoutOwner), .createTable(Self.table),
            .alterSequence(owned, previous: owned.withoutOwner),
        ])
        let reflected = Schema(tables: [Self.table], sequences: [numbers.effective, owned.effective])
        #expect(Self.compare(Schema(tables: [Self.table], sequences: [numbers, owned]), reflected).isEmpty)
        let dropped = Self.compare(Schema(), reflected)
        #expect(dropped.map(\.title) == [
            "alterSequence payments_note_seq", "dropTable payments", "dropSequence numbers", "dropSequence payments_note_seq",
        ])
        var faster = numbers
        faster.increment = 10
        #expect(Self.compare(Schema(tables: [Self.table], sequences: [faster, owned]), reflected)
            == [.alterSequence(faster, previous: numbers.effective)])
        // Each is reversible, so the downgrade is the reverse.
        #expect(dropped.allSatisfy { $0.reversed != nil })
    }

    @Test func domainsComeBeforeTheTablesUsingThemAndAreAlteredInPlace() {
        let year = Domain(
            TableName("year"), baseType: .integer, checks: [CheckConstraint(expression: "VALUE >= 1901")])
        let films = Table(TableName("films"), columns: [Column("id", .integer, isPrimaryKey: true), Column("released", .custom("year"))])
        let created = Self.compare(Schema(tables: [films], domains: [year]), Schema())
        #expect(created == [.createDomain(year), .createTable(films)])
        let reflectedYear = Domain(
            TableName("year"), baseType: .integer, checks: [CheckConstraint(name: "year_check", expression: "(VALUE >= 1901)")])
        let reflected = Schema(tables: [films], domains: [reflectedYear])
        #expect(Self.compare(Schema(tables: [films], domains: [year]), reflected).isEmpty)
        var defaulted = year
        defaulted.defaultValue = .integer(2000)
        var expected = defaulted
        expected.checks = reflectedYear.checks
        #expect(Self.compare(Schema(tables: [films], domains: [defaulted]), reflected)
            == [.alterDomain(expected, previous: reflectedYear)])
        #expect(Self.compare(Schema(), reflected).map(\.title) == ["dropTable films", "dropDomain year"])
    }

    // MARK: Functions

    static func function(_ body: String, returns: String = "integer", arguments: String = "n integer") -> Function {
        Function(definition: "CREATE OR REPLACE FUNCTION bump(\(arguments))\n RETURNS \(returns)\n LANGUAGE sql\nAS $function$\(body)$function$")!
    }

    @Test func aFunctionIsCreatedBeforeTheTableWhoseDefaultCallsItAndDroppedAfterIt() {
        let bump = Self.function("SELECT n + 1")
        let counters = Table(
            TableName("counters"),
            columns: [Column("id", .integer, isPrimaryKey: true), Column("n", .integer, defaultValue: .expression("bump(0)"))])
        let created = Self.compare(Schema(tables: [counters], functions: [bump]), Schema())
        #expect(created == [.createFunction(bump), .createTable(counters)])
        let reflected = Schema(
            tables: [counters], functions: [bump],
            dependencies: [
                ObjectDependency(
                    SchemaObjectName(.columnDefault, counters.name, member: "n"),
                    on: SchemaObjectName(.function, bump.name, member: "integer"))
            ])
        #expect(Self.compare(Schema(tables: [counters], functions: [bump]), reflected).isEmpty)
        #expect(Self.compare(Schema(), reflected).map(\.title) == ["dropTable counters", "dropFunction bump(integer)"])
    }

    @Test func aFunctionWhoseSQLBodyReadsANewTableComesAfterIt() {
        let total = Function(
            definition: "CREATE FUNCTION total() RETURNS bigint LANGUAGE sql AS $$ SELECT sum(amount) FROM payments $$")!
        let operations = Self.compare(Schema(tables: [Self.table], functions: [total]), Schema())
        #expect(operations == [.createTable(Self.table), .createFunction(total)])
    }

    @Test func aChangedBodyIsReplacedInPlace() {
        let old = Self.function("SELECT n + 1")
        let new = Self.function("SELECT n + 2")
        let operations = Self.compare(Schema(functions: [new]), Schema(functions: [old]))
        #expect(operations == [.replaceFunction(new, previous: old)])
        #expect(operations.map(\.reversed) == [.replaceFunction(old, previous: new)])
    }

    @Test func aNewResultTypeDropsAndRecreatesTheFunctionAroundItsTriggerViewDefaultAndCheck() {
        let old = Self.function("SELECT n + 1")
        let new = Self.function("SELECT n + 1", returns: "bigint")
        let counters = Table(
            TableName("counters"),
            columns: [Column("id", .integer, isPrimaryKey: true), Column("n", .integer, defaultValue: .expression("bump(0)"))],
            checkConstraints: [CheckConstraint(name: "n_bumped", expression: "bump(n) > 0")])
        let trigger = Trigger(
            "counters_bump", on: counters.name,
            definition: "CREATE TRIGGER counters_bump BEFORE INSERT ON counters FOR EACH ROW EXECUTE FUNCTION bump_row()")
        let view = View(TableName("bumped"), definition: "SELECT bump(n) AS b FROM counters")
        let uses: [SchemaObjectName] = [
            SchemaObjectName(.trigger, counters.name, member: "counters_bump"), SchemaObjectName(.view, view.name),
            SchemaObjectName(.columnDefault, counters.name, member: "n"),
            SchemaObjectName(.check, counters.name, member: "n_bumped"),
        ]
        let reflected = Schema(
            tables: [counters], views: [view], triggers: [trigger], functions: [old],
            dependencies: uses.map { ObjectDependency($0, on: SchemaObjectName(.function, old.name, member: "integer")) })
        let declared = Schema(tables: [counters], views: [view], triggers: [trigger], functions: [new])
        let operations = Self.compare(declared, reflected)
        #expect(operations.map(\.title) == [
            "dropTrigger counters_bump on counters", "dropView bumped", "alterColumn counters.n",
            "dropConstraint n_bumped (check) on counters", "dropFunction bump(integer)", "createFunction bump(integer)",
            "alterColumn counters.n", "createCheckConstraint n_bumped on counters", "createView bumped",
            "createTrigger counters_bump on counters",
        ])
        // New argument names are a drop and a create too (same argument types: the same function).
        let renamed = Self.function("SELECT m + 1", arguments: "m integer")
        #expect(Self.compare(Schema(functions: [renamed]), Schema(functions: [old])).map(\.title) == [
            "dropFunction bump(integer)", "createFunction bump(integer)",
        ])
    }

    @Test func overloadsAreDistinctFunctions() {
        let one = Self.function("SELECT n + 1")
        let two = Self.function("SELECT n + m", arguments: "n integer, m integer")
        #expect(Self.compare(Schema(functions: [one, two]), Schema(functions: [one])) == [.createFunction(two)])
        #expect(Self.compare(Schema(functions: [two]), Schema(functions: [one, two])).map(\.title) == [
            "dropFunction bump(integer)"
        ])
    }

    @Test func aFunctionFilterLeavesFunctionsMadeByHandAlone() {
        let handMade = Self.function("SELECT n + 1")
        let everything = SchemaComparisonOptions(exclude: [SchemaObjectFilter(.function, "*")])
        #expect(SchemaDiff.compare(
            declared: Schema(), reflected: Schema(functions: [handMade]), dialect: .postgresql, options: everything) == [])
        let others = SchemaComparisonOptions(exclude: [SchemaObjectFilter(.function, "legacy_*")])
        #expect(SchemaDiff.compare(
            declared: Schema(), reflected: Schema(functions: [handMade]), dialect: .postgresql, options: others
        ).map(\.title) == ["dropFunction bump(integer)"])
    }

    @Test func functionHeadersGiveNameKindAndInputTypes() {
        let header = FunctionHeader(
            "create or replace procedure \"Audit\".archive(IN why text, days int DEFAULT 30, OUT n integer, v numeric(10, 2) = 1.5) language sql as $$ select 1 $$")
        #expect(header?.name == TableName("archive", schema: "Audit"))
        #expect(header?.isProcedure == true)
        #expect(header?.argumentTypes == "text, integer, numeric(10, 2)")
        #expect(FunctionHeader("CREATE FUNCTION f(double precision, timestamp with time zone) RETURNS int AS 'x'")?.argumentTypes
            == "double precision, timestamp with time zone")
        #expect(FunctionHeader("CREATE TABLE f (a int)") == nil)
    }
}
