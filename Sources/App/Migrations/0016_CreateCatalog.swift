import FluentKit
import SQLKit

/// Products, their SKUs (variants), set compositions and warehouses.
struct CreateCatalog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("warehouses")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("is_default", .bool, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "tenant_id", "code")
            .create()
        try await database.schema("products")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("supplier", .string, .required)
            .field("labels", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "code")
            .create()
        try await database.schema("skus")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("product_id", .uuid, .required, .references("products", "id", onDelete: .cascade))
            .field("code", .string, .required)
            .field("variant", .string, .required)
            .field("jan", .string)
            .field("price", .int, .required)
            .field("tax_class", .string, .required)
            .field("size_class", .string, .required)
            .field("cool_type", .string, .required)
            .field("is_set", .bool, .required)
            .field("reorder_point", .int)
            .field("reorder_alerted", .bool, .required)
            .field("labels", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "tenant_id", "code")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "skus_jan_idx").on("skus").column("tenant_id").column("jan").run()
        try await database.schema("set_components")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("set_sku_id", .uuid, .required, .references("skus", "id", onDelete: .cascade))
            .field("component_sku_id", .uuid, .required, .references("skus", "id", onDelete: .restrict))
            .field("quantity", .int, .required)
            .unique(on: "set_sku_id", "component_sku_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in ["set_components", "skus", "products", "warehouses"] { try await database.schema(table).delete() }
    }
}
