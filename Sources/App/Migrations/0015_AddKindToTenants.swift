import FluentKit

/// `shop` for customers; `operator` for the one tenant whose admins run the instance.
struct AddKindToTenants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenants").field("kind", .string, .required, .sql(.default("shop"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenants").deleteField("kind").update()
    }
}
