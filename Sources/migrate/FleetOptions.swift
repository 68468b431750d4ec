import ArgumentParser
import MigrateCore
import MigrateKit

/// Which of migrate.json's `targets` a command runs on, and how many at once.
struct FleetSelection: ParsableArguments {
    @Option(
        name: .customLong("target"),
        help: ArgumentHelp("Run on the targets with this name (* and ? match any text and one character); repeatable.", valueName: "name"))
    var patterns: [String] = []

    @Flag(help: "Run on every target migrate.json lists.")
    var all = false

    @Option(name: [.customShort("j"), .long], help: "How many targets run at once, each on its own connection.")
    var jobs: Int = 4

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be 1 or more") }
        if all && !patterns.isEmpty { throw ValidationError("give --all or --target, not both") }
    }

    /// Whether a fleet of targets was asked for.
    var isFleet: Bool { all || !patterns.isEmpty }

    /// The selected targets, or nil when none were asked for (the command uses one database).
    func targets(_ context: Context) throws -> [FleetTarget]? {
        isFleet ? try Fleet.targets(context, matching: patterns, all: all) : nil
    }
}

/// How upgrade and downgrade roll out over a fleet.
struct RolloutOptions: ParsableArguments {
    @Flag(help: "Run the first selected target alone first; stop if it fails.")
    var canary = false

    @Option(
        name: .customLong("canary-target"),
        help: ArgumentHelp("Run these targets (names or patterns) alone first, instead of the first one; repeatable.", valueName: "name"))
    var canaryPatterns: [String] = []

    @Flag(help: "Keep going after a target fails, and report every failure at the end.")
    var continueOnError = false

    func options(_ context: Context, targets: [FleetTarget], jobs: Int) throws -> FleetRunOptions {
        var canaries: [FleetTarget] = []
        if !canaryPatterns.isEmpty {
            for pattern in canaryPatterns {
                let matches = try Fleet.targets(context, matching: [pattern], all: false)
                canaries += matches.filter { match in targets.contains(match) && !canaries.contains(match) }
            }
            if canaries.isEmpty {
                throw MigrateError(.usage, "--canary-target names none of the selected targets", hint: "pick canaries among the targets --target or --all select")
            }
        } else if canary, let first = targets.first {
            canaries = [first]
        }
        return FleetRunOptions(jobs: jobs, canary: canaries, continueOnError: continueOnError)
    }
}

/// Prints a fleet command as it runs: one line per target as it finishes (errors through the
/// one error format, prefixed with the target's name), then a summary; exits 1 if any target
/// failed or was not run.
enum FleetOutput {
    static func run<Value: Sendable>(
        _ verb: String, _ context: Context, targets: [FleetTarget], options: FleetRunOptions,
        resultsOnStdout: Bool = false,
        describe: @escaping @Sendable (Value) -> TerminalText,
        _ body: @escaping @Sendable (Context) throws -> Value
    ) throws -> [FleetOutcome<Value>] {
        if !options.canary.isEmpty {
            StandardError.write("\(verb): canary \(options.canary.map(\.name).joined(separator: ", ")) first, then \(targets.count - options.canary.count) more\n")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let outcomes = Fleet.run(
            context, targets: targets, options: options,
            onEvent: { target, event in
                switch event {
                case .waitingForLock:
                    StandardError.write("\(target.name): waiting for the migration lock: another migrate run holds it\n")
                case .waitingForDatabase:
                    StandardError.write("\(target.name): waiting for the database's lock: another connection holds it\n")
                case .waitingForStatementLock(let wait):
                    StandardError.write("\(target.name): \(wait)\n")
                case .retryingAfterLockTimeout(let retry):
                    StandardError.write("\(target.name): \(retry.description)\n")
                case .verificationProblem(let problem):
                    StandardError.write("warning: \(target.name): \(problem) (`migrate verify` lists all)\n")
                case .backfillProgress(_, let progress) where progress.finished:
                    StandardError.write("\(target.name): \(progress.description)\n")
                case .stepStarted, .stepFinished, .replanned, .backfillProgress:
                    break
                }
            },
            onFinish: { target, outcome in
                switch outcome {
                case .succeeded(let value):
                    let line: TerminalText = "\(target.name): \(describe(value))"
                    if resultsOnStdout { StandardOutput.line(line) } else { StandardError.write(line + "\n") }
                case .failed(let error):
                    ErrorReport.report(error, target: target.name)
                case .notRun:
                    break
                }
            },
            body)
        let failed = outcomes.filter(\.failed).count
        let notRun = outcomes.filter { if case .notRun = $0 { true } else { false } }.count
        let done = outcomes.count - failed - notRun
        var summary: TerminalText = "\(verb): \(done) of \(targets.count) target\(targets.count == 1 ? "" : "s") done"
        if failed > 0 { summary += ", \(failed) failed" }
        if notRun > 0 { summary += ", \(notRun) not run" }
        summary += " (\(seconds(clock.now - started)))\n"
        StandardError.write(summary)
        if notRun > 0 {
            let names = zip(targets, outcomes).compactMap { target, outcome -> String? in
                if case .notRun = outcome { target.name } else { nil }
            }
            let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", …" : "")
            StandardError.write("not run: \(shown): the rollout stopped at the first failure; run the command again once it is fixed\n")
        }
        if failed > 0 || notRun > 0 { throw ExitCode(1) }
        return outcomes
    }

    /// "0.42 s": a rollout's time.
    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        let hundredths = (milliseconds + 5) / 10
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) s"
    }
}
