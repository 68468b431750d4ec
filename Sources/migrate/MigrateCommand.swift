import ArgumentParser
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MigrateKit

/// The `migrate` command: parses arguments, runs one subcommand, and turns any error into a
/// message and an exit status in one place (``ErrorReport``).
@main
struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Schema migrations for PostgreSQL and SQLite, in the manner of Alembic.",
        discussion: """
            Reads migrate.json, the migration files under versions/, and the database named by \
            --url, MIGRATE_DATABASE_URL or the file's "url".
            """,
        subcommands: [
            InitCommand.self, InspectCommand.self, RevisionCommand.self, UpgradeCommand.self, DowngradeCommand.self,
            CurrentCommand.self, StatusCommand.self, StampCommand.self, VerifyCommand.self, CheckCommand.self,
            HeadsCommand.self, BranchesCommand.self, HistoryCommand.self, ShowCommand.self, MergeCommand.self,
            LintCommand.self,
        ])

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    static func main() {
        Signals.startHandling()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            terminate(ErrorReport.report(error))
        }
    }
}

/// Ends the process with `status` (C's `exit`, which ArgumentParser's `exit(withError:)` hides
/// inside a command type).
private func terminate(_ status: Int32) -> Never {
    exit(status)
}
