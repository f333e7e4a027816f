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
