import FluentKit
import Foundation

/// A single-use secret sent to a user by mail. Only its hash is stored.
public final class UserTokenRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "user_tokens"
    public static var tenantKey: KeyPath<UserTokenRecord, FieldProperty<UserTokenRecord, UUID>> { \.$tenantID }

    /// What the secret is for.
    public enum Purpose: String, Codable, Sendable {
        case invitation
        case passwordReset = "password_reset"
        case emailCode = "email_code"
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "purpose") public var purpose: Purpose
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    init(tenantID: UUID, userID: UUID, purpose: Purpose, tokenHash: String, now: Date, lifetime: TimeInterval) {
        self.id = UUID()
        self.tenantID = tenantID
        self.userID = userID
        self.purpose = purpose
        self.tokenHash = tokenHash
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(lifetime)
    }

    func isUsable(at now: Date) -> Bool { usedAt == nil && now < expiresAt }
}
