#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch

/// Catalog queries run on a second connection to the same database while the reflecting
/// connection runs others, so that on a large schema the server reads constraints and indexes on
/// one core while it reads columns on the other.
///
/// On 1000 tables the server spends about 35 ms on the constraints and indexes and as long on
/// the columns and types; one after the other they were half of `check`'s time. The side
/// connection is opened from the same URL and given the reflecting session's `search_path`
/// (which decides how names in printed expressions are qualified) inside a read-only transaction
/// that is rolled back, so no setting outlives it even behind a transaction-pooling PgBouncer.
///
/// It never makes reflection fail, nor wait long on something that may not come: when it cannot
/// connect, fails, or has not been given a server session within ``startTimeout`` of its rows
/// being wanted (a pooler whose only server session the reflecting connection holds),
/// ``rows()`` says nil and the reflecting connection runs the queries itself.
final class PostgresSideQueries: @unchecked Sendable {
    /// Below this many tables the two queries take a few milliseconds, less than a connection costs.
    static let minimumTables = 300
    /// How long the rows are waited for while the side connection has no server session yet. It
    /// usually has one within milliseconds; the wait covers a busy machine.
    static let startTimeout: DispatchTimeInterval = .milliseconds(500)

    /// Where the side connection is. Guarded by `lock`.
    private enum State {
        /// Connecting, or setting up its transaction: its rows may never come.
        case starting
        /// The queries are running on a server session of their own: their rows will come.
        case running
        /// Done: the rows, or nil when anything failed.
        case finished([[[String?]]]?)
        /// The rows were wanted before the queries started; the side connection stops.
        case abandoned
    }

    private var state = State.starting
    private let lock = DispatchSemaphore(value: 1)
    private let done = DispatchSemaphore(value: 0)
    /// Signalled once, when the state leaves `starting`.
    private let started = DispatchSemaphore(value: 0)

    /// Starts connecting to `url` on another thread and, once connected, runs `queries` there
    /// (each with its parameters), in a read-only transaction whose `search_path` is `searchPath`.
    init(url: String, searchPath: String, queries: [(sql: String, parameters: [String?])]) {
        let queries = queries.map { SendableQuery(sql: $0.sql, parameters: $0.parameters) }
        let started = Self.startThread { [self] in
            run(url: url, searchPath: searchPath, queries: queries)
        }
        if !started { finish(nil) }
    }

    /// Runs `work` on a thread of its own, not the dispatch pool's: the pool's few threads may all
    /// be blocked in other work (tests run side by side, each waiting on its database), and then
    /// the queries would start only after their rows were given up on.
    private static func startThread(_ work: @escaping @Sendable () -> Void) -> Bool {
        final class Work {
            let run: @Sendable () -> Void
            init(_ run: @escaping @Sendable () -> Void) { self.run = run }
        }
        let context = Unmanaged.passRetained(Work(work)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        let created = pthread_create(
            &thread, nil,
            { context in
                guard let context else { return nil }
                Unmanaged<Work>.fromOpaque(context).takeRetainedValue().run()
                return nil
            }, context)
        guard created == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            return false
        }
        #if canImport(Darwin)
            if let thread { pthread_detach(thread) }
        #else
            pthread_detach(thread)
        #endif
        return true
    }

    private struct SendableQuery: Sendable {
        var sql: String
        var parameters: [String?]
    }

    private func run(url: String, searchPath: String, queries: [SendableQuery]) {
        var rows: [[[String?]]]?
        defer { finish(rows) }
        guard let connection = try? PostgresConnection(url: url) else { return }
        do {
            try connection.execute("BEGIN READ ONLY")
            _ = try connection.query(
                "SELECT pg_catalog.set_config('search_path', $1, true), pg_catalog.set_config('jit', 'off', true)",
                parameters: [searchPath])
        } catch {
            return
        }
        guard begin() else { return }
        rows = try? queries.map { try connection.query($0.sql, parameters: $0.parameters) }
        finish(rows)
        try? connection.rollback()
    }

    /// Moves from starting to running, unless the rows were already given up on.
    private func begin() -> Bool {
        lock.wait()
        defer { lock.signal() }
        guard case .starting = state else { return false }
        state = .running
        started.signal()
        return true
    }

    private func finish(_ rows: [[[String?]]]?) {
        lock.wait()
        defer { lock.signal() }
        switch state {
        case .starting:
            state = .finished(rows)
            started.signal()
            done.signal()
        case .running:
            state = .finished(rows)
            done.signal()
        case .finished, .abandoned:
            break
        }
    }

    /// The rows of each query in order, waiting for them if the queries are running; nil when the
    /// side connection failed or had not started them, and the caller runs them itself.
    func rows() -> [[[String?]]]? {
        lock.wait()
        if case .starting = state {
            lock.signal()
            _ = started.wait(timeout: .now() + Self.startTimeout)
            lock.wait()
        }
        switch state {
        case .starting:
            state = .abandoned
            lock.signal()
            return nil
        case .abandoned:
            lock.signal()
            return nil
        case .finished(let rows):
            lock.signal()
            return rows
        case .running:
            lock.signal()
        }
        done.wait()
        lock.wait()
        defer { lock.signal() }
        if case .finished(let rows) = state { return rows }
        return nil
    }
}
