import Domain
import FluentKit
import Foundation

/// An order's hold on stock, by the order's reference; makes reserving idempotent.
public final class ReservationRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "reservations"
    public static var tenantKey: KeyPath<ReservationRecord, FieldProperty<ReservationRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "reference") public var reference: String
    @Field(key: "status") public var status: ReservationStatus
    /// The plain-SKU quantities held.
    @Field(key: "lines") var lines: StoredJSON<[HeldQuantity]>
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
