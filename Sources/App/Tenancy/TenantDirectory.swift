import Domain
import FluentKit
import Foundation
import SQLKit
import Vapor

/// Lookups made before a tenant context exists: resolving the tenant of a sign-in, a session or a token.
/// This is the one place outside the tenant wrapper that reads tenant-owned tables by something other than
/// the tenant, and every lookup is by a secret (token hash) or by tenant plus key.
struct TenantDirectory: Sendable {
    let db: any Database
    let services: AppServices

    func activeTenant(code: String) async throws -> TenantRecord? {
        try await TenantRecord.query(on: db).filter(\.$code == code).filter(\.$status == .active).first()
    }

    func tenant(id: UUID) async throws -> TenantRecord? {
        try await TenantRecord.find(id, on: db)
    }

    func allTenants() async throws -> [TenantRecord] {
        try await TenantRecord.query(on: db).sort(\.$code).all()
    }

    func session(tokenHash: String) async throws -> SessionRecord? {
        try await SessionRecord.query(on: db).filter(\.$tokenHash == tokenHash).first()
    }

    /// A session cookie's session with everything a request needs to trust it, read in one statement: the shop
    /// and user if both are active, and the shop's security settings (the defaults when it saved none). Nothing
    /// is cached, so disabling a user, suspending a shop or tightening a timeout shows on the very next request.
    func sessionHolder(tokenHash: String) async throws -> SessionHolder? {
        let rows = try await services.transactor.reads(on: db) { sql in
            try await sql.raw(
                """
                SELECT s.*, n.code AS tenant_code, n.name AS tenant_name, n.kind AS tenant_kind, n.status AS tenant_status,
                    u.email AS user_email, u.role AS user_role, u.grants AS user_grants, u.status AS user_status,
                    st.security AS security
                FROM sessions s
                LEFT JOIN tenants n ON n.id = s.tenant_id
                LEFT JOIN users u ON u.id = s.user_id AND u.tenant_id = s.tenant_id
                LEFT JOIN tenant_settings st ON st.tenant_id = s.tenant_id
                WHERE s.token_hash = \(bind: tokenHash)
                """
            ).all()
        }
        guard let row = rows.first else { return nil }
        let session = try row.decode(fluentModel: SessionRecord.self)
        // Unreadable settings stop the request rather than fall back to the defaults (fail closed).
        let security = try row.stored("security", as: StoredJSON<SecuritySettings>?.self, table: "tenant_settings")?
            .value
        var holder = SessionHolder(session: session, security: security ?? SecuritySettings(), tenant: nil, user: nil)
        // A status this version does not know is an error, like every stored value it cannot read.
        if let status = try row.stored("tenant_status", as: TenantStatus?.self, table: "tenants"), status == .active {
            let code = try row.stored("tenant_code", as: String.self, table: "tenants")
            holder.tenant = (
                code,
                try row.stored("tenant_name", as: String.self, table: "tenants"),
                try row.stored("tenant_kind", as: TenantKind.self, table: "tenants")
            )
        }
        if let status = try row.stored("user_status", as: UserStatus?.self, table: "users"), status == .active {
            holder.user = (
                try row.stored("user_email", as: String.self, table: "users"),
                Permissions(
                    role: try row.stored("user_role", as: Role.self, table: "users"),
                    grants: try row.stored("user_grants", as: StoredJSON<[Module: Access]>.self, table: "users").value
                )
            )
        }
        return holder
    }

