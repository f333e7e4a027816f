import Domain
import FluentKit
import Foundation

/// A sellable variant (size, colour) with its own code, barcode, price and stock; or a set of other SKUs.
public final class SKURecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "skus"
    public static var tenantKey: KeyPath<SKURecord, FieldProperty<SKURecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "product_id") public var productID: UUID
    @Field(key: "code") public var code: String
    @Field(key: "variant") public var variant: String
    @OptionalField(key: "jan") public var jan: String?
    /// Price in yen, tax included.
    @Field(key: "price") public var price: Int
    @Field(key: "tax_class") public var taxClass: TaxClass
    @Field(key: "size_class") public var sizeClass: String
    @Field(key: "cool_type") public var coolType: CoolType
    /// A set product: its stock is derived from its components and never stored.
    @Field(key: "is_set") public var isSet: Bool
    @OptionalField(key: "reorder_point") public var reorderPoint: Int?
    @Field(key: "reorder_alerted") public var reorderAlerted: Bool
    @Field(key: "labels") public var labels: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
