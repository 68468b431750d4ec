import Foundation
import MigrateKit

/// Writes diagnostics and progress to stderr, keeping stdout for results people or scripts read.
enum StandardError {
    /// Whether a progress line was started and not ended (a step is running), so a message
    /// printed now must begin on a new line.
    nonisolated(unsafe) static var lineOpen = false

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
        if let last = text.last { lineOpen = last != "\n" }
    }

    /// Ends a progress line left open by a step that failed.
    static func endOpenLine() {
        if lineOpen { write("\n") }
    }
}

/// Prints run events as Alembic's `Running upgrade …` lines, with each step's time.
enum Progress {
    @Sendable static func print(_ event: RunEvent) {
        switch event {
        case .waitingForLock(let table):
            StandardError.write("Waiting for the migration lock on \(table): another migrate run holds it.\n")
        case .stepStarted(let step):
            StandardError.write(step.summary)
        case .stepFinished(_, let duration):
            StandardError.write(" (\(format(duration)))\n")
        case .verificationProblem(let problem):
            StandardError.write("warning: \(problem) (`migrate verify` lists all)\n")
        case .replanned(let heads):
            StandardError.write(
                "Another run moved the database to \(heads.isEmpty ? "base" : heads.sorted().joined(separator: ", ")) meanwhile; continuing from there.\n")
        }
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000
            + Double(duration.components.attoseconds) / 1e15
        return milliseconds < 10 ? String(format: "%.1f ms", milliseconds) : String(format: "%.0f ms", milliseconds)
    }
}

/// The one place that turns an error into a message and an exit status (DESIGN §4: 1 for a
/// failure, 64 for a usage error).
enum ErrorReport {
    static func print(_ error: MigrateError) {
        StandardError.endOpenLine()
        StandardError.write("error: \(error)\n")
    }

    static func exitStatus(for error: MigrateError) -> Int32 {
        error.kind == .usage ? 64 : 1
    }
}
