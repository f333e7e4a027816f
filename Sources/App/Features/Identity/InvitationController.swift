import Domain
import FluentKit
import Vapor

/// The invitee's side of an invitation: the mailed link (single use, at most 24 hours) opens a page where
/// they choose their own password. The admin never sees it.
struct InvitationController {
    static let lifetime: TimeInterval = 24 * 3600

    func register(public routes: any RoutesBuilder) {
        routes.get("invitation", ":token", use: show)
        routes.post("invitation", ":token", use: accept)
    }

    @Sendable func show(_ request: Request) async throws -> Response {
        let (_, user, _) = try await MailedLink.resolve(request, purpose: .invitation)
        return try await PreSessionCSRF.render("auth/new_password", titleKey: "invitation.title", request: request) {
            PasswordResetController.NewPasswordPage(csrf: $0, action: request.url.path, email: user.email)
        }
    }

    @Sendable func accept(_ request: Request) async throws -> Response {
        let (token, user, tdb) = try await MailedLink.resolve(request, purpose: .invitation)
        return try await MailedLink.setPassword(
            request,
            token: token,
            user: user,
            tdb: tdb,
            titleKey: "invitation.title",
            action: "user.invitation_accept"
        )
    }

    /// Creates the invited user (unable to sign in until they set a password), the link and its mail, in one
    /// transaction.
    static func invite(
        _ tx: TenantDatabase,
        context: TenantContext,
        email: EmailAddress,
        name: String,
        role: Role
    ) async throws -> UserRecord {
        let services = context.services
        let now = context.now
        // No password works until the invitee sets one: a value that is no hash matches nothing (and costs no
        // scrypt run inside this transaction, which on SQLite holds the write lock of every shop).
        let unusable = "!invited:" + SecretToken.generate(bytes: 16)
        let user = try await UserProvisioning.create(
            tx,
            services: services,
            email: email,
            name: name,
            role: role,
            passwordHash: unusable
        )
        user.status = .invited
        try await tx.update(user)
        let token = SecretToken.generate(bytes: 32)
        try await tx.create(
            UserTokenRecord(
                tenantID: tx.tenantID,
                userID: user.id!,
                purpose: .invitation,
                tokenHash: SecretToken.digest(token),
                now: now,
                lifetime: lifetime
            )
        )
        try await MailOutbox.enqueue(
            tx,
            services: services,
            to: email.rawValue,
            mail: MailTexts.invitation(
                shop: context.tenantName,
                inviter: context.userEmail,
                link: services.config.publicBaseURL + "/invitation/" + token,
                expires: now.addingTimeInterval(lifetime)
            )
        )
        try await context.audit(
            tx,
            action: "user.invite",
            targetType: "user",
            targetID: user.id!.uuidString,
            details: ["email": email.rawValue, "role": role.rawValue]
        )
        return user
    }
}
