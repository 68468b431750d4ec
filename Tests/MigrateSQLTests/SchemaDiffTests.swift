import MigrateCore
import MigrateSQL
import Testing

/// The comparator without a database: each change alone, in combination, the order of the
/// operations, the filters, and the normalisation that keeps equivalent spellings equal.
@Suite struct SchemaDiffTests {
    static let accounts = TableName("accounts")
    static let orders = TableName("orders")

    static let accountsTable = Table(
        accounts,
        columns: [
            Column("id", .integer, isPrimaryKey: true, isIdentity: true),
            Column("email", .string(length: 255), isNullable: false),
            Column("name", .text, comment: "shown"),
        ],
        uniqueConstraints: [UniqueConstraint(columns: ["email"])],
        comment: "people")

    static let ordersTable = Table(
        orders,
        columns: [
            Column("id", .integer, isPrimaryKey: true),
            Column("account_id", .integer, isNullable: false),
            Column("total", .numeric(precision: 10, scale: 2), defaultValue: .integer(0)),
        ],
        foreignKeys: [ForeignKey(columns: ["account_id"], references: accounts, referencedColumns: ["id"])],
        checkConstraints: [CheckConstraint(name: "ck_total", expression: "total >= 0")],
        indexes: [Index(name: "ix_orders_account", table: orders, columns: ["account_id"])])

    static let base = Schema(tables: [accountsTable, ordersTable])

    /// One change to the declaration and the operations it must produce against `base`.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        var dialect: SQLDialect = .postgresql
        var options = SchemaComparisonOptions()
        let change: @Sendable (inout Schema) -> Void
        let expected: [Operation]

