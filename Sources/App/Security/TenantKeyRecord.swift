import FluentKit
import Foundation

/// A tenant's data key, wrapped by the master key. Destroying it makes the tenant's sealed data unreadable,
/// in the database and in every backup.
public final class TenantKeyRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "tenant_keys"
    public static var tenantKey: KeyPath<TenantKeyRecord, FieldProperty<TenantKeyRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "version") public var version: Int
    /// Base64 of AES-GCM(nonce ‖ ciphertext ‖ tag) of the key under the master key.
    @Field(key: "wrapped_key") public var wrappedKey: String
    @Field(key: "master_fingerprint") public var masterFingerprint: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(tenantID: UUID, version: Int, wrappedKey: String, masterFingerprint: String, createdAt: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.version = version
        self.wrappedKey = wrappedKey
        self.masterFingerprint = masterFingerprint
        self.createdAt = createdAt
    }
}
