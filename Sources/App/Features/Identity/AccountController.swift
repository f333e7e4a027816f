import Domain
import FluentKit
import Vapor

/// A user's own account: password change, second factor, and their signed-in sessions.
struct AccountController {
    /// The password change form.
    struct PasswordForm: Content {
        var current: String?
        var password: String?
        var confirm: String?
    }

    /// The password page.
    struct PasswordPage: Encodable, Sendable {
        let forced: Bool
        let minLength: Int
    }

    /// The second-factor page: status, or an enrolment in progress with its QR code.
    struct TwoFactorPage: Encodable, Sendable {
        let method: String
        let required: Bool
        let emailAllowed: Bool
        let enrolling: Bool
        let qrSVG: String?
        let secret: String?
        let uri: String?
        let recoveryCodes: [String]?
        let remainingRecoveryCodes: Int
        /// Whether changing the factor asks for the password (from a signed-in session, not during enrolment).
        var askPassword = false
    }

    /// One session in the list.
    struct SessionRow: Encodable, Sendable {
        let id: String
        let created: String
        let lastSeen: String
        let ip: String
        let userAgent: String
        let current: Bool
    }

    /// The sessions page.
    struct SessionsPage: Encodable, Sendable {
        let sessions: [SessionRow]
    }

    func register(tenant: TenantRoutes) {
        let account = tenant.grouped("account")
        let password: Set<SessionStage> = [.active, .changePassword]
        account.get("password", requires: nil, stages: password, use: showPassword)
        account.post("password", requires: nil, .none, stages: password, use: changePassword)
        let enrol: Set<SessionStage> = [.active, .enrolSecondFactor]
        account.get("two-factor", requires: nil, stages: enrol, use: showTwoFactor)
        account.post("two-factor", "totp", "start", requires: nil, .none, stages: enrol, use: startTOTP)
        account.post("two-factor", "totp", "confirm", requires: nil, .none, stages: enrol, use: confirmTOTP)
        account.post("two-factor", "email", requires: nil, .none, stages: enrol, use: useEmail)
        account.post("two-factor", "disable", requires: nil, .none, use: disable)
        account.get("sessions", requires: nil, use: listSessions)
        account.post("sessions", ":sessionID", "end", requires: nil, .none, use: endSession)
    }

    // MARK: Password

    @Sendable func showPassword(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await renderPassword(request, context)
    }

    private func renderPassword(
        _ request: Request,
        _ context: TenantContext,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        let settings = try await context.db.securitySettings()
        return try await Pages.render(
            "account/password",
            titleKey: "account.password_title",
            page: PasswordPage(forced: context.stage == .changePassword, minLength: settings.passwordMinLength),
            request: request,
            context: context,
            status: status,
            notice: notice,
            error: error
        )
    }

    @Sendable func changePassword(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(PasswordForm.self)
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        let signIn = SignIn(request: request)
        guard try await signIn.reauthenticate(context, user: user, password: form.current ?? "") else {
            return try await renderPassword(
                request,
                context,
                status: .unprocessableEntity,
                error: "error.current_password"
            )
        }
        let password = form.password ?? ""
        guard password == form.confirm else {
            return try await renderPassword(
                request,
                context,
                status: .unprocessableEntity,
                error: "error.password_mismatch"
            )
        }
        if let problem = try await PasswordRules.check(
            password,
            user: user,
            email: user.email,
            tdb: context.db,
            services: context.services
        ) {
            return try await renderPassword(
                request,
                context,
                status: .unprocessableEntity,
                error: "error.\(problem.reason)"
            )
        }
        let hash = try await signIn.hash(password)
        let settings = try await context.db.securitySettings()
        let now = context.now
        guard case .session(let sessionID, _) = context.credential else { throw AppError.unauthorized }
        try await context.db.transaction { tx in
            PasswordRules.apply(hash, to: user, settings: settings, now: now)
            try await tx.update(user)
            // Every other session of this user ends; this one continues. Outstanding reset links stop working.
            try await tx.query(SessionRecord.self).filter(\.$userID == user.id!).filter(\.$id != sessionID).delete()
            try await tx.revokeUserTokens(userID: user.id!, purpose: .passwordReset, now: now)
            try await context.audit(
                tx,
                action: "user.password_change",
                targetType: "user",
                targetID: user.id!.uuidString
            )
            try await MailOutbox.enqueue(
                tx,
                services: context.services,
                to: user.email,
                mail: MailTexts.passwordChanged(email: user.email, at: now, ip: request.clientIP)
            )
        }
        if context.stage == .changePassword {
            let token = try await signIn.advance(context, user: user, to: .active)
            let response = request.redirect(to: "/", redirectType: .normal)
            response.cookies[SessionPolicy.cookieName] = signIn.cookie(token)
            return response
        }
        return try await renderPassword(request, context, notice: "account.password_changed")
    }

