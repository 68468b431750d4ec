import MigrateCore
import MigrateSQL

/// How far a backfill got: rows updated so far of those there were to update when it started.
public struct BackfillProgress: Sendable, Hashable {
    public var table: TableName
    /// Rows this run updated so far.
    public var rowsDone: Int
    /// Rows the condition selected when this run started (rows done by an earlier, stopped run
    /// are not counted: the condition no longer selects them).
    public var rowsTotal: Int
    /// Time since this run started the backfill.
    public var elapsed: Duration
    /// Whether every batch is done.
    public var finished: Bool

    /// Rows per second so far; nil before a measurable time has passed.
    public var rate: Double? {
        let seconds = Double(elapsed.milliseconds) / 1000
        return seconds >= 0.001 ? Double(rowsDone) / seconds : nil
    }

    /// The time left at the rate so far; nil when unknown.
    public var remaining: Duration? {
        guard let rate, rate > 0, !finished else { return nil }
        return .milliseconds(Int64((Double(max(0, rowsTotal - rowsDone)) / rate * 1000).rounded()))
    }

    /// "backfill accounts: 12000 of 50000 rows (24%), 8000 rows/s, about 5 s left".
    public var description: String {
        let percent = rowsTotal == 0 ? 100 : min(100, rowsDone * 100 / rowsTotal)
        var parts = ["backfill \(table): \(rowsDone) of \(rowsTotal) rows (\(percent)%)"]
        if let rate { parts.append("\(Int(rate.rounded())) rows/s") }
        if finished {
            parts.append("done in \(Self.seconds(elapsed))")
        } else if let remaining {
            parts.append("about \(Self.seconds(remaining)) left")
        }
        return parts.joined(separator: ", ")
    }

    private static func seconds(_ duration: Duration) -> String {
        let tenths = duration.milliseconds / 100
        return tenths >= 100 ? "\(tenths / 10) s" : "\(tenths / 10).\(tenths % 10) s"
    }
}

extension DatabaseConnection {
    /// Runs a backfill's batches on this connection, each in its own transaction, and reports
    /// progress after the count, about once a second, and at the end.
    ///
    /// Each batch reads the next keys the condition selects after the last key done, updates
    /// the rows up to the last of them, and commits; a batch that finds no key ends the loop.
    func runBackfill(
        _ backfill: Backfill, statements: BackfillStatements, onProgress: (BackfillProgress) -> Void
    ) throws {
        let clock = ContinuousClock()
        let started = clock.now
        let total = Int(try query(statements.count).first?.first.flatMap { $0 } ?? "0") ?? 0
        var progress = BackfillProgress(table: backfill.table, rowsDone: 0, rowsTotal: total, elapsed: .zero, finished: false)
        onProgress(progress)
        var lastReport = started
        var lastKey: String?
        while true {
            try Interruption.checkpoint("backfill \(backfill.table)")
            try beginTransaction()
            let batch: [[String?]]
            do {
                batch = try query(
                    lastKey == nil ? statements.selectFirstBatch : statements.selectNextBatch,
                    parameters: lastKey.map { [$0] } ?? [])
                if let lastRow = batch.last {
                    guard let bound = lastRow.first ?? nil else {
                        throw MigrateError(
                            .migration, "backfill \(backfill.table): the key column \(backfill.key) holds NULL",
                            hint: "Walk the table by a unique column without NULLs (the primary key): pass `key:`.")
                    }
                    _ = try query(
                        lastKey == nil ? statements.updateFirstBatch : statements.updateNextBatch,
                        parameters: (lastKey.map { [$0] } ?? []) + [bound])
                    lastKey = bound
                }
                try verifyBeforeCommit()
                try commit()
            } catch {
                try? rollback()
                throw error
            }
            guard !batch.isEmpty else { break }
            progress.rowsDone += batch.count
            let now = clock.now
            if now - lastReport >= .seconds(1) {
                lastReport = now
                progress.elapsed = now - started
                onProgress(progress)
            }
        }
        progress.elapsed = clock.now - started
        progress.finished = true
        onProgress(progress)
    }
}
