/// How bad a lint finding is: errors fail `migrate lint`, warnings fail it only with `--strict`.
package enum LintSeverity: String, Sendable, Hashable, CaseIterable, Comparable {
    case warning, error

    package static func < (lhs: LintSeverity, rhs: LintSeverity) -> Bool {
        lhs == .warning && rhs == .error
    }
}

/// Which engines a rule checks.
package enum LintScope: Sendable, Hashable {
    /// Every engine: the rule is about the application still running against the old schema.
    case everyEngine
    /// Engines whose DDL takes per-table locks that other sessions queue behind (PostgreSQL).
    case tableLocks
    /// Engines that run what `ALTER TABLE` cannot do by rebuilding the table (SQLite).
    case tableRebuilds
}

/// One check of `migrate lint`: a stable id, a default severity, why it matters and what to do
/// instead. The ids are part of the interface (suppressions and migrate.json name them), so
/// they never change; a rule that is retired keeps its id unused.
package struct LintRule: Sendable, Hashable, Identifiable {
    package var id: String
    package var severity: LintSeverity
    package var scope: LintScope
    /// Why the pattern hurts in production, one line.
    package var reason: String
    /// The safer way to make the same change, one line.
    package var alternative: String

    package init(_ id: String, _ severity: LintSeverity, _ scope: LintScope, reason: String, alternative: String) {
        self.id = id
        self.severity = severity
        self.scope = scope
        self.reason = reason
        self.alternative = alternative
    }

    /// Whether the rule checks migrations for `dialect`.
    package func applies(to dialect: SQLDialect) -> Bool {
        switch scope {
        case .everyEngine: return true
        case .tableLocks: return dialect.lockScope == .table
        case .tableRebuilds: return dialect.canRebuildTables
        }
    }
}

