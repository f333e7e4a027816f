import FluentKit
import SQLKit

/// Lockout counters, second factors, password history and forced changes on users.
struct AddSignInControlsToUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let columns: [(String, DatabaseSchema.DataType, [DatabaseSchema.FieldConstraint])] = [
            ("failed_attempts", .int, [.required, .sql(.default(0))]),
            ("failure_window_start", .datetime, []),
            ("locked_until", .datetime, []),
            ("locked_indefinitely", .bool, [.required, .sql(.default(false))]),
            ("second_factor", .string, [.required, .sql(.default("none"))]),
            ("totp_secret_sealed", .string, []),
            ("totp_last_step", .int64, []),
            ("password_history", .string, [.required, .sql(.default("[]"))]),
            ("must_change_password", .bool, [.required, .sql(.default(false))]),
        ]
        // SQLite adds one column per ALTER TABLE.
        for (name, type, constraints) in columns {
            try await database.schema("users").field(
                .definition(name: .key(.string(name)), dataType: type, constraints: constraints)
            ).update()
        }
    }

    func revert(on database: any Database) async throws {
        for name in [
            "failed_attempts", "failure_window_start", "locked_until", "locked_indefinitely", "second_factor",
            "totp_secret_sealed", "totp_last_step", "password_history", "must_change_password",
        ] {
            try await database.schema("users").deleteField(.string(name)).update()
        }
    }
}
