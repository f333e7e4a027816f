import Domain
import FluentKit
import Vapor

/// The admin's audit timeline: newest first, filtered and paginated on the server, times in JST.
struct AuditController {
    /// The filters, as query parameters.
    struct Filter: Content {
        var action: String?
        var actor: String?
        var result: String?
        var from: String?
        var to: String?
        var page: Int?
    }

    /// One row of the timeline.
    struct Row: Encodable, Sendable {
        let seq: Int
        let time: String
        let actor: String
        let action: String
        let target: String
        let ip: String
        let result: String
        let details: String
    }

    /// The timeline page.
    struct AuditPage: Encodable, Sendable {
        let rows: [Row]
        let filter: Filter
        let results: [String]
        let pager: Pager
    }

    func register(tenant: TenantRoutes) {
        tenant.get("settings", "audit", requires: .settings, .read, use: list)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        var filter = try request.query.decode(Filter.self)
        let query = context.db.query(AuditEventRecord.self)
        if let action = filter.action?.trimmingCharacters(in: .whitespaces), !action.isEmpty {
            query.filter(\.$action, .custom("LIKE"), String(action.prefix(100)) + "%")
        }
        if let actor = filter.actor?.trimmingCharacters(in: .whitespaces), !actor.isEmpty {
            query.filter(\.$actorLabel, .custom("LIKE"), "%" + String(actor.prefix(100)) + "%")
        }
        if let result = filter.result, AuditResult(rawValue: result) != nil {
            query.filter(\.$result == result)
        }
        if let from = filter.from.flatMap(JST.startOfDay) {
            query.filter(\.$occurredAtMillis >= Int64(from.timeIntervalSince1970 * 1000))
        }
        if let to = filter.to.flatMap(JST.startOfDay) {
            query.filter(\.$occurredAtMillis < Int64(to.addingTimeInterval(86400).timeIntervalSince1970 * 1000))
        }
        let total = try await query.copy().count()
        let pager = Pager(
            requested: filter.page,
            total: total,
            parameters: [
                "action": filter.action, "actor": filter.actor, "result": filter.result, "from": filter.from,
                "to": filter.to,
            ]
        )
        filter.page = pager.page
        let events = try await query.sort(\.$seq, .descending)
            .range(pager.range).all()
        let rows = events.map {
            Row(
                seq: $0.seq,
                time: JST.format($0.occurredAt),
                actor: $0.actorLabel,
                action: $0.action,
                target: $0.targetID.isEmpty ? $0.targetType : "\($0.targetType) \($0.targetID.prefix(8))",
                ip: $0.ip,
                result: $0.result,
                details: $0.details == "{}" ? "" : $0.details
            )
        }
        let body = AuditPage(
            rows: rows,
            filter: filter,
            results: AuditResult.allCases.map(\.rawValue),
            pager: pager
        )
        return try await Pages.render(
            "audit/index",
            titleKey: "audit.title",
            page: body,
            request: request,
            context: context
        )
    }
}
