import Domain
import FluentKit
import Vapor

/// The first page after sign-in.
struct DashboardController {
    /// What the dashboard shows.
    struct DashboardPage: Encodable, Sendable {
        let userEmail: String
        let lastSignIn: String?
        let activeUsers: Int
        let auditEvents: Int?
    }

    func register(tenant: TenantRoutes) {
        tenant.get(requires: nil, use: show)
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> Response {
        let activeUsers = try await context.db.query(UserRecord.self).filter(\.$status == .active).count()
        // The previous sign-in, not the one that opened this session.
        let previous = try await context.db.query(AuditEventRecord.self)
            .filter(\.$actorUserID == context.userID)
            .filter(\.$action == "auth.sign_in")
            .filter(\.$result == "success")
            .sort(\.$seq, .descending)
            .range(1..<2)
            .first()
        let auditEvents =
            context.allows(.settings, .read) ? try await context.db.query(AuditEventRecord.self).count() : nil
        let page = DashboardPage(
            userEmail: context.userEmail,
            lastSignIn: previous.map { JST.format($0.occurredAt) + " (\($0.ip))" },
            activeUsers: activeUsers,
            auditEvents: auditEvents
        )
        return try await Pages.render(
            "dashboard/index",
            titleKey: "dashboard.title",
            page: page,
            request: request,
            context: context
        )
    }
}
