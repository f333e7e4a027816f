import Domain
import FluentKit
import Vapor

/// The shop's operational settings: where reorder alerts go.
struct ShopSettingsController {
    /// The form.
    struct ShopForm: Content {
        var reorderAlertEmail: String?
        var senderName: String?
        var senderPostalCode: String?
        var senderAddress: String?
        var senderPhone: String?
        var yamatoCustomerCode: String?
        var yamatoFreightCode: String?
        var sagawaCustomerCode: String?
    }

    /// The page.
    struct ShopPage: Encodable, Sendable {
        let reorderAlertEmail: String
        let sender: Sender
    }

    /// The sender of the form, each value checked; an empty form is no sender.
    static func sender(_ form: ShopForm) throws(FieldError) -> Sender? {
        func text(_ raw: String?, _ field: String, _ limit: Int) throws(FieldError) -> String {
            try CatalogRules.text(raw, field: field, limit: limit)
        }
        func digits(_ raw: String?, _ field: String, _ lengths: ClosedRange<Int>) throws(FieldError) -> String {
            let value = (raw ?? "").trimmingCharacters(in: .whitespaces)
            guard value.isEmpty || (lengths.contains(value.count) && value.allSatisfy({ $0.isASCII && $0.isNumber }))
            else { throw FieldError(field: field, reason: "contract_code_invalid") }
            return value
        }
        let sender = Sender(
            name: try text(form.senderName, "senderName", 50),
            postalCode: (form.senderPostalCode ?? "").isEmpty
                ? "" : try OrderRules.postalCode(form.senderPostalCode ?? "", field: "senderPostalCode"),
            address: try text(form.senderAddress, "senderAddress", 100),
            phone: (form.senderPhone ?? "").isEmpty
                ? "" : try OrderRules.phoneNumber(form.senderPhone ?? "", field: "senderPhone"),
            yamatoCustomerCode: try digits(form.yamatoCustomerCode, "yamatoCustomerCode", 10...12),
            yamatoFreightCode: try digits(form.yamatoFreightCode, "yamatoFreightCode", 2...2),
            sagawaCustomerCode: try digits(form.sagawaCustomerCode, "sagawaCustomerCode", 1...20)
        )
        return sender == Sender() ? nil : sender
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
            page: ShopPage(reorderAlertEmail: settings.reorderAlertEmail ?? "", sender: settings.sender ?? Sender()),
            request: request,
            context: context,
            notice: request.query[String.self, at: "saved"] != nil ? "security.saved" : nil
        )
    }

    @Sendable func save(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(ShopForm.self)
        let raw = (form.reorderAlertEmail ?? "").trimmingCharacters(in: .whitespaces)
        func refuse(_ key: String) async throws -> Response {
            try await Pages.render(
                "settings/shop",
                titleKey: "shop.title",
                page: ShopPage(
                    reorderAlertEmail: raw,
                    sender: Sender(
                        name: form.senderName ?? "",
                        postalCode: form.senderPostalCode ?? "",
                        address: form.senderAddress ?? "",
                        phone: form.senderPhone ?? "",
                        yamatoCustomerCode: form.yamatoCustomerCode ?? "",
                        yamatoFreightCode: form.yamatoFreightCode ?? "",
                        sagawaCustomerCode: form.sagawaCustomerCode ?? ""
                    )
                ),
                request: request,
                context: context,
                status: .unprocessableEntity,
                error: key
            )
        }
        var email: String?
        if !raw.isEmpty {
            guard let valid = try? EmailAddress(raw) else { return try await refuse("error.email_invalid") }
            email = valid.rawValue
        }
        let sender: Sender?
        do { sender = try Self.sender(form) } catch { return try await refuse("error.\(error.reason)") }
        let old = try await context.db.shopSettings()
        let new = ShopSettings(reorderAlertEmail: email, sender: sender)
        let now = context.now
        try await context.db.transaction { tx in
            try await tx.saveShopSettings(new, now: now)
            try await context.audit(
                tx,
                action: "settings.shop_change",
                targetType: "tenant",
                targetID: tx.tenantID.uuidString,
                details: [
                    "reorderAlertEmail": "\(old.reorderAlertEmail ?? "") → \(new.reorderAlertEmail ?? "")",
                    "sender": old.sender == new.sender ? "unchanged" : "changed",
                ]
            )
        }
        return request.redirect(to: "/settings/shop?saved=1", redirectType: .normal)
    }
}