    // MARK: Second factor

    @Sendable func showTwoFactor(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await renderTwoFactor(request, context, recoveryCodes: nil)
    }

    private func renderTwoFactor(
        _ request: Request,
        _ context: TenantContext,
        recoveryCodes: [String]?,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        let settings = try await context.db.securitySettings()
        var secret: String?
        var uri: String?
        var qr: String?
        let enrolling = user.totpPendingSealed != nil && recoveryCodes == nil
        if enrolling, let sealed = user.totpPendingSealed {
            let text = try await context.services.keyStore.cipher(context.db).open(sealed, user.totpContext)
            secret = text
            if let bytes = Base32.decode(text) {
                uri = TOTP(secret: bytes).provisioningURI(account: user.email, issuer: "Akinai (\(context.tenantCode))")
                qr = uri.flatMap { QRCode.svg($0) }
            }
        }
        let remaining = try await context.db.query(RecoveryCodeRecord.self).filter(\.$userID == user.id!)
            .filter(\.$usedAt == nil).count()
        let page = TwoFactorPage(
            method: user.secondFactor.rawValue,
            required: settings.requireTwoFactor || context.isOperator,
            emailAllowed: settings.allowEmailCode,
            enrolling: enrolling,
            qrSVG: qr,
            secret: secret.map(Self.grouped),
            uri: uri,
            recoveryCodes: recoveryCodes,
            remainingRecoveryCodes: remaining,
            askPassword: context.stage == .active
        )
        return try await Pages.render(
            "account/two_factor",
            titleKey: "account.two_factor_title",
            page: page,
            request: request,
            context: context,
            status: status,
            notice: notice,
            error: error
        )
    }

    @Sendable func startTOTP(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        if let refused = try await refuseWithoutPassword(request, context, user: user) { return refused }
        let cipher = try await context.services.keyStore.cipher(context.db)
        // The factor in use stays in use until the new secret is confirmed with a code.
        user.totpPendingSealed = try cipher.seal(Base32.encode(TOTP.generateSecret()), user.totpContext)
        try await context.db.update(user)
        return request.redirect(to: "/account/two-factor", redirectType: .normal)
    }

    /// From a signed-in session, changing a second factor asks for the password again (a stolen session must not
    /// be able to take the account over); during enrolment at sign-in the password was just given. Returns the
    /// page to answer with when the password is missing or wrong.
    private func refuseWithoutPassword(
        _ request: Request,
        _ context: TenantContext,
        user: UserRecord
    ) async throws -> Response? {
        guard context.stage == .active else { return nil }
        let current = try request.content.decode(PasswordForm.self).current ?? ""
        if try await SignIn(request: request).reauthenticate(context, user: user, password: current) { return nil }
        return try await renderTwoFactor(
            request,
            context,
            recoveryCodes: nil,
            status: .unprocessableEntity,
            error: "error.current_password"
        )
    }

    /// Mails the user that their second factor changed, first enrolment included, so a change they did not make
    /// does not go unnoticed.
    private func noticeFactorChange(
        _ tx: TenantDatabase,
        _ context: TenantContext,
        user: UserRecord,
        method: String
    )
        async throws
    {
        try await MailOutbox.enqueue(
            tx,
            services: context.services,
            to: user.email,
            mail: MailTexts.secondFactorChanged(
                email: user.email,
                method: method,
                at: context.now,
                ip: context.actor.ip
            )
        )
    }

