import FluentKit
import Foundation

/// One component of a set row of an import.
final class ImportComponentRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "catalog_import_components"
    static var tenantKey: KeyPath<ImportComponentRecord, FieldProperty<ImportComponentRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "import_id") var importID: UUID
    @Field(key: "line") var line: Int
    @Field(key: "set_code") var setCode: String
    @Field(key: "component_code") var componentCode: String
    @Field(key: "quantity") var quantity: Int

    init() {}
}
