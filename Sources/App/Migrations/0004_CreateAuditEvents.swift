import FluentKit
import SQLKit

/// The audit trail. The unique (tenant, seq) index makes a fork of the chain impossible.
struct CreateAuditEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_events")
            .id()
            .field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
            .field("seq", .int, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("actor_user_id", .uuid)
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .string, .required)
            .field("ip", .string, .required)
            .field("user_agent", .string, .required)
            .field("result", .string, .required)
            .field("details", .string, .required)
            .field("prev_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "tenant_id", "seq")
            .create()
        try await (database as! any SQLDatabase).create(index: "audit_events_time_idx").on("audit_events")
            .column("tenant_id").column("occurred_at_ms").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
    }
}
