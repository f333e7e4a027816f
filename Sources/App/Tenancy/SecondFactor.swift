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
        case "totp":
            if let sealed = user.totpSecretSealed {
                let cipher = try await services.keyStore.cipher(context.db)
                if let secret = Base32.decode(try cipher.open(sealed, user.totpContext)),
                    let step = TOTP(secret: secret).verify(typed, at: now, lastUsedStep: user.totpLastStep)
                {
                    user.totpLastStep = step
                    try await context.db.update(user)
                    return true
                }
            }
            let normalized = RecoveryCodes.normalize(typed)
            guard normalized.count == 8 else { return false }
            let hash = SecretHash.of("\(user.id!):\(normalized)", purpose: "recovery-code", services: services)
            guard
                let code = try await context.db.query(RecoveryCodeRecord.self).filter(\.$userID == user.id!)
                    .filter(\.$codeHash == hash).filter(\.$usedAt == nil).first()
            else { return false }
            code.usedAt = now
            try await context.db.transaction { tx in
                try await tx.update(code)
                try await context.audit(
                    tx,
                    action: "auth.recovery_code_used",
                    targetType: "user",
                    targetID: user.id!.uuidString
                )
            }
            return true
        case "email":
            let digits = typed.filter(\.isNumber)
            let hash = SecretHash.of("\(user.id!):\(digits)", purpose: "email-code", services: services)
            guard digits.count == 6,
                let token = try await context.db.query(UserTokenRecord.self).filter(\.$userID == user.id!)
                    .filter(\.$purpose == UserTokenRecord.Purpose.emailCode.rawValue).filter(\.$tokenHash == hash)
                    .first(),
                token.isUsable(at: now)
            else { return false }
            token.usedAt = now
            try await context.db.update(token)
            return true
        default:
            return false
        }
    }
}
