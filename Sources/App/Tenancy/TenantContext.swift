import Domain
import Foundation
import Vapor

/// Who is acting, in which tenant, with what rights. Tenant route handlers receive it as a non-optional
/// argument; it is resolved only from the session cookie or the API token, never from the request's content.
struct TenantContext: Sendable {
    /// How the request was authenticated.
    enum Credential: Sendable {
        case session(id: UUID, csrfToken: String)
        case apiToken(id: UUID, scopes: Set<String>)
    }

    let tenantID: UUID
    let tenantCode: String
    let tenantName: String
    /// Whether this is the operator tenant, whose admins run the instance.
    let isOperator: Bool
    let userID: UUID
    let userEmail: String
    let permissions: Permissions
    let credential: Credential
    /// For sessions: which step of signing in the session is at. API tokens are always `active`.
    let stage: SessionStage
    let db: TenantDatabase
    let actor: AuditActor
    let services: AppServices

    var now: Date { services.clock() }

    /// The CSRF token that forms of this session must carry.
    var csrfToken: String? {
        if case .session(_, let token) = credential { return token }
        return nil
    }

    /// Whether this request may do `access` in `module`: the user's permission, and for API tokens also the
    /// token's scopes (`module:read` or `module:write`; write includes read).
    func allows(_ module: Module, _ access: Access) -> Bool {
        guard permissions.allows(module, access) else { return false }
        guard case .apiToken(_, let scopes) = credential, access != .none else { return true }
        if scopes.contains("\(module.rawValue):write") { return true }
        return access == .read && scopes.contains("\(module.rawValue):read")
    }

    /// Appends an audit event for this actor, in the transaction of `tdb` when it is inside one.
    func audit(
        _ tdb: TenantDatabase,
        action: String,
        targetType: String,
        targetID: String,
        result: AuditResult = .success,
        details: [String: String] = [:]
    ) async throws {
        try await AuditLog.append(
            tdb,
            actor: actor,
            action: action,
            targetType: targetType,
            targetID: targetID,
            result: result,
            details: details,
            now: now
        )
    }
}

extension Request {
    private struct TenantContextKey: StorageKey {
        typealias Value = TenantContext
    }

    /// Set by the authentication middleware for tenant routes.
    var tenantContext: TenantContext? {
        get { storage[TenantContextKey.self] }
        set { storage[TenantContextKey.self] = newValue }
    }
}
