import FluentKit

/// Wrapped per-tenant data keys.
struct CreateTenantKeys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenant_keys")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("wrapped_key", .string, .required)
            .field("master_fingerprint", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenant_keys").delete()
    }
}
