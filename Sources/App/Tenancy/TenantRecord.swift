import Domain
import FluentKit
import Foundation

/// A shop using Akinai. Not tenant-owned itself: it is the tenant.
final class TenantRecord: Model, @unchecked Sendable {
    static let schema = "tenants"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "status") var status: TenantStatus
    /// Sequence number and hash of the last audit event purged by retention; the chain continues from here.
    @Field(key: "audit_anchor_seq") var auditAnchorSeq: Int
    @Field(key: "audit_anchor_hash") var auditAnchorHash: String
    /// The newest audit event, signed with the audit key: `audit verify` notices events deleted from the end.
    @OptionalField(key: "audit_head_seq") var auditHeadSeq: Int?
    @OptionalField(key: "audit_head_hash") var auditHeadHash: String?
    @OptionalField(key: "audit_head_mac") var auditHeadMAC: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "kind") var kind: TenantKind

    init() {}

    init(id: UUID = UUID(), code: String, name: String, createdAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.status = .active
        self.auditAnchorSeq = 0
        self.auditAnchorHash = String(repeating: "0", count: 64)
        self.createdAt = createdAt
        self.kind = .shop
    }

    /// The signed head, if the tenant ever had an audit event.
    var auditHead: AuditChain.Head? {
        guard let seq = auditHeadSeq, let hash = auditHeadHash, let mac = auditHeadMAC else { return nil }
        return AuditChain.Head(seq: seq, hash: hash, mac: mac)
    }
}

/// What a tenant is for.
enum TenantKind: String, Codable, Sendable {
    /// A shop using Akinai.
    case shop
    /// The tenant whose admins run the instance.
    case `operator`
}

/// Where a tenant's contract stands. (The termination work adds the states after `active`.)
enum TenantStatus: String, Codable, Sendable {
    case active
}
