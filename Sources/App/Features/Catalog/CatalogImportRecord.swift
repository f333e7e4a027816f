import FluentKit
import Foundation

/// A master import: checked in full before anything applies, then applied in short steps.
final class CatalogImportRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "catalog_imports"
    static var tenantKey: KeyPath<CatalogImportRecord, FieldProperty<CatalogImportRecord, UUID>> {
        \.$tenantID
    }

    /// `staging` while rows are read, `applying` once every row is valid, then `applied`; `rejected` or
    /// `checked` (a dry run) when nothing is to be applied.
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "status") var status: String
    @Field(key: "encoding") var encoding: String
    @Field(key: "rows") var rows: Int
    @Field(key: "created") var created: Int
    @Field(key: "updated") var updated: Int
    /// How many apply steps there are, and how many are done (each done step was committed with its writes).
    @Field(key: "steps") var steps: Int
    @Field(key: "done_steps") var doneSteps: Int
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}
}
