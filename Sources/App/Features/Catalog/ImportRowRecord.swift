import Domain
import FluentKit
import Foundation

/// One valid row of an import, waiting to be applied.
final class ImportRowRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "catalog_import_rows"
    static var tenantKey: KeyPath<ImportRowRecord, FieldProperty<ImportRowRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "import_id") var importID: UUID
    /// 0, 1, 2… in file order: apply steps take ranges of it.
    @Field(key: "ordinal") var ordinal: Int
    @Field(key: "line") var line: Int
    @Field(key: "product_code") var productCode: String
    @Field(key: "product_name") var productName: String
    @Field(key: "supplier") var supplier: String
    @Field(key: "sku_code") var skuCode: String
    @Field(key: "variant") var variant: String
    @OptionalField(key: "jan") var jan: String?
    @Field(key: "price") var price: Int
    @Field(key: "tax_class") var taxClass: TaxClass
    @Field(key: "size_class") var sizeClass: String
    @Field(key: "cool_type") var coolType: CoolType
    @OptionalField(key: "reorder_point") var reorderPoint: Int?
    @Field(key: "labels") var labels: String
    @Field(key: "is_set") var isSet: Bool

    init() {}
}
