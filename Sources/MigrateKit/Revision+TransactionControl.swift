import MigrateCore
import MigrateSQL

extension Revision {
    /// Refuses a transactional migration whose SQL (a SQL file's statements, or the `op.execute`
    /// calls of a Swift file) begins or ends a transaction: it would end the transaction migrate
    /// runs the migration in, so a later failure would leave part of it applied while the run
    /// reports it rolled back. See ``TransactionControl`` for which statements count.
    ///
    /// `text` is the file's text, for the column of the statement (SQL) or the `op.execute`
    /// call (Swift) in the error's `file:line:column`.
    func checkTransactionControl(fileText text: String) throws {
        guard isTransactional, let path else { return }
        let isSwift = path.hasSuffix(".swift")
        for (operations, lines) in [(upgrade, upgradeLines), (downgrade, downgradeLines)] {
            for (index, operation) in operations.enumerated() {
                guard case .execute(let sql) = operation else { continue }
                // A SQL file's operations are one statement each; a Swift string may hold several.
                let found: [(statement: SQLStatement, keywords: String)] =
                    isSwift
                    ? TransactionControl.statements(in: sql)
                    : TransactionControl.keywords(of: sql).map { [(SQLStatement(text: sql, line: 1), $0)] } ?? []
                guard let (statement, keywords) = found.first else { continue }
                let operationLine = lines.indices.contains(index) ? lines[index] : nil
                let line = isSwift ? operationLine : operationLine.map { $0 + statement.line - 1 }
                let column = line.flatMap {
                    Self.column(in: text, line: $0, of: isSwift ? nil : Self.firstLine(of: statement.text))
                }
                throw MigrateError(
                    .script,
                    "`\(Self.excerpt(statement.text))` (\(keywords)) in a transactional migration would end the "
                        + "transaction migrate runs it in: a later failure would leave part of the migration applied",
                    hint: isSwift
                        ? "Remove it (migrate runs each migration in a transaction of its own); if the migration really "
                            + "manages its own transactions, declare `static let transactional = false` in it."
                        : "Remove it (migrate runs each migration in a transaction of its own); if the migration really "
                            + "manages its own transactions, add `-- transactional: false` to its header.",
                    location: SourceLocation(path: path, line: line, column: column))
            }
        }
    }

    /// The statement's first line, shortened for a message.
    private static func excerpt(_ statement: String) -> String {
        let line = firstLine(of: statement)
        let shortened = line.count > 80 ? String(line.prefix(77)) + "..." : line
        return line.count < statement.count && shortened == line ? line + " ..." : shortened
    }

    private static func firstLine(of text: String) -> String {
        String(text.prefix { $0 != "\n" && $0 != "\r" })
    }

    /// The 1-based column (in characters) on `line` of `text` where `needle` starts, or of the
    /// line's first non-blank character when `needle` is nil.
    private static func column(in text: String, line number: Int, of needle: String?) -> Int? {
        var current = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { current += 1 }
            guard current == number else { continue }
            if let needle, let found = line.firstRange(of: needle) {
                return line.distance(from: line.startIndex, to: found.lowerBound) + 1
            }
            return (line.firstIndex { $0 != " " && $0 != "\t" }).map { line.distance(from: line.startIndex, to: $0) + 1 }
        }
        return nil
    }
}