    @Sendable func confirmTOTP(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let user = try await context.db.find(UserRecord.self, context.userID), let sealed = user.totpPendingSealed
        else { throw AppError.conflict("conflict") }
        // The pending secret is shown on the page to whoever holds the session, so confirming it asks for the
        // password too: a session alone can neither start nor finish replacing the factor.
        if let refused = try await refuseWithoutPassword(request, context, user: user) { return refused }
        let code = try request.content.decode(LoginController.CodeForm.self).code ?? ""
        let cipher = try await context.services.keyStore.cipher(context.db)
        guard let secret = Base32.decode(try cipher.open(sealed, user.totpContext)),
            let step = TOTP(secret: secret).verify(code, at: context.now, lastUsedStep: nil)
        else {
            return try await renderTwoFactor(
                request,
                context,
                recoveryCodes: nil,
                status: .unprocessableEntity,
                error: "second_factor.failed"
            )
        }
        let codes = RecoveryCodes.generate()
        let services = context.services
        try await context.db.transaction { tx in
            user.secondFactor = .totp
            user.totpSecretSealed = sealed
            user.totpPendingSealed = nil
            user.totpLastStep = step
            try await tx.update(user)
            try await factorChanged(tx, context, user: user, method: "totp")
            for code in codes {
                let hash = SecretHash.of(
                    "\(user.id!):\(RecoveryCodes.normalize(code))",
                    purpose: "recovery-code",
                    services: services
                )
                try await tx.create(RecoveryCodeRecord(tenantID: tx.tenantID, userID: user.id!, codeHash: hash))
            }
        }
        return try await finishEnrolment(request, context, user: user, recoveryCodes: codes)
    }

    /// What every new second factor brings, in its transaction: the notice mail, the end of the old recovery codes,
    /// and the audit event.
    private func factorChanged(
        _ tx: TenantDatabase,
        _ context: TenantContext,
        user: UserRecord,
        method: String
    )
        async throws
    {
        try await noticeFactorChange(tx, context, user: user, method: method)
        try await tx.query(RecoveryCodeRecord.self).filter(\.$userID == user.id!).delete()
        try await context.audit(
            tx,
            action: "user.two_factor_enable",
            targetType: "user",
            targetID: user.id!.uuidString,
            details: ["method": method]
        )
    }

    @Sendable func useEmail(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        guard try await context.db.securitySettings().allowEmailCode else { throw AppError.forbidden }
        if let refused = try await refuseWithoutPassword(request, context, user: user) { return refused }
        try await context.db.transaction { tx in
            user.secondFactor = .email
            user.totpSecretSealed = nil
            user.totpPendingSealed = nil
            user.totpLastStep = nil
            try await tx.update(user)
            try await factorChanged(tx, context, user: user, method: "email")
        }
        return try await finishEnrolment(request, context, user: user, recoveryCodes: nil)
    }

    /// After enrolling during sign-in the session moves on; otherwise the page shows the result.
    private func finishEnrolment(
        _ request: Request,
        _ context: TenantContext,
        user: UserRecord,
        recoveryCodes: [String]?
    ) async throws -> Response {
        if context.stage == .enrolSecondFactor {
            let signIn = SignIn(request: request)
            let settings = try await context.db.securitySettings()
            // E-mailed codes chosen while signing in are proven with a first code before the session goes on: the
            // password alone must not be enough to finish a sign-in the tenant requires a second factor for.
            let stage =
                user.secondFactor == .email
                ? .secondFactor
                : signIn.nextStage(
                    after: .enrolSecondFactor,
                    user: user,
                    settings: settings,
                    isOperator: context.isOperator
                )
            let token = try await signIn.advance(context, user: user, to: stage)
            if let recoveryCodes {
                // Show the codes once, with the new session's cookie.
                let response = try await renderTwoFactorAfterAdvance(request, context, user: user, codes: recoveryCodes)
                response.cookies[SessionPolicy.cookieName] = signIn.cookie(token)
                return response
            }
            let response = request.redirect(to: stage.path, redirectType: .normal)
            response.cookies[SessionPolicy.cookieName] = signIn.cookie(token)
            return response
        }
        return try await renderTwoFactor(
            request,
            context,
            recoveryCodes: recoveryCodes,
            notice: "account.two_factor_enabled"
        )
    }

