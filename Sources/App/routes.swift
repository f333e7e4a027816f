import Domain
import FluentKit
import SQLKit
import Vapor

/// Registers every route: public pages, the signed-in web UI, and the JSON API.
func routes(_ app: Application) throws {
    app.get("health") { request async throws -> Response in
        var healthy = true
        do {
            // tenancy: health check, no tenant data
            _ = try await (request.db as? any SQLDatabase)?.raw("SELECT 1 AS ok").all()
        } catch {
            healthy = false
        }
        let response = Response(status: healthy ? .ok : .serviceUnavailable)
        try response.content.encode(["status": healthy ? "ok" : "unavailable"], as: .json)
        return response
    }
    app.get("openapi.json") { OpenAPIDocument.serve($0) }
    app.get("lang", ":code") { request -> Response in
        let lang = Language(rawValue: request.parameters.get("code") ?? "") ?? .ja
        let response = request.redirect(to: LoginController.safeNext(request.query[String.self, at: "back"]))
        response.cookies[Localizer.cookieName] = HTTPCookies.Value(
            string: lang.rawValue,
            maxAge: 365 * 86400,
            path: "/",
            isSecure: request.akinai.config.servedOverTLS,
            isHTTPOnly: true,
            sameSite: .lax
        )
        return response
    }

    let web = TenantRoutes(builder: app.grouped(SessionAuthenticator()))
    LoginController().register(public: app, tenant: web)
    PasswordResetController().register(public: app)
    InvitationController().register(public: app)
    AccountController().register(tenant: web)
    SecuritySettingsController().register(tenant: web)
    ShopSettingsController().register(tenant: web)
    OperatorMailController().register(tenant: web)
    DashboardController().register(tenant: web)
    ModulesController().register(tenant: web)
    CatalogController().register(tenant: web)
    BulkEditController().register(tenant: web)
    InventoryController().register(tenant: web)
    UsersController().register(tenant: web)
    AuditController().register(tenant: web)
    APITokensController().register(tenant: web)

    let api = TenantRoutes(builder: app.grouped("api", "v1").grouped(BearerAuthenticator()))
    MeController().register(api: api)
    CatalogCSVController().register(tenant: web, api: api)
    CatalogAPIController().register(api: api)
    InventoryAPIController().register(api: api)
    OrdersAPIController().register(api: api)
    OrdersController().register(tenant: web, api: api)
}
