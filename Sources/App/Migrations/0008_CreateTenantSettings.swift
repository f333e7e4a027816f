import FluentKit

/// One row of security settings per tenant, as JSON so that new options need no migration.
struct CreateTenantSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenant_settings")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("security", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenant_settings").delete()
    }
}
