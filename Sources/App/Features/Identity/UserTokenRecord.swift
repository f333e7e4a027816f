import FluentKit
import Foundation

/// A single-use secret sent to a user by mail. Only its hash is stored.
final class UserTokenRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "user_tokens"
    static var tenantKey: KeyPath<UserTokenRecord, FieldProperty<UserTokenRecord, UUID>> { \.$tenantID }

    /// What the secret is for.
    enum Purpose: String, Codable, Sendable {
        case invitation
        case passwordReset = "password_reset"
        case emailCode = "email_code"
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "purpose") var purpose: Purpose
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

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
