import Domain
import FluentKit
import Vapor

/// The shop's operational settings: where reorder alerts go.
struct ShopSettingsController {
    /// The form.
    struct ShopForm: Content {
        var reorderAlertEmail: String?
    }

    /// The page.
    struct ShopPage: Encodable, Sendable {
        let reorderAlertEmail: String
    }

    func register(tenant: TenantRoutes) {
        tenant.get("settings", "shop", requires: .settings, .read, use: show)
        tenant.post("settings", "shop", requires: .settings, use: save)
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> Response {
        let settings = try await context.db.shopSettings()
        return try await Pages.render(
            "settings/shop",
            titleKey: "shop.title",
            page: ShopPage(reorderAlertEmail: settings.reorderAlertEmail ?? ""),
            request: request,
            context: context,
            notice: request.query[String.self, at: "saved"] != nil ? "security.saved" : nil
        )
    }

    @Sendable func save(_ request: Request, _ context: TenantContext) async throws -> Response {
        let raw = (try request.content.decode(ShopForm.self).reorderAlertEmail ?? "").trimmingCharacters(
            in: .whitespaces
        )
        var email: String?
        if !raw.isEmpty {
            guard let valid = try? EmailAddress(raw) else {
                return try await Pages.render(
                    "settings/shop",
                    titleKey: "shop.title",
                    page: ShopPage(reorderAlertEmail: raw),
                    request: request,
                    context: context,
                    status: .unprocessableEntity,
                    error: "error.email_invalid"
                )
            }
            email = valid.rawValue
        }
        let old = try await context.db.shopSettings()
        let new = ShopSettings(reorderAlertEmail: email)
        let now = context.now
        try await context.db.transaction { tx in
            try await tx.saveShopSettings(new, now: now)
            try await context.audit(
                tx,
                action: "settings.shop_change",
                targetType: "tenant",
                targetID: tx.tenantID.uuidString,
                details: ["reorderAlertEmail": "\(old.reorderAlertEmail ?? "") → \(new.reorderAlertEmail ?? "")"]
            )
        }
        return request.redirect(to: "/settings/shop?saved=1", redirectType: .normal)
    }
}
