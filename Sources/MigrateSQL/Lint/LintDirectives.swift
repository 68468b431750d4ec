/// The `migrate:lint-ignore` comments of one migration file, SQL (`--`) or Swift (`//`).
///
/// ```sql
/// -- migrate:lint-ignore-file drop-table the table was emptied and unused since 2.3
/// -- migrate:lint-ignore index-not-concurrent the table holds 40 rows
/// CREATE INDEX ix_flags_name ON flags (name);
/// ```
///
/// `migrate:lint-ignore RULE[,RULE…] reason` in the comment lines right above a statement (or
/// a Swift `op.` call) silences those rules for it; `migrate:lint-ignore-file RULE[,RULE…]
/// reason` anywhere in the file silences them for the whole migration. They are read from the
/// file's lines, so neither file reader needs to know about them.
package struct LintDirectives: Sendable, Hashable {
    /// Rules silenced for the whole file.
    package var fileRules: Set<String> = []
    /// Rules silenced by a directive, by the line the directive is on.
    package var lineRules: [Int: Set<String>] = [:]
    /// Lines that are comments (a statement's directives are in the comment lines above it).
    private var commentLines: Set<Int> = []

    static let statementKeyword = "migrate:lint-ignore"
    static let fileKeyword = "migrate:lint-ignore-file"

    /// A directive that names no rule, or a rule that does not exist.
    package struct Problem: Error, Sendable, Hashable {
        package var line: Int
        package var message: String
    }

    package init() {}

    /// Reads the directives of a file's text; `knownRules` are the ids a directive may name.
    package init(parsing text: String, knownRules: Set<String>) throws(Problem) {
        // Most files have none: look for the keyword once before walking lines.
        guard Self.mentionsKeyword(text) else { return }
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("--") || trimmed.hasPrefix("//") else { continue }
            commentLines.insert(number)
            let comment = trimmed.dropFirst(2).drop { $0 == " " || $0 == "\t" || $0 == "/" }
            guard comment.hasPrefix(Self.statementKeyword) else { continue }
            let words = comment.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            let keyword = String(words[0])
            guard keyword == Self.statementKeyword || keyword == Self.fileKeyword else {
                throw Problem(
                    line: number,
                    message: "unknown directive '\(keyword)': write `\(Self.statementKeyword) RULE reason` above a statement or `\(Self.fileKeyword) RULE reason` for the whole file")
            }
            guard words.count >= 2 else {
                throw Problem(line: number, message: "`\(keyword)` names no rule: write `\(keyword) RULE reason`")
            }
            let rules = words[1].split(separator: ",").map(String.init)
            for rule in rules where !knownRules.contains(rule) {
                throw Problem(
                    line: number, message: "`\(keyword)` names '\(rule)', which is no lint rule (`migrate lint --list-rules` lists them)")
            }
            if keyword == Self.fileKeyword {
                fileRules.formUnion(rules)
            } else {
                lineRules[number, default: []].formUnion(rules)
            }
        }
    }

    /// Whether `text` holds `migrate:lint-ignore` anywhere, by a plain scan of its bytes: lint
    /// reads every file of the range, and the standard library's generic substring search took
    /// half of the time of linting 1000 revisions.
    static func mentionsKeyword(_ text: String) -> Bool {
        var text = text
        let keyword: StaticString = "migrate:lint-ignore"
        return text.withUTF8 { bytes in
            keyword.withUTF8Buffer { keyword in
                guard bytes.count >= keyword.count else { return false }
                var index = 0
                while index <= bytes.count - keyword.count {
                    if bytes[index] == keyword[0] {
                        var matched = 1
                        while matched < keyword.count, bytes[index + matched] == keyword[matched] { matched += 1 }
                        if matched == keyword.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// Whether `rule` is silenced for a statement starting on `line` (nil: the file only).
    package func silences(_ rule: String, line: Int?) -> Bool {
        if fileRules.contains(rule) { return true }
        guard var above = line.map({ $0 - 1 }) else { return false }
        while commentLines.contains(above) {
            if lineRules[above]?.contains(rule) == true { return true }
            above -= 1
        }
        return false
    }
}
