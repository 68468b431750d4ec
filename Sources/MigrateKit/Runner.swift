#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import MigrateCore
import MigrateSQL

/// What a run reports while it works, for the command line to show as progress.
public enum RunEvent: Sendable {
    /// Another run holds the migration lock; this one waits for it.
    case waitingForLock(table: String)
    /// Another connection holds a lock on the whole database `name` (a SQLite file: a long write,
    /// an open transaction); a statement of this command waits for it.
    case waitingForDatabase(name: String)
    /// A step is about to run.
    case stepStarted(MigrationStep)
    /// A step committed, after `duration`.
    case stepFinished(MigrationStep, duration: Duration)
    /// Another run moved the database while this one waited; the plan was made again.
    case replanned(heads: Set<String>)
    /// An applied migration's file changed, or disappeared, since it ran (see `verify`).
    case verificationProblem(Commands.VerificationProblem)
    /// A statement has waited a few seconds for a lock another session holds (PostgreSQL);
    /// reported once per statement, naming the holders.
    case waitingForStatementLock(LockWait)
    /// A backfill of the step committed batches (reported at most about once a second, and
    /// when it ends).
    case backfillProgress(MigrationStep, BackfillProgress)
    /// A migration gave up waiting for a lock (its `lock_timeout`), was rolled back, and is
    /// tried again after a pause.
    case retryingAfterLockTimeout(LockTimeoutRetry)
}

/// A try of a migration that met its lock timeout, and the next one to come.
public struct LockTimeoutRetry: Sendable {
    public var step: MigrationStep
    /// The try that failed, 1 for the first.
    public var failedTry: Int
    /// How many tries there are at most.
    public var tries: Int
    /// Whom the statement waited for, when that was seen.
    public var lockWait: LockWait?
    /// The pause before the next try.
    public var delay: Duration

    /// "Try 1 of 5 of upgrade a -> b gave up waiting for a lock on table items (…), held by
    /// process 1234 (…); rolled back, trying again in 1 s", one line.
    public var description: String {
        let what = lockWait.map { " on \($0.lock), held by \($0.heldBy)" } ?? ""
        let seconds = Double(delay.milliseconds) / 1000
        let pause = seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
        return "Try \(failedTry) of \(tries) of \(step.direction.rawValue) \(step.revision.id) gave up waiting for a lock "
            + "(lock_timeout)\(what); rolled back, trying again in \(pause)"
    }
}

/// Where the runner sends a migration's statements: a live database or an SQL script.
///
/// One runner drives both: online and offline runs cannot drift apart because the
/// only difference is this sink.
protocol MigrationSink: AnyObject {
    var dialect: SQLDialect { get }
    /// Where SQLite table rebuilds read the current definition of a table.
    var inspector: SchemaInspector? { get }
    /// Whether step durations are real (online) and go into the history table; scripts leave
    /// them out so their text does not depend on timing.
    var recordsDurations: Bool { get }
    /// Creates the version and history tables if needed and returns the heads the run starts from.
    func prepare(versionTable: VersionTable, historyTable: HistoryTable) throws -> Set<String>
    func beginTransaction() throws
    /// Checks the transaction's work (SQLite's foreign keys) and commits it.
    func commit() throws
    func rollback()
    /// The heads as they are inside the transaction just begun (online), or as expected (offline).
    func headsInTransaction(versionTable: VersionTable, expected: Set<String>) throws -> Set<String>
    /// Marks the start of a step (a comment line in scripts) with its `Running …` summary.
    func startStep(summary: String)
    /// Marks the start of a migration, before its summary (lint keeps each step's statements).
    func startMigration(_ step: MigrationStep)
    /// Marks the start of the step's operation at `index` (lint maps statements to operations).
    func startOperation(_ index: Int)
    func execute(_ statement: String) throws
    /// Whether the sink runs a compiled migration's Swift code (online) or only marks its place
    /// (scripts); a run on a sink that runs it refuses, before anything runs, a plan whose Swift
    /// code it was not given.
    var runsSwiftCode: Bool { get }
    /// Runs Swift code (online: `code.body` with the connection) or marks where it would run.
    func runSwiftCode(_ code: SwiftCodeCall) throws
    /// Runs a backfill's batches, each in its own transaction, telling `onProgress` how far it
    /// got (online), or writes the loop (scripts).
    func runBackfill(_ backfill: Backfill, statements: BackfillStatements, onProgress: (BackfillProgress) -> Void) throws
    /// Runs the version table `changes` and then the history table statements that record a
    /// step: in one round trip online, since every step has them; one by one in scripts.
    /// Online, a change that finds no row of the head it replaces throws ``VersionRowMissing``
    /// after undoing the record.
    func record(_ changes: [VersionTable.Change], history: [String]) throws
    /// Called once at the end of a successful run.
    func finish() throws
    /// The heads as read back after a failure (online: on the run's connection, else on a new
    /// one; offline: `expected`), or why they could not be read.
    func headsAfterFailure(versionTable: VersionTable, expected: Set<String>) -> HeadsAfterFailure
    /// What failed statements outside a transaction have left behind so far (online PostgreSQL).
    func leftoverObjects() -> Set<LeftoverObject>
    /// Whom the last failed statement waited for (online PostgreSQL), so a lock timeout names it.
    func lockWaitOfLastFailure() -> LockWait?
    /// Throws when a statement about to run outside a transaction would meet such a leftover.
    func checkForLeftovers(before statement: String) throws
}

