import Domain
import FluentKit
import Foundation

/// A person who signs in to one tenant. The same e-mail may exist in two tenants.
public final class UserRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "users"
    public static var tenantKey: KeyPath<UserRecord, FieldProperty<UserRecord, UUID>> { \.$tenantID }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "email") public var email: String
    /// The person's name, sealed with the tenant's data key (personal data).
    @Field(key: "name_sealed") public var nameSealed: String
    @Field(key: "role") public var role: String
    /// Per-module grants for staff, as JSON (`{"orders":"write"}`).
    @Field(key: "grants") public var grants: String
    /// `active` or `disabled`.
    @Field(key: "status") public var status: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "password_changed_at") public var passwordChangedAt: Date
    @OptionalField(key: "last_sign_in_at") public var lastSignInAt: Date?
    @OptionalField(key: "last_sign_in_ip") public var lastSignInIP: String?
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(
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
        self.role = role.rawValue
        self.grants = "{}"
        self.status = "active"
        self.passwordHash = passwordHash
        self.passwordChangedAt = createdAt
        self.createdAt = createdAt
    }

    /// Where the sealed name lives, for the cipher's associated data.
    var nameContext: FieldContext { FieldContext(table: Self.schema, column: "name_sealed", rowID: id ?? UUID()) }

    /// The user's role and grants as the domain sees them.
    var permissions: Permissions {
        let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(grants.utf8))) ?? [:]
        var map: [Module: Access] = [:]
        for (key, value) in decoded {
            if let module = Module(rawValue: key), let access = Access(rawValue: value) { map[module] = access }
        }
        return Permissions(role: Role(rawValue: role) ?? .viewer, grants: map)
    }

    var isActive: Bool { status == "active" }
}
