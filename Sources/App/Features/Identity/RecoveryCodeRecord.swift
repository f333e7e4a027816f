import FluentKit
import Foundation

/// One hashed recovery code.
public final class RecoveryCodeRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "recovery_codes"
    public static var tenantKey: KeyPath<RecoveryCodeRecord, FieldProperty<RecoveryCodeRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "code_hash") public var codeHash: String
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    init(tenantID: UUID, userID: UUID, codeHash: String) {
        self.id = UUID()
        self.tenantID = tenantID
        self.userID = userID
        self.codeHash = codeHash
    }
}
