import FluentKit
import SQLKit

/// Users, unique by e-mail within a tenant.
struct CreateUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("email", .string, .required)
            .field("name_sealed", .string, .required)
            .field("role", .string, .required)
            .field("grants", .string, .required)
            .field("status", .string, .required)
            .field("password_hash", .string, .required)
            .field("password_changed_at", .datetime, .required)
            .field("last_sign_in_at", .datetime)
            .field("last_sign_in_ip", .string)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").delete()
    }
}
