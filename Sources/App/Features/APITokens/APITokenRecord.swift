import FluentKit
import Foundation

/// A Bearer token for the JSON API, acting as one user with a subset of their permissions.
final class APITokenRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "api_tokens"
    static var tenantKey: KeyPath<APITokenRecord, FieldProperty<APITokenRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token itself is shown once and never stored.
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the token, so a user can tell tokens apart.
    @Field(key: "token_prefix") var tokenPrefix: String
    /// Space-separated scopes such as `orders:read inventory:write`.
    @Field(key: "scopes") var scopes: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(
        tenantID: UUID,
        userID: UUID,
        name: String,
        tokenHash: String,
        tokenPrefix: String,
        scopes: String,
        createdAt: Date
    ) {
        self.id = UUID()
        self.tenantID = tenantID
        self.userID = userID
        self.name = name
        self.tokenHash = tokenHash
        self.tokenPrefix = tokenPrefix
        self.scopes = scopes
        self.createdAt = createdAt
    }
}
