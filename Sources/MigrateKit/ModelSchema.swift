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
///
/// Views, triggers, sequences, domains, schemas and extensions are declared beside the tables,
/// as `static let views: [View]`, `static let triggers: [Trigger]`,
/// `static let sequences: [DatabaseSequence]`, `static let domains: [Domain]`,
/// `static let schemas: [String]` and `static let extensions: [DatabaseExtension]`; each may be
/// left out.
public protocol ModelSchema {
    /// The tables, in any order.
    static var tables: [Table] { get }
    /// The views and materialized views, in any order: migrations create them in dependency order.
    static var views: [View] { get }
    /// The triggers, each a whole `CREATE TRIGGER` statement.
    static var triggers: [Trigger] { get }
    /// The sequences (PostgreSQL), beyond those of identity columns.
    static var sequences: [DatabaseSequence] { get }
    /// The domains (PostgreSQL), which columns use as `.custom("name")`.
    static var domains: [Domain] { get }
    /// The schemas (PostgreSQL) beyond the default one and those the tables are placed in.
    static var schemas: [String] { get }
    /// The extensions (PostgreSQL), created before everything that may use them.
    static var extensions: [DatabaseExtension] { get }
}

extension ModelSchema {
    public static var views: [View] { [] }
    public static var triggers: [Trigger] { [] }
    public static var sequences: [DatabaseSequence] { [] }
    public static var domains: [Domain] { [] }
    public static var schemas: [String] { [] }
    public static var extensions: [DatabaseExtension] { [] }

    /// Everything declared as one ``MigrateCore/Schema``.
    public static var schema: Schema {
        Schema(
            tables: tables, views: views, triggers: triggers, sequences: sequences, domains: domains, schemas: schemas,
            extensions: extensions)
    }
}
