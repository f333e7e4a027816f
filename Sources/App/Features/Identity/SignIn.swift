import Domain
import FluentKit
import Foundation
import SQLKit
import Synchronization
import Vapor

/// Checks credentials, enforces lockout, and opens, advances and closes sessions.
struct SignIn: Sendable {
    let request: Request

    var services: AppServices { request.akinai }

    /// What per-shop and per-account rate limits count a typed tenant code and e-mail by: case and surrounding
    /// spaces do not make a new account.
    static func accountKey(tenant: String?, email: String?) -> (tenant: String, key: String) {
        // The same trimming as EmailAddress, so a line break or other space around the address is no new account.
        let tenant = (tenant ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let email = (email ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return (tenant, tenant + "\n" + email)
    }

    /// Verifies the password and, when it is right and the account is not locked, opens a session at the
    /// step that comes next (second factor, enrolment, password change, or done). Every outcome for a known
    /// tenant is audited. Wrong password, unknown user and locked account give the same answer (nil).
    func attempt(tenant code: String, email: String, password: String) async throws -> String? {
        let found = try await request.tenantDirectory.signIn(tenantCode: code, email: email)
        let address = try? EmailAddress(email)
        let user = found?.2
        // Hash even when there is no such user (or one who cannot sign in: invited, disabled), so the answer takes
        // as long either way.
        let usable = user.flatMap { $0.isActive ? $0.passwordHash : nil }
        let stored: String
        if let usable { stored = usable } else { stored = try await dummyHash() }
        let tooLong = password.count > PasswordPolicy.maximumLength
        let matches = try await verify(password: tooLong ? "" : password, stored: stored)
        guard let (tenant, tdb, _) = found else { return nil }
        let settings = try await tdb.securitySettings()
        let actor = request.auditActor(userID: user?.id, label: address?.rawValue ?? "anonymous")
        let now = services.clock()

        guard let user, user.isActive else {
            try await AuditLog.append(
                tdb,
                actor: actor,
                action: "auth.sign_in",
                targetType: "user",
                targetID: user?.id?.uuidString ?? "",
                result: .failure,
                details: ["reason": user == nil ? "unknown_user" : "not_active"],
                now: now
            )
            return nil
        }
        if user.lockout.isLocked(at: now) {
            try await AuditLog.append(
                tdb,
                actor: actor,
                action: "auth.sign_in",
                targetType: "user",
                targetID: user.id!.uuidString,
                result: .failure,
                details: ["reason": "locked"],
                now: now
            )
            return nil
        }
        guard matches, !tooLong else {
            try await recordFailure(user.id!, tdb: tdb, settings: settings, actor: actor, reason: "bad_password")
            return nil
        }

        let stage = nextStage(
            after: .active,
            user: user,
            settings: settings,
            isOperator: tenant.kind == .operator,
            passwordStep: true
        )
        let rehash = services.passwordHasher.needsRehash(user.passwordHash) ? try await hash(password) : nil
        return try await tdb.transaction { tx -> String? in
            // The lock is checked again here, atomically, after the slow hash: guesses sent in parallel with the
            // right password may have locked the account in the meantime. The failure counter is cleared only
            // when the sign-in is complete, never at the password step of a two-step sign-in.
            guard try await claimUnlocked(tx, userID: user.id!, clearFailures: stage == .active) else {
                try await AuditLog.append(
                    tx,
                    actor: actor,
                    action: "auth.sign_in",
                    targetType: "user",
                    targetID: user.id!.uuidString,
                    result: .failure,
                    details: ["reason": "locked"],
                    now: now
                )
                return nil
            }
            // The password checked is still the user's (a reset or change since would have replaced it), and an
            // upgraded hash replaces only that one: one conditional UPDATE, never a stale write over a new password.
            guard try await tx.keepPassword(userID: user.id!, checked: stored, upgradedTo: rehash) else {
                return nil
            }
            if stage == .active {
                user.lastSignInAt = now
                user.lastSignInIP = request.clientIP
            }
            try await tx.update(user)
            if let previous = request.cookies[SessionPolicy.cookieName]?.string,
                let old = try await tx.query(SessionRecord.self).filter(\.$tokenHash == SecretToken.digest(previous))
                    .first()
            {
                try await tx.delete(old)
            }
            let token = try await open(tx, user: user, stage: stage, settings: settings)
            if stage == .secondFactor, user.secondFactor == .email {
                try await sendEmailCode(tx, user: user)
            }
            try await AuditLog.append(
                tx,
                actor: actor,
                action: stage == .active ? "auth.sign_in" : "auth.password_verified",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: stage == .active ? [:] : ["next": stage.rawValue],
                now: now
            )
            return token
        }
    }

    /// The step after `current`: a second factor if the user has one, enrolment if the tenant requires one,
    /// a password change if the password expired or must change, else done.
    ///
    /// A user whose factor is e-mailed codes after the admin turned them off proves the code once more and must
    /// then set up an authenticator: the code is not accepted as a way in any longer, and the password alone never
    /// reaches enrolment (which would let a password holder choose the second factor).
    func nextStage(
        after current: SessionStage,
        user: UserRecord,
        settings: SecuritySettings,
        isOperator: Bool,
        passwordStep: Bool = false
    )
        -> SessionStage
    {
        if passwordStep, user.secondFactor != .none { return .secondFactor }
        if current == .secondFactor, user.secondFactor == .email, !settings.allowEmailCode {
            return .enrolSecondFactor
        }
        // The operator tenant always requires a second factor: its users reach every shop's operations.
        let required = settings.requireTwoFactor || isOperator
        if passwordStep || current == .secondFactor, user.secondFactor == .none, required {
            return .enrolSecondFactor
        }
        let expired =
            settings.passwordExpiryDays > 0
            && services.clock().timeIntervalSince(user.passwordChangedAt) > Double(settings.passwordExpiryDays) * 86400
        if user.mustChangePassword || expired { return .changePassword }
        return .active
    }

    /// Counts a failed password or code against the account, locking it at the threshold. Audited. Returns
    /// whether the account is locked now.
    ///
    /// The count is one atomic `UPDATE … SET failed_attempts = failed_attempts + 1 … RETURNING`, so guesses sent
    /// in parallel are each counted; the lock is set in the same transaction, under the row's lock.
    @discardableResult
    func recordFailure(
        _ userID: UUID,
        tdb: TenantDatabase,
        settings: SecuritySettings,
        actor: AuditActor,
        reason: String,
        endAllSessionsOnLock: Bool = false
    ) async throws -> Bool {
        let now = services.clock()
        let policy = settings.lockout
        let windowFloor = now.addingTimeInterval(-policy.window)
        return try await tdb.transaction { tx in
            let counted = try await tx.sql.all(
                """
                UPDATE users SET
                    failed_attempts = CASE WHEN failure_window_start > \(bind: windowFloor)
                        THEN failed_attempts + 1 ELSE 1 END,
                    failure_window_start = CASE WHEN failure_window_start > \(bind: windowFloor)
                        THEN failure_window_start ELSE \(bind: now) END
                WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: userID)
                  AND locked_indefinitely = \(bind: false) AND (locked_until IS NULL OR locked_until <= \(bind: now))
                RETURNING failed_attempts
                """
            )
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "auth.sign_in",
                targetType: "user",
                targetID: userID.uuidString,
                result: .failure,
                details: ["reason": counted.isEmpty ? "locked" : reason],
                now: now
            )
            guard let row = counted.first else { return true }
            guard try row.decode(column: "failed_attempts", as: Int.self) >= policy.threshold else { return false }
            let until = policy.duration.map { now.addingTimeInterval($0) }
            if let until {
                try await tx.sql.run(
                    """
                    UPDATE users SET failed_attempts = 0, failure_window_start = NULL, locked_until = \(bind: until)
                    WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: userID)
                    """
                )
            } else {
                try await tx.sql.run(
                    """
                    UPDATE users SET failed_attempts = 0, failure_window_start = NULL,
                        locked_indefinitely = \(bind: true)
                    WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: userID)
                    """
                )
            }
            let sessions = tx.query(SessionRecord.self).filter(\.$userID == userID)
            if !endAllSessionsOnLock { sessions.filter(\.$stage != SessionStage.active.rawValue) }
            try await sessions.delete()
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "auth.lock",
                targetType: "user",
                targetID: userID.uuidString,
                result: .denied,
                details: [
                    "until": until.map(JST.format) ?? "admin unlock",
                    "failures": String(settings.lockoutThreshold),
                ],
                now: now
            )
            return true
        }
    }

