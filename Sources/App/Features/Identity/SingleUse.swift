import FluentKit
import Foundation
import SQLKit

/// Secrets that work once — mailed links, e-mailed codes, recovery codes, TOTP time steps — are used up by one
/// conditional `UPDATE … WHERE <still unused> RETURNING`. Of any number of concurrent uses exactly one gets a
/// row back; there is no read-then-write window on either database.
extension TenantDatabase {
    /// Uses up the mailed link or code `id` if it is unused and unexpired.
    func consumeUserToken(id: UUID, now: Date) async throws -> Bool {
        try await !sql.all(
            """
            UPDATE user_tokens SET used_at = \(bind: now)
            WHERE tenant_id = \(bind: tenantID) AND id = \(bind: id) AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING id
            """
        ).isEmpty
    }

    /// Uses up the user's unused, unexpired token of `purpose` whose hash is `tokenHash` (an e-mailed code).
    func consumeUserToken(
        userID: UUID,
        purpose: UserTokenRecord.Purpose,
        tokenHash: String,
        now: Date
    ) async throws -> Bool {
        try await !sql.all(
            """
            UPDATE user_tokens SET used_at = \(bind: now)
            WHERE tenant_id = \(bind: tenantID) AND user_id = \(bind: userID) AND purpose = \(bind: purpose.rawValue)
              AND token_hash = \(bind: tokenHash) AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING id
            """
        ).isEmpty
    }

    /// Makes every unused token of `purpose` of the user unusable (a newer one replaces them, or the password
    /// changed and older reset links must stop working).
    func revokeUserTokens(userID: UUID, purpose: UserTokenRecord.Purpose, now: Date) async throws {
        try await sql.run(
            """
            UPDATE user_tokens SET used_at = \(bind: now)
            WHERE tenant_id = \(bind: tenantID) AND user_id = \(bind: userID) AND purpose = \(bind: purpose.rawValue)
              AND used_at IS NULL
            """
        )
    }

    /// Makes every unused mailed link and code of the user unusable, whatever its purpose (the user was disabled
    /// or removed).
    func revokeAllUserTokens(userID: UUID, now: Date) async throws {
        try await sql.run(
            """
            UPDATE user_tokens SET used_at = \(bind: now)
            WHERE tenant_id = \(bind: tenantID) AND user_id = \(bind: userID) AND used_at IS NULL
            """
        )
    }

    /// Turns an invited user active, only if still invited: an admin who disabled the user meanwhile wins.
    func activateInvitedUser(_ userID: UUID) async throws {
        try await sql.run(
            """
            UPDATE users SET status = 'active'
            WHERE tenant_id = \(bind: tenantID) AND id = \(bind: userID) AND status = 'invited'
            """
        )
    }

    /// Whether the user's password hash is still `checked`, replacing it with `upgraded` (the same password under
    /// the current cost) when given; false when the password changed since it was checked.
    func keepPassword(userID: UUID, checked: String, upgradedTo upgraded: String?) async throws -> Bool {
        try await !sql.all(
            """
            UPDATE users SET password_hash = \(bind: upgraded ?? checked)
            WHERE tenant_id = \(bind: tenantID) AND id = \(bind: userID) AND password_hash = \(bind: checked)
            RETURNING id
            """
        ).isEmpty
    }

    /// Uses up one of the user's recovery codes.
    func consumeRecoveryCode(userID: UUID, codeHash: String, now: Date) async throws -> Bool {
        try await !sql.all(
            """
            UPDATE recovery_codes SET used_at = \(bind: now)
            WHERE tenant_id = \(bind: tenantID) AND user_id = \(bind: userID) AND code_hash = \(bind: codeHash)
              AND used_at IS NULL
            RETURNING id
            """
        ).isEmpty
    }

    /// Records TOTP time step `step` as used if no step at or after it was used: a code is accepted once, and
    /// never after a later one.
    func acceptTOTPStep(userID: UUID, step: Int64) async throws -> Bool {
        try await !sql.all(
            """
            UPDATE users SET totp_last_step = \(bind: step)
            WHERE tenant_id = \(bind: tenantID) AND id = \(bind: userID)
              AND (totp_last_step IS NULL OR totp_last_step < \(bind: step))
            RETURNING id
            """
        ).isEmpty
    }
}
