import Domain
import FluentKit
import Foundation

/// One entry of the stock ledger.
final class StockMovementRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "stock_movements"
    static var tenantKey: KeyPath<StockMovementRecord, FieldProperty<StockMovementRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "sku_id") var skuID: UUID
    @Field(key: "warehouse_id") var warehouseID: UUID
    @Field(key: "kind") var kind: MovementKind
    @Field(key: "on_hand_delta") var onHandDelta: Int
    @Field(key: "reserved_delta") var reservedDelta: Int
    @Field(key: "reference") var reference: String
    @Field(key: "reason") var reason: String
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
