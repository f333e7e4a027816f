import FluentKit
import Foundation
import SQLKit

/// Row locks (PostgreSQL) that make one kind of change run one at a time per row, taken before reading what the
/// change is computed from. On SQLite write transactions run one at a time already, so each is a no-op there.
/// `FOR NO KEY UPDATE`: inserts that reference these rows hold key-share locks, which this does not wait for.
extension TenantDatabase {
    /// On PostgreSQL, locks the user's row until the transaction ends, so that work which replaces something of
    /// the user's (a fresh e-mailed code) runs one at a time per user; on SQLite the single writer already does.
    func lockUserRow(_ userID: UUID) async throws {
        guard !isSQLite else { return }
        try await sql.run(
            "SELECT id FROM users WHERE tenant_id = \(bind: tenantID) AND id = \(bind: userID) FOR NO KEY UPDATE"
        )
    }

    /// On PostgreSQL, locks SKU rows in id order until the transaction ends (SQLite: the single writer), so what
    /// is computed from them and their stock (channel stock, a bulk edit) is computed from figures read after
    /// every earlier writer committed.
    func lockSKURows(_ ids: [UUID]) async throws {
        guard !isSQLite, !ids.isEmpty else { return }
        let sorted = Array(Set(ids)).sorted { $0.uuidString < $1.uuidString }
        try await sql.run(
            """
            SELECT id FROM skus WHERE tenant_id = \(bind: tenantID) AND id IN (\(binds: sorted))
            ORDER BY id FOR NO KEY UPDATE
            """
        )
    }

    /// On PostgreSQL, locks the tenant's settings row until the transaction ends (SQLite: the single writer).
    func lockSettingsRow() async throws {
        guard !isSQLite else { return }
        try await sql.run("SELECT tenant_id FROM tenant_settings WHERE tenant_id = \(bind: tenantID) FOR NO KEY UPDATE")
    }
}
