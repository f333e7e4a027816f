import Domain
import FluentKit
import Foundation

/// A product of the master; its variants are SKUs.
public final class ProductRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "products"
    public static var tenantKey: KeyPath<ProductRecord, FieldProperty<ProductRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "name") public var name: String
    @Field(key: "supplier") public var supplier: String
    /// Comma-separated labels.
    @Field(key: "labels") public var labels: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
