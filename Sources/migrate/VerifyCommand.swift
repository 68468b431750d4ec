import ArgumentParser
import MigrateKit

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that applied migrations' files are unchanged and still present.",
        discussion: "Exits 1 when a file changed after its revision was applied, or an applied revision has no file.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    @OptionGroup(title: "Fleet")
    var fleet: FleetSelection

    func run() throws {
        let context = try global.context()
        if let targets = try fleet.targets(context) {
            _ = try FleetOutput.run(
                "verify", context, targets: targets, options: FleetRunOptions(jobs: fleet.jobs, continueOnError: true, takesLocks: false),
                resultsOnStdout: true, describe: { (_: Void) in "every applied migration matches its file" }
            ) { targetContext in
                let problems = try Commands.verify(targetContext)
                guard problems.isEmpty else {
                    throw MigrateError(
                        .migration, "\(problems.count) problem(s): " + problems.map { "\($0.kind.rawValue): \($0)" }.joined(separator: "; "),
                        hint: "restore the files, or `migrate stamp` to accept the database as it is")
                }
            }
            return
        }
        let problems = try Commands.verify(context)
        for problem in problems {
            StandardOutput.line("\(problem.kind.rawValue): \(problem)")
        }
        if !problems.isEmpty {
            StandardError.write("verify: \(problems.count) problem(s); restore the files, or `migrate stamp` to accept the database as it is\n")
            throw ExitCode(1)
        }
        StandardError.write("verify: every applied migration matches its file\n")
    }
}
