import MigrateCore
import SwiftSyntax

/// A Swift file being read, able to turn a syntax node into a located error that shows the
/// source line and a caret, the way compilers do, so the user sees what to change without
/// opening the file.
struct ScriptSource {
    let path: String
    let text: String
    private let lineTable: LineTable

    init(path: String, text: String, tree: SourceFileSyntax) {
        self.path = path
        self.text = text
        self.lineTable = LineTable(path: path, tree: tree)
    }

    /// Positions to lines and columns, built on first use: reading a large models file without
    /// an error needs none, and building it was a tenth of that read.
    var converter: SourceLocationConverter { lineTable.converter }

    /// What to do instead of anything the interpreter cannot read.
    static let subsetHint =
        "migrate reads migration files without compiling them: write calls on `op` with literal arguments; "
        + "for SQL use `op.execute(\"…\")`, or run the migration from your app through MigrateKit's `Migrator`"

    /// An error located at the first character of `node` (past its leading trivia).
    func error(_ message: String, at node: some SyntaxProtocol, hint: String? = ScriptSource.subsetHint) -> MigrateError {
        error(message, at: node.positionAfterSkippingLeadingTrivia, hint: hint)
    }

    /// An error at an absolute position of the file.
    func error(_ message: String, at position: AbsolutePosition, hint: String? = ScriptSource.subsetHint) -> MigrateError {
        let location = converter.location(for: position)
        return error(message, line: location.line, utf8Column: location.column, hint: hint)
    }

    /// An error at a 1-based line and UTF-8 column, quoting the line with a caret under the column.
    func error(_ message: String, line: Int, utf8Column: Int, hint: String?) -> MigrateError {
        var excerpt: String?
        var column = utf8Column
        let lines = self.text.split(separator: "\n", omittingEmptySubsequences: false)
        if line >= 1, line <= lines.count {
            var source = lines[line - 1]
            if source.last == "\r" { source = source.dropLast() }
            // Columns count characters for people; the caret keeps tabs so it lines up.
            let prefix = source.utf8.prefix(max(0, utf8Column - 1))
            let before = String(decoding: prefix, as: UTF8.self)
            column = before.count + 1
            let padding = String(before.map { $0 == "\t" ? "\t" : " " })
            excerpt = source + "\n" + padding + "^"
        }
        return MigrateError(
            .script, message, hint: hint,
            location: MigrateCore.SourceLocation(path: path, line: line, column: column), excerpt: excerpt)
    }
}

/// The lazily built ``SourceLocationConverter`` of one file (a class, so that copies of a
/// ``ScriptSource`` share it).
private final class LineTable {
    let path: String
    let tree: SourceFileSyntax
    lazy var converter = SourceLocationConverter(fileName: path, tree: tree)

    init(path: String, tree: SourceFileSyntax) {
        self.path = path
        self.tree = tree
    }
}
