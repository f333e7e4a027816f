import FluentKit
import SQLKit

/// The durable job queue.
struct CreateJobs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("jobs")
            .id()
            .field("tenant_id", .uuid, .references("tenants", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("max_attempts", .int, .required)
            .field("run_at", .datetime, .required)
            .field("locked_by", .string)
            .field("locked_until", .datetime)
            .field("last_error", .string)
            .field("unique_key", .string)
            .field("created_at", .datetime, .required)
            .field("finished_at", .datetime)
            .unique(on: "unique_key")
            .create()
        try await (database as! any SQLDatabase).create(index: "jobs_due_idx").on("jobs")
            .column("status").column("run_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("jobs").delete()
    }
}
