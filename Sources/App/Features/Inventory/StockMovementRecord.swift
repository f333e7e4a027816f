import Domain
import FluentKit
import Foundation

/// One entry of the stock ledger.
public final class StockMovementRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "stock_movements"
    public static var tenantKey: KeyPath<StockMovementRecord, FieldProperty<StockMovementRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "sku_id") public var skuID: UUID
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "kind") public var kind: MovementKind
    @Field(key: "on_hand_delta") public var onHandDelta: Int
    @Field(key: "reserved_delta") public var reservedDelta: Int
    @Field(key: "reference") public var reference: String
    @Field(key: "reason") public var reason: String
    @Field(key: "actor_label") public var actorLabel: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}
}
