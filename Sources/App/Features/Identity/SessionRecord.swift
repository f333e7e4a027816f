import FluentKit
import Foundation

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored.
final class SessionRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "sessions"
    static var tenantKey: KeyPath<SessionRecord, FieldProperty<SessionRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    /// The absolute end of the session, whatever the activity.
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "ip") var ip: String
    @Field(key: "user_agent") var userAgent: String
    /// What the session may do: `active`, or only the next sign-in step (see `SessionStage`).
    @Field(key: "stage") var stage: String

    init() {}

    init(
        tokenHash: String,
        tenantID: UUID,
        userID: UUID,
        csrfToken: String,
        now: Date,
        expiresAt: Date,
        ip: String,
        userAgent: String
    ) {
        self.id = UUID()
        self.tokenHash = tokenHash
        self.tenantID = tenantID
        self.userID = userID
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = expiresAt
        self.ip = ip
        self.userAgent = userAgent
        self.stage = SessionStage.active.rawValue
    }
}
