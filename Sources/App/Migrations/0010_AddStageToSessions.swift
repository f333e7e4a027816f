import FluentKit

/// A session is `active`, or waits for a second factor, an enrolment or a password change.
struct AddStageToSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sessions").field("stage", .string, .required, .sql(.default("active"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sessions").deleteField("stage").update()
    }
}
