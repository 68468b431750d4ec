import MigrateCore
import MigrateSQL

/// What a database records about its migrations: whether the version and history tables exist,
/// the heads, and the history rows.
///
/// Commands that migrate, stamp, check or verify read it once, in at most three queries, and
/// hand it to each part that needs it; asking each part's own questions took up to seven round
/// trips to the server before anything ran.
struct RecordedState {
    var versionTableExists: Bool
    var historyTableExists: Bool
    /// The version table's rows (none when it does not exist).
    var heads: Set<String>
    /// The history table's rows (none when it does not exist or was not asked for).
    var history: [HistoryTable.Entry]

    /// `history: false` leaves the history rows out, for commands that do not verify.
    static func read(
        _ connection: DatabaseConnection, versionTable: VersionTable, historyTable: HistoryTable, history: Bool = true
    ) throws -> RecordedState {
        let versionTableExists: Bool
        let historyTableExists: Bool
        if historyTable.schema == versionTable.schema {
            let existing = try connection.existingTables([versionTable.name, historyTable.name], schema: versionTable.schema)
            versionTableExists = existing.contains(versionTable.name)
            historyTableExists = existing.contains(historyTable.name)
        } else {
            versionTableExists = try connection.tableExists(versionTable.name, schema: versionTable.schema)
            historyTableExists = try connection.tableExists(historyTable.name, schema: historyTable.schema)
        }
        return RecordedState(
            versionTableExists: versionTableExists, historyTableExists: historyTableExists,
            heads: versionTableExists ? try versionTable.readHeads(connection) : [],
            history: history && historyTableExists ? try historyTable.readEntries(connection) : [])
    }
}
