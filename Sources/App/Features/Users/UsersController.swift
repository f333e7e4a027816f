import Domain
import FluentKit
import SQLKit
import Vapor

/// The tenant admin's user management: add, change role, disable, enable, remove.
struct UsersController {
    /// One row of the users table.
    struct UserRow: Encodable, Sendable {
        let id: String
        let email: String
        let name: String
        let role: String
        let status: String
        let active: Bool
        let locked: Bool
        let secondFactor: String
        let lastSignIn: String?
        let isSelf: Bool
    }

    /// The users page.
    struct UsersPage: Encodable, Sendable {
        let users: [UserRow]
        let roles: [String]
    }

    /// The invitation form.
    struct InviteForm: Content {
        var email: String?
        var name: String?
        var role: String?
    }

    /// The change-role form.
    struct RoleForm: Content {
        var role: String?
    }

    func register(tenant: TenantRoutes) {
        let users = tenant.grouped("settings", "users")
        users.get(requires: .settings, .read, use: list)
        users.post(requires: .settings, use: invite)
        users.post(":userID", "unlock", requires: .settings, use: unlock)
        users.post(":userID", "sessions", "end", requires: .settings, use: endSessions)
        users.post(":userID", "role", requires: .settings, use: changeRole)
        users.post(":userID", "disable", requires: .settings) { try await setStatus($0, $1, active: false) }
        users.post(":userID", "enable", requires: .settings) { try await setStatus($0, $1, active: true) }
        users.post(":userID", "remove", requires: .settings, use: remove)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await render(request, context, notice: request.query[String.self, at: "notice"].map { "users.\($0)" })
    }

    private func render(
        _ request: Request,
        _ context: TenantContext,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        let cipher = try await context.services.keyStore.cipher(context.db)
        let users = try await context.db.query(UserRecord.self).sort(\.$email).all()
        let rows = users.map { user in
            UserRow(
                id: user.id!.uuidString,
                email: user.email,
                name: (try? cipher.open(user.nameSealed, user.nameContext)) ?? "—",
                role: user.role.rawValue,
                status: user.status.rawValue,
                active: user.isActive,
                locked: user.lockout.isLocked(at: context.now),
                secondFactor: user.secondFactor.rawValue,
                lastSignIn: user.lastSignInAt.map { JST.format($0) + (user.lastSignInIP.map { " (\($0))" } ?? "") },
                isSelf: user.id == context.userID
            )
        }
        return try await Pages.render(
            "users/index",
            titleKey: "users.title",
            page: UsersPage(users: rows, roles: Role.allCases.map(\.rawValue)),
            request: request,
            context: context,
            status: status,
            notice: notice,
            error: error
        )
    }

    @Sendable func invite(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(InviteForm.self)
        let email: EmailAddress
        let name: DisplayName
        guard let role = Role(rawValue: form.role ?? "") else {
            return try await render(request, context, status: .unprocessableEntity, error: "error.role_invalid")
        }
        do {
            email = try EmailAddress(form.email ?? "")
            name = try DisplayName(form.name ?? "")
        } catch {
            return try await render(request, context, status: .unprocessableEntity, error: "error.\(error.reason)")
        }
        if try await context.db.query(UserRecord.self).filter(\.$email == email.rawValue).first() != nil {
            return try await render(request, context, status: .conflict, error: "error.email_taken")
        }
        try await context.db.transaction { tx in
            _ = try await InvitationController.invite(
                tx,
                context: context,
                email: email,
                name: name.rawValue,
                role: role
            )
        }
        return request.redirect(to: "/settings/users?notice=invited", redirectType: .normal)
    }

    @Sendable func unlock(_ request: Request, _ context: TenantContext) async throws -> Response {
        let user = try await context.find(UserRecord.self, parameter: "userID", in: request)
        var lockout = user.lockout
        lockout.reset()
        user.lockout = lockout
        try await context.db.transaction { tx in
            try await tx.update(user)
            try await context.audit(
                tx,
                action: "user.unlock",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: ["email": user.email]
            )
        }
        return request.redirect(to: "/settings/users?notice=updated", redirectType: .normal)
    }

