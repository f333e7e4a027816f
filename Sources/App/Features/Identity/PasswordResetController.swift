import Domain
import FluentKit
import Vapor

/// "Forgot your password": the request form, which answers the same whether or not the account exists, and
/// the single-use link (60 minutes) that sets a new password. A reset never signs in, so it never skips the
/// second factor.
struct PasswordResetController {
    /// The request form.
    struct RequestForm: Content {
        var tenant: String?
        var email: String?
        var _csrf: String?
    }

    /// The new-password form (also used by invitations).
    struct NewPasswordForm: Content {
        var password: String?
        var confirm: String?
        var _csrf: String?
    }

    /// The request page.
    struct RequestPage: Encodable, Sendable {
        let csrf: String
    }

    /// The page that sets a password from a mailed link.
    struct NewPasswordPage: Encodable, Sendable {
        let csrf: String
        let action: String
        let email: String
    }

    static let lifetime: TimeInterval = 3600

    func register(public routes: any RoutesBuilder) {
        routes.get("password-reset", use: showRequest)
        routes.post("password-reset", use: submitRequest)
        routes.get("password-reset", ":token", use: showNewPassword)
        routes.post("password-reset", ":token", use: setNewPassword)
    }

    @Sendable func showRequest(_ request: Request) async throws -> Response {
        try await PreSessionCSRF.render("auth/reset_request", titleKey: "reset.title", request: request) {
            RequestPage(csrf: $0)
        }
    }

    @Sendable func submitRequest(_ request: Request) async throws -> Response {
        let services = request.akinai
        try await request.countAttempt(services.rateLimits.passwordReset)
        let form = try request.content.decode(RequestForm.self)
        guard PreSessionCSRF.isValid(form._csrf, for: request) else {
            return try await PreSessionCSRF.render(
                "auth/reset_request",
                titleKey: "reset.title",
                request: request,
                status: .forbidden,
                error: "error.csrf_failed"
            ) { RequestPage(csrf: $0) }
        }
        try await request.countAttempt(
            services.rateLimits.passwordResetPerTenant,
            .tenant(SignIn.accountKey(tenant: form.tenant, email: nil).tenant)
        )
        if let code = try? TenantCode(form.tenant ?? ""), let email = try? EmailAddress(form.email ?? ""),
            let (user, tdb) = try await request.tenantDirectory.activeUser(
                tenantCode: code.rawValue,
                email: email.rawValue
            )
        {
            try await sendReset(to: user, tdb: tdb, request: request)
        }
        // The same answer whatever happened above.
        return request.redirect(to: "/login?reset_sent=1", redirectType: .normal)
    }

    private func sendReset(to user: UserRecord, tdb: TenantDatabase, request: Request) async throws {
        let services = request.akinai
        let now = services.clock()
        let actor = request.auditActor(userID: nil, label: user.email)
        // Counted atomically per account, and answered like any other request: nobody can fill a user's inbox,
        // and the answer does not tell that the account exists.
        do {
            try await request.countAttempt(services.rateLimits.passwordResetPerAccount, .account(user.id!.uuidString))
        } catch is RateLimited {
            try await AuditLog.append(
                tdb,
                actor: actor,
                action: "auth.password_reset_request",
                targetType: "user",
                targetID: user.id!.uuidString,
                result: .denied,
                details: ["reason": "hourly_limit"],
                now: now
            )
            return
        }
        let token = SecretToken.generate(bytes: 32)
        let link = services.config.publicBaseURL + "/password-reset/" + token
        try await tdb.transaction { tx in
            try await tx.create(
                UserTokenRecord(
                    tenantID: tx.tenantID,
                    userID: user.id!,
                    purpose: .passwordReset,
                    tokenHash: SecretToken.digest(token),
                    now: now,
                    lifetime: Self.lifetime
                )
            )
            try await MailOutbox.enqueue(
                tx,
                services: services,
                to: user.email,
                mail: MailTexts.passwordReset(link: link, expires: now.addingTimeInterval(Self.lifetime))
            )
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "auth.password_reset_request",
                targetType: "user",
                targetID: user.id!.uuidString,
                now: now
            )
        }
    }

    @Sendable func showNewPassword(_ request: Request) async throws -> Response {
        let (token, user, _) = try await MailedLink.resolve(request, purpose: .passwordReset)
        _ = token
        return try await PreSessionCSRF.render("auth/new_password", titleKey: "reset.new_title", request: request) {
            NewPasswordPage(csrf: $0, action: request.url.path, email: user.email)
        }
    }

    @Sendable func setNewPassword(_ request: Request) async throws -> Response {
        let (token, user, tdb) = try await MailedLink.resolve(request, purpose: .passwordReset)
        return try await MailedLink.setPassword(
            request,
            token: token,
            user: user,
            tdb: tdb,
            titleKey: "reset.new_title",
            action: "user.password_reset"
        )
    }
}
