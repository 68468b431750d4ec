import MigrateSQL

/// Stops a migration run when the process is asked to stop (Ctrl-C, SIGTERM).
///
/// Library code handles no signals: the program that embeds MigrateKit catches them (the
/// command line waits for them on a thread of its own with `sigwait`) and calls
/// ``interrupt(signal:)``. A run in progress then cancels its running statement (PostgreSQL's
/// cancel request, SQLite's progress handler), stops waiting for a lock, rolls back, releases
/// its locks, and fails with a ``MigrateError`` of kind `.interrupted` whose hint says what was
/// rolled back and where the database is.
///
/// ```swift
/// if !Interrupts.interrupt(signal: SIGINT) {
///     _exit(130)  // no run in progress: nothing to roll back
/// }
/// ```
public enum Interrupts {
    /// Asks the run in progress to stop because of `signal`; returns false when no run is in
    /// progress (then nothing needs rolling back). Safe to call from any thread, not from a
    /// signal handler.
    @discardableResult
    public static func interrupt(signal: Int32) -> Bool {
        Interruption.request(signal: signal)
    }
}
