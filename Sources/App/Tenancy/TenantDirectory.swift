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

    /// What a Bearer token acts as, read in one statement: the unrevoked token with its active shop and its active
    /// user. Nil when any of them is missing, revoked or inactive (an expired token is the caller's to refuse).
    func tokenHolder(tokenHash: String) async throws -> TokenHolder? {
        let rows = try await (db as! any SQLDatabase).raw(
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
        guard let row = rows.first else { return nil }
        return TokenHolder(
            tokenID: try row.decode(column: "token_id", as: UUID.self),
            scopes: Set(try row.decode(column: "scopes", as: String.self).split(separator: " ").map(String.init)),
            expiresAt: try row.decode(column: "expires_at", as: Date?.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self),
            tenantID: try row.decode(column: "tenant_id", as: UUID.self),
            tenantCode: try row.decode(column: "code", as: String.self),
            tenantName: try row.decode(column: "name", as: String.self),
            tenantKind: try row.decode(column: "kind", as: TenantKind.self),
            userID: try row.decode(column: "user_id", as: UUID.self),
            email: try row.decode(column: "email", as: String.self),
            permissions: Permissions(
                role: try row.decode(column: "role", as: Role.self),
                grants: try row.decode(column: "grants", as: StoredJSON<[Module: Access]>.self).value
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
