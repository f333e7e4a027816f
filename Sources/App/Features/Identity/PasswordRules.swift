import Domain
import Foundation

/// Applies the tenant's password policy to a new password of `user`, with the common-password list, the
/// words it may not contain, and the history of earlier passwords.
enum PasswordRules {
    static func check(
        _ password: String,
        user: UserRecord?,
        email: String,
        tdb: TenantDatabase,
        services: AppServices
    ) async throws -> FieldError? {
        let settings = try await tdb.securitySettings()
        let tenant = try await tdb.tenantRecord()
        let context = PasswordPolicy.Context(
            tenantCode: tenant?.code ?? "",
            shopName: tenant?.name ?? "",
            emailLocalPart: (try? EmailAddress(email))?.localPart ?? ""
        )
        do {
            try settings.passwordPolicy.check(password, context: context, isCommon: services.commonPasswords.contains)
        } catch {
            return error
        }
        if let user, settings.passwordHistory > 0 {
            let earlier = [user.passwordHash] + user.previousHashes.prefix(settings.passwordHistory - 1)
            for stored in earlier
            where try await services.passwordWork.verify(password, against: stored, with: services.passwordHasher) {
                return FieldError(field: "password", reason: "password_reused")
            }
        }
        return nil
    }

    /// Sets a new password on `user`: keeps the history, clears forced changes and the lockout.
    static func apply(_ hash: String, to user: UserRecord, settings: SecuritySettings, now: Date) {
        if settings.passwordHistory > 0 {
            user.previousHashes = Array(([user.passwordHash] + user.previousHashes).prefix(24))
        }
        user.passwordHash = hash
        user.passwordChangedAt = now
        user.mustChangePassword = false
        var lockout = user.lockout
        lockout.reset()
        user.lockout = lockout
    }
}
