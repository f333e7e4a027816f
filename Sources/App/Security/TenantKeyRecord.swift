import FluentKit
import Foundation

/// A tenant's data key, wrapped by the master key. Destroying it makes the tenant's sealed data unreadable,
/// in the database and in every backup.
final class TenantKeyRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "tenant_keys"
    static var tenantKey: KeyPath<TenantKeyRecord, FieldProperty<TenantKeyRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "version") var version: Int
    /// Base64 of AES-GCM(nonce ‖ ciphertext ‖ tag) of the key under the master key.
    @Field(key: "wrapped_key") var wrappedKey: String
    @Field(key: "master_fingerprint") var masterFingerprint: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(tenantID: UUID, version: Int, wrappedKey: String, masterFingerprint: String, createdAt: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.version = version
        self.wrappedKey = wrappedKey
        self.masterFingerprint = masterFingerprint
        self.createdAt = createdAt
    }
}
