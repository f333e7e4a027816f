import FluentKit
import SQLKit

/// What the address check found about each order's recipient (`city_mismatch`, `no_number`, `remote_island`, …).
struct AddAddressFlagsToOrders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("orders").field("address_flags", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("orders").deleteField("address_flags").update()
    }
}
