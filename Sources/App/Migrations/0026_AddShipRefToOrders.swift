import FluentKit
import SQLKit

/// The reference an order's label file carries (its number, or the number's end when the carrier allows fewer
/// characters), so the tracking file that comes back finds the order; indexes to look orders up by number and by
/// that reference; and one history line per sequence number.
struct AddShipRefToOrders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("orders").field("ship_ref", .string, .required, .sql(.default(""))).update()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "orders_number_idx").on("orders").column("tenant_id").column("number").run()
        try await sql.create(index: "orders_ship_ref_idx").on("orders").column("tenant_id").column("ship_ref").run()
        try await sql.drop(index: "order_events_order_idx").run()
        try await sql.create(index: "order_events_order_idx").on("order_events").unique()
            .column("tenant_id").column("order_id").column("seq").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.drop(index: "orders_ship_ref_idx").run()
        try await sql.drop(index: "orders_number_idx").run()
        try await database.schema("orders").deleteField("ship_ref").update()
    }
}
