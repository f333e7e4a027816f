import Domain
import FluentKit
import Vapor

/// `GET /api/v1/me`: who the token acts as.
struct MeController {
    /// The response of `/api/v1/me`.
    struct MeResponse: Content {
        struct Tenant: Content {
            let code: String
            let name: String
        }
        struct User: Content {
            let id: UUID
            let email: String
            let role: String
        }
        let tenant: Tenant
        let user: User
        let scopes: [String]
    }

    func register(api: TenantRoutes) {
        api.get("me", requires: nil, use: me)
    }

    @Sendable func me(_ request: Request, _ context: TenantContext) async throws -> MeResponse {
        var scopes: [String] = []
        if case .apiToken(_, let granted) = context.credential { scopes = granted.sorted() }
        return MeResponse(
            tenant: .init(code: context.tenantCode, name: context.tenantName),
            user: .init(id: context.userID, email: context.userEmail, role: context.permissions.role.rawValue),
            scopes: scopes
        )
    }
}
