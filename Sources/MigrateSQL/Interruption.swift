import MigrateCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process-wide request to stop a migration run (Ctrl-C, SIGTERM), and who is there to
/// honour it.
///
/// Library code never handles signals itself: the command line catches them and calls
/// ``request(signal:)``. A request is *pending* until someone acknowledges it; while it is
/// pending, the drivers cancel the statement they are running (PostgreSQL sends libpq's cancel
/// request; SQLite's progress handler stops the statement), lock waits give up, and the runner
/// stops before its next statement. The one who notices first calls ``acknowledge()`` and then
/// rolls back, re-reads the version table and releases the locks, with statements that must not
/// be cancelled in turn.
///
/// ```swift
/// // on the command line's signal thread
/// if !Interruption.request(signal: SIGINT) { _exit(130) }  // nothing to roll back
/// ```
package enum Interruption {
    private static let state = LockedState()

    /// Records `signal` as the reason to stop; returns whether a run is in progress that will
    /// stop and report (see ``withRun(_:)``). Only the first request is recorded.
    @discardableResult
    package static func request(signal: Int32) -> Bool {
        state.withLock { value in
            if value.signal == nil {
                value.signal = signal
                value.pending = true
            }
            return value.runs > 0
        }
    }

    /// The signal of a request nobody has acknowledged yet: drivers cancel what they run while it is set.
    package static var pendingSignal: Int32? {
        state.withLock { $0.pending ? $0.signal : nil }
    }

    /// The signal that interrupted this process, acknowledged or not.
    package static var signal: Int32? {
        state.withLock { $0.signal }
    }

    /// Stops cancelling statements: the caller is now rolling back and reporting, and needs its
    /// own statements to run. Returns the signal, or nil when there was no request.
    @discardableResult
    package static func acknowledge() -> Int32? {
        state.withLock { value in
            value.pending = false
            return value.signal
        }
    }

    /// Throws ``MigrateError`` `.interrupted` (acknowledging the request) when one is pending,
    /// so a loop between statements stops where nothing is half done.
    package static func checkpoint(_ what: @autoclosure () -> String) throws {
        guard pendingSignal != nil, let signal = acknowledge() else { return }
        throw MigrateError.interrupted(signal: signal, what())
    }

    /// Sleeps for `duration` in slices of 100 ms, throwing like ``checkpoint(_:)`` as soon as a
    /// request is pending: a pause between tries must not outlast Ctrl-C.
    package static func sleep(for duration: Duration, _ what: @autoclosure () -> String) throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: duration)
        while clock.now < deadline {
            try checkpoint(what())
            let (seconds, attoseconds) = min(.milliseconds(100), deadline - clock.now).components
            var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
            var remaining = timespec()
            while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
        }
        try checkpoint(what())
    }

    /// Runs `body` as a run that honours requests: while it runs, ``request(signal:)`` answers
    /// true and the caller waits for `body` to stop and report.
    package static func withRun<T>(_ body: () throws -> T) rethrows -> T {
        state.withLock { $0.runs += 1 }
        defer { state.withLock { $0.runs -= 1 } }
        return try body()
    }

    /// The signal's name for messages: "SIGINT", "SIGTERM", or "signal N".
    package static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        default: "signal \(signal)"
        }
    }

    private struct Value {
        var signal: Int32?
        var pending = false
        var runs = 0
    }

    /// A pthread mutex around the state: it is read from the signal thread, the thread running
    /// the migration and SQLite's progress handler.
    private final class LockedState: @unchecked Sendable {
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>
        private var value = Value()

        init() {
            mutex = .allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
        }

        func withLock<T>(_ body: (inout Value) -> T) -> T {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return body(&value)
        }
    }
}

extension MigrateError {
    /// A run stopped by `signal`; `message` says what was interrupted (the hint, added by the
    /// runner, says what was rolled back and where the database is).
    package static func interrupted(signal: Int32, _ message: String) -> MigrateError {
        var error = MigrateError(.interrupted, "\(message) was interrupted by \(Interruption.name(of: signal))")
        error.signal = signal
        return error
    }
}
