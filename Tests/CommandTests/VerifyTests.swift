import Foundation
import Testing
import TestSupport

@Suite struct VerifyTests {
    @Test(arguments: TestEngine.enabled)
    func checksumsAreRecordedAndEditsReported(engine: TestEngine) throws {
        let env = try Environment(engine)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "head").status == 0)
        let db = try env.database()
        #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == ["aaa111", "bbb222", "ccc333"])
        #expect(try db.scalar("SELECT count(*) FROM migrate_version_history WHERE length(checksum) = 64 AND duration_ms >= 0") == "3")

        let clean = try env.run("verify")
        #expect(clean.status == 0, "\(clean)")
        #expect(clean.stdout == "")

        // Editing an applied migration is reported by verify (exit 1) and warned about by upgrade.
        let path = env.directory.appendingPathComponent("versions/bbb222_m.sql")
        let original = try String(contentsOf: path, encoding: .utf8)
        try (original + "\n-- an innocent-looking edit\n").write(to: path, atomically: true, encoding: .utf8)
        let changed = try env.run("verify")
        #expect(changed.status == 1, "\(changed)")
        #expect(changed.stdout.contains("changed: revision bbb222 was applied at"), "\(changed)")
        let upgrade = try env.run("upgrade", "head")
        #expect(upgrade.status == 0)
        #expect(upgrade.stderr.contains("warning: revision bbb222 was applied at"), "\(upgrade)")

        // Downgrading forgets the reverted revision; restoring the file makes verify pass again.
        try original.write(to: path, atomically: true, encoding: .utf8)
        #expect(try env.run("downgrade", "-1").status == 0)
        #expect(try db.column("SELECT revision FROM migrate_version_history ORDER BY revision") == ["aaa111", "bbb222"])
        #expect(try env.run("verify").status == 0)
    }

    @Test func appliedRevisionWithoutAFileIsReported() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        #expect(try env.run("upgrade", "head").status == 0)
        try FileManager.default.removeItem(at: env.directory.appendingPathComponent("versions/ccc333_m.sql"))
        let result = try env.run("verify")
        #expect(result.status == 1, "\(result)")
        #expect(result.stdout.contains("missing: revision ccc333 was applied at"), "\(result)")
        // Stamping the database back to what the files describe accepts it.
        #expect(try env.run("stamp", "--purge", "bbb222").status == 0)
        #expect(try env.run("verify").status == 0)
    }

    @Test func offlineScriptsRecordChecksumsWithoutTimings() throws {
        let env = try Environment(.sqlite)
        try writeLinearHistory(env)
        let script = try env.run("upgrade", "head", "--sql")
        #expect(script.status == 0)
        #expect(script.stdout.contains("CREATE TABLE IF NOT EXISTS \"migrate_version_history\""))
        #expect(script.stdout.contains("INSERT INTO \"migrate_version_history\" (revision, checksum, duration_ms) VALUES ('aaa111', '"))
        #expect(script.stdout.contains("', NULL);"))
    }
}
