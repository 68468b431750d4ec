import MigrateKit

/// account and project constraints
///
/// Longer display names, and the checks and keys the application relied on without the
/// database enforcing them.
enum Rev_f0a1b2c3d4e5: Migration {
    static let revision = "f0a1b2c3d4e5"
    static let downRevision: [String] = ["e4f5a6b7c8d9"]
    static let createDate = "2026-11-20 09:15:42.318204"

    static func upgrade(_ op: Operations) {
        op.alterColumn(
            "accounts", "display_name", type: .string(length: 200),
            existingType: .string(length: 100), existingNullable: false)
        op.createCheckConstraint("ck_accounts_email", on: "accounts", condition: "email LIKE '%@%'")
        op.createUniqueConstraint("uq_projects_owner_name", on: "projects", columns: ["owner_id", "name"])
    }

    static func downgrade(_ op: Operations) {
        op.dropConstraint("uq_projects_owner_name", on: "projects", kind: .unique)
        op.dropConstraint("ck_accounts_email", on: "accounts", kind: .check)
        op.alterColumn(
            "accounts", "display_name", type: .string(length: 100),
            existingType: .string(length: 200), existingNullable: false)
    }
}
