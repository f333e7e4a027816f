import FluentKit
import SQLKit

/// The shops' order rules (オートロボ), versioned: one draft at a time, the published one applied at intake, older
/// ones kept; and on each order the version that touched it.
struct CreateOrderRuleSets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("order_rule_sets")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("version", .int, .required)
            .field("status", .string, .required)
            .field("source", .string, .required)
            .field("rules", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("published_at", .datetime)
            .unique(on: "tenant_id", "version")
            .create()
        try await database.schema("orders").field("rule_version", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("orders").deleteField("rule_version").update()
        try await database.schema("order_rule_sets").delete()
    }
}
