import MigrateCore
import MigrateSQL

extension SQLiteConnection {
    /// Nothing: reflection reads every kind of object an SQLite database holds (tables, virtual
    /// tables, indexes, views, triggers), so models declare them all.
    package func unmodeledObjects(includeSchemas: SchemaSelection) throws -> [UnmodeledObject] { [] }
}
