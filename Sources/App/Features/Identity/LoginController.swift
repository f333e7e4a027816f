import Domain
import FluentKit
import Vapor

/// The sign-in page, the second-factor step, and sign-out.
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

    /// The second-factor form: field `code`.
    struct CodeForm: Content {
        var code: String?
    }

    /// What the second-factor template shows.
    struct SecondFactorPage: Encodable, Sendable {
        let method: String
    }

    func register(public routes: any RoutesBuilder, tenant: TenantRoutes) {
        routes.get("login", use: show)
        routes.post("login", use: submit)
        let secondFactor: Set<SessionStage> = [.secondFactor]
        tenant.get("login", "second-factor", requires: nil, stages: secondFactor, use: showSecondFactor)
        tenant.post("login", "second-factor", requires: nil, .none, stages: secondFactor, use: submitSecondFactor)
        tenant.post("login", "second-factor", "resend", requires: nil, .none, stages: secondFactor, use: resendCode)
        let any: Set<SessionStage> = [.active, .secondFactor, .enrolSecondFactor, .changePassword]
        tenant.post("logout", requires: nil, .none, stages: any, use: logout)
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        if let token = request.cookies[SessionPolicy.cookieName]?.string, !token.isEmpty,
            let session = try await request.tenantDirectory.session(tokenHash: SecretToken.digest(token)),
            session.stage == SessionStage.active.rawValue, session.expiresAt > request.akinai.clock()
        {
            return request.redirect(to: "/")
        }
        let notice = ["signed_out", "password_set", "reset_sent"].first { request.query[String.self, at: $0] != nil }
        return try await render(
            request,
            tenant: "",
            email: "",
            next: request.query[String.self, at: "next"],
            notice: notice.map { "login.\($0)" }
        )
    }

    @Sendable func submit(_ request: Request) async throws -> Response {
        let limits = request.akinai.rateLimits
        try await request.countAttempt(limits.signIn)
        let form = try request.content.decode(LoginForm.self)
        guard PreSessionCSRF.isValid(form._csrf, for: request) else {
            return try await render(
                request,
                tenant: form.tenant ?? "",
                email: form.email ?? "",
                next: form.next,
                status: .forbidden,
                error: "error.csrf_failed"
            )
        }
        let account = SignIn.accountKey(tenant: form.tenant, email: form.email)
        try await request.countAttempt(limits.signInPerTenant, .tenant(account.tenant))
        try await request.countAttempt(limits.signInPerAccount, .account(account.key))
        let signIn = SignIn(request: request)
        guard
            let token = try await signIn.attempt(
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
        let session = try await request.tenantDirectory.session(tokenHash: SecretToken.digest(token))
        guard let stage = session.flatMap({ SessionStage(rawValue: $0.stage) }) else { throw AppError.unauthorized }
        let target = stage == .active ? Self.safeNext(form.next) : stage.path
        let response = request.redirect(to: target, redirectType: .normal)
        response.cookies[SessionPolicy.cookieName] = signIn.cookie(token)
        return response
    }

    @Sendable func showSecondFactor(_ request: Request, _ context: TenantContext) async throws -> Response {
        let user = try await currentUser(context)
        return try await Pages.render(
            "auth/second_factor",
            titleKey: "second_factor.title",
            page: SecondFactorPage(method: user.secondFactor.rawValue),
            request: request,
            context: context
        )
    }

    @Sendable func submitSecondFactor(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await request.countAttempt(context.services.rateLimits.secondFactor)
        try await request.countAttempt(context.services.rateLimits.secondFactor, .account(context.userID.uuidString))
        let user = try await currentUser(context)
        let code = try request.content.decode(CodeForm.self).code ?? ""
        let settings = try await context.db.securitySettings()
        let signIn = SignIn(request: request)
        guard !user.lockout.isLocked(at: context.now), try await SecondFactor.verify(code, user: user, context: context)
        else {
            let locked = try await signIn.recordFailure(
                user.id!,
                tdb: context.db,
                settings: settings,
                actor: context.actor,
                reason: "bad_second_factor"
            )
            if locked {
                let response = request.redirect(to: "/login", redirectType: .normal)
                response.cookies[SessionPolicy.cookieName] = signIn.cookie(nil)
                return response
            }
            return try await Pages.render(
                "auth/second_factor",
                titleKey: "second_factor.title",
                page: SecondFactorPage(method: user.secondFactor.rawValue),
                request: request,
                context: context,
                status: .unauthorized,
                error: "second_factor.failed"
            )
        }
        let stage = signIn.nextStage(
            after: .secondFactor,
            user: user,
            settings: settings,
            isOperator: context.isOperator
        )
        let token = try await signIn.advance(context, user: user, to: stage)
        let response = request.redirect(to: stage.path, redirectType: .normal)
        response.cookies[SessionPolicy.cookieName] = signIn.cookie(token)
        return response
    }

    @Sendable func resendCode(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await request.countAttempt(context.services.rateLimits.secondFactor)
        try await request.countAttempt(context.services.rateLimits.secondFactor, .account(context.userID.uuidString))
        let user = try await currentUser(context)
        guard user.secondFactor == .email else { throw AppError.conflict("conflict") }
        try await context.db.transaction { tx in try await SignIn(request: request).sendEmailCode(tx, user: user) }
        return request.redirect(to: "/login/second-factor", redirectType: .normal)
    }

    @Sendable func logout(_ request: Request, _ context: TenantContext) async throws -> Response {
        let signIn = SignIn(request: request)
        try await signIn.end(context)
        let response = request.redirect(to: "/login?signed_out=1", redirectType: .normal)
        response.cookies[SessionPolicy.cookieName] = signIn.cookie(nil)
        return response
    }

    private func currentUser(_ context: TenantContext) async throws -> UserRecord {
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        return user
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
        try await PreSessionCSRF.render(
            "auth/login",
            titleKey: "login.title",
            request: request,
            status: status,
            notice: notice,
            error: error
        ) { token in
            LoginPage(loginCSRF: token, tenant: tenant, email: email, next: Self.safeNext(next))
        }
    }

    /// Only a local path is followed after sign-in, never another site.
    static func safeNext(_ next: String?) -> String { LocalPath.orRoot(next) }
}
