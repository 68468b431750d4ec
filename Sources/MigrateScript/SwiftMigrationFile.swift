import MigrateCore
import SwiftDiagnostics
import SwiftParser
import SwiftParserDiagnostics
import SwiftSyntax

/// A migration written in Swift, read without compiling it.
///
/// The file is parsed with swift-syntax and its one type conforming to `Migration` is
/// interpreted: the static `revision`, `downRevision`, `branchLabels`, `dependsOn` and
/// `transactional` properties, the doc comment as the message, and the calls on the `op`
/// parameter of `upgrade` and `downgrade`, whose arguments must be literals. Reading instead of
/// compiling keeps `migrate` a single binary that starts in milliseconds; anything outside that
/// subset is an error at its `file:line:column`.
package enum SwiftMigrationFile {
    /// Parses Swift migration text; `path` is kept in the revision and used in errors.
    package static func revision(parsing text: String, path: String) throws -> Revision {
        try rejectPathologicalNesting(text, path: path)
        let tree = Parser.parse(source: text)
        let source = ScriptSource(path: path, text: text, tree: tree)
        if tree.hasError {
            // swift-syntax 602 traps ("A Fix-It must have at least one change") when it explains
            // an '=' whose sides the lexer and the Fix-It disagree about (`a \u{0C}= 1`: a form
            // feed beside spaces), so that diagnostic is reported here, before the generator runs.
            if let equal = tree.tokens(viewMode: .sourceAccurate).first(where: Self.trapsDiagnosticsGenerator) {
                throw source.error(
                    "syntax error: '=' must have consistent whitespace on both sides", at: equal,
                    hint: "write plain spaces (not form feeds or other control characters) on both sides of '='")
            }
            let diagnostics = ParseDiagnosticsGenerator.diagnostics(for: tree)
            if let first = diagnostics.first(where: { $0.diagMessage.severity == .error }) ?? diagnostics.first {
                throw source.error(
                    "syntax error: \(first.message)", at: first.position,
                    hint: "fix the Swift syntax; the file must compile against MigrateKit")
            }
        }
        return try source.readMigration(tree)
    }

    /// The most brackets a file may leave unclosed, and the deepest nesting it may reach.
    ///
    /// swift-syntax's error recovery takes time exponential in the number of unclosed brackets
    /// (22 unclosed `[` take minutes) and overflows the stack on a few thousand nested ones, so
    /// such files are refused before parsing. A migration that compiles closes every bracket and
    /// nests a handful deep.
    static let maximumUnclosedBrackets = 8
    static let maximumBracketDepth = 64

    /// Counts `(`, `[` and `{` outside comments and string literals (plain, multi-line and raw,
    /// `#"…"#`, whose `"` and `\\` are text) and throws at the first bracket of a file that
    /// leaves too many unclosed or nests too deep.
    static func rejectPathologicalNesting(_ text: String, path: String) throws {
        var open: [(line: Int, column: Int)] = []
        var line = 1, column = 0
        var scalars = Array(text.unicodeScalars)[...]
        var lineComment = false, blockDepth = 0
        /// The literal being read: its closing delimiter (`"`, `"""`, then as many `#` as it opened with).
        var closing: [Unicode.Scalar]? = nil
        var isRaw = false
        var previous: Unicode.Scalar = " "
        /// Whether `delimiter` starts at the next scalars; if so, consumes them.
        func consume(_ delimiter: ArraySlice<Unicode.Scalar>) -> Bool {
            guard scalars.starts(with: delimiter) else { return false }
            scalars.removeFirst(delimiter.count)
            column += delimiter.count
            return true
        }
        while let scalar = scalars.popFirst() {
            column += 1
            defer { previous = scalar }
            if scalar == "\n" {
                line += 1
                column = 0
                lineComment = false
                continue
            }
            if lineComment { continue }
            if blockDepth > 0 {
                if previous == "*" && scalar == "/" { blockDepth -= 1 } else if previous == "/" && scalar == "*" { blockDepth += 1 }
                continue
            }
            if let delimiter = closing {
                if scalar == "\\" && !isRaw {
                    _ = scalars.popFirst()
                    column += 1
                } else if scalar == delimiter[0] && consume(delimiter[1...]) {
                    closing = nil
                }
                continue
            }
            switch scalar {
            case "\"", "#":
                // `#…#"` opens a raw literal; `"""` a multi-line one.
                var hashes = 0
                var rest = scalars
                if scalar == "#" {
                    hashes = 1
                    while rest.first == "#" { rest.removeFirst(); hashes += 1 }
                    guard rest.first == "\"" else { continue }
                    rest.removeFirst()
                }
                let multiline = rest.starts(with: ["\"", "\""])
                if multiline { rest.removeFirst(2) }
                column += scalars.count - rest.count
                scalars = rest
                closing = Array(repeating: "\"", count: multiline ? 3 : 1) + Array(repeating: "#", count: hashes)
                isRaw = hashes > 0
            case "/" where scalars.first == "/": lineComment = true
            case "/" where scalars.first == "*":
                blockDepth = 1
                _ = scalars.popFirst()
                column += 1
            case "(", "[", "{":
                open.append((line, column))
                if open.count > maximumBracketDepth {
                    throw MigrateError(
                        .script, "brackets nest more than \(maximumBracketDepth) deep here",
                        hint: "a migration file nests calls and literals a few levels deep; this one cannot be read safely",
                        location: SourceLocation(path: path, line: line, column: column))
                }
            case ")", "]", "}": _ = open.popLast()
            default: break
            }
        }
        if open.count > maximumUnclosedBrackets {
            throw MigrateError(
                .script, "\(open.count) brackets are never closed, the first of them here",
                hint: "close every '(', '[' and '{'; the file must compile against MigrateKit",
                location: SourceLocation(path: path, line: open[0].line, column: open[0].column))
        }
    }

    /// An '=' flagged for inconsistent whitespace although both sides hold a space or tab: the
    /// case whose Fix-It has no change, which `ParseDiagnosticsGenerator` traps on.
    private static func trapsDiagnosticsGenerator(_ token: TokenSyntax) -> Bool {
        guard token.tokenDiagnostic?.kind == .equalMustHaveConsistentWhitespaceOnBothSides else { return false }
        func spaceOrTab(_ trivia: Trivia) -> Bool {
            trivia.contains { piece in
                if case .spaces = piece { return true }
                if case .tabs = piece { return true }
                return false
            }
        }
        return (token.previousToken(viewMode: .all).map { spaceOrTab($0.trailingTrivia) } ?? false)
            && spaceOrTab(token.trailingTrivia)
    }
}

