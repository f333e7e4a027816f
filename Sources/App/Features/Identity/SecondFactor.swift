import Domain
import FluentKit
import Foundation

/// Checks a second factor: a TOTP code (each accepted once), a recovery code (each usable once), or an
/// e-mailed code (valid 10 minutes, usable once).
enum SecondFactor {
    static func verify(_ typed: String, user: UserRecord, context: TenantContext) async throws -> Bool {
        let services = context.services
        let now = context.now
        switch user.secondFactor {
        case .totp:
            if let sealed = user.totpSecretSealed {
                let cipher = try await services.keyStore.cipher(context.db)
                if let secret = Base32.decode(try cipher.open(sealed, user.totpContext)),
                    let step = TOTP(secret: secret).verify(typed, at: now, lastUsedStep: user.totpLastStep)
                {
                    // The step is claimed atomically: the same code sent twice at once signs in once.
                    return try await context.db.acceptTOTPStep(userID: user.id!, step: step)
                }
            }
            let normalized = RecoveryCodes.normalize(typed)
            guard normalized.count == 8 else { return false }
            let hash = SecretHash.of("\(user.id!):\(normalized)", purpose: "recovery-code", services: services)
            return try await context.db.transaction { tx in
                guard try await tx.consumeRecoveryCode(userID: user.id!, codeHash: hash, now: now) else { return false }
                try await context.audit(
                    tx,
                    action: "auth.recovery_code_used",
                    targetType: "user",
                    targetID: user.id!.uuidString
                )
                return true
            }
        case .email:
            let digits = typed.filter(\.isNumber)
            let hash = SecretHash.of("\(user.id!):\(digits)", purpose: "email-code", services: services)
            guard digits.count == 6 else { return false }
            return try await context.db.consumeUserToken(
                userID: user.id!,
                purpose: .emailCode,
                tokenHash: hash,
                now: now
            )
        default:
            return false
        }
    }
}
