import FluentKit
import Foundation

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
