import Domain
import FluentKit
import Foundation
import Synchronization
import Vapor

/// Checks credentials and opens and closes sessions.
struct SignIn: Sendable {
    let request: Request

    /// What a successful sign-in hands back: the cookie value to set.
    struct Opened: Sendable {
        let token: String
        let tenantID: UUID
    }

    /// Verifies the credentials and, when they are right, opens a new session (rotating away any session the
    /// browser had). Every outcome for a known tenant is audited. The failure is the same whatever was wrong.
    func attempt(tenant code: String, email: String, password: String) async throws -> Opened? {
        let services = request.akinai
        let directory = request.tenantDirectory
        let tenant: TenantRecord? =
            if let code = try? TenantCode(code) { try await directory.activeTenant(code: code.rawValue) } else { nil }
        let address = try? EmailAddress(email)
        var user: UserRecord?
        if let tenant, let address {
            user = try await directory.tenantDatabase(tenant.id!).query(UserRecord.self)
                .filter(\.$email == address.rawValue).first()
        }
        // Hash even when there is no such user, so the answer takes as long either way.
        let stored = user?.passwordHash ?? Self.dummyHash(services.passwordHasher)
        let tooLong = password.count > PasswordPolicy.maximumLength
        let matches = try await verify(password: tooLong ? "" : password, stored: stored)
        guard let tenant else { return nil }
        let tdb = directory.tenantDatabase(tenant.id!)
        let actor = request.auditActor(userID: user?.id, label: address?.rawValue ?? "anonymous")
        let now = services.clock()
        guard let user, matches, !tooLong, user.isActive else {
            try await AuditLog.append(
                tdb,
                actor: actor,
                action: "auth.sign_in",
                targetType: "user",
                targetID: user?.id?.uuidString ?? "",
                result: .failure,
                details: ["reason": user == nil ? "unknown_user" : (user!.isActive ? "bad_password" : "disabled")],
                now: now
            )
            return nil
        }
        let token = SecretToken.generate(bytes: 32)
        let policy = SessionPolicy()
        let previous = request.cookies[SessionPolicy.cookieName]?.string
        let rehash = services.passwordHasher.needsRehash(user.passwordHash) ? try await hash(password) : nil
        let ip = request.clientIP
        let agent = String((request.headers.first(name: .userAgent) ?? "").prefix(300))
        try await tdb.transaction { tx in
            if let previous,
                let old = try await tx.query(SessionRecord.self)
                    .filter(\.$tokenHash == SecretToken.digest(previous)).first()
            {
                try await tx.delete(old)
            }
            try await tx.create(
                SessionRecord(
                    tokenHash: SecretToken.digest(token),
                    tenantID: tx.tenantID,
                    userID: user.id!,
                    csrfToken: SecretToken.generate(bytes: 24),
                    now: now,
                    expiresAt: now.addingTimeInterval(policy.absoluteTimeout),
                    ip: ip,
                    userAgent: agent
                )
            )
            user.lastSignInAt = now
            user.lastSignInIP = ip
            if let rehash { user.passwordHash = rehash }
            try await tx.update(user)
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "auth.sign_in",
                targetType: "user",
                targetID: user.id!.uuidString,
                now: now
            )
        }
        return Opened(token: token, tenantID: tenant.id!)
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
            isSecure: request.akinai.config.servedOverTLS,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    func hash(_ password: String) async throws -> String {
        let hasher = request.akinai.passwordHasher
        return try await request.application.threadPool.runIfActive { try hasher.hash(password) }
    }

    private func verify(password: String, stored: String) async throws -> Bool {
        let hasher = request.akinai.passwordHasher
        return try await request.application.threadPool.runIfActive {
            (try? hasher.verify(password, against: stored)) ?? false
        }
    }

    private static let dummies = Mutex<[Int: String]>([:])

    /// A hash of a random password with the current parameters, made once per process.
    static func dummyHash(_ hasher: ScryptHasher) -> String {
        if let cached = dummies.withLock({ $0[hasher.logN] }) { return cached }
        let made = (try? hasher.hash(SecretToken.generate())) ?? "$scrypt$ln=10,r=8,p=1$AAAA$AAAA"
        dummies.withLock { $0[hasher.logN] = made }
        return made
    }
}
