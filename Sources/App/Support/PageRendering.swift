import Domain
import Leaf
import Vapor

/// A navigation entry of the layout.
struct NavItem: Encodable, Sendable {
    let href: String
    let label: String
    let active: Bool
}

/// Everything the layout needs, around a page's own content.
struct PageContext<Body: Encodable & Sendable>: Encodable, Sendable {
    let lang: Language
    let otherLang: Language
    let title: String
    let path: String
    let nav: [NavItem]
    let settingsNav: [NavItem]
    let showSettingsNav: Bool
    let showAccountNav: Bool
    let tenantName: String?
    let userEmail: String?
    let csrf: String?
    let notice: String?
    let error: String?
    let page: Body
}

/// Builds `PageContext`s and renders Leaf templates.
enum Pages {
    private static let modules: [(String, String, Module?)] = [
        ("/", "nav.dashboard", nil),
        ("/orders", "nav.orders", .orders),
        ("/inventory", "nav.inventory", .inventory),
        ("/catalog", "nav.catalog", .catalog),
        ("/purchasing", "nav.purchasing", .purchasing),
        ("/analytics", "nav.analytics", .analytics),
    ]

    private static let settings: [(String, String)] = [
        ("/settings/users", "nav.users"),
        ("/settings/audit", "nav.audit"),
        ("/settings/tokens", "nav.tokens"),
        ("/settings/security", "nav.security"),
        ("/settings/shop", "nav.shop"),
    ]

    /// Renders `template` inside the layout; the navigation shows only what the user may open.
    static func render<Body: Encodable & Sendable>(
        _ template: String,
        titleKey: String,
        page: Body,
        request: Request,
        context: TenantContext?,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        let lang = Localizer.language(of: request)
        let strings = request.akinai.strings
        func text(_ key: String) -> String { strings.text(key, lang) }
        let path = request.url.path
        func isActive(_ href: String) -> Bool { href == "/" ? path == "/" : path.hasPrefix(href) }
        var nav: [NavItem] = []
        var settingsNav: [NavItem] = []
        if let context, context.stage == .active {
            nav = modules.filter { $0.2.map { context.allows($0, .read) } ?? true }
                .map { NavItem(href: $0.0, label: text($0.1), active: isActive($0.0)) }
            if context.allows(.settings, .read) {
                nav.append(
                    NavItem(href: "/settings/users", label: text("nav.settings"), active: isActive("/settings"))
                )
                settingsNav = settings.map { NavItem(href: $0.0, label: text($0.1), active: isActive($0.0)) }
            }
            if context.isOperator {
                nav.append(
                    NavItem(href: "/operator/mail", label: text("nav.operator"), active: isActive("/operator"))
                )
            }
        }
        let pageContext = PageContext(
            lang: lang,
            otherLang: lang == .ja ? .en : .ja,
            title: text(titleKey),
            path: path,
            nav: nav,
            settingsNav: settingsNav,
            showSettingsNav: !settingsNav.isEmpty && path.hasPrefix("/settings"),
            showAccountNav: context?.stage == .active && path.hasPrefix("/account"),
            tenantName: context?.tenantName,
            userEmail: context?.userEmail,
            csrf: context?.csrfToken,
            notice: notice.map(text),
            error: error.map(text),
            page: page
        )
        let response = try await request.view.render(template, pageContext).encodeResponse(for: request)
        response.status = status
        return response
    }
}

/// A page with nothing of its own beyond the layout.
struct EmptyPage: Encodable, Sendable {}
