import MigrateCore

/// The declared schema of an app: the tables `migrate check` and `revision --autogenerate`
/// compare with the database.
///
/// A models file (listed under `models` in migrate.json) declares one or more types conforming
/// to `ModelSchema`, each with a `static let tables` array of table definitions written with the
/// same vocabulary as migration files:
///
/// ```swift
/// import MigrateKit
///
/// enum AppSchema: ModelSchema {
///     static let tables: [Table] = [
///         Table("accounts",
///             Column("id", .integer, primaryKey: true),
///             Column("email", .string(length: 255), nullable: false),
///             UniqueConstraint(["email"], name: "uq_accounts_email")),
///     ]
/// }
/// ```
///
/// The file compiles against MigrateKit, and the command line reads it without compiling it, so
/// the elements must be literals, as in migration files.
public protocol ModelSchema {
    /// The tables, in any order.
    static var tables: [Table] { get }
}

extension ModelSchema {
    /// The tables as one ``MigrateCore/Schema``.
    public static var schema: Schema { Schema(tables: tables) }
}
