import Foundation
import MigrateCore
import MigratePostgres
import MigrateSQL
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Connecting gives up after a timeout: 10 s unless the URL or PGCONNECT_TIMEOUT says otherwise.
@Suite struct PostgresConnectTimeoutTests {
    /// A server that accepts TCP connections and never answers: the kernel completes the
    /// handshake for a listening socket, and nobody ever reads the startup message.
    static func silentListener() throws -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(descriptor >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        try #require(bound == 0)
        try #require(listen(descriptor, 8) == 0)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        try #require(named == 0)
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    @Test func aServerThatNeverAnswersTimesOutWithAClearError() throws {
        let listener = try Self.silentListener()
        defer { close(listener.descriptor) }
        let url = "postgresql://nobody@127.0.0.1:\(listener.port)/db?connect_timeout=1"
        let started = ContinuousClock.now
        let error = try #require(throws: MigrateError.self) { try PostgresConnection(url: url) }
        // An upper bound on a hang, not a timing assertion: without a timeout this never returns.
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(error.kind == .database)
        #expect(error.message.hasPrefix("cannot connect to PostgreSQL at postgresql://nobody@127.0.0.1:\(listener.port)/db"), "\(error)")
        #expect(error.message.hasSuffix(": the server did not answer within 2 s"), "\(error)")
        #expect(error.hint?.contains("connect_timeout=SECONDS") == true, "\(error)")
        #expect("\(error.cause!)".contains("timeout expired"), "\(error)")
    }

    /// What libpq is given: the default timeout comes before the URL, which expands in place of
    /// `dbname` and so wins; with PGCONNECT_TIMEOUT set the default is left out for libpq to read it.
    @Test func theDefaultTimeoutYieldsToTheURLAndTheEnvironment() {
        let plain = PostgresConnection.connectionParameters(url: "postgresql://db/app", environmentConnectTimeout: nil)
        #expect(plain.map(\.keyword) == ["connect_timeout", "dbname", "fallback_application_name", "client_encoding"])
        #expect(plain[0].value == "10")
        let fromEnvironment = PostgresConnection.connectionParameters(url: "postgresql://db/app", environmentConnectTimeout: "3")
        #expect(!fromEnvironment.map(\.keyword).contains("connect_timeout"))
        let emptyEnvironment = PostgresConnection.connectionParameters(url: "postgresql://db/app", environmentConnectTimeout: "")
        #expect(emptyEnvironment[0] == ("connect_timeout", "10"))
    }

    @Test(.enabled(if: TestPostgres.isEnabled))
    func libpqUsesTheDefaultTimeoutUnlessTheURLSetsOne() throws {
        let url = try TestPostgres.freshDatabase()
        #expect(try PostgresConnection(url: url).option("connect_timeout") == "10")
        let separator = url.contains("?") ? "&" : "?"
        #expect(try PostgresConnection(url: url + separator + "connect_timeout=37").option("connect_timeout") == "37")
    }
}
