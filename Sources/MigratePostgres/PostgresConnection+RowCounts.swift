import CLibPQ
import MigrateSQL

extension PostgresConnection {
    /// Sends `statements` (one statement each) joined into one simple query, so they cost one
    /// round trip, and returns each one's affected row count: `PQcmdTuples` of its result, 0
    /// for a statement that reports none.
    ///
    /// Outside an explicit transaction the server runs them in one implicit transaction. On a
    /// failure the remaining results are read (libpq needs that before the next query) and the
    /// failing statement's error is thrown, naming that statement.
    package func executeCountingRows(_ statements: [String]) throws -> [Int] {
        guard !statements.isEmpty else { return [] }
        let sql = statements.joined(separator: ";\n")
        try rejectNUL(in: sql)
        guard PQsendQuery(handle, sql) == 1 else {
            throw error(from: nil, sql: sql)
        }
        var counts: [Int] = []
        var failure: (any Error)?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            guard failure == nil else { continue }
            do {
                try check(result, sql: statements.indices.contains(counts.count) ? statements[counts.count] : sql)
                counts.append(PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return counts
    }
}
