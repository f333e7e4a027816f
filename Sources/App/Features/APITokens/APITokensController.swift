import Domain
import FluentKit
import Vapor

/// The admin's API token page: issue, list, revoke.
struct APITokensController {
    /// One token in the list.
    struct Row: Encodable, Sendable {
        let id: String
        let name: String
        let prefix: String
        let scopes: String
        let created: String
        let lastUsed: String?
        let expires: String?
        let revoked: Bool
    }

    /// The tokens page; `newToken` is set once, right after issuing.
    struct TokensPage: Encodable, Sendable {
        let tokens: [Row]
        let scopes: [String]
        let newToken: String?
    }

    /// The issue form.
    struct CreateForm: Content {
        var name: String?
        var scopes: [String]?
        var expiresDays: String?
    }

    func register(tenant: TenantRoutes) {
        let tokens = tenant.grouped("settings", "tokens")
        tokens.get(requires: .settings, .read, use: list)
        tokens.post(requires: .settings, use: create)
        tokens.post(":tokenID", "revoke", requires: .settings, use: revoke)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await render(request, context, newToken: nil)
    }

    private func render(
        _ request: Request,
        _ context: TenantContext,
        newToken: String?,
        status: HTTPResponseStatus = .ok,
        error: String? = nil
    ) async throws -> Response {
        let records = try await context.db.query(APITokenRecord.self).sort(\.$createdAt, .descending).all()
        let rows = records.map {
            Row(
                id: $0.id!.uuidString,
                name: $0.name,
                prefix: $0.tokenPrefix + "…",
                scopes: $0.scopes,
                created: JST.format($0.createdAt),
                lastUsed: $0.lastUsedAt.map(JST.format),
                expires: $0.expiresAt.map(JST.format),
                revoked: $0.revokedAt != nil
            )
        }
        return try await Pages.render(
            "tokens/index",
            titleKey: "tokens.title",
            page: TokensPage(tokens: rows, scopes: APITokenIssuer.allScopes, newToken: newToken),
            request: request,
            context: context,
            status: status,
            error: error
        )
    }

    @Sendable func create(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(CreateForm.self)
        var expiresAt: Date?
        if let raw = form.expiresDays?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard let days = Int(raw), (1...3650).contains(days) else {
                return try await render(
                    request,
                    context,
                    newToken: nil,
                    status: .unprocessableEntity,
                    error: "error.expires_invalid"
                )
            }
            expiresAt = context.now.addingTimeInterval(Double(days) * 86400)
        }
        do {
            let token = try await APITokenIssuer.issue(
                context.db,
                userID: context.userID,
                name: form.name ?? "",
                scopes: form.scopes ?? [],
                expiresAt: expiresAt,
                actor: context.actor,
                now: context.now
            )
            return try await render(request, context, newToken: token, status: .created)
        } catch let error as AppError {
            return try await render(request, context, newToken: nil, status: error.status, error: error.messageKey)
        }
    }

    @Sendable func revoke(_ request: Request, _ context: TenantContext) async throws -> Response {
        let token = try await context.find(APITokenRecord.self, parameter: "tokenID", in: request)
        guard token.revokedAt == nil else { throw AppError.conflict("already_revoked") }
        token.revokedAt = context.now
        try await context.db.transaction { tx in
            try await tx.update(token)
            try await context.audit(
                tx,
                action: "api_token.revoke",
                targetType: "api_token",
                targetID: token.id!.uuidString,
                details: ["name": token.name]
            )
        }
        return request.redirect(to: "/settings/tokens", redirectType: .normal)
    }
}