    /// Inside a transaction: true if the account is not locked now (and then, on PostgreSQL, its row stays
    /// locked until the transaction ends, so no failure can be counted in between). With `clearFailures` the
    /// failure count starts again from zero (a complete sign-in).
    func claimUnlocked(_ tx: TenantDatabase, userID: UUID, clearFailures: Bool) async throws -> Bool {
        let now = services.clock()
        let set: SQLQueryString =
            clearFailures
            ? "failed_attempts = 0, failure_window_start = NULL, locked_until = NULL"
            : "failed_attempts = failed_attempts"
        return try await !tx.sql.all(
            """
            UPDATE users SET \(set)
            WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: userID)
              AND locked_indefinitely = \(bind: false) AND (locked_until IS NULL OR locked_until <= \(bind: now))
            RETURNING id
            """
        ).isEmpty
    }

    /// Asks a signed-in user for their password again before a sensitive change (password, second factor).
    /// Rate-limited per address and per account, and a wrong password counts towards the lockout like one at
    /// sign-in; reaching the lock ends every session of the account.
    func reauthenticate(_ context: TenantContext, user: UserRecord, password: String) async throws -> Bool {
        try await request.countAttempt(services.rateLimits.secondFactor)
        try await request.countAttempt(services.rateLimits.secondFactor, .account(user.id!.uuidString))
        let settings = try await context.db.securitySettings()
        guard !user.lockout.isLocked(at: services.clock()), password.count <= PasswordPolicy.maximumLength,
            try await verify(password: password, stored: user.passwordHash)
        else {
            try await recordFailure(
                user.id!,
                tdb: context.db,
                settings: settings,
                actor: context.actor,
                reason: "bad_current_password",
                endAllSessionsOnLock: true
            )
            return false
        }
        return true
    }

