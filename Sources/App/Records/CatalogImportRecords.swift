import FluentKit
import Foundation

/// A master import: checked in full before anything applies, then applied in short steps.
public final class CatalogImportRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "catalog_imports"
    public static var tenantKey: KeyPath<CatalogImportRecord, FieldProperty<CatalogImportRecord, UUID>> {
        \.$tenantID
    }

    /// `staging` while rows are read, `applying` once every row is valid, then `applied`; `rejected` or
    /// `checked` (a dry run) when nothing is to be applied.
    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "status") public var status: String
    @Field(key: "encoding") public var encoding: String
    @Field(key: "rows") public var rows: Int
    @Field(key: "created") public var created: Int
    @Field(key: "updated") public var updated: Int
    /// How many apply steps there are, and how many are done (each done step was committed with its writes).
    @Field(key: "steps") public var steps: Int
    @Field(key: "done_steps") public var doneSteps: Int
    @Field(key: "actor_label") public var actorLabel: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "finished_at") public var finishedAt: Date?

    public init() {}
}

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
    @Field(key: "tax_class") public var taxClass: String
    @Field(key: "size_class") public var sizeClass: String
    @Field(key: "cool_type") public var coolType: String
    @OptionalField(key: "reorder_point") public var reorderPoint: Int?
    @Field(key: "labels") public var labels: String
    @Field(key: "is_set") public var isSet: Bool

    public init() {}
}

/// One component of a set row of an import.
public final class ImportComponentRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "catalog_import_components"
    public static var tenantKey: KeyPath<ImportComponentRecord, FieldProperty<ImportComponentRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "import_id") public var importID: UUID
    @Field(key: "line") public var line: Int
    @Field(key: "set_code") public var setCode: String
    @Field(key: "component_code") public var componentCode: String
    @Field(key: "quantity") public var quantity: Int

    public init() {}
}