/// The version table as read back after a failure.
enum HeadsAfterFailure {
    case read(Set<String>)
    /// Neither the run's connection nor a new one could read it.
    case unknown(any Error)
}

/// One move of the version table: a migration run in one direction, or a stamp that only records.
///
/// Every command that moves the version table (upgrade, downgrade, stamp; online or as a script)
/// hands the runner these, so locking, transactions, script markers and history bookkeeping are
/// one code path.
enum RunStep {
    case migration(MigrationStep)
    case stamp(StampStep)

    var headsBefore: Set<String> {
        switch self {
        case .migration(let step): step.headsBefore
        case .stamp(let step): step.headsBefore
        }
    }

    var headsAfter: Set<String> {
        switch self {
        case .migration(let step): step.headsAfter
        case .stamp(let step): step.headsAfter
        }
    }
}

/// A stamp: the version table goes from one set of heads to another and no migration runs.
struct StampStep {
    var headsBefore: Set<String>
    var headsAfter: Set<String>
    /// Whether the version table is emptied first, whatever it holds (`stamp --purge`).
    var purge: Bool

    /// Alembic's marker for a stamp, `Running stamp_revision a -> b`.
    func summary(order: (Set<String>) -> [String]) -> String {
        let removed = order(headsBefore.subtracting(headsAfter)).joined(separator: ", ")
        let added = order(headsAfter.subtracting(headsBefore)).joined(separator: ", ")
        return "Running stamp_revision \(removed) -> \(added)"
    }
}

extension MigrationStep {
    /// Whether the migration backfills (``Operation/backfill(_:)``): it then runs outside a
    /// transaction and holds nothing else.
    var backfills: Bool {
        operations.contains { if case .backfill = $0 { true } else { false } }
    }
}

extension MigrationSink {
    func startMigration(_ step: MigrationStep) {}
    func startOperation(_ index: Int) {}
    func lockWaitOfLastFailure() -> LockWait? { nil }
}

/// Applies a plan of steps through a sink, one transaction per migration (or one per run), each
/// together with its version-table update.
struct Runner {
    var graph: RevisionGraph
    var versionTable: VersionTable
    var historyTable: HistoryTable
    var transactionPerMigration: Bool
    /// Whether the heads the database records must all be known revisions before the run starts;
    /// `stamp --purge` turns it off, since resetting unknown heads is what it is for.
    var validatesRecordedHeads = true
    var onEvent: (RunEvent) -> Void
    /// How messages name the database (``Context/databaseName``).
    var databaseName = "the database"
    /// The closures of compiled migrations' `op.run` calls (``Migrator``); empty on the command
    /// line, which cannot run them.
    var swiftCode: [SwiftCodeKey: SwiftCode] = [:]
    /// The lock and statement timeouts each migration runs under and the retries after a lock
    /// timeout (migrate.json `apply`).
    var apply = ApplySettings()

    /// Runs the steps `plan` computes from the database's heads; returns the migrations completed.
    ///
    /// If, inside a transaction, the heads are not the ones the plan expected (a concurrent run
    /// on SQLite applied something meanwhile), the plan is made again from the new heads, so a
    /// migration is never applied twice.
    func run(sink: MigrationSink, plan: (Set<String>) throws -> [MigrationStep]) throws -> [MigrationStep] {
        try run(sink: sink, steps: { try plan($0).map(RunStep.migration) }).compactMap {
            if case .migration(let step) = $0 { step } else { nil }
        }
    }

