import MigrateCore
import MigratePostgres
import MigrateSQL
import Testing
import TestSupport

/// PostgreSQL reflection on a real server: every feature of the schema model read back from the
/// catalog, a constant number of queries, and no differences on a schema the tool created.
@Suite(.enabled(if: TestPostgres.isEnabled)) struct PostgresReflectionTests {
    /// Applies operations the way a migration would: rendered by the dialect, run in order.
    func apply(_ operations: [Operation], to connection: PostgresConnection) throws {
        let statements = try operations.flatMap { try connection.dialect.statements(for: $0, inspector: nil) }
        guard !statements.isEmpty else { return }
        try connection.execute(statements.joined(separator: ";\n"))
    }

    /// The operations that create `schema` in an empty database.
    func creation(of schema: Schema) -> [Operation] {
        SchemaDiff.compare(declared: schema, reflected: Schema(), dialect: .postgresql)
    }

    /// Reflection turns JIT off for its catalog queries (their estimated costs can pass
    /// `jit_above_cost`) and gives the session its own setting back.
    @Test(arguments: ["on", "off"])
    func reflectionLeavesTheSessionsJITSettingAsItWas(setting: String) throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute("CREATE TABLE t (id integer PRIMARY KEY); SET jit = \(setting)")
        let reflection = try connection.reflectSchema()
        #expect(reflection.schema.tables.map(\.name.name) == ["t"])
        #expect(reflection.queryCount == 10)
        #expect(try connection.query("SHOW jit", parameters: []) == [[setting]])
    }

    /// Schemas and extensions come from one query, enumerations and domains from another; what
    /// an extension owns (here made its own with `ALTER EXTENSION … ADD`) is never the user's.
    @Test func reflectsSchemasAndExtensionsButNoExtensionMembers() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(
            """
            CREATE EXTENSION citext VERSION '1.5';
            CREATE EXTENSION pg_buffercache;
            CREATE SCHEMA audit;
            CREATE SCHEMA ignored;
            CREATE TYPE mood AS ENUM ('happy', 'sad');
            CREATE DOMAIN year AS integer CHECK (VALUE > 0);
            CREATE TABLE people (id integer PRIMARY KEY, email citext, feeling mood, born year);
            CREATE TABLE owned (id integer);
            CREATE VIEW owned_view AS SELECT id FROM owned;
            CREATE SEQUENCE owned_seq;
            CREATE DOMAIN owned_domain AS text;
            ALTER EXTENSION citext ADD TABLE owned;
            ALTER EXTENSION citext ADD VIEW owned_view;
            ALTER EXTENSION citext ADD SEQUENCE owned_seq;
            ALTER EXTENSION citext ADD DOMAIN owned_domain;
            """)
        let reflection = try connection.reflectSchema(includeSchemas: ["audit"])
        #expect(reflection.queryCount == 10)
        let schema = reflection.schema
        #expect(schema.tables.map(\.name.name) == ["people"])
        #expect(schema.views.isEmpty && schema.sequences.isEmpty, "\(schema.views) \(schema.sequences)")
        #expect(schema.domains.map(\.name.name) == ["year"])
        #expect(schema.tables[0].columns.map(\.type) == [
            .integer, .custom("citext"), .enumeration(name: "mood", values: ["happy", "sad"]), .custom("year"),
        ])
        #expect(schema.schemas == ["audit"])
        #expect(schema.extensions == [
            DatabaseExtension("citext", version: "1.5"), DatabaseExtension("pg_buffercache", version: "1.3"),
        ])
        // Nothing of the extensions is listed as not modelled, nor the extensions themselves.
        let unmodeled = try connection.unmodeledObjects(includeSchemas: ["audit"])
        #expect(!unmodeled.contains { $0.kind == "extension" || $0.name.hasPrefix("citext") || $0.name.hasPrefix("pg_buffercache") },
                "\(unmodeled)")
        // Every schema but the default one, and never an empty table list's missing queries.
        let empty = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try empty.execute("CREATE SCHEMA a; CREATE EXTENSION citext")
        let bare = try empty.reflectSchema(includeSchemas: .all)
        #expect(bare.schema.schemas == ["a"] && bare.schema.extensions.map(\.name) == ["citext"])
    }

    @Test func reflectsTypesNullabilityDefaultsIdentityAndComments() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(
            """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy, really');
            CREATE TABLE everything (
                id integer GENERATED ALWAYS AS IDENTITY,
                serial_number bigserial,
                small int2 NOT NULL DEFAULT -1,
                big int8 DEFAULT 42,
                name varchar(50) NOT NULL DEFAULT 'it''s',
                unbounded character varying,
                body text DEFAULT NULL,
                flag bool NOT NULL DEFAULT true,
                born date DEFAULT '2020-01-02',
                seen timestamp,
                seen_tz timestamptz NOT NULL DEFAULT now(),
                at_time time,
                price numeric(10,2) DEFAULT 1.5,
                ratio numeric,
                score real,
                precise double precision DEFAULT -2.5,
                data bytea,
                token uuid,
                doc json,
                docb jsonb DEFAULT '{}'::jsonb,
                feeling mood DEFAULT 'ok',
                spot point,
                tags integer[],
                zoned time with time zone,
                doubled integer GENERATED ALWAYS AS (small * 2) STORED,
                PRIMARY KEY (id)
            );
            COMMENT ON TABLE everything IS 'all the types';
            COMMENT ON COLUMN everything.name IS 'who, with ''quotes''';
            """)
        let reflection = try connection.reflectSchema()
        #expect(reflection.defaultSchema == "public")
        #expect(reflection.queryCount == 10)
        let table = try #require(reflection.schema.table(TableName("everything")))
        #expect(table.comment == "all the types")
        #expect(table.primaryKeyName == "everything_pkey")
        let expected: [Column] = [
            Column("id", .integer, isPrimaryKey: true, isIdentity: true),
            Column("serial_number", .bigInteger, isNullable: false, isIdentity: true),
            Column("small", .smallInteger, isNullable: false, defaultValue: .integer(-1)),
            Column("big", .bigInteger, defaultValue: .integer(42)),
            Column("name", .string(length: 50), isNullable: false, defaultValue: .string("it's"),
                   comment: "who, with 'quotes'"),
            Column("unbounded", .string(length: nil)),
            Column("body", .text),
            Column("flag", .boolean, isNullable: false, defaultValue: .boolean(true)),
            Column("born", .date, defaultValue: .string("2020-01-02")),
            Column("seen", .dateTime(timezone: false)),
            Column("seen_tz", .dateTime(timezone: true), isNullable: false, defaultValue: .currentTimestamp),
            Column("at_time", .time),
            Column("price", .numeric(precision: 10, scale: 2), defaultValue: .double(1.5)),
            Column("ratio", .numeric(precision: nil, scale: nil)),
            Column("score", .float),
            Column("precise", .double, defaultValue: .double(-2.5)),
            Column("data", .binary),
            Column("token", .uuid),
            Column("doc", .json),
            Column("docb", .jsonb, defaultValue: .string("{}")),
            Column("feeling", .enumeration(name: "mood", values: ["sad", "ok", "happy, really"]),
                   defaultValue: .string("ok")),
            Column("spot", .custom("point")),
            Column("tags", .custom("integer[]")),
            Column("zoned", .custom("time with time zone")),
            Column("doubled", .integer),
        ]
        #expect(table.columns.count == expected.count)
        for (column, expectation) in zip(table.columns, expected) {
            #expect(column == expectation)
        }
    }

    @Test func reflectsKeysConstraintsAndIndexes() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(
            """
            CREATE SCHEMA inventory;
            CREATE TABLE inventory.warehouses (code text, region text, CONSTRAINT warehouses_key PRIMARY KEY (code, region));
            CREATE TABLE accounts (id integer PRIMARY KEY, email text NOT NULL, "Display Name" text);
            CREATE TABLE orders (
                id integer CONSTRAINT orders_pk PRIMARY KEY,
                account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE ON UPDATE SET NULL,
                parent_id integer,
                warehouse_code text,
                warehouse_region text,
                quantity integer CHECK (quantity > 0),
                price numeric,
                deleted_at timestamp,
                CONSTRAINT orders_parent_fk FOREIGN KEY (parent_id) REFERENCES orders (id),
                CONSTRAINT orders_warehouse_fk FOREIGN KEY (warehouse_code, warehouse_region)
                    REFERENCES inventory.warehouses (code, region) ON DELETE RESTRICT,
                CONSTRAINT orders_account_parent_key UNIQUE (account_id, parent_id),
                CONSTRAINT price_positive CHECK (price >= 0 AND price < 1000000)
            );
            CREATE INDEX ix_orders_account ON orders (account_id, deleted_at);
            CREATE UNIQUE INDEX ix_accounts_email_lower ON accounts (lower(email));
            CREATE INDEX ix_orders_live ON orders (account_id) WHERE deleted_at IS NULL;
            CREATE INDEX "ix mixed" ON accounts ("Display Name", (email || 'x'));
            CREATE TABLE migrate_version (version_num varchar(32) PRIMARY KEY);
            CREATE SCHEMA elsewhere;
            CREATE TABLE elsewhere.ignored (id integer);
            """)
        let reflection = try connection.reflectSchema(
            includeSchemas: ["inventory"], excluding: [TableName("migrate_version")])
        #expect(reflection.queryCount == 10)
        #expect(
            reflection.schema.tables.map(\.name)
                == [TableName("warehouses", schema: "inventory"), TableName("accounts"), TableName("orders")])
        // Every schema but PostgreSQL's own, in the same five queries.
        let everySchema = try connection.reflectSchema(includeSchemas: .all, excluding: [TableName("migrate_version")])
        #expect(everySchema.queryCount == 10)
        #expect(
            everySchema.schema.tables.map(\.name)
                == [TableName("ignored", schema: "elsewhere"), TableName("warehouses", schema: "inventory"),
                    TableName("accounts"), TableName("orders")])

        let warehouses = try #require(reflection.schema.table(TableName("warehouses", schema: "inventory")))
        #expect(warehouses.primaryKey == ["code", "region"])
        #expect(warehouses.primaryKeyName == "warehouses_key")

        let accounts = try #require(reflection.schema.table(TableName("accounts")))
        #expect(
            accounts.indexes == [
                Index(name: "ix mixed", table: TableName("accounts"),
                      keys: [.column("Display Name"), .expression("(email || 'x'::text)")]),
                Index(name: "ix_accounts_email_lower", table: TableName("accounts"),
                      keys: [.expression("lower(email)")], isUnique: true),
            ])

        let orders = try #require(reflection.schema.table(TableName("orders")))
        #expect(orders.primaryKey == ["id"])
        #expect(orders.primaryKeyName == "orders_pk")
        #expect(orders.column(named: "account_id")?.isNullable == false)
        #expect(
            orders.foreignKeys == [
                ForeignKey(
                    name: "orders_account_id_fkey", columns: ["account_id"], references: TableName("accounts"),
                    referencedColumns: ["id"], onDelete: .cascade, onUpdate: .setNull),
                ForeignKey(
                    name: "orders_parent_fk", columns: ["parent_id"], references: TableName("orders"),
                    referencedColumns: ["id"]),
                ForeignKey(
                    name: "orders_warehouse_fk", columns: ["warehouse_code", "warehouse_region"],
                    references: TableName("warehouses", schema: "inventory"), referencedColumns: ["code", "region"],
                    onDelete: .restrict),
            ])
        #expect(orders.uniqueConstraints == [UniqueConstraint(name: "orders_account_parent_key", columns: ["account_id", "parent_id"])])
        #expect(
            orders.checkConstraints == [
                CheckConstraint(name: "orders_quantity_check", expression: "quantity > 0"),
                CheckConstraint(name: "price_positive", expression: "price >= 0::numeric AND price < 1000000::numeric"),
            ])
        #expect(
            orders.indexes == [
                Index(name: "ix_orders_account", table: TableName("orders"), columns: ["account_id", "deleted_at"]),
                Index(name: "ix_orders_live", table: TableName("orders"), columns: ["account_id"],
                      predicate: "deleted_at IS NULL"),
            ])
    }

    /// Index methods, key options and INCLUDE columns, the primary key's own order, foreign key
    /// deferral and matching, and the current timestamp, read back from the catalog.
    @Test func reflectsIndexKeyOptionsKeyOrderDeferralAndTheCurrentTimestamp() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        try connection.execute(
            """
            CREATE TABLE owners (id integer PRIMARY KEY);
            CREATE TABLE payments (
                payment_id integer NOT NULL,
                paid_at timestamptz NOT NULL DEFAULT now(),
                noted_at timestamp DEFAULT CURRENT_TIMESTAMP,
                owner_id integer REFERENCES owners (id) MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED,
                other_id integer CONSTRAINT fk_other REFERENCES owners (id) DEFERRABLE,
                note text,
                title varchar(80) COLLATE "C",
                PRIMARY KEY (paid_at, payment_id)
            );
            CREATE INDEX ix_note ON payments USING gin (to_tsvector('english', note));
            CREATE INDEX ix_recent ON payments (paid_at DESC, payment_id NULLS FIRST, note DESC NULLS LAST) INCLUDE (owner_id);
            CREATE INDEX ix_pattern ON payments (note COLLATE "C" text_pattern_ops, title, lower(note) COLLATE "POSIX");
            CREATE INDEX ix_hash ON payments USING hash (note);
            """)
        let reflection = try connection.reflectSchema()
        #expect(reflection.queryCount == 10)
        let payments = try #require(reflection.schema.table(TableName("payments")))
        #expect(payments.primaryKey == ["paid_at", "payment_id"])
        #expect(payments.primaryKeyOrder == ["paid_at", "payment_id"])
        #expect(payments.column(named: "paid_at")?.defaultValue == .currentTimestamp)
        #expect(payments.column(named: "noted_at")?.defaultValue == .currentTimestamp)
        #expect(
            payments.foreignKeys == [
                ForeignKey(
                    name: "fk_other", columns: ["other_id"], references: TableName("owners"), referencedColumns: ["id"],
                    deferrable: .immediate),
                ForeignKey(
                    name: "payments_owner_id_fkey", columns: ["owner_id"], references: TableName("owners"),
                    referencedColumns: ["id"], onUpdate: .cascade, deferrable: .deferred, match: .full),
            ])
        let table = TableName("payments")
        #expect(
            payments.indexes == [
                Index(name: "ix_hash", table: table, keys: [.column("note")], method: "hash"),
                Index(
                    name: "ix_note", table: table, keys: [.expression("to_tsvector('english'::regconfig, note)")],
                    method: "gin"),
                Index(
                    name: "ix_pattern", table: table,
                    keys: [
                        .column("note", collation: "C", operatorClass: "text_pattern_ops"), .column("title"),
                        .expression("lower(note)", collation: "POSIX"),
                    ]),
                Index(
                    name: "ix_recent", table: table,
                    keys: [
                        .column("paid_at", descending: true), .column("payment_id", nulls: .first),
                        .column("note", descending: true, nulls: .last),
                    ],
                    include: ["owner_id"]),
            ])
        // What the catalog says is what the declaration says: nothing to do.
        #expect(SchemaDiff.compare(declared: reflection.schema, reflected: reflection.schema, dialect: .postgresql).isEmpty)
        var declared = reflection.schema
        declared.tables = try declared.tables.map { table in
            var table = table
            if table.name.name == "payments" {
                let position = try #require(table.indexes.firstIndex { $0.name == "ix_note" })
                table.indexes[position].method = nil
            }
            return table
        }
        #expect(
            SchemaDiff.compare(declared: declared, reflected: reflection.schema, dialect: .postgresql).map(\.title)
                == ["dropIndex ix_note on payments", "createIndex ix_note on payments"])
    }

    @Test func aSchemaTheToolCreatedHasNoDifferences() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        let accounts = TableName("accounts")
        let declared = Schema(tables: [
            Table(
                TableName("orders"),
                columns: [
                    Column("id", .bigInteger, isPrimaryKey: true, isIdentity: true),
                    Column("account_id", .integer, isNullable: false),
                    Column("state", .enumeration(name: "order_state", values: ["new", "paid"]),
                           isNullable: false, defaultValue: .string("new")),
                    Column("total", .numeric(precision: 10, scale: nil), defaultValue: .double(0.5)),
                    Column("note", .custom("CHARACTER VARYING(20)"), comment: "free text"),
                    Column("placed", .dateTime(timezone: true), defaultValue: .expression("now()")),
                    Column("data", .jsonb, defaultValue: .expression("'{}'::jsonb")),
                    Column("ratio", .custom("float8"), defaultValue: .string("1.25")),
                    Column("flag", .boolean, isNullable: false, defaultValue: .boolean(false)),
                ],
                foreignKeys: [ForeignKey(columns: ["account_id"], references: accounts, referencedColumns: ["id"],
                                         onDelete: .noAction)],
                checkConstraints: [CheckConstraint(expression: "total >= 0"),
                                   CheckConstraint(name: "ck_orders_ratio", expression: "ratio < 10")],
                indexes: [
                    Index(name: "ix_orders_open", table: TableName("orders"), columns: ["account_id"],
                          predicate: "state = 'new'"),
                    Index(name: "ix_orders_note", table: TableName("orders"), keys: [.expression("upper(note)")]),
                ],
                comment: "customer orders"),
            Table(
                accounts,
                columns: [
                    Column("id", .integer, isPrimaryKey: true),
                    Column("email", .string(length: 255), isNullable: false),
                    Column("tenant", .smallInteger, isNullable: false, defaultValue: .string("-3")),
                ],
                uniqueConstraints: [UniqueConstraint(columns: ["tenant", "email"])]),
        ])
        try apply(creation(of: declared), to: connection)
        let reflection = try connection.reflectSchema()
        let options = SchemaComparisonOptions(compareServerDefaults: true, defaultSchema: reflection.defaultSchema)
        let differences = SchemaDiff.compare(
            declared: declared, reflected: reflection.schema, dialect: .postgresql, options: options)
        #expect(differences == [])
    }

    @Test func threeHundredTablesReflectInAsFewQueriesAsThreeWithNoDifferences() throws {
        var counts: [Int] = []
        for size in [3, 300] {
            let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
            let declared = SampleSchemas.realistic(tables: size)
            try apply(creation(of: declared), to: connection)
            let reflection = try connection.reflectSchema()
            #expect(reflection.schema.tables.count == size)
            #expect(reflection.schema.tables.allSatisfy { $0.columns.count == 10 && $0.indexes.count == 2 })
            counts.append(reflection.queryCount)
            let options = SchemaComparisonOptions(compareServerDefaults: true, defaultSchema: reflection.defaultSchema)
            let differences = SchemaDiff.compare(
                declared: declared, reflected: reflection.schema, dialect: .postgresql, options: options)
            #expect(differences == [])
        }
        #expect(counts == [10, 10])
    }

    @Test func detectsChangesMadeOutsideTheDeclaration() throws {
        let connection = try PostgresConnection(url: try TestPostgres.freshDatabase())
        let declared = SampleSchemas.realistic(tables: 3)
        try apply(creation(of: declared), to: connection)
        try connection.execute(
            """
            ALTER TABLE t001 ALTER COLUMN notes TYPE varchar(10), ALTER COLUMN name DROP NOT NULL;
            ALTER TABLE t001 ADD COLUMN extra integer;
            DROP INDEX ix_t002_lower_name;
            ALTER TABLE t002 DROP CONSTRAINT fk_t002_parent;
            CREATE TABLE stray (id integer PRIMARY KEY);
            """)
        let reflection = try connection.reflectSchema()
        let differences = SchemaDiff.compare(
            declared: declared, reflected: reflection.schema, dialect: .postgresql,
            options: SchemaComparisonOptions(defaultSchema: reflection.defaultSchema))
        let t001 = try #require(reflection.schema.table(TableName("t001")))
        let t002 = try #require(declared.table(TableName("t002")))
        let stray = try #require(reflection.schema.table(TableName("stray")))
        #expect(
            differences == [
                .alterColumn(
                    TableName("t001"), column: "name",
                    changes: ColumnChanges(
                        isNullable: false, existingType: .string(length: 100), existingNullable: true,
                        existingDefault: .some(nil), existingComment: .some(nil))),
                .alterColumn(
                    TableName("t001"), column: "notes",
                    changes: ColumnChanges(
                        type: .text, existingType: .string(length: 10), existingNullable: true,
                        existingDefault: .some(nil), existingComment: .some(nil))),
                .createIndex(t002.indexes[1]),
                .createForeignKey(TableName("t002"), t002.foreignKeys[0]),
                .dropColumn(TableName("t001"), column: "extra", definition: t001.column(named: "extra")),
                .dropTable(TableName("stray"), definition: stray),
            ])
        // The changes applied bring the database back to the declaration.
        try apply(differences, to: connection)
        let after = try connection.reflectSchema()
        #expect(SchemaDiff.compare(declared: declared, reflected: after.schema, dialect: .postgresql) == [])
    }
}
