import Domain
import FluentKit
import Foundation

/// A person who signs in to one tenant. The same e-mail may exist in two tenants.
final class UserRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "users"
    static var tenantKey: KeyPath<UserRecord, FieldProperty<UserRecord, UUID>> { \.$tenantID }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "email") var email: String
    /// The person's name, sealed with the tenant's data key (personal data).
    @Field(key: "name_sealed") var nameSealed: String
    @Field(key: "role") var role: Role
    /// Per-module grants for staff, as JSON (`{"orders":"write"}`).
    @Field(key: "grants") var grants: StoredJSON<[Module: Access]>
    @Field(key: "status") var status: UserStatus
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "password_changed_at") var passwordChangedAt: Date
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    @OptionalField(key: "last_sign_in_ip") var lastSignInIP: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "failed_attempts") var failedAttempts: Int
    @OptionalField(key: "failure_window_start") var failureWindowStart: Date?
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Field(key: "locked_indefinitely") var lockedIndefinitely: Bool
    @Field(key: "second_factor") var secondFactor: SecondFactorMethod
    @OptionalField(key: "totp_secret_sealed") var totpSecretSealed: String?
    /// A TOTP secret being enrolled (sealed like the one in use); it replaces that one only when confirmed.
    @OptionalField(key: "totp_pending_sealed") var totpPendingSealed: String?
    /// The last TOTP step accepted, so a code is accepted once.
    @OptionalField(key: "totp_last_step") var totpLastStep: Int64?
    /// Earlier password hashes, newest first.
    @Field(key: "password_history") var passwordHistory: StoredJSON<[String]>
    @Field(key: "must_change_password") var mustChangePassword: Bool

    init() {}

    init(
        id: UUID = UUID(),
        tenantID: UUID,
        email: String,
        role: Role,
        passwordHash: String,
        createdAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.nameSealed = ""
        self.role = role
        self.grants = StoredJSON([:])
        self.status = .active
        self.passwordHash = passwordHash
        self.passwordChangedAt = createdAt
        self.createdAt = createdAt
        self.failedAttempts = 0
        self.lockedIndefinitely = false
        self.secondFactor = .none
        self.passwordHistory = StoredJSON([])
        self.mustChangePassword = false
    }

    /// The lockout counters as the domain sees them.
    var lockout: LockoutState {
        get {
            LockoutState(
                failures: failedAttempts,
                windowStart: failureWindowStart,
                lockedUntil: lockedUntil,
                lockedIndefinitely: lockedIndefinitely
            )
        }
        set {
            failedAttempts = newValue.failures
            failureWindowStart = newValue.windowStart
            lockedUntil = newValue.lockedUntil
            lockedIndefinitely = newValue.lockedIndefinitely
        }
    }

    var totpContext: FieldContext {
        FieldContext(table: Self.schema, column: "totp_secret_sealed", rowID: id ?? UUID())
    }

    /// Earlier password hashes, newest first.
    var previousHashes: [String] {
        get { passwordHistory.value }
        set { passwordHistory = StoredJSON(newValue) }
    }

    /// Where the sealed name lives, for the cipher's associated data.
    var nameContext: FieldContext { FieldContext(table: Self.schema, column: "name_sealed", rowID: id ?? UUID()) }

    /// The user's role and grants as the domain sees them.
    var permissions: Permissions { Permissions(role: role, grants: grants.value) }

    var isActive: Bool { status == .active }
}
