import Domain
import FluentKit
import Foundation

/// One component of a set product.
public final class SetComponentRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "set_components"
    public static var tenantKey: KeyPath<SetComponentRecord, FieldProperty<SetComponentRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "set_sku_id") public var setSKUID: UUID
    @Field(key: "component_sku_id") public var componentSKUID: UUID
    @Field(key: "quantity") public var quantity: Int

    public init() {}
}
