import FluentKit
import SQLKit

/// Large master imports: the import itself (its state and how far its apply has got) and its staged rows and set
/// components, checked in the database before anything is applied.
struct CreateCatalogImports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("catalog_imports")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("encoding", .string, .required)
            .field("rows", .int, .required)
            .field("created", .int, .required)
            .field("updated", .int, .required)
            .field("steps", .int, .required)
            .field("done_steps", .int, .required)
            .field("actor_label", .string, .required)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .create()
        try await database.schema("catalog_import_rows")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("import_id", .uuid, .required, .references("catalog_imports", "id", onDelete: .cascade))
            .field("ordinal", .int, .required)
            .field("line", .int, .required)
            .field("product_code", .string, .required)
            .field("product_name", .string, .required)
            .field("supplier", .string, .required)
            .field("sku_code", .string, .required)
            .field("variant", .string, .required)
            .field("jan", .string)
            .field("price", .int, .required)
            .field("tax_class", .string, .required)
            .field("size_class", .string, .required)
            .field("cool_type", .string, .required)
            .field("reorder_point", .int)
            .field("labels", .string, .required)
            .field("is_set", .bool, .required)
            .create()
        try await database.schema("catalog_import_components")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("import_id", .uuid, .required, .references("catalog_imports", "id", onDelete: .cascade))
            .field("line", .int, .required)
            .field("set_code", .string, .required)
            .field("component_code", .string, .required)
            .field("quantity", .int, .required)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "catalog_import_rows_ordinal_idx").on("catalog_import_rows")
            .column("import_id").column("ordinal").run()
        try await sql.create(index: "catalog_import_rows_sku_idx").on("catalog_import_rows")
            .column("import_id").column("sku_code").run()
        try await sql.create(index: "catalog_import_components_idx").on("catalog_import_components")
            .column("import_id").column("set_code").run()
        try await sql.create(index: "catalog_import_components_part_idx").on("catalog_import_components")
            .column("import_id").column("component_code").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["catalog_import_components", "catalog_import_rows", "catalog_imports"] {
            try await database.schema(table).delete()
        }
    }
}
