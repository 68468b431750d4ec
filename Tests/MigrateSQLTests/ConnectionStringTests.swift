import MigrateSQL
import Testing

/// Secrets in connection strings are found by libpq's rules and then some: every form a user
/// types, well-formed or not.
@Suite struct ConnectionStringTests {
    static let redactions: [(String, String)] = [
        // URIs: user information and parameters.
        ("postgresql://app:s3cret@db:5432/prod?sslmode=require", "postgresql://app:***@db:5432/prod?sslmode=require"),
        ("postgres://app@db/prod?password=s3cret&sslmode=disable", "postgres://app@db/prod?password=***&sslmode=disable"),
        ("postgresql://app@/prod?host=/tmp", "postgresql://app@/prod?host=/tmp"),
        ("postgresql://user:p%40ss@host/db?sslmode=disable", "postgresql://user:***@host/db?sslmode=disable"),
        ("postgresql://h/db?sslpassword=PW&oauth_client_secret=S", "postgresql://h/db?sslpassword=***&oauth_client_secret=***"),
        // libpq decodes keys: pass%77ord is password.
        ("postgresql://h/db?pass%77ord=PW", "postgresql://h/db?pass%77ord=***"),
        // libpq refuses Password=, but it is what the user meant.
        ("postgresql://h/db?Password=PW", "postgresql://h/db?Password=***"),
        ("postgresql:///db?PASSWORD=secret", "postgresql:///db?PASSWORD=***"),
        // An unencoded '&' in a password: libpq would quote the rest as a parameter.
        ("postgresql://h/db?password=a&b", "postgresql://h/db?password=***"),
        ("postgresql://h/db?password=a&b&c=d&sslmode=require", "postgresql://h/db?password=***&sslmode=require"),
        // A misspelt password parameter.
        ("postgresql://h/db?pasword=PW&sslmode=require", "postgresql://h/db?pasword=***&sslmode=require"),
        // Unencoded '/', '@' and '?' in a password.
        ("postgresql://user:pa/ss@host/db", "postgresql://user:***@host/db"),
        ("postgresql://user:p@ss@host/db", "postgresql://user:***@host/db"),
        ("postgresql://u:pa?ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:pa?s=s@h/db", "postgresql://u:***@h/db"),
        ("postgresql://h?password=x@y", "postgresql://h?password=***"),
        // A missing '//', or a missing scheme.
        ("postgresql:u:PW@h/db", "postgresql:u:***@h/db"),
        ("postgresql:/u:PW@h/db", "postgresql:/u:***@h/db"),
        ("//u:PW@h/db", "//u:***@h/db"),
        ("u:PW@h/db", "u:***@h/db"),
        ("mysql://root:hunter2@db/app", "mysql://root:***@db/app"),
        ("mysql://hunter2@db/app", "mysql://***@db/app"),
        // Keyword/value strings.
        ("host=db password=s3cret dbname=prod", "host=db password=*** dbname=prod"),
        ("host=db password = 'it''s \\' x' user=a", "host=db password = *** user=a"),
        ("host=h password=P W dbname=d", "host=h password=*** dbname=d"),
        ("Host=h PASSWORD=PW", "Host=h PASSWORD=***"),
        ("host=h pasword=PW", "host=h pasword=***"),
        ("host=h PW", "host=h ***"),
        ("dbname=app user=deploy", "dbname=app user=deploy"),
        // Nothing to hide.
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("migrate.sqlite3", "migrate.sqlite3"),
    ]

    @Test(arguments: redactions)
    func redaction(_ text: String, _ expected: String) {
        #expect(ConnectionString.redacted(text) == expected)
    }

    @Test func secretsAreListedAsWrittenUnquotedAndDecoded() {
        #expect(ConnectionString.secrets(in: "postgresql://a:p%40ss@h/d") == ["p%40ss", "p@ss"])
        #expect(ConnectionString.secrets(in: "host=h password='a\\'b'") == ["'a\\'b'", "a\\'b", "a'b"])
        #expect(ConnectionString.secrets(in: "postgresql://h/d?sslmode=require") == [])
    }

    @Test func percentDecodingFollowsLibpq() {
        #expect(ConnectionString.percentDecoded("my%20data/a%23b.db") == "my data/a#b.db")
        #expect(ConnectionString.percentDecoded("%e2%82%ac") == "€")
        #expect(ConnectionString.percentDecoded("a%zz") == nil)
        #expect(ConnectionString.percentDecoded("a%2") == nil)
        // libpq forbids an encoded NUL; a lone high byte is no UTF-8.
        #expect(ConnectionString.percentDecoded("a%00b") == nil)
        #expect(ConnectionString.percentDecoded("a%FF") == nil)
        #expect(ConnectionString.percentDecodedBytes(Array("a%FF".utf8)) == [0x61, 0xFF])
    }

    @Test func keywordValueStringsAreRecognizedAsLibpqDoes() {
        #expect(ConnectionString.isKeywordValue("host=db dbname=app"))
        #expect(ConnectionString.isKeywordValue("host=db:5432"))
        #expect(!ConnectionString.isKeywordValue("postgresql://h/db?sslmode=require"))
        #expect(!ConnectionString.isKeywordValue("migrate.sqlite3"))
        let tokens = ConnectionString.keywordValueTokens(Array("a=1  b = 'x y' c d='e".utf8))
        #expect(tokens.map(\.keyword) == [0..<1, 5..<6, 15..<16, 17..<18])
        #expect(tokens.map(\.value) == [2..<3, 9..<14, nil, 19..<21])
        #expect(tokens.map(\.isUnterminated) == [false, false, false, true])
    }
}
