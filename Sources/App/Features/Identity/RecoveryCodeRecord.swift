import FluentKit
import Foundation

/// One hashed recovery code.
final class RecoveryCodeRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "recovery_codes"
    static var tenantKey: KeyPath<RecoveryCodeRecord, FieldProperty<RecoveryCodeRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "user_id") var userID: UUID
    @Field(key: "code_hash") var codeHash: String
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}

    init(tenantID: UUID, userID: UUID, codeHash: String) {
        self.id = UUID()
        self.tenantID = tenantID
        self.userID = userID
        self.codeHash = codeHash
    }
}