    /// Runs the steps (migrations and stamps) `plan` computes from the database's heads; returns
    /// the steps completed.
    func run(sink: MigrationSink, steps plan: (Set<String>) throws -> [RunStep]) throws -> [RunStep] {
        var startHeads: Set<String> = []
        var completed: [RunStep] = []
        var inRunTransaction = false
        var index = 0
        do {
            startHeads = try performing("create the version table \(versionTable.displayName)") {
                try sink.prepare(versionTable: versionTable, historyTable: historyTable)
            }
            if validatesRecordedHeads {
                try graph.validateDatabaseHeads(startHeads, versionTable: versionTable.displayName)
            }
            var steps = try plan(startHeads)
            try requireRunnable(steps, sink: sink)
            while index < steps.count {
                let step = steps[index]
                let transactional: Bool
                // Enumeration values committed before the rest of the migration: it needs a
                // transaction of its own, which ends the run's.
                var addsValuesFirst = false
                switch step {
                case .migration(let migration):
                    try Interruption.checkpoint("the run, before \(migration.direction.rawValue) \(migration.revision.id),")
                    // A backfill commits batch by batch: its migration cannot be one transaction.
                    transactional = migration.revision.isTransactional && !migration.backfills
                    addsValuesFirst = transactional && sink.dialect.enumerationStyle == .namedType
                        && !migration.enumerationValuesAddedFirst.isEmpty
                case .stamp:
                    transactional = true
                }
                if addsValuesFirst && inRunTransaction {
                    try performing("commit the run's transaction") { try sink.commit() }
                    inRunTransaction = false
                }
                var inStepTransaction = false
                if transactional && !inRunTransaction {
                    try performing("begin a transaction") { try sink.beginTransaction() }
                    if transactionPerMigration || addsValuesFirst { inStepTransaction = true } else { inRunTransaction = true }
                    let heads = try performing(
                        "read the version table \(versionTable.displayName)", statementHint: versionTable.readHint
                    ) {
                        try sink.headsInTransaction(versionTable: versionTable, expected: step.headsBefore)
                    }
                    if heads != step.headsBefore {
                        if validatesRecordedHeads {
                            try graph.validateDatabaseHeads(heads, versionTable: versionTable.displayName)
                        }
                        steps = try plan(heads)
                        index = 0
                        try requireRunnable(steps, sink: sink)
                        onEvent(.replanned(heads: heads))
                        if steps.isEmpty {
                            try performing("commit the transaction") { try sink.commit() }
                            inRunTransaction = false
                        } else if inStepTransaction {
                            sink.rollback()
                        }
                        continue
                    }
                } else if !transactional && inRunTransaction {
                    // A migration that must run outside a transaction ends the run's transaction.
                    try performing("commit the run's transaction") { try sink.commit() }
                    inRunTransaction = false
                }

                switch step {
                case .migration(let migration):
                    try runMigration(
                        migration, sink: sink, transactional: transactional, inStepTransaction: inStepTransaction,
                        inRunTransaction: inRunTransaction, completed: completed)
                case .stamp(let stamp):
                    sink.startStep(summary: stamp.summary(order: displayOrder))
                    try performing(
                        "stamp the version table \(versionTable.displayName)", statementHint: versionTable.readHint
                    ) {
                        let (changes, history) = stampStatements(stamp)
                        do {
                            try sink.record(changes, history: history)
                        } catch let moved as VersionRowMissing {
                            throw MigrateError(
                                .migration,
                                "stamp: another run moved the database: the version table no longer holds "
                                    + "\(moved.head), which the stamp replaces (expected heads: \(describe(stamp.headsBefore)))",
                                hint: "The stamp was rolled back; stamp again once you know where the database is.")
                        }
                        if inStepTransaction { try sink.commit() }
                    }
                }
                completed.append(step)
                index += 1
            }
            if inRunTransaction {
                try performing(
                    "commit the run's transaction",
                    statementHint: "A check made at commit (a deferred constraint, a foreign key) failed: fix the "
                        + "migration that broke it, then run the command again."
                ) { try sink.commit() }
            }
        } catch let reported as ReportedFailure {
            throw reported.error
        } catch {
            // Before or between migrations: creating the version table, beginning or committing a
            // transaction, reading the heads, a stamp, a signal.
            let signal = Interruption.acknowledge()
            sink.rollback()
            let expected = inRunTransaction
                ? completed.first?.headsBefore ?? startHeads : completed.last.map(\.headsAfter) ?? startHeads
            let migrations = completed.compactMap { if case .migration(let step) = $0 { step } else { nil } }
            throw failureBetweenSteps(
                error, completed: inRunTransaction ? [] : migrations, rolledBack: inRunTransaction,
                found: sink.headsAfterFailure(versionTable: versionTable, expected: expected), signal: signal)
        }
        try sink.finish()
        return completed
    }

