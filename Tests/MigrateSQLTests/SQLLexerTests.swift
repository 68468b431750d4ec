import MigrateSQL
import Testing

/// The one lexer the splitter, the tokenizer and the script sink read SQL through.
@Suite struct SQLLexerTests {
    /// The lexemes of `sql` other than white space, with their text.
    static func lexemes(_ sql: String, _ dialect: SQLDialect) -> [String] {
        var sql = sql
        return sql.withUTF8 { bytes in
            var lexer = SQLLexer(bytes: bytes, rules: SQLLexicalRules(dialect))
            var found: [String] = []
            while true {
                let start = lexer.index
                guard let lexeme = lexer.next() else { break }
                guard lexeme != .space else { continue }
                found.append("\(lexeme) \(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<lexer.index]), as: UTF8.self))")
            }
            return found
        }
    }

    @Test func postgreSQLRules() {
        #expect(
            Self.lexemes("SELECT E'a\\'b', $f$ ; $f$, $1 /* x /* y */ z */ \"q\"\"r\" -- end", .postgresql) == [
                "word SELECT", "string E'a\\'b'", "symbol ,", "dollarQuoted $f$ ; $f$", "symbol ,", "symbol $", "symbol 1",
                "blockComment /* x /* y */ z */", "quotedIdentifier \"q\"\"r\"", "lineComment -- end",
            ])
    }

    @Test func sqliteRules() {
        #expect(
            Self.lexemes("SELECT E'a\\', [x y] /* x /* y */ $a$", .sqlite) == [
                "word SELECT", "word E", "string 'a\\'", "symbol ,", "quotedIdentifier [x y]", "blockComment /* x /* y */",
                "symbol $", "word a$",
            ])
    }

    @Test func linesAreCountedInsideTokens() {
        var sql = "'a\nb' /* c\nd */ $$e\nf$$ x"
        let line = sql.withUTF8 { bytes in
            var lexer = SQLLexer(bytes: bytes, rules: SQLLexicalRules(.postgresql))
            while lexer.next() != nil {}
            return lexer.line
        }
        #expect(line == 4)
    }

    /// The tokenizer reads PostgreSQL's nested comments as the splitter does.
    @Test func theTokenizerNestsPostgreSQLComments() {
        let tokens = SQLTokenizer.tokenize("a /* b /* c */ d */ e", dollarQuotes: true).map(\.text)
        #expect(tokens == ["a", "e"])
        #expect(SQLTokenizer.tokenize("a /* b /* c */ d", dollarQuotes: false).map(\.text) == ["a", "d"])
    }
}
