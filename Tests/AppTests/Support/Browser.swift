import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@testable import App

/// A browser for tests: keeps cookies between requests, fills in CSRF tokens, and signs in through the form.
final class Browser: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    var headers: HTTPHeaders = [:]
    /// The socket peer requests come from; nil sends them the in-memory way, without one.
    var remoteAddress: SocketAddress?

    init(_ app: Application) {
        self.app = app
    }

    /// The response of the last request, with its body as text.
    struct Page {
        let status: HTTPStatus
        let headers: HTTPHeaders
        let body: String

        /// The value of the first hidden input named `name`.
        func hidden(_ name: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }

        var location: String? { headers.first(name: .location) }

        /// The body decoded as the controller's response type: what an API client reads, not how it is spelled.
        func decoded<T: Decodable>(as type: T.Type = T.self) throws -> T {
            try JSONDecoder().decode(T.self, from: Data(body.utf8))
        }
    }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(.GET, path)
    }

    /// Posts a form; the session's (or sign-in page's) CSRF token is added unless `csrf` is given.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: String? = nil) async throws -> Page {
        var all = fields
        if !fields.contains(where: { $0.0 == "_csrf" }) {
            let token: String?
            if let csrf {
                token = csrf
            } else {
                // The dashboard's forms carry the session's token; a session part-way through signing in is
                // sent to the page of its step, whose forms carry it too.
                var page = try await get("/")
                if let location = page.location, page.status == .seeOther, !location.hasPrefix("/login?") {
                    page = try await get(location)
                }
                if path.hasPrefix("/login"), page.hidden("_csrf") == nil { page = try await get("/login") }
                token = page.hidden("_csrf")
            }
            all.append(("_csrf", token ?? ""))
        }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await send(.POST, path, headers: headers, body: body)
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        headers extra: HTTPHeaders = [:],
        body: String? = nil,
        bodyBuffer: ByteBuffer? = nil
    ) async throws -> Page {
        let payload = bodyBuffer ?? body.map { ByteBuffer(string: $0) }
        var headers = self.headers
        for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        let response: (status: HTTPStatus, headers: HTTPHeaders, body: ByteBuffer)
        if let remoteAddress {
            // Straight to the responder, so the request carries a socket peer the way a live server's does.
            let request = Request(
                application: app,
                method: method,
                url: URI(string: path),
                headers: headers,
                collectedBody: payload,
                remoteAddress: remoteAddress,
                on: app.eventLoopGroup.next()
            )
            try await app.asyncBoot()
            let answer = try await app.responder.current.respond(to: request).get()
            let collected = try await answer.body.collect(on: request.eventLoop).get() ?? ByteBuffer()
            response = (answer.status, answer.headers, collected)
        } else {
            let answer = try await app.testing().sendRequest(
                method,
                path,
                headers: headers,
                body: payload
            )
            response = (answer.status, answer.headers, answer.body)
        }
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Expires=Thu, 01 Jan 1970") {
                cookies.removeValue(forKey: name)
            } else {
                cookies[name] = value
            }
        }
        return Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }

    /// Signs in through the sign-in form; returns the response to the POST.
    @discardableResult
    func signIn(tenant: String, email: String, password: String) async throws -> Page {
        let form = try await get("/login")
        return try await post(
            "/login",
            [("tenant", tenant), ("email", email), ("password", password)],
            csrf: form.hidden("_csrf")
        )
    }

    /// Signs in as the tenant's admin and expects it to work.
    @discardableResult
    func signIn(_ tenant: TestTenant) async throws -> Page {
        let page = try await signIn(tenant: tenant.code, email: tenant.adminEmail, password: tenant.adminPassword)
        #expect(page.status == .seeOther, "sign-in as \(tenant.adminEmail)")
        return page
    }

    func setCookie(_ name: String, _ value: String?) {
        cookies[name] = value
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
