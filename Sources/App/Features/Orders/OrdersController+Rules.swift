import Domain
import Foundation
import Vapor

/// ルール (オートロボ): the published rules, a draft replayed over the last 1,000 orders before it is published.
extension OrdersController {
    /// The rules page.
    struct RulesPage: Encodable, Sendable {
        struct Problem: Encodable, Sendable {
            let line: Int
            let key: String
        }
        struct Change: Encodable, Sendable {
            let id: UUID
            let number: String
            let changes: [String]
            let rules: String
        }
        let publishedVersion: Int?
        let publishedSource: String
        let draftVersion: Int?
        let source: String
        let problems: [Problem]
        let replayed: Bool
        let read: Int
        let changes: [Change]
        let canWrite: Bool
    }

    /// The draft form.
    struct RulesForm: Content {
        var source: String
    }

    /// The rules as the API shows them.
    struct RulesResponse: Content {
        struct Version: Content {
            let version: Int
            let source: String
        }
        let published: Version?
        let draft: Version?
    }

    /// A saved draft with its replay.
    struct DraftResponse: Content {
        struct Change: Content {
            let id: UUID
            let number: String
            let changes: [String]
            let rules: [String]
        }
        let version: Int
        let replayed: Int
        let changes: [Change]
    }

    func registerRules(tenant: TenantRoutes, api: TenantRoutes) {
        tenant.get("orders", "rules", requires: .orders, .read, use: showRules)
        tenant.post("orders", "rules", "draft", requires: .orders, .write, use: saveRules)
        tenant.post("orders", "rules", "publish", requires: .orders, .write, use: publishRules)
        api.get("orders", "rules", requires: .orders, .read, use: apiRules)
        api.post("orders", "rules", "draft", requires: .orders, .write, use: apiSaveRules)
        api.post("orders", "rules", ":version", "publish", requires: .orders, .write, use: apiPublishRules)
    }

    private func rulesPage(
        _ request: Request,
        _ context: TenantContext,
        source: String? = nil,
        problems: [RuleSet.LineError] = [],
        replay: (read: Int, changes: [OrderRuleBook.Change])? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let (published, draft) = try await context.orderRules.versions()
        let page = RulesPage(
            publishedVersion: published?.version,
            publishedSource: published?.source ?? "",
            draftVersion: draft?.version,
            source: source ?? draft?.source ?? published?.source ?? "",
            problems: problems.map { RulesPage.Problem(line: $0.line, key: "error.\($0.reason)") },
            replayed: replay != nil,
            read: replay?.read ?? 0,
            changes: (replay?.changes ?? []).map {
                RulesPage.Change(
                    id: $0.id,
                    number: $0.number,
                    changes: $0.changes,
                    rules: $0.rules.joined(separator: ", ")
                )
            },
            canWrite: context.allows(.orders, .write)
        )
        return try await Pages.render(
            "orders/rules",
            titleKey: "order.rules.title",
            page: page,
            request: request,
            context: context,
            status: status,
            notice: request.query[String.self, at: "published"] != nil ? "order.rules.published_notice" : nil,
            error: problems.isEmpty ? nil : "error.rules_invalid"
        )
    }

    @Sendable func showRules(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await rulesPage(request, context)
    }

    @Sendable func saveRules(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(RulesForm.self)
        do {
            _ = try await context.orderRules.saveDraft(form.source)
            let replay = try await context.orderRules.replay(try RuleSet.parse(form.source))
            return try await rulesPage(request, context, source: form.source, replay: replay)
        } catch let errors as RuleSet.RuleSetErrors {
            return try await rulesPage(
                request,
                context,
                source: form.source,
                problems: errors.all,
                status: .unprocessableEntity
            )
        }
    }

    /// The publish form: the draft version the page showed.
    struct PublishForm: Content {
        var version: Int
    }

    @Sendable func publishRules(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(PublishForm.self)
        try await context.orderRules.publish(form.version)
        return request.redirect(to: "/orders/rules?published=\(form.version)", redirectType: .normal)
    }

    @Sendable func apiRules(_ request: Request, _ context: TenantContext) async throws -> RulesResponse {
        let (published, draft) = try await context.orderRules.versions()
        return RulesResponse(
            published: published.map { .init(version: $0.version, source: $0.source) },
            draft: draft.map { .init(version: $0.version, source: $0.source) }
        )
    }

    @Sendable func apiSaveRules(_ request: Request, _ context: TenantContext) async throws -> DraftResponse {
        let form = try request.content.decode(RulesForm.self)
        do {
            let version = try await context.orderRules.saveDraft(form.source)
            let replay = try await context.orderRules.replay(try RuleSet.parse(form.source))
            return DraftResponse(
                version: version,
                replayed: replay.read,
                changes: replay.changes.map {
                    .init(id: $0.id, number: $0.number, changes: $0.changes, rules: $0.rules)
                }
            )
        } catch let errors as RuleSet.RuleSetErrors {
            let first = errors.all.first
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.\(first?.reason ?? "rules_invalid")",
                field: "source:\(first?.line ?? 1)"
            )
        }
    }

    @Sendable func apiPublishRules(_ request: Request, _ context: TenantContext) async throws -> RulesResponse {
        guard let raw = request.parameters.get("version"), raw.count <= 9, let version = Int(raw), version > 0 else {
            throw AppError.notFound
        }
        try await context.orderRules.publish(version)
        return try await apiRules(request, context)
    }
}
