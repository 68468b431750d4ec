import Dispatch
import MigrateCore
import MigrateSQL

/// The databases whose connections were shown to keep one server session, shared by the
/// targets of one fleet run (a thousand tenant schemas in one database need one probe).
final class VerifiedSessions: @unchecked Sendable {
    private let queue = DispatchQueue(label: "migrate.verified-sessions")
    private var verdicts: [DatabaseURL: Result<Void, MigrateError>] = [:]

    func contains(_ url: DatabaseURL) -> Bool {
        queue.sync { if case .success = verdicts[url] { true } else { false } }
    }

    /// Runs `probe` for `url` unless it ran already, and throws its error (then and for each
    /// later target of that database). One probe runs at a time, and the workers waiting for
    /// it hold no connection: a pool as small as the number of workers cannot deadlock on it.
    func verify(_ url: DatabaseURL, probe: () throws -> Void) throws {
        try queue.sync {
            if verdicts[url] == nil {
                do {
                    try probe()
                    verdicts[url] = .success(())
                } catch let error as MigrateError {
                    verdicts[url] = .failure(error)
                }
            }
            try verdicts[url]!.get()
        }
    }
}

extension Context {
    /// Refuses a PostgreSQL connection that goes through a pooler handing each transaction to
    /// whichever server session is free (PgBouncer's `pool_mode = transaction` or `statement`).
    ///
    /// The migration lock is a session advisory lock: through such a pooler it stays behind on
    /// one server session while the migrations run on others, and excludes nothing. The probe
    /// needs no pooler-specific command (a pooler passes `SHOW pool_mode` on to the server, which
    /// does not know it): it notes this connection's backend, opens a second connection and a
    /// transaction there, and asks for the backend again. A direct or session-pooled connection
    /// keeps its backend and never shares it; a transaction-pooled one lends its idle backend to
    /// the second connection, or is given another.
    func requireOneServerSession(_ connection: DatabaseConnection) throws {
        guard connection.dialect == .postgresql else { return }
        if let verifiedSessions, verifiedSessions.contains(try databaseURL()) { return }
        try probeServerSession(connection)
    }

    /// ``requireOneServerSession(_:)`` for a fleet target, before its connection opens: the
    /// first target of each database probes on connections of its own, the others reuse the verdict.
    func requireOneServerSessionBeforeConnecting() throws {
        let url = try databaseURL()
        guard url.dialect == .postgresql, let verifiedSessions else { return }
        try verifiedSessions.verify(url) {
            let connection = try performing("open a connection") { try url.engine.connect(to: url.target) }
            try probeServerSession(connection)
        }
    }

    private func probeServerSession(_ connection: DatabaseConnection) throws {
        let url = try databaseURL()
        let shared = try performing("check that the connection keeps one server session") { () throws -> Bool in
            let before = try backendPID(connection)
            let other = try url.engine.connect(to: url.target)
            try other.beginTransaction()
            defer { try? other.rollback() }
            let otherPID = try backendPID(other)
            let after = try backendPID(connection)
            return otherPID == before || after != before
        }
        if shared {
            throw MigrateError(
                .database,
                "the PostgreSQL database \(url.redacted) is reached through a connection pooler that runs each transaction on whichever server session is free (PgBouncer's pool_mode = transaction)",
                hint: "migrate holds a session advisory lock for the whole run, which such a pooler cannot keep. Point "
                    + "migrations at a session-pooled port (pool_mode = session) or straight at PostgreSQL (--url, or the "
                    + "target's url in migrate.json). Commands that only read (current, status, check, verify) work through it as they are.")
        }
    }

    private func backendPID(_ connection: DatabaseConnection) throws -> String {
        try connection.query("SELECT pg_catalog.pg_backend_pid()").first?.first.flatMap { $0 } ?? ""
    }

    /// Creates a tenant target's schema if it does not exist yet, under the migration lock, so
    /// upgrading a new tenant needs no separate step. Asks the catalog first: `CREATE SCHEMA IF
    /// NOT EXISTS` checks the privilege to create schemas even when the schema exists.
    func createTenantSchemaIfMissing(_ connection: DatabaseConnection) throws {
        guard let schema = target?.schema else { return }
        try performing("create the schema \(schema)") {
            let exists = try connection.query(
                "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1)", parameters: [schema])
            if exists.first?.first == "t" { return }
            try connection.execute("CREATE SCHEMA IF NOT EXISTS \(connection.dialect.quoteIdentifier(schema))")
        }
    }
}
