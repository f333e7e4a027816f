import Domain
import FluentKit
import Foundation

/// A place stock is kept.
public final class WarehouseRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "warehouses"
    public static var tenantKey: KeyPath<WarehouseRecord, FieldProperty<WarehouseRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "is_default") public var isDefault: Bool
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    init(tenantID: UUID, code: String, name: String, isDefault: Bool, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.code = code
        self.name = name
        self.isDefault = isDefault
        self.createdAt = now
    }
}
