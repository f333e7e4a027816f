import FluentKit

/// Tenants: one row per shop.
struct CreateTenants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants")
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("status", .string, .required)
            .field("audit_anchor_seq", .int, .required)
            .field("audit_anchor_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").delete()
    }
}