extension LintRule {
    package static let indexNotConcurrent = LintRule(
        "index-not-concurrent", .error, .tableLocks,
        reason: "CREATE INDEX without CONCURRENTLY blocks every write to the table until the index is built",
        alternative: "CREATE INDEX CONCURRENTLY, in a migration with `transactional: false`")
    package static let dropIndexNotConcurrent = LintRule(
        "drop-index-not-concurrent", .warning, .tableLocks,
        reason: "DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table, queued behind every running query",
        alternative: "DROP INDEX CONCURRENTLY, in a migration with `transactional: false`")
    package static let reindexNotConcurrent = LintRule(
        "reindex-not-concurrent", .error, .tableLocks,
        reason: "REINDEX without CONCURRENTLY blocks writes to the table (and reads that use the index) while it rebuilds",
        alternative: "REINDEX … CONCURRENTLY, in a migration with `transactional: false`")
    package static let concurrentlyInTransaction = LintRule(
        "concurrently-in-transaction", .error, .tableLocks,
        reason: "CONCURRENTLY cannot run inside a transaction block: the migration fails",
        alternative: "put the statement in its own migration with `transactional: false` (Swift: `static let transactional = false`)")
    package static let foreignKeyNotValid = LintRule(
        "foreign-key-not-valid", .error, .tableLocks,
        reason: "adding a foreign key checks every row while writes to both tables are blocked",
        alternative: "ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later migration")
    package static let checkNotValid = LintRule(
        "check-not-valid", .error, .tableLocks,
        reason: "adding a CHECK constraint scans the table under an ACCESS EXCLUSIVE lock",
        alternative: "ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration")
    package static let validateInSameTransaction = LintRule(
        "validate-in-same-transaction", .warning, .tableLocks,
        reason: "VALIDATE CONSTRAINT in the transaction that added the constraint scans while the adding lock is still held",
        alternative: "VALIDATE CONSTRAINT in a later migration")
    package static let setNotNull = LintRule(
        "set-not-null", .error, .tableLocks,
        reason: "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock",
        alternative: "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c in a later migration; then SET NOT NULL (no scan) and DROP CONSTRAINT c")
    package static let addColumnRequired = LintRule(
        "add-column-required", .error, .everyEngine,
        reason: "a NOT NULL column without a default fails on a table that has rows, and breaks inserts of the running app",
        alternative: "add the column with a DEFAULT, or nullable; backfill; then make it NOT NULL")
    package static let addColumnVolatileDefault = LintRule(
        "add-column-volatile-default", .error, .tableLocks,
        reason: "a column with a volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval()…) rewrites the table under an ACCESS EXCLUSIVE lock",
        alternative: "add the column without a default (or with a constant one), SET DEFAULT for new rows, backfill in batches")
    package static let addColumnStoredGenerated = LintRule(
        "add-column-stored-generated", .error, .tableLocks,
        reason: "a stored generated column rewrites the table under an ACCESS EXCLUSIVE lock",
        alternative: "add a plain column, fill it with a trigger and batched backfill, or compute the value in a view or the app")
    package static let addColumnSerial = LintRule(
        "add-column-serial", .error, .tableLocks,
        reason: "a serial or identity column fills every row, rewriting the table under an ACCESS EXCLUSIVE lock",
        alternative: "add a nullable column, attach a sequence default for new rows, backfill in batches")
    package static let typeChange = LintRule(
        "type-change", .error, .tableLocks,
        reason: "changing a column's type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, and breaks code reading the old type",
        alternative: "add a column of the new type, write both, backfill in batches, switch reads, then drop the old column")
    package static let uniqueWithoutIndex = LintRule(
        "unique-without-index", .error, .tableLocks,
        reason: "adding a UNIQUE or PRIMARY KEY constraint builds its index under an ACCESS EXCLUSIVE lock",
        alternative: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX)")
    package static let exclusionConstraint = LintRule(
        "exclusion-constraint", .warning, .tableLocks,
        reason: "adding an EXCLUDE constraint builds its index under an ACCESS EXCLUSIVE lock, and there is no concurrent way",
        alternative: "add it while the table is small or in a maintenance window; enforce the rule in the app meanwhile")
    package static let dropTable = LintRule(
        "drop-table", .error, .everyEngine,
        reason: "dropping a table loses its data and breaks the app version still running that uses it",
        alternative: "stop using the table in a deploy first, then drop it in a later migration (suppress with a reason)")
    package static let dropColumn = LintRule(
        "drop-column", .error, .everyEngine,
        reason: "dropping a column loses its data and breaks the app version still running that reads or writes it",
        alternative: "stop using the column in a deploy first, then drop it in a later migration (suppress with a reason)")
    package static let dropSchema = LintRule(
        "drop-schema", .error, .everyEngine,
        reason: "dropping a schema drops everything in it",
        alternative: "drop its objects one by one in migrations that say why, after the app stopped using them")
    package static let dropForeignKey = LintRule(
        "drop-foreign-key", .warning, .everyEngine,
        reason: "dropping a foreign key lets orphaned rows in; code that relied on it may break",
        alternative: "make sure no code relies on the key, and say why in a suppression")
    package static let renameTable = LintRule(
        "rename-table", .error, .everyEngine,
        reason: "renaming a table breaks the app version still running that uses the old name",
        alternative: "create the new table (or a view under the new name), move the app over, then drop the old one")
    package static let renameColumn = LintRule(
        "rename-column", .error, .everyEngine,
        reason: "renaming a column breaks the app version still running that uses the old name",
        alternative: "add the new column, write both, backfill, move reads over, then drop the old column")
    package static let renameEnumValue = LintRule(
        "rename-enum-value", .error, .everyEngine,
        reason: "renaming an enum value breaks the app version still running that writes or compares the old value",
        alternative: "add the new value, move the app and the rows over, then stop using the old value")
    package static let backfillWithDDL = LintRule(
        "backfill-with-ddl", .warning, .tableLocks,
        reason: "an unbounded UPDATE, DELETE or INSERT … SELECT in the transaction of a schema change holds that change's lock for as long as the backfill runs",
        alternative: "backfill in its own migration with op.backfill (batches committed one by one, resumable), outside the DDL's transaction")
    package static let lockTimeoutMissing = LintRule(
        "lock-timeout-missing", .warning, .tableLocks,
        reason: "a lock request queued behind a long transaction stalls every query on the table after it",
        alternative: "leave migrate.json apply.lock_timeout on (migrate sets it and retries), or SET lock_timeout = '5s' at the start of the migration")
    package static let tableRebuild = LintRule(
        "table-rebuild", .warning, .tableRebuilds,
        reason: "this change rebuilds the table: every row is copied while the database is locked for writes",
        alternative: "fine for small tables; for large ones add a new table or column and move the data in batches")
    package static let multipleHeads = LintRule(
        "multiple-heads", .error, .everyEngine,
        reason: "the revision graph has several heads, so `migrate upgrade head` refuses to run",
        alternative: "`migrate merge -m MSG heads` joins them (or upgrade `heads` on purpose)")

    /// Every rule, in the order the documentation lists them.
    package static let all: [LintRule] = [
        indexNotConcurrent, dropIndexNotConcurrent, reindexNotConcurrent, concurrentlyInTransaction,
        foreignKeyNotValid, checkNotValid, validateInSameTransaction, setNotNull, addColumnRequired,
        addColumnVolatileDefault, addColumnStoredGenerated, addColumnSerial, typeChange, uniqueWithoutIndex,
        exclusionConstraint, dropTable, dropColumn, dropSchema, dropForeignKey, renameTable, renameColumn,
        renameEnumValue, backfillWithDDL, lockTimeoutMissing, tableRebuild, multipleHeads,
    ]

    /// The rule with `id`, if there is one.
    package static func named(_ id: String) -> LintRule? {
        all.first { $0.id == id }
    }
}
