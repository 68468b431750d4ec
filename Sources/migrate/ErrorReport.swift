import ArgumentParser
import MigrateCore
import MigrateKit
import MigrateSQL

/// The one place that turns any error into a message on stderr and an exit status: 1 for a
/// failure, 64 for a usage error (ArgumentParser's own too), 0 after a help screen.
///
/// Every error reads the same way, whatever threw it:
///
/// ```
/// error: <file:line: >what failed, naming the revision, file or database
///     <the source line and a caret, for a file that cannot be read>
///   cause: the engine's code and message, the statement
///   hint: what to do
/// ```
///
/// Values in it are escaped (``TerminalText``); only its own line breaks start lines.
enum ErrorReport {
    /// Prints `error` and returns the exit status it calls for.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let exit as ExitCode:
            // A status with nothing to say (the message, if any, was printed already).
            return exit.rawValue
        case let error as MigrateError:
            write("error: \(render(error))\n")
            // An interrupted run ends as the signal would have ended it: 130, 143.
            return error.signal.map(Signals.exitStatus) ?? (error.kind == .usage ? 64 : 1)
        case let error as DatabaseError:
            // Library code names what it was doing when it wraps these; this is the last resort.
            return report(
                MigrateError(
                    .database, "the database refused a request",
                    hint: error.remedy ?? "Check the statement above, then run the command again.", cause: error))
        default:
            return reportArgumentParserError(error)
        }
    }

    /// Prints the error of one target of a fleet command: the same format, the target's name
    /// before the message.
    static func report(_ error: any Error, target: String) {
        let error = error as? MigrateError
            ?? MigrateError(.database, "the command failed", hint: (error as? DatabaseError)?.remedy, cause: error)
        write("error: \(target): \(render(error))\n")
    }

    /// A usage error, help or version request from ArgumentParser, or an error of a kind no code
    /// above expects (a file system error from Foundation, say).
    private static func reportArgumentParserError(_ error: any Error) -> Int32 {
        let status = MigrateCommand.exitCode(for: error)
        let full = MigrateCommand.fullMessage(for: error)
        if status == .success {
            StandardOutput.verbatim(full + "\n")
            return 0
        }
        if status == .validationFailure {
            // ArgumentParser writes "Error: MESSAGE\n" then the usage; the usage is kept as it is.
            let message = MigrateCommand.message(for: error)
            var usage = full
            let prefix = "Error: \(message)\n"
            if usage.hasPrefix(prefix) { usage.removeFirst(prefix.count) }
            write("error: \(message)\n\(lines: usage, indent: "")\n")
            return 64
        }
        return report(
            MigrateError(
                .configuration, "the command failed",
                hint: "migrate did not expect this failure here: check the files and the database the command uses, "
                    + "and report it if the cause stays unclear.",
                cause: error))
    }

    private static func write(_ text: TerminalText) {
        StandardError.endOpenLine()
        StandardError.write(text)
    }

    /// `location: message`, then the cause and the hint on lines of their own.
    static func render(_ error: MigrateError) -> TerminalText {
        var text: TerminalText = ""
        if let location = error.location { text += "\(location.description): " }
        text += "\(error.message)"
        // The quoted source keeps its lines (and tabs, so the caret lines up), indented.
        if let excerpt = error.excerpt { text += "\n    \(lines: excerpt, indent: "    ")" }
        if let cause = error.cause { text += "\n  cause: " + describe(cause).indentingLines(by: "  ") }
        if let hint = error.hint { text += "\n  hint: \(hint)" }
        return text
    }

    /// A cause, which may span lines (a statement, a server's detail); the caller indents them.
    private static func describe(_ cause: any Error) -> TerminalText {
        switch cause {
        case let error as DatabaseError:
            var text: TerminalText = "\(error.engine) error"
            if let code = error.code { text += " \(code)" }
            text += ": \(lines: error.message, indent: "")"
            if let detail = error.detail { text += "\ndetail: \(lines: detail, indent: "")" }
            if let hint = error.hint { text += "\nhint: \(lines: hint, indent: "")" }
            if let sql = error.sql {
                text += "\nstatement: \(lines: sql, indent: "")"
                if let position = error.position { text += "\n(at character \(position))" }
            }
            return text
        case let error as MigrateError:
            return render(error)
        default:
            return "\(lines: String(describing: cause), indent: "")"
        }
    }
}
