import FluentKit

/// Operational settings of a shop (reorder alert address, …) beside its security settings.
struct AddShopSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("tenant_settings").field("shop", .string, .required, .sql(.default("{}"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("tenant_settings").deleteField("shop").update()
    }
}
