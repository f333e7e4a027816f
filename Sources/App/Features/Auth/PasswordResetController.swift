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
    /// An account gets at most this many reset mails an hour.
    static let mailsPerHour = 5

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
        try await RateLimiter.hit(
            services.rateLimits.passwordReset,
            client: request.clientIP,
            db: request.tenantDirectory.db,
            now: services.clock()
        )
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
        if let code = try? TenantCode(form.tenant ?? ""), let email = try? EmailAddress(form.email ?? ""),
            let tenant = try await request.tenantDirectory.activeTenant(code: code.rawValue)
        {
            let tdb = request.tenantDirectory.tenantDatabase(tenant.id!)
            if let user = try await tdb.query(UserRecord.self).filter(\.$email == email.rawValue).first(), user.isActive
            {
                try await sendReset(to: user, tdb: tdb, request: request)
            }
        }
        // The same answer whatever happened above.
        return request.redirect(to: "/login?reset_sent=1", redirectType: .normal)
    }

    private func sendReset(to user: UserRecord, tdb: TenantDatabase, request: Request) async throws {
        let services = request.akinai
        let now = services.clock()
        let recent = try await tdb.query(UserTokenRecord.self).filter(\.$userID == user.id!)
            .filter(\.$purpose == UserTokenRecord.Purpose.passwordReset.rawValue)
            .filter(\.$createdAt > now.addingTimeInterval(-3600)).count()
        let actor = request.auditActor(userID: nil, label: user.email)
        guard recent < Self.mailsPerHour else {
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
                on: tx.db,
                services: services,
                tenantID: tx.tenantID,
                to: user.email,
                subject: "【Akinai】パスワード再設定のご案内 / Reset your password",
                body: MailTexts.passwordReset(link: link, expires: now.addingTimeInterval(Self.lifetime))
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

/// Links mailed to a user (invitations, resets): resolved by the hash of their token, usable once, until
/// they expire. An unknown, used or expired link answers 404 — the same for each.
enum MailedLink {
    static func resolve(
        _ request: Request,
        purpose: UserTokenRecord.Purpose
    ) async throws -> (UserTokenRecord, UserRecord, TenantDatabase) {
        guard let raw = request.parameters.get("token"),
            let token = try await request.tenantDirectory.userToken(tokenHash: SecretToken.digest(raw)),
            token.purpose == purpose.rawValue, token.isUsable(at: request.akinai.clock())
        else { throw AppError(.notFound, code: "link_invalid") }
        let tdb = request.tenantDirectory.tenantDatabase(token.tenantID)
        guard let tenant = try await request.tenantDirectory.tenant(id: token.tenantID), tenant.status == "active",
            let user = try await tdb.find(UserRecord.self, token.userID)
        else { throw AppError(.notFound, code: "link_invalid") }
        return (token, user, tdb)
    }

    /// Checks the form and policy, sets the password, uses up the link, ends the user's sessions, audits,
    /// and mails the password-change notice.
    static func setPassword(
        _ request: Request,
        token: UserTokenRecord,
        user: UserRecord,
        tdb: TenantDatabase,
        titleKey: String,
        action: String
    ) async throws -> Response {
        let form = try request.content.decode(PasswordResetController.NewPasswordForm.self)
        func fail(_ status: HTTPResponseStatus, _ key: String) async throws -> Response {
            try await PreSessionCSRF.render(
                "auth/new_password",
                titleKey: titleKey,
                request: request,
                status: status,
                error: key
            ) { PasswordResetController.NewPasswordPage(csrf: $0, action: request.url.path, email: user.email) }
        }
        guard PreSessionCSRF.isValid(form._csrf, for: request) else {
            return try await fail(.forbidden, "error.csrf_failed")
        }
        let password = form.password ?? ""
        guard password == form.confirm else { return try await fail(.unprocessableEntity, "error.password_mismatch") }
        let services = request.akinai
        if let problem = try await PasswordRules.check(
            password,
            user: user,
            email: user.email,
            tdb: tdb,
            services: services
        ) {
            return try await fail(.unprocessableEntity, "error.\(problem.reason)")
        }
        let hash = try await SignIn(request: request).hash(password)
        let settings = try await tdb.securitySettings()
        let now = services.clock()
        let actor = request.auditActor(userID: user.id, label: user.email)
        try await tdb.transaction { tx in
            // Use the link up first: of two concurrent submissions only one finds it unused.
            guard let fresh = try await tx.find(UserTokenRecord.self, token.id), fresh.isUsable(at: now) else {
                throw AppError(.notFound, code: "link_invalid")
            }
            fresh.usedAt = now
            try await tx.update(fresh)
            PasswordRules.apply(hash, to: user, settings: settings, now: now)
            if user.status == "invited" { user.status = "active" }
            try await tx.update(user)
            try await tx.query(SessionRecord.self).filter(\.$userID == user.id!).delete()
            try await AuditLog.append(
                tx,
                actor: actor,
                action: action,
                targetType: "user",
                targetID: user.id!.uuidString,
                now: now
            )
            try await MailOutbox.enqueue(
                on: tx.db,
                services: services,
                tenantID: tx.tenantID,
                to: user.email,
                subject: "【Akinai】パスワードが変更されました / Your password was changed",
                body: MailTexts.passwordChanged(email: user.email, at: now, ip: request.clientIP)
            )
        }
        return request.redirect(to: "/login?password_set=1", redirectType: .normal)
    }
}
