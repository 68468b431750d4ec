// Apps embedding MigrateKit see the core's value types (Revision, MigrateError, MigrationStep)
// without importing a second module.
@_exported import MigrateCore
// And the database errors behind a MigrateError's cause, with their codes to match.
@_exported import struct MigrateSQL.DatabaseError
@_exported import struct MigrateSQL.SQLState
@_exported import struct MigrateSQL.SQLiteResultCode
@_exported import enum MigrateSQL.DatabaseFailureCause
