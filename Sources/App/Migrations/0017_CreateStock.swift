import FluentKit
import SQLKit

/// Stock figures per SKU and warehouse, the ledger they are the sum of, reservations, and channel listings.
struct CreateStock: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("stock_levels")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("sku_id", .uuid, .required, .references("skus", "id", onDelete: .cascade))
            .field("warehouse_id", .uuid, .required, .references("warehouses", "id", onDelete: .cascade))
            .field("on_hand", .int, .required)
            .field("reserved", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "sku_id", "warehouse_id")
            .create()
        try await database.schema("stock_movements")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("sku_id", .uuid, .required, .references("skus", "id", onDelete: .cascade))
            .field("warehouse_id", .uuid, .required, .references("warehouses", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("on_hand_delta", .int, .required)
            .field("reserved_delta", .int, .required)
            .field("reference", .string, .required)
            .field("reason", .string, .required)
            .field("actor_label", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "stock_movements_sku_idx").on("stock_movements")
            .column("tenant_id").column("sku_id").run()
        try await database.schema("reservations")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("reference", .string, .required)
            .field("status", .string, .required)
            .field("lines", .string, .required)
            .field("warehouse_id", .uuid, .required, .references("warehouses", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "reference")
            .create()
        try await database.schema("channel_listings")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("sku_id", .uuid, .required, .references("skus", "id", onDelete: .cascade))
            .field("channel", .string, .required)
            .field("item_code", .string, .required)
            .field("rule", .string, .required)
            .field("shown", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "channel", "item_code")
            .unique(on: "tenant_id", "sku_id", "channel")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["channel_listings", "reservations", "stock_movements", "stock_levels"] {
            try await database.schema(table).delete()
        }
    }
}
