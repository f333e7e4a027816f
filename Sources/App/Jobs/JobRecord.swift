import FluentKit
import Foundation

/// A unit of background work: queued, running (leased to a worker), done, or dead after its last attempt.
final class JobRecord: Model, @unchecked Sendable {
    static let schema = "jobs"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    @Field(key: "kind") var kind: String
    @Field(key: "payload") var payload: String
    /// `queued`, `running`, `done` or `dead`.
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "max_attempts") var maxAttempts: Int
    @Field(key: "run_at") var runAt: Date
    @OptionalField(key: "locked_by") var lockedBy: String?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "last_error") var lastError: String?
    /// Makes an enqueue idempotent: a second job with the same key is not created.
    @OptionalField(key: "unique_key") var uniqueKey: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}
}
