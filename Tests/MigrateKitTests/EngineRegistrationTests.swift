import MigrateCore
import MigrateKit
import MigrateSQL
import Testing

/// An engine defined outside MigrateKit and its drivers, as a third engine's module would be:
/// registered beside the built-in ones, its URLs are read, refused, redacted and named by its own
/// code, and every message that lists engines lists it too.
struct KeyValueStoreEngine: DatabaseEngine {
    var schemes: [String] { ["kvstore", "kv"] }
    var urlForms: [String] { ["kvstore://host/bucket"] }
    var dialect: SQLDialect { .sqlite }

    /// `kvstore://host/bucket`: the host and bucket, both required.
    func target(of url: DatabaseURLText) throws -> String {
        guard url.rest.hasPrefix("//") else { throw url.invalid("a key-value store URL starts with kvstore://") }
        let parts = url.rest.dropFirst(2).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { throw url.invalid("name a bucket after the host") }
        return "\(parts[0].split(separator: "@").last!)/\(parts[1])"
    }

    func shortName(target: String, redacted: String, relativeTo directory: String) -> String { target }

    func connect(to target: String) throws -> DatabaseConnection {
        throw MigrateError(.database, "no key-value store at \(target)")
    }

    func describe(target: String, redacted: String) -> String { "the key-value store \(redacted)" }
    func databaseExists(at target: String) -> Bool { false }
    func makeScratchSchema() throws -> (any ScratchSchema)? { nil }
}

@Suite struct EngineRegistrationTests {
    static let engines: [any DatabaseEngine] = Engines.registered + [KeyValueStoreEngine()]

    @Test func aRegisteredEngineReadsItsOwnURLs() throws {
        let url = try DatabaseURL("KV+driver://user:s3cret@store.example/cache", relativeTo: "/srv", engines: Self.engines)
        #expect(url.engine is KeyValueStoreEngine)
        #expect(url.target == "store.example/cache")
        #expect(url.redacted == "KV+driver://user:***@store.example/cache")
        #expect(url.engine.shortName(target: url.target, redacted: url.redacted, relativeTo: "/srv") == "store.example/cache")
        // The built-in engines read theirs as before.
        #expect(try DatabaseURL("sqlite:///a.db", relativeTo: "/srv", engines: Self.engines).target == "/srv/a.db")
    }

    static let forms =
        "use postgresql://user:password@host:port/database (or libpq's keyword=value form: host=… dbname=…), sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite::memory: or kvstore://host/bucket"

    static let invalid: [(String, String)] = [
        ("kvstore:bucket", "invalid database URL 'kvstore:bucket': a key-value store URL starts with kvstore://"),
        ("kv://u:s3cret@host/", "invalid database URL 'kv://u:***@host/': name a bucket after the host"),
        ("1kv://host/b", "invalid database URL '1kv://host/b': it does not start with a scheme such as postgresql:, sqlite: or kvstore:"),
        ("redis://host/b", "invalid database URL 'redis://host/b': the scheme 'redis' is not supported"),
    ]

    @Test(arguments: invalid)
    func itsErrorsListEveryEngine(_ text: String, _ message: String) {
        let error = #expect(throws: MigrateError.self) { try DatabaseURL(text, relativeTo: "/srv", engines: Self.engines) }
        #expect(error?.kind == .configuration)
        #expect(error?.message == message)
        #expect(error?.hint == Self.forms)
        #expect(error.map { !String(describing: $0).contains("s3cret") } ?? false)
    }

    /// Unregistered, its scheme is unknown.
    @Test func anEngineNotRegisteredIsNotRead() {
        let error = #expect(throws: MigrateError.self) { try DatabaseURL("kvstore://host/b", relativeTo: "/srv") }
        #expect(error?.message == "invalid database URL 'kvstore://host/b': the scheme 'kvstore' is not supported")
    }
}
