import Foundation
import MigrateCore
import MigratePostgres
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Servers a test starts beside the test cluster of scripts/with-postgres: a PgBouncer in front
/// of it, or a primary and a hot standby of their own. Each runs as the `postgres` user when the
/// tests run as root (PostgreSQL and PgBouncer refuse root), in a temporary folder that user owns,
/// and is stopped by ``stop()``.
enum ServerFixtures {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// Whether the pooler tests can run: scripts/with-postgres found or installed pgbouncer.
    static var hasPgBouncer: Bool { !(environment["MIGRATE_TEST_PGBOUNCER"] ?? "").isEmpty }
    static var hasServerBinaries: Bool { !(environment["MIGRATE_TEST_POSTGRES_BIN"] ?? "").isEmpty }

    static var runsAsRoot: Bool { getuid() == 0 }

    /// Runs a program (as `postgres` when root) and waits; throws with its output if it fails.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let command = (runsAsRoot ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments)
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try shell(command)
    }

    /// Runs a shell command and waits for it, and only for it: the servers it starts run on in
    /// the background with their output in files, so the command's output goes through a file
    /// too (a pipe that a daemon holds open never ends) and is read once the shell exits.
    @discardableResult
    static func shell(_ command: String) throws -> String {
        let outputPath = NSTemporaryDirectory() + "migrate-fixture-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let arguments = ["/bin/sh", "-c", "(\(command)\n) </dev/null >'\(outputPath)' 2>&1"]
        var argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The servers must see their signals: the test process's threads block some (SIGTERM
        // among them), and a spawned process inherits the mask of the thread that spawns it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, &argv, environ)
        guard spawned == 0 else { throw MigrateError(.configuration, "cannot start /bin/sh: error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw MigrateError(.configuration, "\(command) failed (status \(status)): \(text)")
        }
        return text
    }

    /// A new folder the server user owns.
    static func serverFolder() throws -> String {
        let path = "/tmp/migrate-fixture-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if runsAsRoot { try shell("chown postgres: \(path)") }
        return path
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw MigrateError(.configuration, "no free port on 127.0.0.1") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until `url` accepts connections (a bound on a hang, not a timing assertion).
    static func waitUntilReachable(_ url: String) throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while true {
            do {
                _ = try PostgresConnection(url: url)
                return
            } catch {
                if ContinuousClock.now > deadline { throw error }
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }
}

/// A PgBouncer on 127.0.0.1 in front of the test cluster's unix socket, trusting every user.
final class PgBouncerFixture {
    let folder: String
    let port: Int

    /// Starts PgBouncer with `poolMode` (`session` or `transaction`).
    init(poolMode: String) throws {
        let environment = ServerFixtures.environment
        folder = try ServerFixtures.serverFolder()
        port = try ServerFixtures.freePort()
        let socketFolder = environment["MIGRATE_TEST_POSTGRES_SOCKET_DIR"]!
        let serverPort = environment["MIGRATE_TEST_POSTGRES_PORT"]!
        try #""postgres" """#.write(toFile: folder + "/userlist.txt", atomically: true, encoding: .utf8)
        try """
            [databases]
            * = host=\(socketFolder) port=\(serverPort)

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = trust
            auth_file = \(folder)/userlist.txt
            pool_mode = \(poolMode)
            default_pool_size = 4
            max_client_conn = 200
            logfile = \(folder)/pgbouncer.log
            pidfile = \(folder)/pgbouncer.pid

            """.write(toFile: folder + "/pgbouncer.ini", atomically: true, encoding: .utf8)
        if ServerFixtures.runsAsRoot { try ServerFixtures.shell("chown -R postgres: \(folder)") }
        try ServerFixtures.run([environment["MIGRATE_TEST_PGBOUNCER"]!, "-d", folder + "/pgbouncer.ini"])
        try ServerFixtures.waitUntilReachable(url(database: "postgres"))
    }

    /// A URL of `database` through the pooler.
    func url(database: String) -> String {
        "postgresql://postgres@127.0.0.1:\(port)/\(database)"
    }

    func stop() {
        if let text = try? String(contentsOfFile: folder + "/pgbouncer.pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGTERM)
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            // Gone, or a zombie nobody reaps (its parent is whatever adopted the daemon).
            func running() -> Bool {
                guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
                return !stat.contains(") Z ")
            }
            while running() && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
        }
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// A throwaway primary with TCP on 127.0.0.1 and `wal_level = replica`, and a hot standby made
/// from it with `pg_basebackup -R`.
final class StandbyPairFixture {
    let folder: String
    let primaryPort: Int
    let standbyPort: Int
    private var started: [String] = []
    private let bin: String

    init() throws {
        bin = ServerFixtures.environment["MIGRATE_TEST_POSTGRES_BIN"]!
        folder = try ServerFixtures.serverFolder()
        primaryPort = try ServerFixtures.freePort()
        standbyPort = try ServerFixtures.freePort()
        do {
            try ServerFixtures.run([
                "\(bin)/initdb", "-D", "\(folder)/primary", "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                "--locale=C", "--no-sync",
            ])
            try ServerFixtures.shell("""
                cat >> \(folder)/primary/postgresql.conf <<'EOF'
                listen_addresses = '127.0.0.1'
                port = \(primaryPort)
                unix_socket_directories = '\(folder)'
                wal_level = replica
                max_wal_senders = 4
                fsync = off
                full_page_writes = off
                EOF
                """)
            try start("primary")
            try ServerFixtures.run([
                "\(bin)/pg_basebackup", "-h", "127.0.0.1", "-p", "\(primaryPort)", "-U", "postgres", "-D",
                "\(folder)/standby", "-R", "-X", "stream", "--no-sync",
            ])
            try ServerFixtures.shell("""
                cat >> \(folder)/standby/postgresql.conf <<'EOF'
                port = \(standbyPort)
                hot_standby = on
                EOF
                """)
            try start("standby")
        } catch {
            stop()
            throw error
        }
        try ServerFixtures.waitUntilReachable(primaryURL)
        try ServerFixtures.waitUntilReachable(standbyURL)
    }

    private func start(_ name: String) throws {
        try ServerFixtures.run(["\(bin)/pg_ctl", "start", "-D", "\(folder)/\(name)", "-l", "\(folder)/\(name).log", "-w", "-t", "60"])
        started.append(name)
    }

    var primaryURL: String { "postgresql://postgres@127.0.0.1:\(primaryPort)/postgres" }
    var standbyURL: String { "postgresql://postgres@127.0.0.1:\(standbyPort)/postgres" }

    /// Waits until the standby has replayed everything the primary wrote so far.
    func waitForReplay() throws {
        let primary = try PostgresConnection(url: primaryURL)
        let target = try primary.query("SELECT pg_current_wal_lsn()::text")[0][0]!
        let standby = try PostgresConnection(url: standbyURL)
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while try standby.query("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", parameters: [target])[0][0] != "t" {
            if ContinuousClock.now > deadline { throw MigrateError(.database, "the standby did not catch up") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    func stop() {
        for name in started.reversed() {
            _ = try? ServerFixtures.run(["\(bin)/pg_ctl", "stop", "-D", "\(folder)/\(name)", "-m", "immediate", "-w"])
        }
        started = []
        try? FileManager.default.removeItem(atPath: folder)
    }
}