    private func renderTwoFactorAfterAdvance(
        _ request: Request,
        _ context: TenantContext,
        user: UserRecord,
        codes: [String]
    ) async throws -> Response {
        let settings = try await context.db.securitySettings()
        let page = TwoFactorPage(
            method: user.secondFactor.rawValue,
            required: settings.requireTwoFactor || context.isOperator,
            emailAllowed: settings.allowEmailCode,
            enrolling: false,
            qrSVG: nil,
            secret: nil,
            uri: nil,
            recoveryCodes: codes,
            remainingRecoveryCodes: codes.count
        )
        return try await Pages.render(
            "account/two_factor",
            titleKey: "account.two_factor_title",
            page: page,
            request: request,
            context: nil,
            notice: "account.two_factor_enabled"
        )
    }

    @Sendable func disable(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let user = try await context.db.find(UserRecord.self, context.userID) else { throw AppError.unauthorized }
        guard !context.isOperator, !(try await context.db.securitySettings().requireTwoFactor) else {
            throw AppError.conflict("two_factor_required")
        }
        let form = try request.content.decode(PasswordForm.self)
        guard try await SignIn(request: request).reauthenticate(context, user: user, password: form.current ?? "")
        else {
            return try await renderTwoFactor(
                request,
                context,
                recoveryCodes: nil,
                status: .unprocessableEntity,
                error: "error.current_password"
            )
        }
        try await context.db.transaction { tx in
            user.secondFactor = .none
            user.totpSecretSealed = nil
            user.totpPendingSealed = nil
            user.totpLastStep = nil
            try await tx.update(user)
            try await tx.query(RecoveryCodeRecord.self).filter(\.$userID == user.id!).delete()
            try await context.audit(
                tx,
                action: "user.two_factor_disable",
                targetType: "user",
                targetID: user.id!.uuidString
            )
            try await noticeFactorChange(tx, context, user: user, method: "none")
        }
        return request.redirect(to: "/account/two-factor", redirectType: .normal)
    }

    /// `ABCD EFGH …` for reading the secret aloud or typing it.
    static func grouped(_ secret: String) -> String {
        stride(from: 0, to: secret.count, by: 4).map { offset -> String in
            let start = secret.index(secret.startIndex, offsetBy: offset)
            let end = secret.index(start, offsetBy: 4, limitedBy: secret.endIndex) ?? secret.endIndex
            return String(secret[start..<end])
        }.joined(separator: " ")
    }

    // MARK: Sessions

    @Sendable func listSessions(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard case .session(let current, _) = context.credential else { throw AppError.unauthorized }
        let sessions = try await context.db.query(SessionRecord.self).filter(\.$userID == context.userID)
            .filter(\.$stage == SessionStage.active.rawValue).sort(\.$lastSeenAt, .descending).all()
        let rows = sessions.map {
            SessionRow(
                id: $0.id!.uuidString,
                created: JST.format($0.createdAt),
                lastSeen: JST.format($0.lastSeenAt),
                ip: $0.ip,
                userAgent: String($0.userAgent.prefix(80)),
                current: $0.id == current
            )
        }
        return try await Pages.render(
            "account/sessions",
            titleKey: "account.sessions_title",
            page: SessionsPage(sessions: rows),
            request: request,
            context: context,
            notice: request.query[String.self, at: "ended"] != nil ? "account.session_ended" : nil
        )
    }

    @Sendable func endSession(_ request: Request, _ context: TenantContext) async throws -> Response {
        let session = try await context.find(SessionRecord.self, parameter: "sessionID", in: request)
        // A user ends only their own sessions here; admins use the users page.
        guard session.userID == context.userID else { throw AppError.notFound }
        try await context.db.transaction { tx in
            try await tx.delete(session)
            try await context.audit(tx, action: "session.end", targetType: "session", targetID: session.id!.uuidString)
        }
        return request.redirect(to: "/account/sessions?ended=1", redirectType: .normal)
    }
}
