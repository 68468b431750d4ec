import ArgumentParser
import MigrateKit

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that applied migrations' files are unchanged and still present.",
        discussion: "Exits 1 when a file changed after its revision was applied, or an applied revision has no file.")

    @OptionGroup(title: "Environment")
    var global: GlobalOptions

    func run() throws {
        let problems = try Commands.verify(global.context())
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
