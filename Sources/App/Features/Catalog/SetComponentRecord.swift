import Domain
import FluentKit
import Foundation

/// One component of a set product.
final class SetComponentRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "set_components"
    static var tenantKey: KeyPath<SetComponentRecord, FieldProperty<SetComponentRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "set_sku_id") var setSKUID: UUID
    @Field(key: "component_sku_id") var componentSKUID: UUID
    @Field(key: "quantity") var quantity: Int

    init() {}
}
