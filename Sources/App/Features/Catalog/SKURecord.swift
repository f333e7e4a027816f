import Domain
import FluentKit
import Foundation

/// A sellable variant (size, colour) with its own code, barcode, price and stock; or a set of other SKUs.
final class SKURecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "skus"
    static var tenantKey: KeyPath<SKURecord, FieldProperty<SKURecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "product_id") var productID: UUID
    @Field(key: "code") var code: String
    @Field(key: "variant") var variant: String
    @OptionalField(key: "jan") var jan: String?
    /// Price in yen, tax included.
    @Field(key: "price") var price: Int
    @Field(key: "tax_class") var taxClass: TaxClass
    @Field(key: "size_class") var sizeClass: String
    @Field(key: "cool_type") var coolType: CoolType
    /// A set product: its stock is derived from its components and never stored.
    @Field(key: "is_set") var isSet: Bool
    @OptionalField(key: "reorder_point") var reorderPoint: Int?
    @Field(key: "reorder_alerted") var reorderAlerted: Bool
    @Field(key: "labels") var labels: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
