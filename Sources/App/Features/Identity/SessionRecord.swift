import FluentKit
import Foundation

/// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored.
public final class SessionRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "sessions"
    public static var tenantKey: KeyPath<SessionRecord, FieldProperty<SessionRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "csrf_token") public var csrfToken: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_seen_at") public var lastSeenAt: Date
    /// The absolute end of the session, whatever the activity.
    @Field(key: "expires_at") public var expiresAt: Date
    @Field(key: "ip") public var ip: String
    @Field(key: "user_agent") public var userAgent: String
    /// What the session may do: `active`, or only the next sign-in step (see `SessionStage`).
    @Field(key: "stage") public var stage: String

    public init() {}

    public init(
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
