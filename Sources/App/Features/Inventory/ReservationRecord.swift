import Domain
import FluentKit
import Foundation

/// An order's hold on stock, by the order's reference; makes reserving idempotent.
final class ReservationRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "reservations"
    static var tenantKey: KeyPath<ReservationRecord, FieldProperty<ReservationRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "reference") var reference: String
    @Field(key: "status") var status: ReservationStatus
    /// The plain-SKU quantities held.
    @Field(key: "lines") var lines: StoredJSON<[HeldQuantity]>
    @Field(key: "warehouse_id") var warehouseID: UUID
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
