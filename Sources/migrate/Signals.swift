#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MigrateCore
import MigrateKit

/// Ctrl-C and SIGTERM: blocked in every thread from the start and taken by one thread of their
/// own with `sigwait`, so what happens next is ordinary code rather than a signal handler.
///
/// The first signal asks MigrateKit to stop the run in progress (``Interrupts``): it cancels
/// the running statement, rolls back, releases its locks and fails with an `.interrupted` error,
/// which `main` prints and turns into 128 + the signal's number (130 for SIGINT, 143 for
/// SIGTERM). With no run in progress there is nothing to undo, and the process ends at once.
/// A second signal ends the process at once; the server rolls back what was open when the
/// connection closes.
enum Signals {
    /// Blocks SIGINT and SIGTERM in this thread (and so in every thread started after it) and
    /// starts the thread that waits for them. Call first thing in `main`.
    static func startHandling() {
        var signals = handledSignals()
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let created = pthread_create(&thread, nil, { _ in Signals.waitForSignals() }, nil)
        if created != 0 {
            // Without the thread the signals would stay blocked and Ctrl-C would do nothing.
            pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        }
    }

    /// The exit status of a run a signal stopped: 128 + the signal's number, as shells report it.
    static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

    private static func handledSignals() -> sigset_t {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        return signals
    }

    private static func waitForSignals() -> Never {
        var signals = handledSignals()
        var first: Int32?
        while true {
            var signal: Int32 = 0
            guard sigwait(&signals, &signal) == 0 else { continue }
            let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
            if first != nil {
                StandardError.endOpenLine()
                _ = FileText.writeAll(
                    "error: \(name) again: stopping without waiting for the rollback. The server rolls back the open "
                        + "transaction when the connection closes; run `migrate current` to see where the database is.\n",
                    to: STDERR_FILENO)
                _exit(exitStatus(signal))
            }
            first = signal
            StandardError.endOpenLine()
            if Interrupts.interrupt(signal: signal) {
                StandardError.write("\(name): cancelling the running statement and rolling back…\n")
            } else {
                StandardError.write("error: interrupted by \(name); no migration was running.\n")
                _exit(exitStatus(signal))
            }
        }
    }
}
