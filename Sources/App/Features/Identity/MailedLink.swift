import Domain
import FluentKit
import Vapor

/// Links mailed to a user (invitations, resets): resolved by the hash of their token, usable once, until
/// they expire. An unknown, used or expired link answers 404 — the same for each.
enum MailedLink {
    static func resolve(
        _ request: Request,
        purpose: UserTokenRecord.Purpose
    ) async throws -> (UserTokenRecord, UserRecord, TenantDatabase) {
        guard let raw = request.parameters.get("token"),
            let (token, tdb) = try await request.tenantDirectory.mailedToken(tokenHash: SecretToken.digest(raw)),
            token.purpose == purpose, token.isUsable(at: request.akinai.clock()),
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
        // Each try of a new password costs up to 24 hashes (the password history): counted per address and per
        // account, like re-entered passwords.
        try await request.countAttempt(request.akinai.rateLimits.secondFactor)
        try await request.countAttempt(request.akinai.rateLimits.secondFactor, .account(user.id!.uuidString))
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
            // The user's row first, as disabling a user and changing a password do, so none of them deadlocks
            // with another over the user's row and link rows.
            try await tx.lockUserRow(user.id!)
            // Use the link up first, in one conditional UPDATE: of concurrent submissions exactly one wins.
            guard try await tx.consumeUserToken(id: token.id!, now: now) else {
                throw AppError(.notFound, code: "link_invalid")
            }
            PasswordRules.apply(hash, to: user, settings: settings, now: now)
            try await tx.update(user)
            try await tx.activateInvitedUser(user.id!)
            // A new password ends every session and makes every other reset link of the user worthless.
            try await tx.query(SessionRecord.self).filter(\.$userID == user.id!).delete()
            try await tx.revokeUserTokens(userID: user.id!, purpose: .passwordReset, now: now)
            try await AuditLog.append(
                tx,
                actor: actor,
                action: action,
                targetType: "user",
                targetID: user.id!.uuidString,
                now: now
            )
            try await MailOutbox.enqueue(
                tx,
                services: services,
                to: user.email,
                mail: MailTexts.passwordChanged(email: user.email, at: now, ip: request.clientIP)
            )
        }
        return request.redirect(to: "/login?password_set=1", redirectType: .normal)
    }
}
