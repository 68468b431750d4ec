import ArgumentParser
import MigrateKit

struct UpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Apply migrations up to a revision.",
        discussion: "REVISION is an id or unique prefix, head, heads, +N, REV+N, LABEL@head; with --sql also a range A:B.")

    @OptionGroup var options: MigrationRunOptions

    func run() throws {
        try options.run("upgrade", online: Commands.upgrade, offline: Commands.upgradeSQL)
    }
}

struct DowngradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "downgrade",
        abstract: "Revert migrations down to a revision.",
        discussion: "REVISION is an id or unique prefix, base, -N, REV-N, LABEL@REV; with --sql a range FROM:TO.")

    @OptionGroup var options: MigrationRunOptions

    func run() throws {
        try options.run("downgrade", online: Commands.downgrade, offline: Commands.downgradeSQL)
    }
}

/// What upgrade and downgrade share: the environment, the target, and online or offline mode.
struct MigrationRunOptions: ParsableArguments {
    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @OptionGroup var target: TargetRevision

    @Flag(help: "Print the SQL instead of running it (offline mode).")
    var sql = false

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    @OptionGroup(title: "Fleet")
    var rollout: RolloutOptions

    @OptionGroup(title: "Lock-safe apply (PostgreSQL)")
    var apply: ApplyOptions

    /// Runs the migrations, or prints the script that would; on each selected target with
    /// --target or --all.
    func run(
        _ verb: String, online: @escaping @Sendable (Context, String) throws -> [MigrationStep],
        offline: (Context, String) throws -> String
    ) throws {
        var context = try global.context()
        try apply.override(&context.configuration.apply)
        if let targets = try fleet.targets(context) {
            if sql {
                throw MigrateError(.usage, "--sql prints one script and takes no --target or --all", hint: "leave out --target and --all (and pass --url) to print the script")
            }
            let revision = target.revision
            _ = try FleetOutput.run(
                verb, context, targets: targets, options: rollout.options(context, targets: targets, jobs: fleet.jobs),
                describe: { steps in Self.describe(steps) }
            ) { targetContext in try online(targetContext, revision) }
        } else if sql {
            StandardOutput.verbatim(try offline(context, target.revision))
        } else {
            _ = try online(context, target.revision)
        }
    }
}

extension MigrationRunOptions {
    /// What a run did to one target, for its line of fleet output.
    static func describe(_ steps: [MigrationStep]) -> TerminalText {
        guard let last = steps.last else { return "nothing to do" }
        let heads = last.headsAfter.isEmpty ? "base" : last.headsAfter.sorted().joined(separator: ", ")
        return "ran \(steps.count) migration\(steps.count == 1 ? "" : "s"), now at \(heads)"
    }
}

/// The REVISION argument of upgrade and downgrade. It is collected as unrecognized input so that
/// relative steps like `-1` are not taken for options.
struct TargetRevision: ParsableArguments {
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The revision to reach.", valueName: "revision"))
    var values: [String] = []

    var revision: String { values[0] }

    func validate() throws {
        if values.isEmpty { throw ValidationError("Missing expected argument '<revision>'") }
        if let option = values.first(where: { $0.hasPrefix("--") }) {
            throw ValidationError("Unknown option '\(option)'")
        }
        if values.count > 1 {
            throw ValidationError("Expected one revision, got \(values.joined(separator: " ")); use `heads` for several")
        }
    }
}

/// One run's overrides of migrate.json `apply`.
struct ApplyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How long one statement waits for a lock before the migration is rolled back and tried again (0: no limit).",
        valueName: "seconds"))
    var lockTimeout: Double?

    @Option(help: ArgumentHelp("How many times a migration that met its lock timeout is tried again.", valueName: "count"))
    var lockRetries: Int?

    @Option(help: ArgumentHelp("How long one statement may run (0: no limit).", valueName: "seconds"))
    var statementTimeout: Double?

    func override(_ settings: inout ApplySettings) throws {
        if let lockTimeout { settings.lockTimeout = try Self.duration(lockTimeout, option: "--lock-timeout") }
        if let statementTimeout { settings.statementTimeout = try Self.duration(statementTimeout, option: "--statement-timeout") }
        if let lockRetries {
            guard (0...100).contains(lockRetries) else {
                throw MigrateError(.usage, "--lock-retries must be from 0 to 100, found \(lockRetries)")
            }
            settings.lockRetries = lockRetries
        }
    }

    /// Seconds as a duration; nil for 0, which turns the limit off.
    private static func duration(_ seconds: Double, option: String) throws -> Duration? {
        guard seconds >= 0, seconds <= 1_000_000 else {
            throw MigrateError(.usage, "\(option) must be a number of seconds, 0 or more, found \(seconds)", hint: "0 turns the limit off")
        }
        let milliseconds = Int64((seconds * 1000).rounded())
        return milliseconds == 0 ? nil : .milliseconds(milliseconds)
    }
}