    /// What a Bearer token acts as, read in one statement: the unrevoked token with its active shop and its active
    /// user. Nil when any of them is missing, revoked or inactive (an expired token is the caller's to refuse).
    func tokenHolder(tokenHash: String) async throws -> TokenHolder? {
        let rows = try await services.transactor.reads(on: db) { sql in
            try await sql.raw(
                """
                SELECT t.id AS token_id, t.scopes, t.expires_at, t.last_used_at, t.tenant_id, n.code, n.name, n.kind,
                    t.user_id, u.email, u.role, u.grants
                FROM api_tokens t
                JOIN tenants n ON n.id = t.tenant_id
                JOIN users u ON u.id = t.user_id AND u.tenant_id = t.tenant_id
                WHERE t.token_hash = \(bind: tokenHash) AND t.revoked_at IS NULL
                  AND n.status = \(bind: TenantStatus.active.rawValue) AND u.status = \(bind: UserStatus.active.rawValue)
                """
            ).all()
        }
        guard let row = rows.first else { return nil }
        return TokenHolder(
            tokenID: try row.stored("token_id", as: UUID.self, table: "api_tokens"),
            scopes: Set(
                try row.stored("scopes", as: String.self, table: "api_tokens").split(separator: " ").map(String.init)
            ),
            expiresAt: try row.stored("expires_at", as: Date?.self, table: "api_tokens"),
            lastUsedAt: try row.stored("last_used_at", as: Date?.self, table: "api_tokens"),
            tenantID: try row.stored("tenant_id", as: UUID.self, table: "api_tokens"),
            tenantCode: try row.stored("code", as: String.self, table: "tenants"),
            tenantName: try row.stored("name", as: String.self, table: "tenants"),
            tenantKind: try row.stored("kind", as: TenantKind.self, table: "tenants"),
            userID: try row.stored("user_id", as: UUID.self, table: "api_tokens"),
            email: try row.stored("email", as: String.self, table: "users"),
            permissions: Permissions(
                role: try row.stored("role", as: Role.self, table: "users"),
                grants: try row.stored("grants", as: StoredJSON<[Module: Access]>.self, table: "users").value
            )
        )
    }

    func userToken(tokenHash: String) async throws -> UserTokenRecord? {
        try await UserTokenRecord.query(on: db).filter(\.$tokenHash == tokenHash).first()
    }

    /// The active user with `email` in the active shop `code`, with the shop's database; nil when any part is
    /// unknown or inactive (signed-out flows answer the same either way).
    func activeUser(tenantCode code: String, email: String) async throws -> (UserRecord, TenantDatabase)? {
        guard let tenant = try await activeTenant(code: code) else { return nil }
        let tdb = tenantDatabase(tenant.id!)
        guard let user = try await tdb.query(UserRecord.self).filter(\.$email == email).first(), user.isActive
        else { return nil }
        return (user, tdb)
    }

    /// The shop a sign-in names, with its database and the user the e-mail names there (nil when unknown).
    func signIn(tenantCode code: String, email: String) async throws -> (TenantRecord, TenantDatabase, UserRecord?)? {
        guard let code = try? TenantCode(code), let tenant = try await activeTenant(code: code.rawValue) else {
            return nil
        }
        let tdb = tenantDatabase(tenant.id!)
        guard let address = try? EmailAddress(email) else { return (tenant, tdb, nil) }
        return (tenant, tdb, try await tdb.query(UserRecord.self).filter(\.$email == address.rawValue).first())
    }

    /// A mailed link or code by the hash of its token, with its active shop's database.
    func mailedToken(tokenHash: String) async throws -> (UserTokenRecord, TenantDatabase)? {
        guard let token = try await userToken(tokenHash: tokenHash),
            let tenant = try await tenant(id: token.tenantID), tenant.status == .active
        else { return nil }
        return (token, tenantDatabase(tenant.id!))
    }

    /// The tenant-scoped database for `tenantID`, once the caller has established that it acts for it.
    func tenantDatabase(_ tenantID: UUID) -> TenantDatabase {
        services.tenantDatabase(tenantID, on: db)
    }
}

extension Request {
    /// The pre-authentication directory on this request's database.
    var tenantDirectory: TenantDirectory { TenantDirectory(db: db, services: akinai) }
}

extension Application {
    /// The pre-authentication directory on the application's database (for commands and jobs).
    var tenantDirectory: TenantDirectory { TenantDirectory(db: db, services: akinai) }
}

/// A session with its shop and user (nil when inactive or gone) and the shop's security settings.
struct SessionHolder: Sendable {
    let session: SessionRecord
    let security: SecuritySettings
    var tenant: (code: String, name: String, kind: TenantKind)?
    var user: (email: String, permissions: Permissions)?
}

/// A Bearer token with the shop and user it acts as.
struct TokenHolder: Sendable {
    let tokenID: UUID
    let scopes: Set<String>
    let expiresAt: Date?
    let lastUsedAt: Date?
    let tenantID: UUID
    let tenantCode: String
    let tenantName: String
    let tenantKind: TenantKind
    let userID: UUID
    let email: String
    let permissions: Permissions
}