        var testDescription: String { name }
    }

    static func editing(_ table: TableName, _ edit: @escaping @Sendable (inout Table) -> Void) -> @Sendable (inout Schema) -> Void {
        { schema in
            let position = schema.tables.firstIndex { $0.name == table }!
            edit(&schema.tables[position])
        }
    }

    static let droppedIdentity: ColumnChanges = {
        var changes = ColumnChanges(
            existingType: .integer, existingNullable: false, existingDefault: .some(nil), existingComment: .some(nil))
        changes.identity = .some(nil)
        changes.existingIdentity = .some(.byDefault)
        return changes
    }()

    static let tags = Table(
        TableName("tags"),
        columns: [Column("id", .integer, isPrimaryKey: true), Column("label", .text)],
        foreignKeys: [ForeignKey(columns: ["id"], references: accounts, referencedColumns: ["id"])],
        indexes: [Index(name: "ix_tags_label", table: TableName("tags"), columns: ["label"])])

    static let singleChanges: [Case] = [
        Case(name: "nothing", change: { _ in }, expected: []),
        Case(
            name: "added table, its index after it", change: { $0.tables.append(tags) },
            expected: [
                .createTable(Table(tags.name, columns: tags.columns, foreignKeys: tags.foreignKeys)),
                .createIndex(tags.indexes[0]),
            ]),
        Case(
            name: "removed table, its indexes first", change: { $0.tables.removeLast() },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .dropTable(
                    orders,
                    definition: Table(
                        orders, columns: ordersTable.columns, foreignKeys: reflectedBase.tables[1].foreignKeys,
                        checkConstraints: reflectedBase.tables[1].checkConstraints)),
            ]),
        Case(
            name: "added column", change: editing(orders) { $0.columns.append(Column("note", .text)) },
            expected: [.addColumn(orders, Column("note", .text))]),
        Case(
            name: "removed column", change: editing(orders) { $0.columns.removeLast() },
            expected: [.dropColumn(orders, column: "total", definition: ordersTable.columns[2])]),
        Case(
            name: "nullability", change: editing(accounts) { $0.columns[1].isNullable = true },
            expected: [
                .alterColumn(
                    accounts, column: "email",
                    changes: ColumnChanges(
                        isNullable: true, existingType: .string(length: 255), existingNullable: false,
                        existingDefault: .some(nil), existingComment: .some(nil)))
            ]),
        Case(
            name: "type", change: editing(accounts) { $0.columns[1].type = .string(length: 320) },
            expected: [
                .alterColumn(
                    accounts, column: "email",
                    changes: ColumnChanges(
                        type: .string(length: 320), existingType: .string(length: 255), existingNullable: false,
                        existingDefault: .some(nil), existingComment: .some(nil)))
            ]),
        Case(
            name: "type, when types are not compared", options: SchemaComparisonOptions(compareTypes: false),
            change: editing(accounts) { $0.columns[1].type = .text }, expected: []),
        Case(
            name: "server default, when compared", options: SchemaComparisonOptions(compareServerDefaults: true),
            change: editing(orders) { $0.columns[2].defaultValue = .double(1.5) },
            expected: [
                .alterColumn(
                    orders, column: "total",
                    changes: ColumnChanges(
                        defaultValue: .some(.double(1.5)), existingType: .numeric(precision: 10, scale: 2),
                        existingNullable: true, existingDefault: .some(.integer(0)), existingComment: .some(nil)))
            ]),
        Case(
            name: "server default, off by default", change: editing(orders) { $0.columns[2].defaultValue = nil },
            expected: []),
        Case(
            name: "column comment", change: editing(accounts) { $0.columns[2].comment = "hidden" },
            expected: [
                .alterColumn(
                    accounts, column: "name",
                    changes: ColumnChanges(
                        comment: .some("hidden"), existingType: .text, existingNullable: true,
                        existingDefault: .some(nil), existingComment: .some("shown")))
            ]),
        Case(
            name: "comments, where the dialect has none", dialect: .sqlite,
            change: editing(accounts) {
                $0.columns[2].comment = nil
                $0.comment = nil
            }, expected: []),
        Case(
            name: "table comment", change: editing(accounts) { $0.comment = nil },
            expected: [.setTableComment(accounts, comment: nil, previous: "people")]),
        Case(
            name: "added index",
            change: editing(accounts) {
                $0.indexes.append(Index(name: "ix_name", table: accounts, columns: ["name"], predicate: "name IS NOT NULL"))
            },
            expected: [
                .createIndex(Index(name: "ix_name", table: accounts, columns: ["name"], predicate: "name IS NOT NULL"))
            ]),
        Case(
            name: "removed index", change: editing(orders) { $0.indexes = [] },
            expected: [.dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0])]),
        Case(
            name: "changed index", change: editing(orders) { $0.indexes[0].isUnique = true },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .createIndex(Index(name: "ix_orders_account", table: orders, columns: ["account_id"], isUnique: true)),
            ]),
        Case(
            name: "added unique constraint, named the way PostgreSQL would",
            change: editing(accounts) { $0.uniqueConstraints.append(UniqueConstraint(columns: ["name", "email"])) },
            expected: [
                .createUniqueConstraint(accounts, UniqueConstraint(name: "accounts_name_email_key", columns: ["name", "email"]))
            ]),
        Case(
            name: "removed unique constraint", change: editing(accounts) { $0.uniqueConstraints = [] },
            expected: [.dropConstraint(accounts, name: "accounts_email_key", kind: .unique)]),
        Case(
            name: "added foreign key",
            change: editing(accounts) {
                $0.columns.append(Column("referrer_id", .integer))
                $0.foreignKeys.append(
                    ForeignKey(columns: ["referrer_id"], references: accounts, referencedColumns: ["id"], onDelete: .setNull))
            },
            expected: [
                .addColumn(accounts, Column("referrer_id", .integer)),
                .createForeignKey(
                    accounts,
                    ForeignKey(
                        name: "accounts_referrer_id_fkey", columns: ["referrer_id"], references: accounts,
                        referencedColumns: ["id"], onDelete: .setNull)),
            ]),
        Case(
            name: "removed foreign key", change: editing(orders) { $0.foreignKeys = [] },
            expected: [.dropConstraint(orders, name: "orders_account_id_fkey", kind: .foreignKey)]),
        Case(
            name: "changed foreign key action", change: editing(orders) { $0.foreignKeys[0].onDelete = .cascade },
            expected: [
                .dropConstraint(orders, name: "orders_account_id_fkey", kind: .foreignKey),
                .createForeignKey(
                    orders,
                    ForeignKey(
                        name: "orders_account_id_fkey", columns: ["account_id"], references: accounts,
                        referencedColumns: ["id"], onDelete: .cascade)),
            ]),
        Case(
            name: "NO ACTION is no action", change: editing(orders) { $0.foreignKeys[0].onUpdate = .noAction },
            expected: []),
        Case(
            name: "added check constraint",
            change: editing(orders) { $0.checkConstraints.append(CheckConstraint(expression: "id > 0")) },
            expected: [.createCheckConstraint(orders, CheckConstraint(name: "orders_check", expression: "id > 0"))]),
        Case(
            name: "removed check constraint", change: editing(orders) { $0.checkConstraints = [] },
            expected: [.dropConstraint(orders, name: "ck_total", kind: .check)]),
        Case(
            name: "primary key",
            change: editing(orders) {
                $0.columns[0].isPrimaryKey = false
                $0.columns[1].isPrimaryKey = true
                $0.primaryKeyName = "pk_orders"
            },
            expected: [
                .dropConstraint(orders, name: "orders_pkey", kind: .primaryKey),
                // No longer the lone integer key, id is no longer numbered.
                .alterColumn(orders, column: "id", changes: droppedIdentity),
                .createPrimaryKey(orders, name: "pk_orders", columns: ["account_id"]),
            ]),
        Case(
            name: "primary key order",
            change: editing(orders) {
                $0.columns[1].isPrimaryKey = true
                $0.primaryKeyOrder = ["account_id", "id"]
                $0.primaryKeyName = "pk_orders"
            },
            expected: [
                .dropConstraint(orders, name: "orders_pkey", kind: .primaryKey),
                // No longer the lone integer key, id is no longer numbered.
                .alterColumn(orders, column: "id", changes: droppedIdentity),
                .createPrimaryKey(orders, name: "pk_orders", columns: ["account_id", "id"]),
            ]),
        Case(
            name: "index access method",
            change: editing(orders) { $0.indexes[0].method = "hash" },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .createIndex(Index(name: "ix_orders_account", table: orders, keys: [.column("account_id")], method: "hash")),
            ]),
        Case(
            name: "btree is no access method", change: editing(orders) { $0.indexes[0].method = "BTREE" }, expected: []),
        Case(
            name: "index INCLUDE columns",
            change: editing(orders) { $0.indexes[0].include = ["total"] },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .createIndex(Index(name: "ix_orders_account", table: orders, keys: [.column("account_id")], include: ["total"])),
            ]),
        Case(
            name: "descending index key",
            change: editing(orders) { $0.indexes[0].keys = [.column("account_id", descending: true)] },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .createIndex(Index(name: "ix_orders_account", table: orders, keys: [.column("account_id", descending: true)])),
            ]),
        Case(
            name: "NULLS LAST ascending is the default",
            change: editing(orders) { $0.indexes[0].keys = [.column("account_id", nulls: .last)] }, expected: []),
        Case(
            name: "index key operator class and collation",
            change: editing(orders) { $0.indexes[0].keys = [.column("account_id", collation: "C", operatorClass: "int4_ops")] },
            expected: [
                .dropIndex(name: "ix_orders_account", table: orders, definition: ordersTable.indexes[0]),
                .createIndex(Index(
                    name: "ix_orders_account", table: orders,
                    keys: [.column("account_id", collation: "C", operatorClass: "int4_ops")])),
            ]),
        Case(
            name: "deferrable foreign key",
            change: editing(orders) { $0.foreignKeys[0].deferrable = .deferred },
            expected: [
                .dropConstraint(orders, name: "orders_account_id_fkey", kind: .foreignKey),
                .createForeignKey(
                    orders,
                    ForeignKey(
                        name: "orders_account_id_fkey", columns: ["account_id"], references: accounts,
                        referencedColumns: ["id"], deferrable: .deferred)),
            ]),
        Case(
            name: "foreign key MATCH FULL",
            change: editing(orders) { $0.foreignKeys[0].match = .full },
            expected: [
                .dropConstraint(orders, name: "orders_account_id_fkey", kind: .foreignKey),
                .createForeignKey(
                    orders,
                    ForeignKey(
                        name: "orders_account_id_fkey", columns: ["account_id"], references: accounts,
                        referencedColumns: ["id"], match: .full)),
            ]),
        Case(
            name: "check condition changed under its name, conditions compared",
            options: SchemaComparisonOptions(compareCheckConditions: true),
            change: editing(orders) { $0.checkConstraints[0].expression = "total > 10" },
            expected: [
                .dropConstraint(orders, name: "ck_total", kind: .check),
                .createCheckConstraint(orders, CheckConstraint(name: "ck_total", expression: "total > 10")),
            ]),
        Case(
            name: "check condition changed under its name, conditions not compared",
            change: editing(orders) { $0.checkConstraints[0].expression = "total > 10" }, expected: []),
        Case(
            name: "now() is the current timestamp",
            options: SchemaComparisonOptions(compareServerDefaults: true),
            change: editing(orders) { $0.columns.append(Column("at", .dateTime(timezone: true), defaultValue: .expression("now()"))) },
            expected: [.addColumn(orders, Column("at", .dateTime(timezone: true), defaultValue: .expression("now()")))]),
    ]

    /// A unique constraint and a plain unique index on the same columns are one rule: neither
    /// side's spelling makes autogenerate drop the other's.
    @Test func uniqueConstraintAndUniqueIndexOnTheSameColumnsAreNotReplaced() {
        var asIndex = Self.base
        asIndex.tables[0].uniqueConstraints = []
        asIndex.tables[0].indexes = [Index(name: "ix_accounts_email", table: Self.accounts, columns: ["email"], isUnique: true)]
        #expect(SchemaDiff.compare(declared: asIndex, reflected: Self.reflectedBase, dialect: .postgresql).isEmpty)
        #expect(SchemaDiff.compare(declared: Self.base, reflected: asIndex, dialect: .postgresql).isEmpty)

        // A partial or non-unique index is another rule.
        var partial = asIndex
        partial.tables[0].indexes[0].predicate = "email <> ''"
        #expect(!SchemaDiff.compare(declared: Self.base, reflected: partial, dialect: .postgresql).isEmpty)
    }

    /// The current timestamp matches however each side spells it.
    @Test(arguments: [ServerDefault.expression("now()"), .expression("CURRENT_TIMESTAMP"), .currentTimestamp])
    func currentTimestampSpellingsAreOneDefault(_ spelling: ServerDefault) {
        var declared = Self.base
        declared.tables[1].columns.append(Column("at", .dateTime(timezone: true), defaultValue: .currentTimestamp))
        var reflected = Self.reflectedBase
        reflected.tables[1].columns.append(Column("at", .dateTime(timezone: true), defaultValue: spelling))
        let operations = SchemaDiff.compare(
            declared: declared, reflected: reflected, dialect: .postgresql,
            options: SchemaComparisonOptions(compareServerDefaults: true))
        #expect(operations.isEmpty)
    }

    /// What the database holds for `base`, in the words PostgreSQL reflection uses.
    static var reflectedBase: Schema {
        var schema = base
        schema.tables[0].uniqueConstraints[0].name = "accounts_email_key"
        schema.tables[1].foreignKeys[0].name = "orders_account_id_fkey"
        schema.tables[1].checkConstraints[0].expression = "(total >= (0)::numeric)"
        return schema
    }

    @Test(arguments: singleChanges)
    func detectsOneChange(_ test: Case) {
        var declared = Self.base
        test.change(&declared)
        let operations = SchemaDiff.compare(
            declared: declared, reflected: Self.reflectedBase, dialect: test.dialect, options: test.options)
        #expect(operations == test.expected)
    }

    @Test(arguments: singleChanges)
    func everyOperationButADroppedConstraintHasAReverse(_ test: Case) {
        var declared = Self.base
        test.change(&declared)
        let operations = SchemaDiff.compare(
            declared: declared, reflected: Self.reflectedBase, dialect: test.dialect, options: test.options)
        for operation in operations {
            if case .dropConstraint = operation { continue }
            #expect(operation.reversed != nil, "\(operation)")
        }
    }

    @Test func changesCombineInDependencyOrder() {
        var declared = Self.base
        // A new table pointing at the kept accounts, a new column with a key to the new table,
        // a changed type, a dropped index and a dropped column, all at once.
        declared.tables.append(Self.tags)
        declared.tables[1].columns.append(Column("tag_id", .integer))
        declared.tables[1].foreignKeys.append(
            ForeignKey(name: "fk_orders_tag", columns: ["tag_id"], references: TableName("tags"), referencedColumns: ["id"]))
        declared.tables[1].columns[2].type = .double
        declared.tables[1].indexes = []
        declared.tables[0].columns.remove(at: 2)
        let operations = SchemaDiff.compare(declared: declared, reflected: Self.reflectedBase, dialect: .postgresql)
        #expect(
            operations == [
                .createTable(Table(Self.tags.name, columns: Self.tags.columns, foreignKeys: Self.tags.foreignKeys)),
                .createIndex(Self.tags.indexes[0]),
                .dropIndex(name: "ix_orders_account", table: Self.orders, definition: Self.ordersTable.indexes[0]),
                .addColumn(Self.orders, Column("tag_id", .integer)),
                .alterColumn(
                    Self.orders, column: "total",
                    changes: ColumnChanges(
                        type: .double, existingType: .numeric(precision: 10, scale: 2), existingNullable: true,
                        existingDefault: .some(.integer(0)), existingComment: .some(nil))),
                .createForeignKey(
                    Self.orders,
                    ForeignKey(name: "fk_orders_tag", columns: ["tag_id"], references: TableName("tags"), referencedColumns: ["id"])),
                .dropColumn(Self.accounts, column: "name", definition: Self.accountsTable.columns[2]),
            ])
    }

    static func table(_ name: String, pointingAt targets: [String]) -> Table {
        Table(
            TableName(name),
            columns: [Column("id", .integer, isPrimaryKey: true)] + targets.map { Column("\($0)_id", .integer) },
            foreignKeys: targets.map {
                ForeignKey(name: "fk_\(name)_\($0)", columns: ["\($0)_id"], references: TableName($0), referencedColumns: ["id"])
            })
    }

    @Test func newTablesComeAfterTheTablesTheyReference() {
        let declared = Schema(tables: [
            Self.table("c", pointingAt: ["b"]), Self.table("b", pointingAt: ["a", "b"]), Self.table("a", pointingAt: []),
        ])
        let operations = SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: .postgresql)
        #expect(operations == [declared.tables[2], declared.tables[1], declared.tables[0]].map(Operation.createTable))
    }

    @Test func aCycleOfNewTablesGetsItsForwardKeysAfterwards() {
        let declared = Schema(tables: [Self.table("a", pointingAt: ["b"]), Self.table("b", pointingAt: ["a"])])
        let operations = SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: .postgresql)
        var a = declared.tables[0]
        a.foreignKeys = []
        #expect(
            operations == [
                .createTable(a), .createTable(declared.tables[1]),
                .createForeignKey(TableName("a"), declared.tables[0].foreignKeys[0]),
            ])
    }

    @Test func droppedTablesGoBeforeTheTablesTheyReference() {
        let reflected = Schema(tables: [
            Self.table("a", pointingAt: []), Self.table("b", pointingAt: ["a"]), Self.table("c", pointingAt: ["b", "a"]),
        ])
        let operations = SchemaDiff.compare(declared: Schema(), reflected: reflected, dialect: .postgresql)
        #expect(
            operations == [reflected.tables[2], reflected.tables[1], reflected.tables[0]].map {
                .dropTable($0.name, definition: $0)
            })
    }

    @Test func aCycleOfDroppedTablesLosesItsKeyFirst() {
        let reflected = Schema(tables: [Self.table("a", pointingAt: ["b"]), Self.table("b", pointingAt: ["a"])])
        let operations = SchemaDiff.compare(declared: Schema(), reflected: reflected, dialect: .postgresql)
        var b = reflected.tables[1]
        b.foreignKeys = []
        #expect(
            operations == [
                .dropConstraint(TableName("b"), name: "fk_b_a", kind: .foreignKey),
                .dropTable(TableName("a"), definition: reflected.tables[0]),
                .dropTable(TableName("b"), definition: b),
            ])
    }

    @Test func excludedTablesAreLeftAlone() {
        let reflected = Schema(tables: [
            Self.table("spatial_ref_sys", pointingAt: []), Self.table("audit_2024", pointingAt: []),
            Self.table("audit", pointingAt: []),
        ])
        let options = SchemaComparisonOptions(excludeTables: ["spatial_*", "audit_????"])
        let operations = SchemaDiff.compare(declared: Schema(), reflected: reflected, dialect: .postgresql, options: options)
        #expect(operations == [.dropTable(TableName("audit"), definition: reflected.tables[2])])
    }

    @Test func onlyIncludedSchemasAndTheDefaultOneAreCompared() {
        let reflected = Schema(tables: [
            Table(TableName("kept", schema: "inventory"), columns: [Column("id", .integer)]),
            Table(TableName("other", schema: "archive"), columns: [Column("id", .integer)]),
            Table(TableName("plain"), columns: [Column("id", .integer)]),
        ])
        let declared = Schema(tables: [Table(TableName("plain", schema: "public"), columns: [Column("id", .integer)])])
        let options = SchemaComparisonOptions(includeSchemas: ["inventory"], defaultSchema: "public")
        let operations = SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: options)
        #expect(operations == [.dropTable(TableName("kept", schema: "inventory"), definition: reflected.tables[0])])
        let qualifiedExclusion = SchemaComparisonOptions(
            includeSchemas: ["inventory"], excludeTables: ["inventory.*"], defaultSchema: "public")
        #expect(
            SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: qualifiedExclusion)
                == [])
    }

    @Test func everySchemaButTheSystemOnesIsComparedWhenAllAreIncluded() {
        let reflected = Schema(tables: [
            Table(TableName("kept", schema: "inventory"), columns: [Column("id", .integer)]),
            Table(TableName("other", schema: "archive"), columns: [Column("id", .integer)]),
            Table(TableName("catalog", schema: "pg_catalog"), columns: [Column("id", .integer)]),
            Table(TableName("views", schema: "information_schema"), columns: [Column("id", .integer)]),
        ])
        let options = SchemaComparisonOptions(includeSchemas: .all, defaultSchema: "public")
        let operations = SchemaDiff.compare(declared: Schema(), reflected: reflected, dialect: .postgresql, options: options)
        #expect(operations.count == 2)
        #expect(Set(operations.compactMap { operation -> TableName? in
            if case .dropTable(let name, _) = operation { return name }
            return nil
        }) == [TableName("kept", schema: "inventory"), TableName("other", schema: "archive")])
        let schemaFilter = SchemaComparisonOptions(
            includeSchemas: .all, exclude: [SchemaObjectFilter(.schema, "arch*")], defaultSchema: "public")
        #expect(SchemaDiff.compare(declared: Schema(), reflected: reflected, dialect: .postgresql, options: schemaFilter)
            == [.dropTable(TableName("kept", schema: "inventory"), definition: reflected.tables[0])])
    }

    /// `include`/`exclude` leave objects alone on both sides: an excluded column, index or
    /// constraint that differs is no difference, and an include list narrows a kind to its matches.
    @Test func objectFiltersApplyToTheModelsAndTheDatabaseAlike() {
        let reflected = Schema(tables: [
            Table(
                TableName("items"), columns: [Column("id", .integer, isPrimaryKey: true), Column("legacy_code", .text)],
                foreignKeys: [ForeignKey(name: "fk_items_old", columns: ["id"], references: TableName("old"), referencedColumns: ["id"])],
                uniqueConstraints: [UniqueConstraint(name: "uq_items_tmp", columns: ["legacy_code"])],
                indexes: [Index(name: "ix_tmp_code", table: TableName("items"), columns: ["legacy_code"])]),
            Table(TableName("audit_log"), columns: [Column("id", .integer)]),
            Table(TableName("old"), columns: [Column("id", .integer, isPrimaryKey: true)]),
        ])
        let declared = Schema(tables: [
            Table(TableName("items"), columns: [Column("id", .integer, isPrimaryKey: true), Column("name", .text)],
                  indexes: [Index(name: "ix_items_name", table: TableName("items"), columns: ["name"])]),
            Table(TableName("old"), columns: [Column("id", .integer, isPrimaryKey: true)]),
        ])
        let everything = SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql)
        #expect(everything.count > 4)
        let options = SchemaComparisonOptions(exclude: [
            SchemaObjectFilter(.table, "audit_*"), SchemaObjectFilter(.column, "items.legacy_*"),
            SchemaObjectFilter(.index, "ix_tmp_*"), SchemaObjectFilter(.uniqueConstraint, "uq_*_tmp"),
            SchemaObjectFilter(.foreignKeyConstraint, "fk_items_old"), SchemaObjectFilter(.column, "name"),
            SchemaObjectFilter(.index, "ix_items_name"),
        ])
        #expect(SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: options) == [])
        let onlyIndexes = SchemaComparisonOptions(include: [SchemaObjectFilter(.index, "ix_items_*")], exclude: [
            SchemaObjectFilter(.table, "audit_*"), SchemaObjectFilter(.column, "items.*_code"), SchemaObjectFilter(.column, "name"),
            SchemaObjectFilter(.uniqueConstraint, "*"), SchemaObjectFilter(.foreignKeyConstraint, "*"),
        ])
        #expect(SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql, options: onlyIndexes)
            == [.createIndex(declared.tables[0].indexes[0])])
    }

    @Test func uncheckedNamesAndSpellingsMatch() {
        // What PostgreSQL reflects for a declaration that left constraint names to the database.
        let declared = Schema(tables: [
            Table(
                TableName("items"),
                columns: [Column("id", .integer, isPrimaryKey: true), Column("qty", .integer), Column("sku", .text)],
                checkConstraints: [CheckConstraint(expression: "qty > 0"), CheckConstraint(expression: "sku <> ''")],
                indexes: [Index(name: "ix_sku", table: TableName("items"), keys: [.expression("lower(sku)")],
                                predicate: "qty > 0")])
        ])
        let reflected = Schema(tables: [
            Table(
                TableName("items"),
                columns: [
                    Column("id", .custom("int4"), isPrimaryKey: true, isIdentity: true), Column("qty", .custom("INTEGER")),
                    Column("sku", .custom("text")),
                ],
                primaryKeyName: "items_pkey",
                checkConstraints: [
                    CheckConstraint(name: "items_qty_check", expression: "(qty > 0)"),
                    CheckConstraint(name: "items_sku_check", expression: "sku <> ''::text"),
                ],
                indexes: [Index(name: "ix_sku", table: TableName("items"), keys: [.expression("lower(sku::text)")],
                                predicate: "(qty > 0)")])
        ])
        #expect(SchemaDiff.compare(declared: declared, reflected: reflected, dialect: .postgresql) == [])
    }

    // MARK: - Normalisation

    static let equivalentTypes: [(ColumnType, ColumnType)] = [
        (.integer, .custom("int4")), (.integer, .custom("INTEGER")), (.bigInteger, .custom("int8")),
        (.smallInteger, .custom("int2")), (.string(length: nil), .custom("character varying")),
        (.string(length: 50), .custom("varchar(50)")), (.string(length: 50), .custom("Character Varying (50)")),
        (.numeric(precision: 10, scale: nil), .numeric(precision: 10, scale: 0)),
        (.numeric(precision: 10, scale: 2), .custom("numeric(10,2)")), (.dateTime(timezone: true), .custom("timestamptz")),
        (.dateTime(timezone: false), .custom("timestamp without time zone")), (.boolean, .custom("bool")),
        (.double, .custom("float8")), (.float, .custom("real")), (.binary, .custom("bytea")),
        (.custom("point"), .custom("POINT")), (.custom("integer[]"), .custom("INTEGER []")),
    ]

    @Test(arguments: equivalentTypes)
    func equivalentTypeSpellingsCompareEqual(_ declared: ColumnType, _ reflected: ColumnType) {
        #expect(SQLDialect.postgresql.comparableType(declared) == SQLDialect.postgresql.comparableType(reflected))
    }

    @Test func typesThatDifferStillDiffer() {
        let dialect = SQLDialect.postgresql
        #expect(dialect.comparableType(.string(length: 50)) != dialect.comparableType(.string(length: 51)))
        #expect(dialect.comparableType(.dateTime(timezone: true)) != dialect.comparableType(.dateTime(timezone: false)))
        #expect(dialect.comparableType(.custom("char(36)")) != dialect.comparableType(.uuid))
        // SQLite spells a uuid CHAR(36), so there they are the same column.
        #expect(SQLDialect.sqlite.comparableType(.custom("CHAR(36)")) == SQLDialect.sqlite.comparableType(.uuid))
        #expect(
            dialect.comparableType(.enumeration(name: "mood", values: ["a"]))
                != dialect.comparableType(.enumeration(name: "mood", values: ["a", "b"])))
    }

    static let equivalentDefaults: [(ServerDefault?, ServerDefault?)] = [
        (.string("x"), .expression("'x'::text")), (.string("it's"), .expression("'it''s'::character varying")),
        (.integer(42), .expression("42")), (.integer(-1), .expression("'-1'::integer")),
        (.integer(1), .string("1")), (.double(1.5), .expression("1.5")), (.integer(0), .double(0)),
        (.boolean(true), .expression("true")), (.boolean(false), .string("false")),
        (.expression("now()"), .expression("NOW( )")), (.expression("CURRENT_TIMESTAMP"), .expression("(CURRENT_TIMESTAMP)")),
        (nil, .expression("NULL::character varying")), (.expression("'{}'::jsonb"), .string("{}")),
    ]

    @Test(arguments: equivalentDefaults)
    func equivalentDefaultsCompareEqual(_ declared: ServerDefault?, _ reflected: ServerDefault?) {
        #expect(SQLDialect.postgresql.comparableDefault(declared) == SQLDialect.postgresql.comparableDefault(reflected))
    }

    @Test func defaultsThatDifferStillDiffer() {
        let dialect = SQLDialect.postgresql
        #expect(dialect.comparableDefault(.string("x")) != dialect.comparableDefault(.string("y")))
        #expect(dialect.comparableDefault(.integer(1)) != dialect.comparableDefault(.integer(2)))
        #expect(dialect.comparableDefault(.string("1")) != dialect.comparableDefault(nil))
        #expect(dialect.comparableDefault(.expression("now()")) != dialect.comparableDefault(.string("now()")))
        // Where booleans are integers, TRUE is 1.
        #expect(SQLDialect.sqlite.comparableDefault(.boolean(true)) == SQLDialect.sqlite.comparableDefault(.integer(1)))
    }

    @Test func literalsAreReadThroughCasts() {
        #expect(SQLLiteral.parse("'it''s'::character varying") == .string("it's", cast: "character varying"))
        #expect(SQLLiteral.parse("'-1'::integer") == .string("-1", cast: "integer"))
        #expect(SQLLiteral.parse("((42))") == .number("42", cast: nil))
        #expect(SQLLiteral.parse("-2.5e3::double precision") == .number("-2.5e3", cast: "double precision"))
        #expect(SQLLiteral.parse("NULL::text") == .null)
        #expect(SQLLiteral.parse("TRUE") == .boolean(true))
        #expect(SQLLiteral.parse("now()") == nil)
        #expect(SQLLiteral.parse("'a' || 'b'") == nil)
        #expect(SQLLiteral.parse("1 + 2") == nil)
        #expect(SQLLiteral.parse("(1) + (2)") == nil)
        #expect(SQLLiteral.parse("nextval('t_id_seq'::regclass)") == nil)
    }

    @Test func expressionsCompareWithoutCastsParenthesesAndCase() {
        #expect(SQLExpressionText.comparable("(price > (0)::numeric)") == "price>0")
        #expect(SQLExpressionText.comparable("lower((email)::text)") == SQLExpressionText.comparable("LOWER(email)"))
        #expect(
            SQLExpressionText.comparable("created_at > '2020-01-01'::timestamp without time zone AND x")
                == "created_at>'2020-01-01'andx")
        #expect(SQLExpressionText.comparable("name = 'A B'") == "name='A B'")
        #expect(SQLExpressionText.comparable("\"Mixed\" IS NULL") == "\"Mixed\"isnull")
        #expect(SQLExpressionText.comparable("x::numeric(10,2)[] = y") == "x=y")
    }

    @Test func globsMatchWholeNames() {
        #expect(Glob.matches("spatial_*", "spatial_ref_sys"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a?c", "abc"))
        #expect(!Glob.matches("a?c", "abbc"))
        #expect(Glob.matches("*_log*", "audit_log_2024"))
        #expect(!Glob.matches("audit", "audit_log"))
    }

    // MARK: Named and unnamed constraints on the same columns

    static func users(_ uniques: [UniqueConstraint]) -> Schema {
        Schema(tables: [Table(
            TableName("users"), columns: [Column("id", .integer, isPrimaryKey: true), Column("email", .text)],
            uniqueConstraints: uniques)])
    }

    @Test func aNamedAndAnUnnamedUniqueOnTheSameColumnsMatchTheirOwn() {
        let both = [UniqueConstraint(columns: ["email"]), UniqueConstraint(name: "uq_users_email", columns: ["email"])]
        let reflectedBoth = [UniqueConstraint(columns: ["email"]), UniqueConstraint(name: "uq_users_email", columns: ["email"])]
        for dialect in [SQLDialect.sqlite, .postgresql] {
            #expect(SchemaDiff.compare(declared: Self.users(both), reflected: Self.users(reflectedBoth), dialect: dialect).isEmpty)
            // Declared in the other order, the names still pair them.
            #expect(SchemaDiff.compare(
                declared: Self.users(both.reversed()), reflected: Self.users(reflectedBoth), dialect: dialect).isEmpty)
        }
        let onlyNamed = [UniqueConstraint(name: "uq_users_email", columns: ["email"])]
        #expect(
            SchemaDiff.compare(declared: Self.users(onlyNamed), reflected: Self.users(reflectedBoth), dialect: .sqlite)
                == [.dropConstraint(TableName("users"), name: "users_email_key", kind: .unique)])
        #expect(
            SchemaDiff.compare(declared: Self.users(both), reflected: Self.users(onlyNamed), dialect: .sqlite)
                == [.createUniqueConstraint(TableName("users"), UniqueConstraint(name: "users_email_key", columns: ["email"]))])
        // A database name the models do not declare is the unnamed constraint under another name.
        #expect(SchemaDiff.compare(
            declared: Self.users([UniqueConstraint(columns: ["email"])]),
            reflected: Self.users([UniqueConstraint(name: "users_email_key", columns: ["email"])]), dialect: .postgresql).isEmpty)
    }

    // MARK: Virtual tables

    static let search = Table(virtual: TableName("search"), using: "fts5(title, body)")

    @Test func virtualTablesCompareByTheirNormalizedModuleArguments() {
        let declared = Schema(tables: [Self.search])
        let sameInOtherWords = Schema(tables: [Table(virtual: TableName("search"), using: "FTS5( title,body )")])
        #expect(SchemaDiff.compare(declared: declared, reflected: sameInOtherWords, dialect: .sqlite).isEmpty)

        let porter = Table(virtual: TableName("search"), using: "fts5(title, body, tokenize='porter')")
        let operations = SchemaDiff.compare(declared: Schema(tables: [porter]), reflected: declared, dialect: .sqlite)
        #expect(operations == [.dropTable(TableName("search"), definition: Self.search), .createTable(porter)])
        // The reverse puts the old table back.
        #expect(operations.reversed().compactMap(\.reversed) == [.dropTable(TableName("search"), definition: porter), .createTable(Self.search)])

        #expect(SchemaDiff.compare(declared: declared, reflected: Schema(), dialect: .sqlite) == [.createTable(Self.search)])
        #expect(
            SchemaDiff.compare(declared: Schema(), reflected: declared, dialect: .sqlite)
                == [.dropTable(TableName("search"), definition: Self.search)])
    }
}