    /// Runs one migration's operations and records it, committing when it has its own transaction;
    /// a failure is described (``failure(…)``) with where the database is, read back after it.
    ///
    /// A migration that gave up waiting for a lock (its `lock_timeout`) is rolled back and tried
    /// again, after a pause that doubles each time, while nothing of it stays applied: in its own
    /// transaction, or outside one when its first statement was the one that waited.
    private func runMigration(
        _ step: MigrationStep, sink: MigrationSink, transactional: Bool, inStepTransaction: Bool,
        inRunTransaction: Bool, completed: [RunStep]
    ) throws {
        onEvent(.stepStarted(step))
        sink.startMigration(step)
        sink.startStep(summary: step.summary)
        let clock = ContinuousClock()
        let started = clock.now
        // Outside a transaction a failed statement can leave objects behind; what is new after a
        // failure is what it left.
        let leftoversBefore = transactional ? [] : sink.leftoverObjects()
        var failedTries = 0
        while true {
            var progress = StepProgress(operationCount: step.operations.count, tries: failedTries + 1)
            do {
                if failedTries > 0 {
                    try Interruption.sleep(
                        for: apply.delay(beforeRetry: failedTries), "\(step.direction.rawValue) \(step.revision.id), before its next try,")
                    if inStepTransaction { try sink.beginTransaction() }
                }
                try applyMigration(
                    step, sink: sink, transactional: transactional, inStepTransaction: inStepTransaction,
                    started: started, progress: &progress)
                break
            } catch let moved as VersionRowMissing {
                _ = Interruption.acknowledge()
                if transactional { sink.rollback() }
                throw ReportedFailure(
                    error: movedDatabase(
                        step, missingHead: moved.head, transactional: transactional, inRunTransaction: inRunTransaction))
            } catch {
                // Stop cancelling statements: the rollback and the re-read below must run.
                let signal = Interruption.acknowledge()
                let lockWait = sink.lockWaitOfLastFailure()
                if transactional {
                    sink.rollback()
                } else {
                    for statement in apply.timeouts.resetStatements(dialect: sink.dialect) { try? sink.execute(statement) }
                }
                let left = transactional ? [] : sink.leftoverObjects().subtracting(leftoversBefore)
                // A backfill that stopped continues where it stopped when run again.
                let nothingStays = inStepTransaction || step.backfills
                    || (!transactional && progress.executed == 0 && left.isEmpty)
                if signal == nil, Self.isLockTimeout(error), nothingStays, failedTries < apply.lockRetries {
                    failedTries += 1
                    onEvent(
                        .retryingAfterLockTimeout(
                            LockTimeoutRetry(
                                step: step, failedTry: failedTries, tries: apply.lockRetries + 1, lockWait: lockWait,
                                delay: apply.delay(beforeRetry: failedTries))))
                    continue
                }
                // Only a failure needs the migrations before it, so a run does not copy them per step.
                let migrations = completed.compactMap { if case .migration(let step) = $0 { step } else { nil } }
                let expected = inRunTransaction ? migrations.first?.headsBefore ?? step.headsBefore : step.headsBefore
                let found = sink.headsAfterFailure(versionTable: versionTable, expected: expected)
                throw ReportedFailure(
                    error: failure(
                        step, error: error, progress: progress, transactional: transactional,
                        inRunTransaction: inRunTransaction, completed: migrations, found: found, leftovers: left,
                        lockWait: lockWait, signal: signal))
            }
        }
        onEvent(.stepFinished(step, duration: clock.now - started))
    }

    /// Whether `error` is PostgreSQL's "canceling statement due to lock timeout" (or a `NOWAIT`
    /// that found the lock taken): SQLSTATE 55P03, lock_not_available.
    static func isLockTimeout(_ error: any Error) -> Bool {
        DatabaseError.underlying(error)?.code == "55P03"
    }

