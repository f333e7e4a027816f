import Vapor

/// Adds the security headers to every response, errors included.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    let hsts: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            response = AppErrorMiddleware.response(for: error, request: request)
        }
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
        ]
        for (name, value) in headers { response.headers.replaceOrAdd(name: name, value: value) }
        if hsts {
            response.headers.replaceOrAdd(
                name: "Strict-Transport-Security",
                value: "max-age=31536000; includeSubDomains"
            )
        }
        if !request.url.path.hasPrefix("/css/"), !request.url.path.hasPrefix("/js/"),
            !response.headers.contains(name: .cacheControl)
        {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        response.headers.remove(name: .server)
        if let bad = response.headers.first(where: { Self.isUnsafe($0.name) || Self.isUnsafe($0.value) }) {
            // A header value with CR, LF or NUL would let input split the response (extra Set-Cookie lines,
            // a second response). Whatever put it there, it never reaches the wire.
            request.logger.error("refused a response header carrying a control character: \(bad.name)")
            return AppErrorMiddleware.response(
                for: AppError(.internalServerError, code: "internal_error"),
                request: request
            )
        }
        return response
    }

    /// Whether a header name or value carries a character that could end the header line.
    static func isUnsafe(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
