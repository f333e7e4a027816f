import FluentKit
import Foundation

/// A mail to deliver (`queued`), delivered (`sent`), or given up on (`failed`).
final class OutboxRecord: Model, @unchecked Sendable {
    static let schema = "outbox"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    @Field(key: "to_address") var toAddress: String
    @Field(key: "subject") var subject: String
    @Field(key: "body_sealed") var bodySealed: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "last_error") var lastError: String?

    init() {}
}
