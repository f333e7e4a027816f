import Domain
import FluentKit
import Foundation

/// A place stock is kept.
final class WarehouseRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "warehouses"
    static var tenantKey: KeyPath<WarehouseRecord, FieldProperty<WarehouseRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "is_default") var isDefault: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(tenantID: UUID, code: String, name: String, isDefault: Bool, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.isDefault = isDefault
        self.createdAt = now
    }
}

/// A warehouse's id as its own type, so a SKU's id cannot be passed where a warehouse's is meant.
struct WarehouseID: Hashable, Sendable {
    let uuid: UUID

    init(_ uuid: UUID) {
        self.uuid = uuid
    }
}

extension WarehouseRecord {
    /// This warehouse's id as a `WarehouseID`.
    var typedID: WarehouseID { WarehouseID(id!) }
}