    /// One try of a migration: the timeouts, its operations, the version table, the commit.
    private func applyMigration(
        _ step: MigrationStep, sink: MigrationSink, transactional: Bool, inStepTransaction: Bool,
        started: ContinuousClock.Instant, progress: inout StepProgress
    ) throws {
        let dialect = sink.dialect
        // Set first, so a SET in the migration's own SQL still wins; a migration with nothing to
        // run (a merge) needs none.
        let timeouts = step.operations.isEmpty ? SessionTimeouts() : apply.timeouts
        for statement in timeouts.setStatements(dialect: dialect, inTransaction: transactional) {
            try sink.execute(statement)
        }
        // Values added to enumerations are committed first, on their own: PostgreSQL refuses a
        // value in the transaction that added it. `ADD VALUE IF NOT EXISTS` lets a run after a
        // failure of the rest pass over them.
        let addedFirst = inStepTransaction && dialect.enumerationStyle == .namedType
            ? Set(step.enumerationValuesAddedFirst) : []
        if !addedFirst.isEmpty {
            for operationIndex in addedFirst.sorted() {
                progress.operation = operationIndex
                sink.startOperation(operationIndex)
                for statement in try dialect.statements(for: step.operations[operationIndex], inspector: sink.inspector) {
                    try Interruption.checkpoint(step.revision.id)
                    try sink.execute(statement)
                    progress.executed += 1
                }
            }
            try sink.commit()
            progress.valuesCommitted = true
            try sink.beginTransaction()
            for statement in timeouts.setStatements(dialect: dialect, inTransaction: transactional) {
                try sink.execute(statement)
            }
        }
        // Each operation is rendered just before it runs: a SQLite table rebuild must see the
        // table as the operations before it in the same migration left it.
        for (operationIndex, operation) in step.operations.enumerated() where !addedFirst.contains(operationIndex) {
            progress.operation = operationIndex
            sink.startOperation(operationIndex)
            if case .swiftCode(let label) = operation {
                try sink.runSwiftCode(swiftCodeCall(step, operation: operationIndex, label: label))
                progress.executed += 1
                continue
            }
            if case .backfill(let backfill) = operation {
                let statements: BackfillStatements
                do {
                    statements = try dialect.backfillStatements(for: backfill)
                } catch var error as MigrateError {
                    error.location = error.location ?? step.location(ofOperation: operationIndex)
                    throw error
                }
                try sink.runBackfill(backfill, statements: statements) { onEvent(.backfillProgress(step, $0)) }
                progress.executed += 1
                continue
            }
            for statement in try dialect.statements(for: operation, inspector: sink.inspector) {
                try Interruption.checkpoint(step.revision.id)
                if !transactional { try sink.checkForLeftovers(before: statement) }
                try sink.execute(statement)
                progress.executed += 1
            }
        }
        if !transactional {
            for statement in timeouts.resetStatements(dialect: dialect) { try sink.execute(statement) }
        }
        progress.operationsDone = true
        let changes = versionTable.changes(
            from: step.headsBefore, to: step.headsAfter, order: graph.topologicallySorted)
        let history: [String]
        switch step.direction {
        case .upgrade:
            let milliseconds = Int((ContinuousClock.now - started).milliseconds)
            history = historyTable.recordStatements(
                revision: step.revision.id, checksum: step.revision.checksum,
                durationMilliseconds: sink.recordsDurations ? milliseconds : nil)
        case .downgrade:
            history = [historyTable.forgetStatement(revision: step.revision.id)]
        }
        try sink.record(changes, history: history)
        progress.committing = inStepTransaction
        if inStepTransaction { try sink.commit() }
    }

    /// The `op.run` call at `operation` of a step, with its closure when the run was given it.
    private func swiftCodeCall(_ step: MigrationStep, operation: Int, label: String?) -> SwiftCodeCall {
        let code = swiftCode[SwiftCodeKey(revision: step.revision.id, direction: step.direction, operation: operation)]
        let place = code?.place ?? step.location(ofOperation: operation).map { location in
            location.line.map { "\(location.path):\($0)" } ?? location.path
        }
        return SwiftCodeCall(step: step, label: label, place: place, body: code?.body)
    }

    /// Refuses, before anything runs, a plan with Swift code the run cannot run: the command
    /// line's, since it reads migration files without compiling them.
    private func requireRunnable(_ steps: [RunStep], sink: MigrationSink) throws {
        if let missing = missingSwiftCode(steps, sink: sink) { throw missing }
        for case .migration(let step) in steps where step.backfills {
            if let other = step.operations.firstIndex(where: { if case .backfill = $0 { false } else { true } }) {
                throw MigrateError(
                    .migration,
                    "\(step.direction.rawValue) \(step.revision.id) (\(step.revision.message)) backfills and also "
                        + "runs \(step.operations[other].title); a migration that backfills must hold only backfills",
                    hint: "Move the other operations into a migration before it (e.g. adding the column) or after it "
                        + "(e.g. SET NOT NULL). A backfill runs outside a transaction, batch by batch, and its migration "
                        + "is recorded once every batch is done, so a run that stops half way runs it again and it "
                        + "continues where it stopped. Nothing was run.",
                    location: step.location(ofOperation: other))
            }
        }
    }

    private func missingSwiftCode(_ steps: [RunStep], sink: MigrationSink) -> MigrateError? {
        guard sink.runsSwiftCode else { return nil }
        for case .migration(let step) in steps {
            for (index, operation) in step.operations.enumerated() {
                guard case .swiftCode(let label) = operation else { continue }
                let call = swiftCodeCall(step, operation: index, label: label)
                if call.body == nil { return call.cannotRun(databaseName: databaseName) }
            }
        }
        return nil
    }

    /// `ids` in the graph's order, with ids the graph does not know (a purged version table's)
    /// after them by name.
    private func displayOrder(_ ids: Set<String>) -> [String] {
        let known = ids.filter { graph.revisions[$0] != nil }
        return graph.topologicallySorted(known) + ids.subtracting(known).sorted()
    }

