import ArgumentParser
import MigrateCore
import MigrateKit

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where each target is: at head, behind, ahead, failed or unreachable.",
        discussion: """
            One line per target selected with --target or --all (the configured database without \
            them), then a summary. Reads only: it works on a read-only standby and takes no lock. \
            Exits 1 when a target could not be read.
            """)

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @OptionGroup var output: JSONOption

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    func run() throws {
        let context = try global.context()
        let targets = try fleet.targets(context) ?? [Fleet.configuredDatabase(context)]
        try Self.show(context, targets: targets, jobs: fleet.jobs, json: output.json)
    }

    /// Prints the status of `targets` (also `current --target/--all`).
    static func show(_ context: Context, targets: [FleetTarget], jobs: Int, json: Bool) throws {
        let statuses = try Fleet.status(context, targets: targets, jobs: jobs)
        var counts: [TargetStatus.State: Int] = [:]
        for status in statuses { counts[status.state, default: 0] += 1 }
        if json {
            let graph = try context.scripts(.graph).graph
            try JSONOutput.print(
                StatusJSON(
                    heads: graph.heads, targets: statuses.map(StatusJSON.Target.init),
                    summary: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })))
        } else {
            let width = min(statuses.map(\.target.name.count).max() ?? 0, 40)
            for status in statuses {
                let padding = String(repeating: " ", count: max(0, width - status.target.name.count))
                StandardOutput.line("\(status.target.name)\(padding)  \(describe(status))")
            }
            for status in statuses {
                if let error = status.error { ErrorReport.report(error, target: status.target.name) }
            }
            let order: [(TargetStatus.State, String)] = [
                (.atHead, "at head"), (.behind, "behind"), (.ahead, "ahead"), (.failed, "failed"), (.unreachable, "unreachable"),
            ]
            let parts = order.compactMap { state, word in counts[state].map { "\($0) \(word)" } }
            StandardOutput.line("\(statuses.count) target\(statuses.count == 1 ? "" : "s"): \(parts.joined(separator: ", "))")
        }
        if counts[.failed, default: 0] + counts[.unreachable, default: 0] > 0 { throw ExitCode(1) }
    }

    private static func describe(_ status: TargetStatus) -> TerminalText {
        let at = status.heads.isEmpty ? "base" : status.heads.joined(separator: ", ")
        switch status.state {
        case .atHead: return "at head (\(at))"
        case .behind: return "behind by \(status.pending) (at \(at))"
        case .ahead: return "ahead (at \(at), which no migration file declares)"
        case .failed: return "failed"
        case .unreachable: return "unreachable"
        }
    }
}

/// `status --json`: the graph's heads, each target, and how many targets are in each state.
private struct StatusJSON: Encodable {
    struct Target: Encodable {
        var name: String
        var database: String
        var schema: String?
        var state: String
        var heads: [String]
        var pending: Int
        var error: String?

        init(_ status: TargetStatus) {
            name = status.target.name
            database = status.target.url.redacted
            schema = status.target.schema
            state = status.state.rawValue
            heads = status.heads
            pending = status.pending
            error = status.error.map { error in
                [error.message, error.cause.map { "\($0)" }].compactMap { $0 }.joined(separator: ": ")
            }
        }
    }

    var heads: [String]
    var targets: [Target]
    var summary: [String: Int]
}
