import FluentKit
import SQLKit

/// Every change of stock looks up the sets that contain the changed SKUs (to recompute their 表示在庫): an index
/// on the component, so that lookup reads the few rows it needs instead of every set component of every shop.
struct IndexSetComponentsByComponent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.create(index: "set_components_component_idx").on("set_components")
            .column("tenant_id").column("component_sku_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "set_components_component_idx").run()
    }
}