    /// What a stamp writes: the version table's new rows, and a history that keeps only the
    /// revisions still applied, so `verify` does not report files deliberately stamped away.
    /// The version-table changes check their row counts like a migration's: a stamp that finds
    /// a head gone has met another run.
    private func stampStatements(_ stamp: StampStep) -> (changes: [VersionTable.Change], history: [String]) {
        var changes: [VersionTable.Change] = []
        if stamp.purge { changes.append(VersionTable.Change(sql: versionTable.deleteAllStatement, replacedHead: nil)) }
        changes += versionTable.changes(
            from: stamp.purge ? [] : stamp.headsBefore, to: stamp.headsAfter, order: graph.topologicallySorted)
        let applied = graph.topologicallySorted(graph.appliedRevisions(heads: stamp.headsAfter))
        return (changes, [historyTable.forgetAllStatement(except: applied)])
    }

    /// A failure the runner has described, passed through the catch clauses of ``run(sink:steps:)``.
    private struct ReportedFailure: Error {
        var error: MigrateError
    }

    /// The error for a step whose version-table UPDATE or DELETE found no row of the head it
    /// replaces: something else (the migration's own SQL, another program, a run that does not
    /// take the lock) changed the version table while this run worked.
    private func movedDatabase(
        _ step: MigrationStep, missingHead: String, transactional: Bool, inRunTransaction: Bool
    ) -> MigrateError {
        let left: String
        if !transactional {
            left = "Its statements ran outside a transaction and stay applied; the version table was left as the other "
                + "change made it. Check what happened, then `migrate stamp` the revision the database is really at."
        } else if inRunTransaction {
            left = "The run's transaction was rolled back, with every migration this run applied in it. "
                + "Run `migrate current` to see where the database is, then run the command again."
        } else {
            left = "The migration was rolled back. Run `migrate current` to see where the database is, then run the "
                + "command again; if the migration's own SQL changes the version table, remove that."
        }
        return MigrateError(
            .migration,
            "\(step.direction.rawValue) \(step.revision.id) (\(step.revision.message)): another run moved the database: "
                + "the version table no longer holds \(missingHead), which this step replaces (expected heads: "
                + "\(describe(step.headsBefore)))",
            hint: left,
            location: step.revision.path.map { SourceLocation(path: $0) })
    }

    /// Describes a failed step: which revision and file, which statement, the engine's error,
    /// where the database is (as read back after the failure: ``databaseState(…)``), and what to do.
    private func failure(
        _ step: MigrationStep, error: any Error, progress: StepProgress, transactional: Bool,
        inRunTransaction: Bool, completed: [MigrationStep], found: HeadsAfterFailure,
        leftovers: Set<LeftoverObject>, lockWait: LockWait?, signal: Int32?
    ) -> MigrateError {
        let title = "\(step.direction.rawValue) \(step.revision.id) (\(step.revision.message))"
        var state = databaseState(
            step, progress: progress, transactional: transactional, inRunTransaction: inRunTransaction,
            completed: completed, found: found, leftovers: leftovers)
        if progress.valuesCommitted {
            state += " The enumeration values it adds were committed before the rest of it and stay (PostgreSQL "
                + "cannot use a value in the transaction that adds it); running it again passes over them."
        }
        let place = progress.committing ? "COMMIT" : progress.operationsDone
            ? "the version table update"
            : "operation \(progress.operation + 1) of \(progress.operationCount) (statement \(progress.executed + 1) of the migration)"
        let location = progress.operationsDone
            ? step.revision.path.map { SourceLocation(path: $0) }
            : step.location(ofOperation: progress.operation)
        if let signal {
            var interrupted = MigrateError.interrupted(signal: signal, "\(title), at \(place),")
            interrupted.hint = state
            interrupted.location = location
            interrupted.cause = (error as? MigrateError)?.kind == .interrupted ? nil : error
            return interrupted
        }
        if let error = error as? MigrateError, error.kind != .database, progress.executed == 0 || transactional {
            // Not the database's refusal (an operation the dialect cannot express, a lock
            // timeout), and nothing of the step stays applied.
            var wrapped = error
            wrapped.message = "\(title): \(error.message)"
            wrapped.location = error.location ?? step.location(ofOperation: progress.operation)
            wrapped.hint = [error.hint, state].compactMap { $0 }.joined(separator: " ")
            return wrapped
        }
        if Self.isLockTimeout(error) {
            let tries = progress.tries == 1 ? "" : " on each of its \(progress.tries) tries"
            let holders = lockWait.map { " on \($0.lock), held by \($0.heldBy)" } ?? ""
            let end = lockWait?.holders.first.map { "SELECT pg_terminate_backend(\($0.processID))" }
                ?? "see pg_stat_activity and pg_locks"
            return MigrateError(
                .migration,
                "\(title) failed at \(place): it gave up waiting for a lock (lock_timeout)\(tries)\(holders)",
                hint: state + " Let the blocking session finish or end it (\(end)), then run the command again; "
                    + "`apply.lock_timeout` and `apply.lock_retries` in migrate.json (or --lock-timeout and "
                    + "--lock-retries) set how long a try waits and how many there are.",
                location: location,
                cause: error)
        }
        // The migration is to blame only when the engine blames its SQL; a full disk, a lock or a
        // lost connection has its own remedy.
        let remedy = " " + (DatabaseError.underlying(error)?.remedy ?? "Fix the migration and run the command again.")
        return MigrateError(
            .migration,
            "\(title) failed at \(place)",
            hint: state + remedy,
            location: location,
            cause: error)
    }

