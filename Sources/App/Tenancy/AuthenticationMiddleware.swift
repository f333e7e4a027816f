import Domain
import FluentKit
import Foundation
import Vapor

/// Resolves the tenant context of a browser from its session cookie, enforces the idle and absolute
/// timeouts, and checks the CSRF token of every state-changing request.
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let token = request.cookies[SessionPolicy.cookieName]?.string, !token.isEmpty else {
            throw AppError.unauthorized
        }
        let directory = request.tenantDirectory
        let services = request.akinai
        let now = services.clock()
        // Session, shop, user and security settings in one statement.
        guard let holder = try await directory.sessionHolder(tokenHash: SecretToken.digest(token)) else {
            throw AppError.unauthorized
        }
        let session = holder.session
        let tdb = directory.tenantDatabase(session.tenantID)
        let policy = SessionPolicy(holder.security)
        // A stage this version does not know is not "signed in": fail closed.
        guard let stage = SessionStage(rawValue: session.stage) else {
            try await tdb.delete(session)
            throw AppError.unauthorized
        }
        if !policy.isLive(session, at: now) {
            try await tdb.delete(session)
            throw AppError.unauthorized
        }
        guard let tenant = holder.tenant, let user = holder.user else {
            try await tdb.delete(session)
            throw AppError.unauthorized
        }
        // A streamed upload's form is checked by its route (`checksFormCSRF`), before it reads the file.
        let formChecked = request.route?.userInfo[AnySendableHashable(TenantRoutes.formCSRFMarker)] != nil
        if ![.GET, .HEAD, .OPTIONS].contains(request.method),
            !formChecked || request.headers.first(name: "X-CSRF-Token") != nil
        {
            try await Self.checkCSRF(request, expected: session.csrfToken)
        }
        if now.timeIntervalSince(session.lastSeenAt) >= policy.touchInterval {
            session.lastSeenAt = now
            try await tdb.update(session)
        }
        request.tenantContext = TenantContext(
            tenantID: session.tenantID,
            tenantCode: tenant.code,
            tenantName: tenant.name,
            isOperator: tenant.kind == .operator,
            userID: session.userID,
            userEmail: user.email,
            permissions: user.permissions,
            credential: .session(id: session.id!, csrfToken: session.csrfToken),
            stage: stage,
            db: tdb,
            actor: request.auditActor(userID: session.userID, label: user.email),
            services: services
        )
        return try await next.respond(to: request)
    }

    /// The form field `_csrf` or the `X-CSRF-Token` header must equal the session's token. Never the URL: a
    /// token in a URL ends up in logs, history and Referer headers.
    static func checkCSRF(_ request: Request, expected: String) async throws {
        var presented = request.headers.first(name: "X-CSRF-Token")
        if presented == nil {
            if request.body.data == nil { _ = try await request.body.collect(max: 1 << 20).get() }
            presented = try? request.content.get(String.self, at: "_csrf")
        }
        try checkCSRF(presented, expected: expected)
    }

    /// `presented` must equal the session's token.
    static func checkCSRF(_ presented: String?, expected: String) throws {
        guard let presented, !expected.isEmpty, ConstantTime.equal(Array(presented.utf8), Array(expected.utf8)) else {
            throw AppError.csrf
        }
    }
}

/// Resolves the tenant context of an API client from its Bearer token.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization?.token, !bearer.isEmpty else {
            throw AppError.unauthorized
        }
        let directory = request.tenantDirectory
        let services = request.akinai
        let now = services.clock()
        // Token, shop and user in one statement; revoking the token, disabling the user or changing their rights
        // shows on the very next request, since nothing of it is cached.
        guard let holder = try await directory.tokenHolder(tokenHash: SecretToken.digest(bearer)),
            holder.expiresAt.map({ now < $0 }) ?? true
        else { throw AppError.unauthorized }
        let tdb = directory.tenantDatabase(holder.tenantID)
        if holder.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await tdb.query(APITokenRecord.self).filter(\.$id == holder.tokenID).set(\.$lastUsedAt, to: now)
                .update()
        }
        request.tenantContext = TenantContext(
            tenantID: holder.tenantID,
            tenantCode: holder.tenantCode,
            tenantName: holder.tenantName,
            isOperator: holder.tenantKind == .operator,
            userID: holder.userID,
            userEmail: holder.email,
            permissions: holder.permissions,
            credential: .apiToken(id: holder.tokenID, scopes: holder.scopes),
            stage: .active,
            db: tdb,
            actor: request.auditActor(userID: holder.userID, label: holder.email),
            services: services
        )
        return try await next.respond(to: request)
    }
}

extension Request {
    func auditActor(userID: UUID?, label: String) -> AuditActor {
        AuditActor(userID: userID, label: label, ip: clientIP, userAgent: headers.first(name: .userAgent) ?? "")
    }
}
