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
    /// `held`, `released` or `committed`.
    @Field(key: "status") public var status: String
    /// JSON: the plain-SKU quantities held (`[{"sku": id, "quantity": n}]`).
    @Field(key: "lines") public var lines: String
    @Field(key: "warehouse_id") public var warehouseID: UUID
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