    /// Where the database is after a failed step, from the version table as read back after the
    /// failure: a lost connection can hide whether a COMMIT happened, so what the run expected is
    /// not evidence. Outside a transaction it also says which statements stay applied and what a
    /// failed statement left behind.
    private func databaseState(
        _ step: MigrationStep, progress: StepProgress, transactional: Bool, inRunTransaction: Bool,
        completed: [MigrationStep], found: HeadsAfterFailure, leftovers: Set<LeftoverObject>
    ) -> String {
        if step.backfills {
            let position: String
            switch found {
            case .read(let heads): position = "The version table says \(describe(heads)) (read back after the failure)."
            case .unknown(let reason): position = Self.undetermined(reason)
            }
            return "A backfill commits batch by batch: the batches done before the failure stay, and the migration "
                + "is recorded only once every batch is done. \(position) Running the command again continues the "
                + "backfill where it stopped."
        }
        if !transactional {
            var parts: [String] = []
            if progress.executed > 0 || progress.operationsDone {
                parts.append("It runs outside a transaction: \(progress.outcome)")
            }
            for leftover in leftovers.sorted(by: { $0.removal < $1.removal }) {
                parts.append("The failed statement left \(leftover.description) behind; remove it with `\(leftover.removal)`.")
            }
            switch found {
            case .read(let heads) where heads == step.headsBefore && progress.executed == 0 && leftovers.isEmpty:
                parts.append("Nothing of it ran; the database is still at \(describe(heads)).")
            case .read(let heads) where heads == step.headsBefore:
                parts.append("The version table still says \(describe(heads)). Undo or finish them by hand, then `migrate stamp`.")
            case .read(let heads):
                parts.append("The version table says \(describe(heads)) (read back after the failure).")
            case .unknown(let reason):
                parts.append(Self.undetermined(reason))
            }
            return parts.joined(separator: " ")
        }
        let expected = inRunTransaction ? completed.first?.headsBefore ?? step.headsBefore : step.headsBefore
        switch found {
        case .read(let heads) where heads == expected:
            return inRunTransaction
                ? "The run's transaction was rolled back: the database is still at \(describe(heads))."
                : "It was rolled back: the database is at \(describe(heads))."
        case .read(let heads) where heads == step.headsAfter:
            return "Its COMMIT reached the server before the failure: the migration is applied, and the database is at \(describe(heads))."
        case .read(let heads):
            return "The database is at \(describe(heads)) (read back after the failure)."
        case .unknown(let reason):
            return Self.undetermined(reason)
                + " It is at \(describe(expected)) if the transaction was rolled back, or at \(describe(step.headsAfter)) if its COMMIT reached the server."
        }
    }

    /// Describes a failure between steps (a transaction that would not begin or commit, a
    /// signal) with where the database is.
    private func failureBetweenSteps(
        _ error: any Error, completed: [MigrationStep], rolledBack: Bool, found: HeadsAfterFailure, signal: Int32?
    ) -> any Error {
        let state: String
        switch found {
        case .read(let heads): state = "The database is at \(describe(heads)) (read back after the failure)."
        case .unknown(let reason): state = Self.undetermined(reason)
        }
        let done = rolledBack
            ? "The run's transaction was rolled back."
            : completed.isEmpty
            ? "No migration had completed."
            : "\(completed.count) migration(s) completed before it (the last \(completed.last!.revision.id))."
        if let signal {
            var interrupted = error as? MigrateError ?? MigrateError.interrupted(signal: signal, "the run")
            if interrupted.kind != .interrupted { interrupted = .interrupted(signal: signal, "the run") }
            interrupted.hint = "\(done) \(state)"
            interrupted.cause = (error as? MigrateError)?.kind == .interrupted ? nil : error
            return interrupted
        }
        if var error = error as? MigrateError {
            guard [.database, .migration, .lockTimeout].contains(error.kind) || !completed.isEmpty || rolledBack else { return error }
            error.hint = [error.hint, done, state].compactMap { $0 }.joined(separator: " ")
            return error
        }
        return MigrateError(
            .migration, completed.isEmpty && !rolledBack ? "the run stopped before any migration ran" : "the run stopped between migrations",
            hint: "\(done) \(state) Check the cause, then run the command again.",
            cause: error)
    }

