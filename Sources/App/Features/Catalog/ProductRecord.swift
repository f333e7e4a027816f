import Domain
import FluentKit
import Foundation

/// A product of the master; its variants are SKUs.
final class ProductRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "products"
    static var tenantKey: KeyPath<ProductRecord, FieldProperty<ProductRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "supplier") var supplier: String
    /// Comma-separated labels.
    @Field(key: "labels") var labels: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
