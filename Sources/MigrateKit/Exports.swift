// Apps embedding MigrateKit see the core's value types (Revision, MigrateError, MigrationStep)
// without importing a second module.
@_exported import MigrateCore