    /// The sentence for a version table that could not be read back.
    static func undetermined(_ reason: any Error) -> String {
        let because = (reason as? DatabaseError)?.message ?? (reason as? MigrateError)?.message ?? "\(reason)"
        return "Where the database is could not be determined: the version table could not be read back (\(because)). "
            + "Run `migrate current` to see where it is before running the command again."
    }

    /// ``performDatabaseAction(_:in:statementHint:_:)`` on the run's database, for the work
    /// around the steps (a step's own failure is described by ``failure``).
    private func performing<T>(_ action: String, statementHint: String? = nil, _ body: () throws -> T) throws -> T {
        try performDatabaseAction(action, in: databaseName, statementHint: statementHint, body)
    }

    /// The heads for a message, in graph order; heads read back from the database may name
    /// revisions no file declares, and those are listed as they are.
    private func describe(_ heads: Set<String>) -> String {
        guard !heads.isEmpty else { return "base" }
        guard heads.allSatisfy({ graph.revisions[$0] != nil }) else { return heads.sorted().joined(separator: ", ") }
        return graph.topologicallySorted(heads).joined(separator: ", ")
    }
}

/// A version-table UPDATE or DELETE that matched no row: the head it replaces was gone.
struct VersionRowMissing: Error {
    var head: String
}

/// How far a step got, for the failure message.
private struct StepProgress {
    init(operationCount: Int, tries: Int) {
        self.operationCount = operationCount
        self.tries = tries
    }

    /// How many operations the step has.
    var operationCount: Int
    /// Which try of the step this is (1 for the first), see ``Runner/runMigration``.
    var tries = 1
    /// The operation running when it stopped.
    var operation = 0
    /// How many statements ran.
    var executed = 0
    /// Whether every operation ran (so the failure is in the version table update).
    var operationsDone = false
    /// Whether the step's transaction was committing (the outcome of a lost COMMIT is unknown).
    var committing = false
    /// Whether the enumeration values the step adds were committed before the rest of it.
    var valuesCommitted = false

    /// Which statements ran (and, outside a transaction, stay applied), which failed and what
    /// did not run: "statements 1–2 ran and stay applied; statement 3 failed; operation 4 did not run."
    var outcome: String {
        func numbered(_ word: String, _ range: ClosedRange<Int>) -> String {
            range.count == 1 ? "\(word) \(range.lowerBound)" : "\(word)s \(range.lowerBound)–\(range.upperBound)"
        }
        guard !operationsDone else {
            return "\(numbered("statement", 1...executed)) ran and stay applied, but recording the revision failed."
        }
        var parts = ["\(numbered("statement", 1...executed)) ran and stay applied", "statement \(executed + 1) failed"]
        if operation + 2 <= operationCount {
            parts.append("\(numbered("operation", (operation + 2)...operationCount)) did not run")
        }
        return parts.joined(separator: "; ") + "."
    }
}

/// Identifies an `op.run` closure: the revision, the direction and the operation's index.
struct SwiftCodeKey: Hashable, Sendable {
    var revision: String
    var direction: MigrationStep.Direction
    var operation: Int
}

/// One `op.run` call as the runner hands it to a sink.
struct SwiftCodeCall {
    var step: MigrationStep
    var label: String?
    /// Where the call is written (`file:line`), when known.
    var place: String?
    /// The compiled closure; nil where the migration was read, not compiled (the command line).
    var body: (@Sendable (MigrationDatabase) throws -> Void)?

    /// `op.run "label" at versions/x.swift:12`, for messages and script comments.
    var description: String {
        "op.run" + (label.map { " \"\($0)\"" } ?? "") + (place.map { " at \($0)" } ?? "")
    }

    /// Why the run refuses this step: nothing that could run it was given.
    func cannotRun(databaseName: String) -> MigrateError {
        let revision = step.revision
        let instead = step.direction == .upgrade
            ? "To apply the migrations before it, run `migrate upgrade "
                + (revision.downRevisions.isEmpty ? "base" : revision.downRevisions.joined(separator: " ")) + "`."
            : "To revert the migrations after it, run `migrate downgrade \(revision.id)`."
        return MigrateError(
            .migration,
            "\(step.direction.rawValue) \(revision.id) (\(revision.message)) runs Swift code (\(description)), "
                + "which the command line cannot run: it reads migration files without compiling them",
            hint: "Run this migration with the app's Migrator (MigrateKit), which compiles it; nothing was run on "
                + "\(databaseName). " + instead,
            location: revision.path.map { SourceLocation(path: $0) })
    }
}
