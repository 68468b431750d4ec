#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import MigrateCore
import MigrateKit

/// Text for people, built by string interpolation: the literal parts are the formatter's own and
/// are kept as written (with their line breaks), while every interpolated value has its control
/// characters escaped (``TerminalEscaping``). A file name, migration message, revision id or
/// database message therefore can neither forge an extra line nor send an escape sequence.
///
/// ```swift
/// let name = "evil\n\u{1B}[31mname.sql"
/// StandardError.write("Created \(name)\n")   // Created evil\n\u{1B}[31mname.sql
/// ```
///
/// Every line the command line prints for people is one of these; SQL scripts (`--sql`) and JSON
/// go out through ``StandardOutput/verbatim(_:)`` and ``JSONOutput`` unchanged.
struct TerminalText: ExpressibleByStringInterpolation, Equatable {
    /// The escaped text, ready for the terminal.
    private(set) var text: String

    init(stringLiteral literal: String) {
        text = literal
    }

    init(stringInterpolation: StringInterpolation) {
        text = stringInterpolation.text
    }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// A value on one line: any line break in it is escaped too.
        mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            text += TerminalEscaping.escaped(value.description)
        }

        /// A value that may span lines (a statement, a server's detail): its line breaks are
        /// kept, and each following line starts with `indent`, so it cannot pass for a line of
        /// the formatter's own.
        mutating func appendInterpolation(lines value: String, indent: String) {
            text += TerminalEscaping.escaped(value, lineIndent: indent)
        }

        /// Text already built from escaped parts.
        mutating func appendInterpolation(_ value: TerminalText) {
            text += value.text
        }
    }

    static func + (lhs: TerminalText, rhs: TerminalText) -> TerminalText {
        var result = lhs
        result.text += rhs.text
        return result
    }

    static func += (lhs: inout TerminalText, rhs: TerminalText) {
        lhs.text += rhs.text
    }

    /// The text with `prefix` after each of its line breaks (for nesting one block in another).
    func indentingLines(by prefix: String) -> TerminalText {
        var result = self
        result.text = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n" + prefix)
        return result
    }

    /// The text split at its line breaks, which are all the formatter's own.
    var lines: [TerminalText] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText(escaped: String($0)) }
    }

    var isEmpty: Bool { text.isEmpty }

    private init(escaped: String) {
        text = escaped
    }
}

/// How control characters in values are shown: C0 controls, DEL and the C1 controls
/// (U+0080–U+009F) become Swift escapes, `\n`, `\r`, `\t` or `\u{1B}`, so the terminal shows
/// them instead of acting on them. Backslashes are left alone, so paths and SQL read as written.
enum TerminalEscaping {
    /// `value` with every control character escaped; with `lineIndent`, line breaks (`\n`, and
    /// `\r\n` as one) and tabs are kept, and each line break is followed by `lineIndent`.
    static func escaped(_ value: String, lineIndent: String? = nil) -> String {
        guard value.unicodeScalars.contains(where: isControl) else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count + 8)
        var scalars = value.unicodeScalars.makeIterator()
        var pending = scalars.next()
        while let scalar = pending {
            pending = scalars.next()
            guard isControl(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            if let lineIndent {
                if scalar == "\r", pending == "\n" { continue }  // CRLF: the \n that follows breaks the line
                if scalar == "\n" {
                    result += "\n" + lineIndent
                    continue
                }
                if scalar == "\t" {
                    result += "\t"
                    continue
                }
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            }
        }
        return result
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}

/// Results on stdout: text for people, escaped; scripts and JSON as they are.
enum StandardOutput {
    static func line(_ text: TerminalText = "") {
        print(text.text)
    }

    /// Text that must reach stdout byte for byte: an SQL script (`--sql`), where escaping would
    /// change the SQL, or ArgumentParser's help screen.
    static func verbatim(_ text: String) {
        print(text, terminator: "")
    }
}

/// Writes diagnostics and progress to stderr, keeping stdout for results people or scripts read.
enum StandardError {
    /// Whether a progress line was started and not ended (a step is running), so a message
    /// printed now must begin on a new line.
    nonisolated(unsafe) static var lineOpen = false

    static func write(_ text: TerminalText) {
        // Unbuffered, like C's stderr.
        FileText.writeAll(text.text, to: STDERR_FILENO)
        if let last = text.text.last { lineOpen = last != "\n" }
    }

    /// Ends a progress line left open by a step that failed.
    static func endOpenLine() {
        if lineOpen { write("\n") }
    }
}

/// Prints run events as Alembic's `Running upgrade …` lines, with each step's time.
enum Progress {
    @Sendable static func print(_ event: RunEvent) {
        switch event {
        case .waitingForLock(let table):
            StandardError.write("Waiting for the migration lock on \(table): another migrate run holds it.\n")
        case .waitingForDatabase(let name):
            StandardError.write("Waiting for the lock on \(name): another connection holds it.\n")
        case .stepStarted(let step):
            StandardError.write("\(step.summary)")
        case .stepFinished(let step, let duration):
            // Progress lines (a backfill's, a retry's) may have ended the step's own line.
            StandardError.write(StandardError.lineOpen ? " (\(format(duration)))\n" : "\(step.summary) (\(format(duration)))\n")
        case .backfillProgress(_, let progress):
            StandardError.endOpenLine()
            StandardError.write("  \(progress.description)\n")
        case .waitingForStatementLock(let wait):
            StandardError.endOpenLine()
            StandardError.write("\(wait).\n")
        case .retryingAfterLockTimeout(let retry):
            StandardError.endOpenLine()
            StandardError.write("\(retry.description).\n")
        case .verificationProblem(let problem):
            StandardError.write("warning: \(problem) (`migrate verify` lists all)\n")
        case .replanned(let heads):
            StandardError.write(
                "Another run moved the database to \(heads.isEmpty ? "base" : heads.sorted().joined(separator: ", ")) meanwhile; continuing from there.\n")
        }
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000
            + Double(duration.components.attoseconds) / 1e15
        guard milliseconds < 10 else { return "\(Int(milliseconds.rounded())) ms" }
        let tenths = Int((milliseconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) ms"
    }
}
