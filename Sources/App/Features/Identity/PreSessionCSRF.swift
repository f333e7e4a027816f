import Crypto
import Domain
import Vapor

/// CSRF protection for forms shown to signed-out browsers (sign-in, invitation, password reset): the token
/// is an HMAC of a random cookie that only this browser has.
enum PreSessionCSRF {
    /// The token for this browser, and the cookie to set when the browser has none yet.
    static func token(for request: Request) -> (token: String, newCookie: HTTPCookies.Value?) {
        if let pre = request.cookies[SessionPolicy.preSessionCookie]?.string, pre.count >= 20 {
            return (token(pre, request.akinai), nil)
        }
        let pre = SecretToken.generate(bytes: 24)
        let cookie = HTTPCookies.Value(
            string: pre,
            path: "/",
            isSecure: request.akinai.config.servedOverTLS,
            isHTTPOnly: true,
            sameSite: .lax
        )
        return (token(pre, request.akinai), cookie)
    }

    static func token(_ pre: String, _ services: AppServices) -> String {
        let key = services.keyStore.derivedKey("login-csrf")
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(pre.utf8), using: key)))
    }

    /// Whether `presented` is this browser's token.
    static func isValid(_ presented: String?, for request: Request) -> Bool {
        guard let presented, let pre = request.cookies[SessionPolicy.preSessionCookie]?.string else { return false }
        return ConstantTime.equal(Array(presented.utf8), Array(token(pre, request.akinai).utf8))
    }

    /// Renders a signed-out page, setting the pre-session cookie when needed.
    static func render<Body: Encodable & Sendable>(
        _ template: String,
        titleKey: String,
        request: Request,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil,
        page: (String) -> Body
    ) async throws -> Response {
        let (token, cookie) = token(for: request)
        let response = try await Pages.render(
            template,
            titleKey: titleKey,
            page: page(token),
            request: request,
            context: nil,
            status: status,
            notice: notice,
            error: error
        )
        if let cookie { response.cookies[SessionPolicy.preSessionCookie] = cookie }
        return response
    }
}

/// Keyed hashes for short secrets (e-mailed codes, recovery codes), so a copy of the database does not
/// reveal them and they cannot be brute-forced offline without the master key.
enum SecretHash {
    static func of(_ secret: String, purpose: String, services: AppServices) -> String {
        let key = services.keyStore.derivedKey("secret-hash|\(purpose)")
        return HMAC<SHA256>.authenticationCode(for: Array(secret.utf8), using: key).hexString
    }
}