    /// Inserts a new session at `stage` and returns its cookie token.
    func open(
        _ tx: TenantDatabase,
        user: UserRecord,
        stage: SessionStage,
        settings: SecuritySettings
    ) async throws -> String {
        let now = services.clock()
        let token = SecretToken.generate(bytes: 32)
        let session = SessionRecord(
            tokenHash: SecretToken.digest(token),
            tenantID: tx.tenantID,
            userID: user.id!,
            csrfToken: SecretToken.generate(bytes: 24),
            now: now,
            expiresAt: now.addingTimeInterval(SessionPolicy(settings).absoluteTimeout),
            ip: request.clientIP,
            userAgent: String((request.headers.first(name: .userAgent) ?? "").prefix(300))
        )
        session.stage = stage.rawValue
        try await tx.create(session)
        return token
    }

    /// Moves the current session on to `stage` under a new id (the id rotates at each step of signing in),
    /// and returns the new cookie token.
    func advance(_ context: TenantContext, user: UserRecord, to stage: SessionStage) async throws -> String {
        guard case .session(let id, _) = context.credential else { throw AppError.unauthorized }
        let settings = try await context.db.securitySettings()
        let now = services.clock()
        return try await context.db.transaction { tx in
            guard try await claimUnlocked(tx, userID: user.id!, clearFailures: stage == .active) else {
                throw AppError.unauthorized
            }
            if let old = try await tx.find(SessionRecord.self, id) { try await tx.delete(old) }
            if stage == .active {
                user.lastSignInAt = now
                user.lastSignInIP = request.clientIP
                try await tx.update(user)
                try await context.audit(tx, action: "auth.sign_in", targetType: "user", targetID: user.id!.uuidString)
            }
            let token = try await open(tx, user: user, stage: stage, settings: settings)
            if stage == .secondFactor, user.secondFactor == .email { try await sendEmailCode(tx, user: user) }
            return token
        }
    }

    /// Mails a fresh six-digit sign-in code, valid 10 minutes; earlier unused codes stop working.
    ///
    /// The user's row is locked first (PostgreSQL): of two resends at once, the second revokes the first's code,
    /// so never two codes work at the same time.
    func sendEmailCode(_ tx: TenantDatabase, user: UserRecord) async throws {
        let now = services.clock()
        try await tx.lockUserRow(user.id!)
        try await tx.query(UserTokenRecord.self).filter(\.$userID == user.id!)
            .filter(\.$purpose == .emailCode).filter(\.$usedAt == nil)
            .set(\.$usedAt, to: now).update()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        try await tx.create(
            UserTokenRecord(
                tenantID: tx.tenantID,
                userID: user.id!,
                purpose: .emailCode,
                tokenHash: SecretHash.of("\(user.id!):\(code)", purpose: "email-code", services: services),
                now: now,
                lifetime: 600
            )
        )
        try await MailOutbox.enqueue(
            tx,
            services: services,
            to: user.email,
            mail: MailTexts.emailCode(code: code)
        )
    }

    /// Ends the session of this request's cookie, if any.
    func end(_ context: TenantContext) async throws {
        guard case .session(let id, _) = context.credential else { return }
        try await context.db.transaction { tx in
            if let session = try await tx.find(SessionRecord.self, id) { try await tx.delete(session) }
            try await context.audit(
                tx,
                action: "auth.sign_out",
                targetType: "user",
                targetID: context.userID.uuidString
            )
        }
    }

    /// The session cookie carrying `token` (or clearing it when nil).
    func cookie(_ token: String?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token ?? "",
            expires: token == nil ? Date(timeIntervalSince1970: 0) : nil,
            path: "/",
            isSecure: services.config.servedOverTLS,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    func hash(_ password: String) async throws -> String {
        try await services.passwordWork.hash(password, with: services.passwordHasher)
    }

    func verify(password: String, stored: String) async throws -> Bool {
        try await services.passwordWork.verify(password, against: stored, with: services.passwordHasher)
    }

    private static let dummies = Mutex<[Int: String]>([:])

    /// A hash of a random password with the current parameters, made once per process (on the password threads).
    func dummyHash() async throws -> String {
        let logN = services.passwordHasher.logN
        if let cached = Self.dummies.withLock({ $0[logN] }) { return cached }
        let made = try await hash(SecretToken.generate())
        Self.dummies.withLock { $0[logN] = made }
        return made
    }
}
