import Foundation
import MigrateCore
@testable import MigrateKit
import MigratePostgres
import MigrateSQL
import Testing

private let path = "/srv/app/migrate.json"

private func context(_ text: String, environment: [String: String] = [:]) throws -> Context {
    Context(configuration: try Configuration(parsing: text, path: path, environment: environment), environment: environment)
}

/// The error `body` throws, as `location: message`, and its hint.
private func failure(_ body: () throws -> Any) -> (message: String, hint: String?) {
    do {
        _ = try body()
        return ("no error", nil)
    } catch let error as MigrateError {
        return ((error.location.map { "\($0): " } ?? "") + error.message, error.hint)
    } catch {
        return ("\(error)", nil)
    }
}

/// migrate.json `targets`: how entries are read, named and selected, and what is refused.
@Suite struct FleetTargetTests {
    @Test func entriesAreNamedGivenOrDerived() throws {
        let context = try context(
            """
            {"url": "postgresql://app:secret@main/app",
             "targets": [
               "sqlite:///tenants/a.sqlite3",
               "sqlite:////var/db/b.sqlite3",
               "postgresql://app:secret@db-eu:5433/shop?sslmode=require",
               "postgresql://app@/shop?host=/run/postgresql",
               {"name": "us", "url": "${US_URL}"},
               {"schemas": ["acme", "globex"], "shared_schemas": ["public"]},
               {"name": "eu", "url": "postgresql://db-eu/shop", "schemas": ["acme"]}
             ]}
            """, environment: ["US_URL": "postgresql://db-us/shop"])
        let targets = try Fleet.targets(context, matching: [], all: true)
        #expect(targets.map(\.name) == [
            "tenants/a.sqlite3", "/var/db/b.sqlite3", "db-eu:5433/shop", "/run/postgresql/shop", "us", "acme", "globex",
            "eu/acme",
        ])
        #expect(targets[4].url.redacted == "postgresql://db-us/shop")
        #expect(targets[5].url.redacted == "postgresql://app:***@main/app")
        #expect(targets[5].schema == "acme")
        #expect(targets[5].searchPathStatement(.postgresql) == #"SET search_path TO "acme", "public""#)
        #expect(targets[7].url.redacted == "postgresql://db-eu/shop")
        #expect(targets[0].searchPathStatement(.sqlite) == nil)
    }

    @Test func printingHidesATargetsPassword() throws {
        let configuration = try context(#"{"targets": ["postgresql://app:s3cret@db/app", {"url": "postgresql://x:hush@db/y"}]}"#).configuration
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cret") && !dumped.contains("hush"), "\(dumped)")
        #expect(dumped.contains("postgresql://app:***@db/app"))
        #expect(!String(describing: configuration).contains("s3cret"))
    }

    @Test func patternsSelectInTheFilesOrder() throws {
        let context = try context(#"{"targets": [{"url": "postgresql://db/app", "schemas": ["t_b", "t_a", "other", "t_c1"]}]}"#)
        #expect(try Fleet.targets(context, matching: ["t_?", "other", "t_a"], all: false).map(\.name) == ["t_b", "t_a", "other"])
        #expect(try Fleet.targets(context, matching: ["*1"], all: false).map(\.name) == ["t_c1"])
        let none = failure { try Fleet.targets(context, matching: ["tenant_*"], all: false) }
        #expect(none.message == "--target tenant_* matches none of the 4 targets")
        #expect(none.hint?.contains("(t_b, t_a, other, t_c1)") == true)
    }

    @Test func globs() {
        #expect(Glob.matches("tenant_*", "tenant_0001"))
        #expect(Glob.matches("*_00?1", "tenant_0001"))
        #expect(Glob.matches("a*b*c*", "abc"))
        #expect(!Glob.matches("tenant_?", "tenant_0001"))
        #expect(!Glob.matches("tenant_*", "tenant"))
        #expect(Glob.matches("*", ""))
        // A `*` in the name is matched like any other character.
        #expect(Glob.matches("*", "*x"))
        #expect(Glob.matches("a*", "a*b"))
    }

    @Test func badEntriesAreRefusedWithTheirPlace() {
        #expect(failure { try context(#"{"targets": "sqlite:///a.db"}"#) }.message == "/srv/app/migrate.json:1:13: 'targets' must be a list, found a string")
        #expect(failure { try context(#"{"targets": [3]}"#) }.message == "/srv/app/migrate.json:1:14: 'targets[0]' must be a database URL or an object, found a number")
        let misspelt = failure { try context(#"{"targets": [{"schema": ["a"]}]}"#) }
        #expect(misspelt.message == "/srv/app/migrate.json:1:15: unknown key 'targets[0].schema'")
        #expect(misspelt.hint == "did you mean 'targets[0].schemas'?")
        #expect(failure { try context(#"{"targets": [{"schemas": ["a"], "schemas_query": "SELECT 'b'"}]}"#) }.message
            == "/srv/app/migrate.json:1:14: 'targets[0]' has both 'schemas' and 'schemas_query'")
        #expect(failure { try context(#"{"targets": [{"shared_schemas": ["public"]}]}"#) }.message
            == "/srv/app/migrate.json:1:14: 'targets[0].shared_schemas' needs 'schemas' or 'schemas_query'")
        #expect(failure { try context(#"{"targets": [{"name": ""}]}"#) }.message == "/srv/app/migrate.json:1:23: 'targets[0].name' must not be empty")
        let shared = failure { try context(#"{"version_table_schema": "meta", "targets": [{"schemas": ["a"]}]}"#) }
        #expect(shared.message == "/srv/app/migrate.json:1:46: 'version_table_schema' cannot be combined with schema targets")
    }

    @Test func resolvingRefusesWhatCannotWork() throws {
        let sqliteSchemas = try context(#"{"targets": [{"url": "sqlite:///a.db", "schemas": ["a"]}]}"#)
        #expect(failure { try Fleet.targets(sqliteSchemas, matching: [], all: true) }.message
            == "/srv/app/migrate.json:1:14: targets[0] names schemas, but sqlite:///a.db is not a PostgreSQL database")
        let twice = try context(#"{"targets": [{"url": "postgresql://a/x", "schemas": ["t1"]}, {"url": "postgresql://b/x", "schemas": ["t1"]}]}"#)
        let duplicate = failure { try Fleet.targets(twice, matching: [], all: true) }
        #expect(duplicate.message.hasSuffix("two targets are named 't1' (from targets[0] and targets[1])"))
        #expect(duplicate.hint?.contains("NAME/schema") == true)
        let unset = try context(#"{"targets": ["${TENANT_URL}"]}"#)
        #expect(failure { try Fleet.targets(unset, matching: [], all: true) }.message
            == "/srv/app/migrate.json:1:14: environment variable 'TENANT_URL' is not set (used in 'targets[0]')")
        let noTargets = try context("{}")
        #expect(failure { try Fleet.targets(noTargets, matching: ["a"], all: false) }.message
            == "migrate.json lists no targets, so --target and --all select nothing")
    }

    /// With targets configured, a command that was not told which one to use refuses, rather
    /// than fall back to `url`; --url still names one database.
    @Test func aFleetConfigurationNeedsASelection() throws {
        var context = try context(#"{"url": "sqlite:///main.db", "targets": ["sqlite:///a.db"]}"#)
        let refused = failure { try context.databaseURL() }
        #expect(refused.message == "migrate.json lists targets, and this command was not told which one to use")
        context.urlFlag = "sqlite:////tmp/other.db"
        #expect(try context.databaseURL().redacted == "sqlite:////tmp/other.db")
    }

    /// The lock key is per schema: two tenants never share one, one tenant always gets the same,
    /// and dots inside names cannot make two tables collide.
    @Test func lockKeysArePerSchemaAndStable() {
        func key(_ schema: String?, _ table: String = "migrate_version") -> Int64 {
            PostgresConnection.lockKey(for: VersionTable(name: table, schema: schema, dialect: .postgresql).lockName)
        }
        let tenants = (1...1000).map { String(format: "tenant_%04d", $0) }
        #expect(Set(tenants.map { key($0) }).count == tenants.count)
        #expect(tenants.allSatisfy { key($0) == key($0) })
        #expect(!tenants.contains { key($0) == key(nil) })
        // Unchanged for names without dots: runs of earlier versions exclude these.
        #expect(key(nil) == PostgresConnection.lockKey(for: "migrate_version"))
        #expect(key("tenant_0001") == PostgresConnection.lockKey(for: "tenant_0001.migrate_version"))
        #expect(key("a.b", "c") != key("a", "b.c"))
    }
}
