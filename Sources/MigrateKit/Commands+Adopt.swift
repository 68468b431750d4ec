import MigrateCore
import MigrateSQL

extension Commands {
    /// A migration library whose record of applied migrations `stamp --from` adopts.
    public enum AdoptedLibrary: String, Sendable, CaseIterable {
        /// Vapor's Fluent: table `_fluent_migrations`, one row per migration, its `name`
        /// (by default the type's full name, `App.CreateTodo`).
        case fluent
        /// GRDB's `DatabaseMigrator`: table `grdb_migrations`, one row per migration, its `identifier`.
        case grdb

        /// The table the library records applied migrations in.
        var table: String {
            switch self {
            case .fluent: "_fluent_migrations"
            case .grdb: "grdb_migrations"
            }
        }

        /// The query listing the recorded names, oldest first where the library keeps an order.
        var namesQuery: String {
            switch self {
            case .fluent: "SELECT name FROM _fluent_migrations ORDER BY batch, created_at, name"
            case .grdb: "SELECT identifier FROM grdb_migrations ORDER BY identifier"
            }
        }

        var displayName: String {
            switch self {
            case .fluent: "Fluent"
            case .grdb: "GRDB"
            }
        }
    }

    /// What `stamp --from` did: each recorded migration and the revision it was matched to, and
    /// the heads stamped.
    public struct Adoption: Sendable, Hashable {
        public var matches: [(name: String, revision: String)] {
            zip(names, revisions).map { ($0, $1) }
        }
        var names: [String]
        var revisions: [String]
        public var heads: [String]
    }

    /// Stamps the revisions that stand for what Fluent or GRDB recorded as applied, so a project
    /// moves to `migrate` without running anything again.
    ///
    /// Each recorded name is matched to a revision by, in order: `mapping` (name → revision id,
    /// `--map NAME=REV`); a revision whose id is the name; a revision whose message is the name,
    /// or for Fluent the name's last dotted part (`App.CreateTodo` matches `CreateTodo`). Several
    /// names may map to one revision (a baseline that stands for many). Every name must match,
    /// and every revision before a matched one must be matched too, since stamping marks it as
    /// applied; otherwise nothing is stamped.
    public static func adoptHistory(
        _ context: Context, from library: AdoptedLibrary, mapping: [String: String]
    ) throws -> Adoption {
        let graph = try context.revisionGraph()
        let connection = try context.connect()
        let names: [String] = try context.performing("read \(library.displayName)'s table \(library.table)") {
            guard try connection.tableExists(library.table, schema: nil) else {
                throw MigrateError(
                    .usage, "\(context.databaseName) has no table \(library.table), where \(library.displayName) records its migrations",
                    hint: "check the database URL; `stamp --from \(library.rawValue)` adopts a database \(library.displayName) migrated")
            }
            return try connection.query(library.namesQuery).compactMap { $0.first ?? nil }
        }
        guard !names.isEmpty else {
            throw MigrateError(
                .usage, "\(library.displayName)'s table \(library.table) records no migrations, so there is nothing to adopt",
                hint: "run `migrate upgrade head` to migrate the database from the start")
        }
        for (name, _) in mapping where !names.contains(name) {
            throw MigrateError(
                .usage, "--map names '\(name)', which \(library.displayName) did not record",
                hint: "the recorded names are: " + names.joined(separator: ", "))
        }

        var revisions: [String] = []
        var unmatched: [String] = []
        for name in names {
            if let target = mapping[name] {
                revisions.append(try graph.resolveID(target))
                continue
            }
            let candidates = matchCandidates(name, library: library)
            let byID = candidates.compactMap { graph.revisions[$0]?.id }
            let byMessage = graph.revisions.values.filter { candidates.contains($0.message) }.map(\.id).sorted()
            let found = byID.isEmpty ? byMessage : byID
            if found.count > 1 {
                throw MigrateError(
                    .usage, "\(library.displayName)'s migration '\(name)' matches several revisions: \(found.joined(separator: ", "))",
                    hint: "choose one with --map '\(name)=REV'")
            }
            if let revision = found.first { revisions.append(revision) } else { unmatched.append(name) }
        }
        guard unmatched.isEmpty else {
            throw MigrateError(
                .usage,
                "no revision matches \(library.displayName)'s \(unmatched.count == 1 ? "migration" : "migrations") "
                    + unmatched.map { "'\($0)'" }.joined(separator: ", "),
                hint: "give the revision that stands for each the migration's name as its message, or map it with "
                    + "--map 'NAME=REV' (once per name); nothing was stamped")
        }

        let adopted = Set(revisions)
        let skipped = graph.ancestors(of: adopted).subtracting(adopted)
        guard skipped.isEmpty else {
            let list = graph.topologicallySorted(skipped)
            throw MigrateError(
                .usage,
                "\(list.count == 1 ? "revision" : "revisions") \(list.joined(separator: ", ")) "
                    + "\(list.count == 1 ? "comes" : "come") before the adopted revisions, but no migration \(library.displayName) recorded matches "
                    + (list.count == 1 ? "it" : "them"),
                hint: "stamping would mark \(list.count == 1 ? "it" : "them") applied without running; map a recorded "
                    + "migration to \(list.count == 1 ? "it" : "each") with --map 'NAME=REV' if \(library.displayName) did that work; nothing was stamped")
        }
        // The adopted revisions that no other adopted one builds on: what the version table holds.
        let covered = graph.ancestors(of: adopted)
        let heads = graph.topologicallySorted(adopted.filter { !covered.contains($0) })
        let stamped = try stamp(context, to: heads, purge: false)
        return Adoption(names: names, revisions: revisions, heads: stamped)
    }

    /// The names a recorded migration may go by: itself, and for Fluent the type's name without
    /// its module (Fluent's default name is `String(reflecting:)` of the type).
    private static func matchCandidates(_ name: String, library: AdoptedLibrary) -> [String] {
        guard library == .fluent, let dot = name.lastIndex(of: "."), name.index(after: dot) < name.endIndex else {
            return [name]
        }
        return [name, String(name[name.index(after: dot)...])]
    }
}
