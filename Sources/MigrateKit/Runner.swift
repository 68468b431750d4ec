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
    /// A step is about to run.
    case stepStarted(MigrationStep)
    /// A step committed, after `duration`.
    case stepFinished(MigrationStep, duration: Duration)
    /// Another run moved the database while this one waited; the plan was made again.
    case replanned(heads: Set<String>)
    /// An applied migration's file changed, or disappeared, since it ran (see `verify`).
    case verificationProblem(Commands.VerificationProblem)
}

/// Where the runner sends a migration's statements: a live database or an SQL script.
///
/// One runner drives both (DESIGN §5): online and offline runs cannot drift apart because the
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
    /// Marks the start of a step (a comment line in scripts).
    func startStep(_ step: MigrationStep)
    /// Marks the start of the step's operation at `index` (lint maps statements to operations).
    func startOperation(_ index: Int)
    func execute(_ statement: String) throws
    /// Runs the version and history table statements that record a step: in one round trip
    /// online, since every step has them; one by one in scripts.
    func record(_ statements: [String]) throws
    /// Called once at the end of a successful run.
    func finish() throws
}

extension MigrationSink {
    func startOperation(_ index: Int) {}
}

/// Applies a plan of steps through a sink, one transaction per migration (or one per run), each
/// together with its version-table update.
struct Runner {
    var graph: RevisionGraph
    var versionTable: VersionTable
    var transactionPerMigration: Bool
    var onEvent: (RunEvent) -> Void

    /// Runs the steps `plan` computes from the database's heads; returns the steps completed.
    ///
    /// If, inside a transaction, the heads are not the ones the plan expected (a concurrent run
    /// on SQLite applied something meanwhile), the plan is made again from the new heads, so a
    /// migration is never applied twice.
    func run(sink: MigrationSink, plan: (Set<String>) throws -> [MigrationStep]) throws -> [MigrationStep] {
        let dialect = sink.dialect
        let historyTable = HistoryTable(for: versionTable)
        let startHeads = try sink.prepare(versionTable: versionTable, historyTable: historyTable)
        try graph.validateDatabaseHeads(startHeads, versionTable: versionTable.displayName)
        var steps = try plan(startHeads)
        var completed: [MigrationStep] = []
        var inRunTransaction = false
        var index = 0
        while index < steps.count {
            let step = steps[index]
            let transactional = step.revision.isTransactional
            var inStepTransaction = false
            if transactional && !inRunTransaction {
                try sink.beginTransaction()
                if transactionPerMigration { inStepTransaction = true } else { inRunTransaction = true }
                let heads = try sink.headsInTransaction(versionTable: versionTable, expected: step.headsBefore)
                if heads != step.headsBefore {
                    try graph.validateDatabaseHeads(heads, versionTable: versionTable.displayName)
                    steps = try plan(heads)
                    index = 0
                    onEvent(.replanned(heads: heads))
                    if steps.isEmpty {
                        try sink.commit()
                        inRunTransaction = false
                    } else if inStepTransaction {
                        sink.rollback()
                    }
                    continue
                }
            } else if !transactional && inRunTransaction {
                // A migration that must run outside a transaction ends the run's transaction.
                try sink.commit()
                inRunTransaction = false
            }

            onEvent(.stepStarted(step))
            sink.startStep(step)
            let clock = ContinuousClock()
            let started = clock.now
            var progress = StepProgress(operationCount: step.operations.count)
            do {
                // Each operation is rendered just before it runs: a SQLite table rebuild must
                // see the table as the operations before it in the same migration left it.
                for (operationIndex, operation) in step.operations.enumerated() {
                    progress.operation = operationIndex
                    sink.startOperation(operationIndex)
                    for statement in try dialect.statements(for: operation, inspector: sink.inspector) {
                        try sink.execute(statement)
                        progress.executed += 1
                    }
                }
                progress.operationsDone = true
                var record = versionTable.changeStatements(
                    from: step.headsBefore, to: step.headsAfter, order: graph.topologicallySorted)
                switch step.direction {
                case .upgrade:
                    let elapsed = (clock.now - started).components
                    let milliseconds = Int(elapsed.seconds * 1000 + elapsed.attoseconds / 1_000_000_000_000_000)
                    record += historyTable.recordStatements(
                        revision: step.revision.id, checksum: step.revision.checksum,
                        durationMilliseconds: sink.recordsDurations ? milliseconds : nil)
                case .downgrade:
                    record.append(historyTable.forgetStatement(revision: step.revision.id))
                }
                try sink.record(record)
                if inStepTransaction { try sink.commit() }
            } catch {
                if transactional { sink.rollback() }
                throw failure(step, error: error, progress: progress, transactional: transactional,
                              inRunTransaction: inRunTransaction, completed: completed)
            }
            completed.append(step)
            onEvent(.stepFinished(step, duration: clock.now - started))
            index += 1
        }
        if inRunTransaction { try sink.commit() }
        try sink.finish()
        return completed
    }

    /// Describes a failed step: which revision and file, which statement, the engine's error,
    /// and where the database was left.
    private func failure(
        _ step: MigrationStep, error: any Error, progress: StepProgress, transactional: Bool,
        inRunTransaction: Bool, completed: [MigrationStep]
    ) -> MigrateError {
        let title = "\(step.direction.rawValue) \(step.revision.id) (\(step.revision.message))"
        if let error = error as? MigrateError, error.kind != .database, progress.executed == 0 || transactional {
            // Not the database's refusal (an operation the dialect cannot express, a lock
            // timeout), and nothing of the step stays applied.
            var wrapped = error
            wrapped.message = "\(title): \(error.message)"
            wrapped.location = error.location ?? step.location(ofOperation: progress.operation)
            wrapped.hint = [error.hint, "The migration was rolled back: the database is at \(describe(step.headsBefore))."]
                .compactMap { $0 }.joined(separator: " ")
            return wrapped
        }
        let place = progress.operationsDone
            ? "the version table update"
            : "operation \(progress.operation + 1) of \(progress.operationCount) (statement \(progress.executed + 1) of the migration)"
        let left: String
        if !transactional {
            left = progress.executed == 0
                ? "Nothing of it ran; the database is still at \(describe(step.headsBefore))."
                : "It runs outside a transaction: \(progress.outcome) The version table still says \(describe(step.headsBefore)). Undo or finish them by hand, then `migrate stamp`."
        } else if inRunTransaction {
            left = "The run's transaction was rolled back: the database is still at \(describe(completed.first?.headsBefore ?? step.headsBefore))."
        } else {
            left = "It was rolled back: the database is at \(describe(step.headsBefore))."
        }
        let remedy = (error as? DatabaseError)?.isConnectionLost == true
            ? " The statement did not fail: the server ended the connection. Check the server, then run the command again."
            : " Fix the migration and run the command again."
        return MigrateError(
            .migration,
            "\(title) failed at \(place)",
            hint: left + remedy,
            location: progress.operationsDone
                ? step.revision.path.map { SourceLocation(path: $0) }
                : step.location(ofOperation: progress.operation),
            cause: error)
    }

    private func describe(_ heads: Set<String>) -> String {
        heads.isEmpty ? "base" : graph.topologicallySorted(heads).joined(separator: ", ")
    }
}

/// How far a step got, for the failure message.
private struct StepProgress {
    /// How many operations the step has.
    var operationCount: Int
    /// The operation running when it stopped.
    var operation = 0
    /// How many statements ran.
    var executed = 0
    /// Whether every operation ran (so the failure is in the version table update).
    var operationsDone = false

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
