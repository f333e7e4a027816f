import Domain
import FluentKit
import Foundation

/// One append-only audit event, linked into its tenant's hash chain.
final class AuditEventRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "audit_events"
    static var tenantKey: KeyPath<AuditEventRecord, FieldProperty<AuditEventRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "seq") var seq: Int
    @Field(key: "occurred_at_ms") var occurredAtMillis: Int64
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    @Field(key: "actor_label") var actorLabel: String
    @Field(key: "action") var action: String
    @Field(key: "target_type") var targetType: String
    @Field(key: "target_id") var targetID: String
    @Field(key: "ip") var ip: String
    @Field(key: "user_agent") var userAgent: String
    @Field(key: "result") var result: String
    @Field(key: "details") var details: String
    @Field(key: "prev_hash") var prevHash: String
    @Field(key: "hash") var hash: String

    init() {}

    init(_ entry: AuditEntry, hash: String) {
        self.id = UUID()
        self.tenantID = entry.tenantID
        self.seq = entry.seq
        self.occurredAtMillis = entry.occurredAtMillis
        self.actorUserID = entry.actorUserID
        self.actorLabel = entry.actorLabel
        self.action = entry.action
        self.targetType = entry.targetType
        self.targetID = entry.targetID
        self.ip = entry.ip
        self.userAgent = entry.userAgent
        self.result = entry.result
        self.details = entry.details
        self.prevHash = entry.prevHash
        self.hash = hash
    }

    /// The event as the hash chain sees it.
    var entry: AuditEntry {
        AuditEntry(
            tenantID: tenantID,
            seq: seq,
            occurredAtMillis: occurredAtMillis,
            actorUserID: actorUserID,
            actorLabel: actorLabel,
            action: action,
            targetType: targetType,
            targetID: targetID,
            ip: ip,
            userAgent: userAgent,
            result: result,
            details: details,
            prevHash: prevHash
        )
    }

    var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMillis) / 1000) }
}
