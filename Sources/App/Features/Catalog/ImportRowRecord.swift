import Domain
import FluentKit
import Foundation

/// One valid row of an import, waiting to be applied.
public final class ImportRowRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "catalog_import_rows"
    public static var tenantKey: KeyPath<ImportRowRecord, FieldProperty<ImportRowRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "import_id") public var importID: UUID
    /// 0, 1, 2… in file order: apply steps take ranges of it.
    @Field(key: "ordinal") public var ordinal: Int
    @Field(key: "line") public var line: Int
    @Field(key: "product_code") public var productCode: String
    @Field(key: "product_name") public var productName: String
    @Field(key: "supplier") public var supplier: String
    @Field(key: "sku_code") public var skuCode: String
    @Field(key: "variant") public var variant: String
    @OptionalField(key: "jan") public var jan: String?
    @Field(key: "price") public var price: Int
    @Field(key: "tax_class") public var taxClass: TaxClass
    @Field(key: "size_class") public var sizeClass: String
    @Field(key: "cool_type") public var coolType: CoolType
    @OptionalField(key: "reorder_point") public var reorderPoint: Int?
    @Field(key: "labels") public var labels: String
    @Field(key: "is_set") public var isSet: Bool

    public init() {}
}
