import MigrateCore

/// The statements of a backfill (``Backfill``): what the runner runs for each batch online, and
/// the loop an offline script holds instead.
///
/// Every batch is the next `batchSize` keys after the last one done whose rows the condition
/// selects: `selectBatch` reads them (the last of them bounds the batch), `updateBatch` updates
/// the rows between the previous bound and this one that the condition still selects. Each
/// batch commits on its own, so the condition (false for updated rows) is the record of what is
/// done, and a run that stopped continues where it stopped.
package struct BackfillStatements: Sendable, Hashable {
    /// `SELECT count(*)` of the rows still to update, for progress.
    package var count: String
    /// The batch's keys, in order; no parameter for the first batch.
    package var selectFirstBatch: String
    /// The batch's keys, in order, after parameter 1 (the previous batch's last key).
    package var selectNextBatch: String
    /// The update of the first batch, up to parameter 1 (its last key).
    package var updateFirstBatch: String
    /// The update of a later batch: after parameter 1, up to parameter 2.
    package var updateNextBatch: String
    /// What an offline script holds: a loop that commits each batch where the engine can run one
    /// (PostgreSQL's `DO` block), else one statement and a comment saying so.
    package var script: String
}

extension SQLDialect {
    /// The statements of `backfill`; throws for a backfill that cannot run (no column to set, no
    /// condition, a batch of no rows, a schema SQLite does not have).
    package func backfillStatements(for backfill: Backfill) throws -> BackfillStatements {
        try checkSchema(backfill.table)
        let title = "backfill \(backfill.table)"
        guard !backfill.assignments.isEmpty else {
            throw MigrateError(.script, "\(title): no column to set", hint: "Give `set:` at least one column and its SQL expression.")
        }
        guard !backfill.condition.allSatisfy(\.isWhitespace) else {
            throw MigrateError(
                .script, "\(title): the condition is empty",
                hint: "Give `where:` SQL that is true for the rows still to update and false once updated "
                    + "(e.g. \"email_lower IS NULL\"): it is what lets a stopped backfill continue where it stopped.")
        }
        guard backfill.batchSize >= 1 else {
            throw MigrateError(.script, "\(title): batchSize must be 1 or more, found \(backfill.batchSize)")
        }
        let table = qualified(backfill.table)
        let key = quoteIdentifier(backfill.key)
        let condition = "(\(backfill.condition))"
        let assignments = backfill.assignments.map { "\(quoteIdentifier($0.column)) = \($0.expression)" }
            .joined(separator: ", ")
        func select(after last: String?) -> String {
            let after = last.map { "\(key) > \($0) AND " } ?? ""
            return "SELECT \(key) FROM \(table) WHERE \(after)\(condition) ORDER BY \(key) LIMIT \(backfill.batchSize)"
        }
        func update(after last: String?, upTo bound: String) -> String {
            let after = last.map { "\(key) > \($0) AND " } ?? ""
            return "UPDATE \(table) SET \(assignments) WHERE \(after)\(key) <= \(bound) AND \(condition)"
        }
        let first = parameterPrefix + "1"
        let second = parameterPrefix + "2"
        return BackfillStatements(
            count: "SELECT count(*) FROM \(table) WHERE \(condition)",
            selectFirstBatch: select(after: nil),
            selectNextBatch: select(after: first),
            updateFirstBatch: update(after: nil, upTo: first),
            updateNextBatch: update(after: first, upTo: second),
            script: supportsProcedureCommit
                ? procedureLoop(backfill, table: table, key: key, select: select, update: update)
                : "-- \(title) in batches of \(backfill.batchSize) rows is what `migrate upgrade` runs; a script cannot loop,\n"
                    + "-- so this is one UPDATE of every row still to update.\n"
                    + "UPDATE \(table) SET \(assignments) WHERE \(condition)")
    }

    /// A `DO` block that updates one batch, commits, and goes on until no row is left: COMMIT in
    /// a `DO` block is allowed when it does not run inside a transaction block (PostgreSQL 11+),
    /// which a migration that backfills never does.
    private func procedureLoop(
        _ backfill: Backfill, table: String, key: String, select: (String?) -> String,
        update: (String?, String) -> String
    ) -> String {
        let keyType = "\(table).\(key)%TYPE"
        let body = """
            DECLARE
                migrate_last_key \(keyType);
                migrate_batch_last \(keyType);
                migrate_rows bigint := 0;
                migrate_batch_rows bigint;
            BEGIN
                LOOP
                    IF migrate_last_key IS NULL THEN
                        SELECT \(key) INTO migrate_batch_last FROM (\(select(nil))) AS batch ORDER BY \(key) DESC LIMIT 1;
                    ELSE
                        SELECT \(key) INTO migrate_batch_last FROM (\(select("migrate_last_key"))) AS batch ORDER BY \(key) DESC LIMIT 1;
                    END IF;
                    EXIT WHEN migrate_batch_last IS NULL;
                    IF migrate_last_key IS NULL THEN
                        \(update(nil, "migrate_batch_last"));
                    ELSE
                        \(update("migrate_last_key", "migrate_batch_last"));
                    END IF;
                    GET DIAGNOSTICS migrate_batch_rows = ROW_COUNT;
                    COMMIT;
                    migrate_rows := migrate_rows + migrate_batch_rows;
                    migrate_last_key := migrate_batch_last;
                    RAISE NOTICE 'backfill \(backfill.table.description.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "%", with: "%%")): % rows', migrate_rows;
                END LOOP;
            END
            """
        var tag = "$backfill$"
        while body.contains(tag) { tag = "$" + tag.dropFirst().dropLast() + "_$" }
        return "DO \(tag)\n\(body)\n\(tag)"
    }
}
