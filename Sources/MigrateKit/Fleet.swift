import Dispatch
import MigrateCore
import MigrateSQL

/// How a fleet command rolls out over its targets.
public struct FleetRunOptions: Sendable {
    /// How many targets run at once, each on its own thread with its own connection.
    public var jobs: Int
    /// Targets that run first, on their own; the rest start only if every one of them succeeds.
    public var canary: [FleetTarget]
    /// Whether a failed target lets the others go on (every failure is reported at the end);
    /// without it the first failure stops the rollout: targets already running finish, the
    /// others are not touched.
    public var continueOnError: Bool
    /// Whether the command takes the migration lock, so each PostgreSQL database is first
    /// checked for a pooler that would not keep it (commands that only read skip the check).
    public var takesLocks: Bool

    public init(jobs: Int = 4, canary: [FleetTarget] = [], continueOnError: Bool = false, takesLocks: Bool = true) {
        self.jobs = jobs
        self.canary = canary
        self.continueOnError = continueOnError
        self.takesLocks = takesLocks
    }
}

/// What became of one target of a fleet command.
public enum FleetOutcome<Value: Sendable>: Sendable {
    case succeeded(Value)
    case failed(any Error)
    /// The rollout stopped (a failure, a failed canary) before this target started.
    case notRun

    public var failed: Bool {
        if case .failed = self { true } else { false }
    }
}

/// One command over many databases and tenant schemas: migrate.json `targets`, chosen with
/// `--target`/`--all` (see docs/fleets.md).
///
/// Each target runs the ordinary command (``Commands/upgrade(_:to:)`` and the others) with a
/// ``Context`` of its own: its own connection, owned by one worker thread; its own migration
/// lock, keyed by its database and schema; its own transactions.
public enum Fleet {
    /// Runs `body` on each target, `options.jobs` at a time, canaries first; returns each
    /// target's outcome in the order of `targets`.
    ///
    /// `onEvent` receives the targets' run events and `onFinish` each target's outcome as it
    /// finishes; calls to both are never concurrent, so a caller may print from them as they are.
    public static func run<Value: Sendable>(
        _ context: Context, targets: [FleetTarget], options: FleetRunOptions,
        onEvent: @escaping @Sendable (FleetTarget, RunEvent) -> Void = { _, _ in },
        onFinish: @escaping @Sendable (FleetTarget, FleetOutcome<Value>) -> Void = { _, _ in },
        _ body: @escaping @Sendable (Context) throws -> Value
    ) -> [FleetOutcome<Value>] {
        let state = RolloutState<Value>(count: targets.count, continueOnError: options.continueOnError, onFinish: onFinish)
        let shared = {
            var shared = context
            shared.verifiedSessions = VerifiedSessions()
            return shared
        }()
        let canaryNames = Set(options.canary.map(\.name))
        let canaries = targets.indices.filter { canaryNames.contains(targets[$0].name) }
        let others = targets.indices.filter { !canaryNames.contains(targets[$0].name) }
        for phase in [canaries, others] where !phase.isEmpty {
            state.queue(phase, stopsOnAnyFailure: !canaries.isEmpty && phase == canaries)
            let group = DispatchGroup()
            for worker in 0..<min(max(options.jobs, 1), phase.count) {
                // A serial queue of its own gets a thread of its own: the global queues would
                // cap the workers at the number of cores, and these mostly wait for the server.
                DispatchQueue(label: "migrate.fleet.\(worker)").async(group: group) {
                    let connection = WorkerConnection()
                    while let index = state.next() {
                        let target = targets[index]
                        var targetContext = shared
                        targetContext.target = target
                        targetContext.workerConnection = connection
                        targetContext.onEvent = { event in state.serialized { onEvent(target, event) } }
                        let outcome: FleetOutcome<Value>
                        do {
                            if options.takesLocks { try targetContext.requireOneServerSessionBeforeConnecting() }
                            outcome = .succeeded(try body(targetContext))
                        } catch {
                            // The connection may be in any state after a failure: the next target gets a new one.
                            connection.discard()
                            outcome = .failed(error)
                        }
                        state.finish(index, target: target, outcome)
                    }
                }
            }
            group.wait()
        }
        return state.outcomes()
    }
}

/// The shared bookkeeping of a rollout: which target runs next, whether to stop, the outcomes.
/// Every access goes through one serial queue.
private final class RolloutState<Value: Sendable>: @unchecked Sendable {
    private let lock = DispatchQueue(label: "migrate.fleet.state")
    private var results: [FleetOutcome<Value>]
    private var pending: [Int] = []
    private var position = 0
    private var stopped = false
    private var stopsOnAnyFailure = false
    private let continueOnError: Bool
    private let onFinish: @Sendable (FleetTarget, FleetOutcome<Value>) -> Void

    init(count: Int, continueOnError: Bool, onFinish: @escaping @Sendable (FleetTarget, FleetOutcome<Value>) -> Void) {
        results = Array(repeating: .notRun, count: count)
        self.continueOnError = continueOnError
        self.onFinish = onFinish
    }

    /// Starts a phase: its targets are handed out in order, unless the rollout has stopped.
    func queue(_ indices: [Int], stopsOnAnyFailure: Bool) {
        lock.sync {
            pending = indices
            position = 0
            self.stopsOnAnyFailure = stopsOnAnyFailure
        }
    }

    func next() -> Int? {
        lock.sync {
            guard !stopped, position < pending.count else { return nil }
            position += 1
            return pending[position - 1]
        }
    }

    func finish(_ index: Int, target: FleetTarget, _ outcome: FleetOutcome<Value>) {
        lock.sync {
            results[index] = outcome
            // A failed canary stops the rollout even with --continue-on-error: that is what it is for.
            if outcome.failed && (!continueOnError || stopsOnAnyFailure) { stopped = true }
            onFinish(target, outcome)
        }
    }

    func serialized(_ body: () -> Void) { lock.sync(execute: body) }

    func outcomes() -> [FleetOutcome<Value>] { lock.sync { results } }
}

/// The one connection a fleet worker keeps open between its targets: reused while the next
/// target is in the same database (a tenant schema after another), closed when it is not or
/// after a failure. Only its worker's thread touches it.
final class WorkerConnection: @unchecked Sendable {
    private var url: DatabaseURL?
    private var connection: DatabaseConnection?

    /// The kept connection, if it is to `url`; any other is closed.
    func reuse(for url: DatabaseURL) -> DatabaseConnection? {
        if self.url == url, let connection { return connection }
        discard()
        return nil
    }

    func keep(_ connection: DatabaseConnection, for url: DatabaseURL) {
        self.url = url
        self.connection = connection
    }

    func discard() {
        url = nil
        connection = nil
    }
}
