import Crypto
import Domain
import FluentKit
import Vapor

/// The sign-in page and sign-out.
struct LoginController {
    /// The sign-in form's fields, named as the outside checks expect.
    struct LoginForm: Content {
        var tenant: String?
        var email: String?
        var password: String?
        var _csrf: String?
        var next: String?
    }

    /// What the sign-in template shows.
    struct LoginPage: Encodable, Sendable {
        let loginCSRF: String
        let tenant: String
        let email: String
        let next: String
    }

    func register(public routes: any RoutesBuilder, tenant: TenantRoutes) {
        routes.get("login", use: show)
        routes.post("login", use: submit)
        tenant.post("logout", requires: nil, .none, use: logout)
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        if let token = request.cookies[SessionPolicy.cookieName]?.string, !token.isEmpty,
            let session = try await request.tenantDirectory.session(tokenHash: SecretToken.digest(token)),
            SessionPolicy().isLive(session, at: request.akinai.clock())
        {
            return request.redirect(to: "/")
        }
        let notice = request.query[String.self, at: "signed_out"] != nil ? "login.signed_out" : nil
        return try await render(
            request,
            tenant: "",
            email: "",
            next: request.query[String.self, at: "next"],
            notice: notice
        )
    }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let form = try request.content.decode(LoginForm.self)
        guard let pre = request.cookies[SessionPolicy.preSessionCookie]?.string,
            let presented = form._csrf,
            ConstantTime.equal(Array(presented.utf8), Array(Self.loginCSRF(pre, request.akinai).utf8))
        else {
            return try await render(
                request,
                tenant: form.tenant ?? "",
                email: form.email ?? "",
                next: form.next,
                status: .forbidden,
                error: "error.csrf_failed"
            )
        }
        let signIn = SignIn(request: request)
        guard
            let opened = try await signIn.attempt(
                tenant: form.tenant ?? "",
                email: form.email ?? "",
                password: form.password ?? ""
            )
        else {
            return try await render(
                request,
                tenant: form.tenant ?? "",
                email: form.email ?? "",
                next: form.next,
                status: .unauthorized,
                error: "login.failed"
            )
        }
        let response = request.redirect(to: Self.safeNext(form.next), redirectType: .normal)
        response.cookies[SessionPolicy.cookieName] = signIn.cookie(opened.token)
        return response
    }

    @Sendable func logout(_ request: Request, _ context: TenantContext) async throws -> Response {
        let signIn = SignIn(request: request)
        try await signIn.end(context)
        let response = request.redirect(to: "/login?signed_out=1", redirectType: .normal)
        response.cookies[SessionPolicy.cookieName] = signIn.cookie(nil)
        return response
    }

    private func render(
        _ request: Request,
        tenant: String,
        email: String,
        next: String?,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        var pre = request.cookies[SessionPolicy.preSessionCookie]?.string ?? ""
        let fresh = pre.count < 20
        if fresh { pre = SecretToken.generate(bytes: 24) }
        let page = LoginPage(
            loginCSRF: Self.loginCSRF(pre, request.akinai),
            tenant: tenant,
            email: email,
            next: Self.safeNext(next)
        )
        let response = try await Pages.render(
            "auth/login",
            titleKey: "login.title",
            page: page,
            request: request,
            context: nil,
            status: status,
            notice: notice,
            error: error
        )
        if fresh {
            response.cookies[SessionPolicy.preSessionCookie] = HTTPCookies.Value(
                string: pre,
                path: "/",
                isSecure: request.akinai.config.servedOverTLS,
                isHTTPOnly: true,
                sameSite: .lax
            )
        }
        return response
    }

    /// The sign-in form's CSRF token: an HMAC of the signed-out browser's random cookie.
    static func loginCSRF(_ pre: String, _ services: AppServices) -> String {
        let key = services.keyStore.derivedKey("login-csrf")
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(pre.utf8), using: key)))
    }

    /// Only a local path is followed after sign-in, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"),
            !next.contains("://"), next.count < 500
        else { return "/" }
        return next
    }
}
