import FluentKit

/// The signed head of each tenant's audit chain, kept on the tenant's row, outside the table it protects.
struct AddAuditHeadToTenants: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per ALTER: SQLite adds one at a time.
        try await database.schema("tenants").field("audit_head_seq", .int).update()
        try await database.schema("tenants").field("audit_head_hash", .string).update()
        try await database.schema("tenants").field("audit_head_mac", .string).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["audit_head_seq", "audit_head_hash", "audit_head_mac"] {
            try await database.schema("tenants").deleteField(.string(column)).update()
        }
    }
}
