import FluentKit

/// A TOTP secret being enrolled is kept apart from the one in use, so starting a new enrolment never switches
/// the current second factor off.
struct AddPendingTOTPToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("totp_pending_sealed", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("totp_pending_sealed").update()
    }
}
