import Domain
import FluentKit
import Foundation

/// A SKU's figures in one warehouse; always equal to the sum of its ledger.
final class StockLevelRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "stock_levels"
    static var tenantKey: KeyPath<StockLevelRecord, FieldProperty<StockLevelRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "sku_id") var skuID: UUID
    @Field(key: "warehouse_id") var warehouseID: UUID
    @Field(key: "on_hand") var onHand: Int
    @Field(key: "reserved") var reserved: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// The empty stock row a new plain SKU starts with in `warehouseID`.
    init(emptyFor skuID: UUID, in warehouseID: UUID, now: Date) {
        self.id = UUID()
        self.skuID = skuID
        self.warehouseID = warehouseID
        self.onHand = 0
        self.reserved = 0
        self.updatedAt = now
    }

    var figures: StockFigures { StockFigures(onHand: onHand, reserved: reserved) }
}
