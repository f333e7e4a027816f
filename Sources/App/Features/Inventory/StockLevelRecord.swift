import Domain
import FluentKit
import Foundation

/// A SKU's figures in one warehouse; always equal to the sum of its ledger.
public final class StockLevelRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "stock_levels"
    public static var tenantKey: KeyPath<StockLevelRecord, FieldProperty<StockLevelRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "sku_id") public var skuID: UUID
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "on_hand") public var onHand: Int
    @Field(key: "reserved") public var reserved: Int
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

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
