import FluentKit
import Foundation

/// A unit of background work: queued, running (leased to a worker), done, or dead after its last attempt.
public final class JobRecord: Model, @unchecked Sendable {
    public static let schema = "jobs"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "payload") public var payload: String
    /// `queued`, `running`, `done` or `dead`.
    @Field(key: "status") public var status: String
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "max_attempts") public var maxAttempts: Int
    @Field(key: "run_at") public var runAt: Date
    @OptionalField(key: "locked_by") public var lockedBy: String?
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    /// Makes an enqueue idempotent: a second job with the same key is not created.
    @OptionalField(key: "unique_key") public var uniqueKey: String?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "finished_at") public var finishedAt: Date?

    public init() {}
}
