import Foundation
import MigrateCore
import MigratePostgres

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A PostgreSQL cluster of one test's own, which the test may stop (even as a crash, with
/// `pg_ctl stop -m immediate`) and start again; the shared test server must never be stopped.
///
/// Set up as `scripts/with-postgres` does: `initdb` in a new temporary folder (as the `postgres`
/// user through `runuser` when running as root, since the server refuses root), a Unix socket in
/// that folder and no TCP, trust authentication, `fsync=off` but `synchronous_commit=on`, so a
/// server crash loses no commit a client was told of. Deleted when released.
///
/// ```swift
/// let cluster = try ThrowawayCluster()
/// let url = try cluster.freshDatabase()
/// try cluster.stop(immediately: true)
/// try cluster.start()
/// ```
package final class ThrowawayCluster {
    package let directory: URL
    private let binaries: URL
    private let runAsPostgres: Bool
    private var running = false
    /// With no TCP listener the port only names the socket file in ``directory``.
    private static let port = 54331

    /// The `postgres` database on this cluster, as the `postgres` superuser.
    package var adminURL: String { "postgresql://postgres@/postgres?host=\(directory.path)&port=\(Self.port)" }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }

    /// initdb's folder (PATH, else Debian's `/usr/lib/postgresql/*/bin`, newest first), or nil.
    package static var binaryDirectory: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        var candidates = path.split(separator: ":").map { URL(fileURLWithPath: String($0)) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { $0.compare($1, options: .numeric) == .orderedDescending }
            .map { URL(fileURLWithPath: "/usr/lib/postgresql/\($0)/bin") }
        return candidates.first {
            FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("initdb").path)
                && FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("pg_ctl").path)
        }
    }

    /// Creates and starts the cluster.
    package init() throws {
        guard let binaries = Self.binaryDirectory else {
            throw MigrateError(
                .configuration, "initdb and pg_ctl were not found on PATH or under /usr/lib/postgresql/*/bin",
                hint: "Install PostgreSQL's server programs (Debian: apt-get install postgresql-15).")
        }
        self.binaries = binaries
        runAsPostgres = getuid() == 0
        // The postgres user must be able to reach the folder, so not under root's own temporary folder.
        let base = runAsPostgres ? URL(fileURLWithPath: "/tmp") : FileManager.default.temporaryDirectory
        directory = base.appendingPathComponent("migrate-cluster-" + UUID().uuidString.lowercased().prefix(8))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if runAsPostgres {
            guard let user = getpwnam("postgres") else {
                throw MigrateError(.configuration, "running as root, but there is no 'postgres' user to run the server as")
            }
            chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid)
        }
        try serverCommand(
            "initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"])
        let settings = """

            # A test's own cluster: no TCP, socket in the folder. fsync is off (the operating
            # system's cache survives a server crash), but a commit must reach the WAL before it is
            # acknowledged (synchronous_commit on), or a crash would lose commits the client saw.
            listen_addresses = ''
            unix_socket_directories = '\(directory.path)'
            port = \(Self.port)
            fsync = off
            synchronous_commit = on

            """
        let configuration = try FileHandle(forWritingTo: URL(fileURLWithPath: dataDirectory + "/postgresql.conf"))
        configuration.seekToEndOfFile()
        configuration.write(Data(settings.utf8))
        try configuration.close()
        try start()
    }

    deinit {
        if running { try? stop(immediately: false) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server and waits until it accepts connections (after crash recovery, if any).
    package func start() throws {
        try serverCommand("pg_ctl", ["start", "-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path, "-w", "-t", "60"])
        running = true
    }

    /// Stops the server: `immediately` is a crash (no checkpoint, connections cut; the next
    /// start recovers from the WAL), otherwise a fast shutdown.
    package func stop(immediately: Bool) throws {
        try serverCommand("pg_ctl", ["stop", "-D", dataDirectory, "-m", immediately ? "immediate" : "fast", "-w"])
        running = false
    }

    /// Creates an empty database on the cluster and returns its URL.
    package func freshDatabase() throws -> String {
        let name = "crash_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(url: adminURL).execute("CREATE DATABASE \(name)")
        return TestPostgres.url(adminURL, database: name)
    }

    /// Runs one of the server's programs (as the postgres user when root) and throws with its
    /// output when it fails.
    ///
    /// Through `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose
    /// `waitUntilExit` was seen to miss the exit of `runuser` here and wait forever.
    private func serverCommand(_ program: String, _ arguments: [String]) throws {
        let executable = binaries.appendingPathComponent(program).path
        let command = runAsPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        let logPath = directory.appendingPathComponent("commands.log").path
        let logStart = (try? FileManager.default.attributesOfItem(atPath: logPath)[.size] as? Int) ?? 0
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t?
        #else
            var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o666)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw MigrateError(.configuration, "cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let output = (try? String(contentsOfFile: logPath, encoding: .utf8)).map { String($0.utf8.dropFirst(logStart)) ?? $0 } ?? ""
            throw MigrateError(.configuration, "\(program) \(arguments.joined(separator: " ")) failed (status \(status)): \(output)")
        }
    }
}
