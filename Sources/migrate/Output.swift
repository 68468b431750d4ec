#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MigrateCore
import MigrateKit

/// Writes diagnostics and progress to stderr, keeping stdout for results people or scripts read.
enum StandardError {
    /// Whether a progress line was started and not ended (a step is running), so a message
    /// printed now must begin on a new line.
    nonisolated(unsafe) static var lineOpen = false

    static func write(_ text: String) {
        // Unbuffered, like C's stderr.
        FileText.writeAll(text, to: STDERR_FILENO)
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
        case .waitingForDatabase(let path):
            StandardError.write("Waiting for the lock on the SQLite database \(path): another connection holds it.\n")
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
        guard milliseconds < 10 else { return "\(Int(milliseconds.rounded())) ms" }
        let tenths = Int((milliseconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
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