    @Sendable func endSessions(_ request: Request, _ context: TenantContext) async throws -> Response {
        let user = try await context.find(UserRecord.self, parameter: "userID", in: request)
        try await context.db.transaction { tx in
            try await tx.query(SessionRecord.self).filter(\.$userID == user.id!).delete()
            try await context.audit(
                tx,
                action: "session.end_all",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: ["email": user.email]
            )
        }
        return request.redirect(to: "/settings/users?notice=updated", redirectType: .normal)
    }

    @Sendable func changeRole(_ request: Request, _ context: TenantContext) async throws -> Response {
        let user = try await context.find(UserRecord.self, parameter: "userID", in: request)
        guard let role = Role(rawValue: try request.content.decode(RoleForm.self).role ?? "") else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.role_invalid")
        }
        let old = user.role
        try await context.db.transaction { tx in
            try await guardNotSelfOrLastAdmin(user, context, tx)
            user.role = role
            try await tx.update(user)
            try await context.audit(
                tx,
                action: "user.role_change",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: ["email": user.email, "old": old.rawValue, "new": role.rawValue]
            )
        }
        return request.redirect(to: "/settings/users?notice=updated", redirectType: .normal)
    }

    func setStatus(_ request: Request, _ context: TenantContext, active: Bool) async throws -> Response {
        let user = try await context.find(UserRecord.self, parameter: "userID", in: request)
        try await context.db.transaction { tx in
            if !active { try await guardNotSelfOrLastAdmin(user, context, tx) }
            user.status = active ? .active : .disabled
            try await tx.update(user)
            if !active { try await endAccess(of: user, tx, now: context.now) }
            try await context.audit(
                tx,
                action: active ? "user.enable" : "user.disable",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: ["email": user.email]
            )
        }
        return request.redirect(to: "/settings/users?notice=updated", redirectType: .normal)
    }

    @Sendable func remove(_ request: Request, _ context: TenantContext) async throws -> Response {
        let user = try await context.find(UserRecord.self, parameter: "userID", in: request)
        try await context.db.transaction { tx in
            try await guardNotSelfOrLastAdmin(user, context, tx)
            try await endAccess(of: user, tx, now: context.now)
            try await tx.delete(user)
            try await context.audit(
                tx,
                action: "user.remove",
                targetType: "user",
                targetID: user.id!.uuidString,
                details: ["email": user.email]
            )
        }
        return request.redirect(to: "/settings/users?notice=removed", redirectType: .normal)
    }

    /// Ends every session and revokes every API token, mailed link and code of `user`, at once.
    private func endAccess(of user: UserRecord, _ tx: TenantDatabase, now: Date) async throws {
        try await tx.query(SessionRecord.self).filter(\.$userID == user.id!).delete()
        try await tx.revokeAllUserTokens(userID: user.id!, now: now)
        try await tx.query(APITokenRecord.self).filter(\.$userID == user.id!).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
    }

    /// An admin cannot lock themselves out, and the tenant always keeps an active admin. Checked inside the
    /// change's transaction with the active admins' rows locked (PostgreSQL; on SQLite the single writer), so two
    /// admins demoting each other at once cannot both pass the count and leave the shop without one: the second
    /// waits, and then no longer counts the first.
    private func guardNotSelfOrLastAdmin(
        _ user: UserRecord,
        _ context: TenantContext,
        _ tx: TenantDatabase
    )
        async throws
    {
        if user.id == context.userID { throw AppError.conflict("cannot_change_self") }
        let lock: SQLQueryString = tx.isSQLite ? "" : "ORDER BY id FOR NO KEY UPDATE"
        let admins = try await tx.sql.all(
            """
            SELECT id FROM users WHERE tenant_id = \(bind: tx.tenantID) AND role = \(bind: Role.admin.rawValue)
              AND status = 'active' \(lock)
            """
        ).map { try $0.decode(column: "id", as: UUID.self) }
        if admins.contains(user.id!), admins.count <= 1 { throw AppError.conflict("last_admin") }
    }
}
