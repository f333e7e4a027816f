import Domain
import FluentKit
import FluentPostgresDriver
import Vapor

/// Turns every error into a response without internals: JSON `{"error": {"code", "message"}}` for the API,
/// a plain page for browsers, and a redirect to the sign-in page when a browser is not signed in.
struct AppErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let methods = request.application.allowedMethods
        if let allowed = methods?.refusal(of: request.method, at: request.url.path) {
            return Self.methodNotAllowed(allowed, request: request)
        }
        do {
            return try await next.respond(to: request)
        } catch is RouteNotFound {
            let allowed = methods?.methods(for: request.url.path) ?? []
            guard !allowed.isEmpty else { return Self.response(for: Abort(.notFound), request: request) }
            return Self.methodNotAllowed(allowed, request: request)
        } catch {
            return Self.response(for: error, request: request)
        }
    }

    static func methodNotAllowed(_ allowed: [String], request: Request) -> Response {
        let response = Self.response(for: Abort(.methodNotAllowed), request: request)
        response.headers.replaceOrAdd(name: .allow, value: allowed.joined(separator: ", "))
        return response
    }

    static func response(for error: any Error, request: Request) -> Response {
        let status: HTTPResponseStatus
        let code: String
        let key: String
        switch error {
        case let app as AppError:
            (status, code, key) = (app.status, app.code, app.messageKey)
        case let stock as StockError:
            let app = stock.appError
            (status, code, key) = (app.status, app.code, app.messageKey)
        case let errors as FieldErrors:
            // The first problem; forms and imports that show every one of them catch these themselves.
            let first = errors.all.first ?? FieldError(field: "", reason: "validation_failed")
            let app = AppError.invalid(first)
            (status, code, key) = (app.status, app.code, app.messageKey)
        case let abort as any AbortError:
            status = abort.status
            code = Self.code(for: abort.status)
            key = "error.\(code)"
        case let limited as RateLimited:
            (status, code, key) = (.tooManyRequests, "too_many_requests", "error.too_many_requests")
            _ = limited
        case is Busy:
            (status, code, key) = (.serviceUnavailable, "busy", "error.busy")
        case is DecodingError:
            (status, code, key) = (.badRequest, "bad_request", "error.bad_request")
        case let database as any DatabaseError where database.isConstraintFailure:
            // Two requests racing to create the same thing, or input the checks above the database missed: the
            // database refused it, so nothing changed. Logged, since a check may be missing.
            request.logger.warning(
                "\(request.method) \(Self.loggable(request.url.path)): constraint: \(String(reflecting: error))"
            )
            (status, code, key) = (.conflict, "conflict", "error.conflict")
        case let postgres as PSQLError where ["40P01", "40001"].contains(postgres.serverInfo?[.sqlState] ?? ""):
            // A deadlock or serialisation failure: PostgreSQL rolled the transaction back, nothing changed; the
            // client may simply try again.
            (status, code, key) = (.serviceUnavailable, "busy", "error.busy")
        case let postgres as PSQLError where postgres.serverInfo?[.sqlState]?.hasPrefix("22") == true:
            // PostgreSQL's data exceptions (a NUL character in text, a number out of its column's range) come from
            // what the client sent.
            (status, code, key) = (.badRequest, "bad_request", "error.bad_request")
        default:
            (status, code, key) = (.internalServerError, "internal_error", "error.internal_error")
        }
        if error is Busy {
            request.logger.warning("\(request.method) \(Self.loggable(request.url.path)): busy, answered 503")
        } else if status.code >= 500 {
            request.logger.error("\(request.method) \(Self.loggable(request.url.path)): \(String(reflecting: error))")
        }
        let lang = Localizer.language(of: request)
        let message = request.text(key)
        if request.wantsJSON {
            var fields = ["code": code, "message": message]
            if let field = (error as? AppError)?.field ?? (error as? FieldErrors)?.all.first?.field {
                fields["field"] = field
            }
            let response = Response(status: status)
            try? response.content.encode(["error": fields], as: .json)
            if status == .unauthorized {
                response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"akinai\"")
            }
            if let retry = Self.retryAfter(error) {
                response.headers.replaceOrAdd(name: .retryAfter, value: String(retry))
            }
            return response
        }
        if status == .unauthorized {
            let next = request.method == .GET ? request.url.path : "/"
            let target =
                next == "/"
                ? "/login" : "/login?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            return request.redirect(to: target, redirectType: .normal)
        }
        var headers = HTTPHeaders()
        headers.contentType = .html
        if let retry = Self.retryAfter(error) {
            headers.replaceOrAdd(name: .retryAfter, value: String(retry))
        }
        let title = request.text("error.title")
        let html = """
            <!doctype html><html lang="\(lang.rawValue)"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(status.code) \(title.htmlEscaped)</title><link rel="stylesheet" href="/css/app.css"></head>\
            <body class="error-page"><main class="card"><h1>\(status.code)</h1><p>\(message.htmlEscaped)</p>\
            <p><a href="/">\(request.text("nav.dashboard").htmlEscaped)</a></p></main></body></html>
            """
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    /// A path fit for the log: the tokens of mailed links (`/password-reset/<token>`, `/invitation/<token>`) are
    /// secrets and stay out of it.
    static func loggable(_ path: String) -> String {
        for prefix in ["/password-reset/", "/invitation/"] where path.hasPrefix(prefix) && path.count > prefix.count {
            return prefix + "…"
        }
        return path
    }

    /// Seconds after which a refused request may be tried again, for errors that say.
    static func retryAfter(_ error: any Error) -> Int? {
        if let postgres = error as? PSQLError, ["40P01", "40001"].contains(postgres.serverInfo?[.sqlState] ?? "") {
            return 1
        }
        return (error as? RateLimited)?.retryAfter ?? (error as? Busy)?.retryAfter
    }

    static func code(for status: HTTPResponseStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 409: "conflict"
        case 413: "payload_too_large"
        case 415: "unsupported_media_type"
        case 422: "validation_failed"
        case 429: "too_many_requests"
        default: status.code >= 500 ? "internal_error" : "bad_request"
        }
    }
}

/// A request refused because its client went over a rate limit.
struct RateLimited: Error {
    let retryAfter: Int
}

extension Request {
    /// API requests and clients that ask for JSON get JSON errors.
    var wantsJSON: Bool {
        url.path.hasPrefix("/api/") || url.path == "/openapi.json"
            || (headers.first(name: .accept)?.contains("application/json") ?? false)
    }
}

extension String {
    /// The text with `& < > " '` escaped for HTML.
    var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(count)
        for ch in self {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
