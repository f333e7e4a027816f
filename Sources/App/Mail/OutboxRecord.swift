import FluentKit
import Foundation

/// A mail to deliver (`queued`), delivered (`sent`), or given up on (`failed`).
public final class OutboxRecord: Model, @unchecked Sendable {
    public static let schema = "outbox"

    @ID(key: .id) public var id: UUID?
    @OptionalField(key: "tenant_id") public var tenantID: UUID?
    @Field(key: "to_address") public var toAddress: String
    @Field(key: "subject") public var subject: String
    @Field(key: "body_sealed") public var bodySealed: String
    @Field(key: "status") public var status: String
    @Field(key: "attempts") public var attempts: Int
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?

    public init() {}
}