extension ScriptSource {
    /// The protocol whose conformer is the migration.
    static let migrationProtocol = "Migration"

    func readMigration(_ tree: SourceFileSyntax) throws -> Revision {
        var migrations: [(decl: DeclSyntax, members: MemberBlockSyntax, name: TokenSyntax)] = []
        for item in tree.statements {
            guard case .decl(let decl) = item.item else { continue }
            let found: (InheritanceClauseSyntax?, MemberBlockSyntax, TokenSyntax)?
            if let type = decl.as(EnumDeclSyntax.self) {
                found = (type.inheritanceClause, type.memberBlock, type.name)
            } else if let type = decl.as(StructDeclSyntax.self) {
                found = (type.inheritanceClause, type.memberBlock, type.name)
            } else if let type = decl.as(ClassDeclSyntax.self) {
                found = (type.inheritanceClause, type.memberBlock, type.name)
            } else {
                found = nil
            }
            guard let (inheritance, members, name) = found else { continue }
            let conforms = inheritance?.inheritedTypes.contains { inherited in
                let text = inherited.type.trimmedDescription
                return text == Self.migrationProtocol || text == "MigrateKit.\(Self.migrationProtocol)"
            } ?? false
            if conforms { migrations.append((decl, members, name)) }
        }
        guard let migration = migrations.first else {
            throw error(
                "no type conforming to `Migration` in this file", line: 1, utf8Column: 1,
                hint: "a Swift migration file declares one `enum Rev_<revision>: Migration { … }` (`migrate revision` writes one)")
        }
        if migrations.count > 1 {
            throw error(
                "a second type conforming to `Migration` (`\(migrations[1].name.text)`); a file holds one migration",
                at: migrations[1].name, hint: "move `\(migrations[1].name.text)` into a file of its own")
        }

        var properties: [String: (ExprSyntax, TokenSyntax)] = [:]
        var bodies: [String: FunctionDeclSyntax] = [:]
        for member in migration.members.members {
            if let variable = member.decl.as(VariableDeclSyntax.self) {
                guard variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }) else { continue }
                for binding in variable.bindings {
                    guard let pattern = binding.pattern.as(IdentifierPatternSyntax.self) else { continue }
                    let name = pattern.identifier.text
                    guard Self.propertyNames.contains(name) else { continue }
                    guard let value = binding.initializer?.value else {
                        throw error(
                            "`\(name)` must be given as `static let \(name) = …` with a literal value", at: binding,
                            hint: "migrate reads the value without compiling the file, so a computed property is not known")
                    }
                    properties[name] = (value, pattern.identifier)
                }
            } else if let function = member.decl.as(FunctionDeclSyntax.self),
                ["upgrade", "downgrade"].contains(function.name.text),
                function.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) })
            {
                bodies[function.name.text] = function
            }
        }

        guard let (revisionExpression, _) = properties["revision"] else {
            throw error(
                "`\(migration.name.text)` has no `static let revision = \"…\"`", at: migration.name,
                hint: "add the revision id, e.g. `static let revision = \"1975ea83b712\"`")
        }
        let id = try string(revisionExpression)
        try checkIdentifier(id, at: revisionExpression, what: "revision id")
        guard let (downExpression, _) = properties["downRevision"] else {
            throw error(
                "`\(migration.name.text)` has no `static let downRevision: [String] = […]`", at: migration.name,
                hint: "list the parent revisions, or `[]` for a first migration")
        }
        let downRevisions = try strings(downExpression)
        for (index, element) in try array(downExpression, of: "strings").enumerated() {
            try checkIdentifier(downRevisions[index], at: element, what: "down revision id")
        }
        let branchLabels = try properties["branchLabels"].map { try strings($0.0) } ?? []
        let dependsOn = try properties["dependsOn"].map { try strings($0.0) } ?? []
        let isTransactional = try properties["transactional"].map { try bool($0.0) } ?? true

        let upgrade = try operations(of: "upgrade", in: bodies, type: migration.name)
        let downgrade = try operations(of: "downgrade", in: bodies, type: migration.name)
        let documentation = Self.documentation(of: migration.decl)
        let createDate = try properties["createDate"].map { try string($0.0) } ?? documentation.createDate
        if let createDate, let (expression, _) = properties["createDate"], createDate.contains(where: \.isNewline) {
            throw error("`createDate` must be one line", at: expression, hint: "write it as `2026-12-06 04:30:00.123456`")
        }
        var revision = Revision(
            id: id, downRevisions: downRevisions, branchLabels: branchLabels, dependsOn: dependsOn,
            message: try properties["message"].map { try string($0.0) } ?? documentation.message,
            longDescription: documentation.longDescription, createDate: createDate, path: path,
            isTransactional: isTransactional,
            upgrade: upgrade.map(\.operation), downgrade: downgrade.map(\.operation))
        revision.upgradeLines = upgrade.map(\.line)
        revision.downgradeLines = downgrade.map(\.line)
        return revision
    }

    static let propertyNames: Set<String> = [
        "revision", "downRevision", "branchLabels", "dependsOn", "transactional", "message", "createDate",
    ]

    func checkIdentifier(_ value: String, at node: ExprSyntax, what: String) throws {
        guard Revision.isValidID(value.utf8) else {
            throw error(
                "\(what) \"\(value)\" may contain only letters, digits and underscores", at: node, hint: nil)
        }
    }

    /// The operations of `upgrade` or `downgrade`: one per statement of its body.
    func operations(
        of name: String, in bodies: [String: FunctionDeclSyntax], type: TokenSyntax
    ) throws -> [(operation: Operation, line: Int)] {
        guard let function = bodies[name] else {
            throw error(
                "`\(type.text)` has no `static func \(name)(_ op: Operations)`", at: type,
                hint: "add it, with an empty body if there is nothing to do")
        }
        let parameters = function.signature.parameterClause.parameters
        guard parameters.count == 1, let parameter = parameters.first else {
            throw error(
                "`\(name)` must take one parameter, `_ op: Operations`", at: function.signature, hint: nil)
        }
        let operationsName = (parameter.secondName ?? parameter.firstName).text
        guard let body = function.body else { return [] }
        return try body.statements.map { item in
            let line = converter.location(for: item.positionAfterSkippingLeadingTrivia).line
            return (try operation(item, operationsName: operationsName), line)
        }
    }

    /// The doc comment before the type: its first line is the message, the lines after it the
    /// description (blank lines between paragraphs kept, blank lines around it dropped).
    ///
    /// Plain `//` and `/* */` comments are skipped rather than ending the doc comment, so a
    /// lint suppression or a note between the doc comment and the type leaves the message alone.
    /// Alembic's `Revision ID:`/`Revises:`/`Create Date:` lines are not part of the description
    /// (``Revision/describing(_:)``).
    static func documentation(of decl: DeclSyntax) -> (message: String, longDescription: String, createDate: String?) {
        var lines: [String] = []
        for piece in decl.leadingTrivia {
            switch piece {
            case .docLineComment(let text):
                lines.append(String(text.dropFirst(3)).trimmingWhitespace())
            case .docBlockComment(let text):
                let inner = text.dropFirst(3).dropLast(2)
                lines += inner.split(separator: "\n", omittingEmptySubsequences: false).map {
                    String($0.drop { $0 == " " || $0 == "\t" || $0 == "*" }).trimmingWhitespace()
                }
            default:
                break
            }
        }
        guard let first = lines.firstIndex(where: { !$0.isEmpty }) else { return ("", "", nil) }
        let (description, createDate) = Revision.describing(Array(lines[(first + 1)...]))
        return (lines[first], description, createDate)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = self[start...].lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return String(self[start..<end])
    }
}
