import Domain
import FluentKit
import Foundation

/// A tenant's security settings, stored as JSON.
final class TenantSettingsRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "tenant_settings"
    static var tenantKey: KeyPath<TenantSettingsRecord, FieldProperty<TenantSettingsRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "security") var security: String
    @Field(key: "updated_at") var updatedAt: Date
    /// `ShopSettings` as JSON.
    @Field(key: "shop") var shop: String

    init() {}

    init(tenantID: UUID, settings: SecuritySettings, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.security = Self.encode(settings)
        self.updatedAt = now
        self.shop = "{}"
    }

    /// The stored settings. Unreadable settings are an error, never the defaults: failing closed keeps a shop's
    /// "2FA required" from silently switching off.
    func settings() throws -> SecuritySettings {
        do {
            return try JSONDecoder().decode(SecuritySettings.self, from: Data(security.utf8))
        } catch {
            throw StoredValueError(table: Self.schema, column: "security", underlying: String(describing: error))
        }
    }

    static func encode(_ settings: SecuritySettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(data: (try? encoder.encode(settings)) ?? Data("{}".utf8), encoding: .utf8) ?? "{}"
    }
}

/// A shop's operational settings (as opposed to security settings).
struct ShopSettings: Codable, Sendable, Equatable {
    /// Where reorder-point alerts go.
    var reorderAlertEmail: String?

    init(reorderAlertEmail: String? = nil) {
        self.reorderAlertEmail = reorderAlertEmail
    }
}

extension TenantDatabase {
    /// The shop's operational settings.
    func shopSettings() async throws -> ShopSettings {
        guard let raw = try await query(TenantSettingsRecord.self).first()?.shop else { return ShopSettings() }
        do {
            return try JSONDecoder().decode(ShopSettings.self, from: Data(raw.utf8))
        } catch {
            throw StoredValueError(
                table: TenantSettingsRecord.schema,
                column: "shop",
                underlying: String(describing: error)
            )
        }
    }

    /// Saves the shop's operational settings.
    func saveShopSettings(_ settings: ShopSettings, now: Date) async throws {
        let text = String(data: try JSONEncoder().encode(settings), encoding: .utf8) ?? "{}"
        if let record = try await query(TenantSettingsRecord.self).first() {
            record.shop = text
            record.updatedAt = now
            try await update(record)
        } else {
            let record = TenantSettingsRecord(tenantID: tenantID, settings: SecuritySettings(), now: now)
            record.shop = text
            try await create(record)
        }
    }

    /// The tenant's security settings (defaults when none were saved).
    func securitySettings() async throws -> SecuritySettings {
        try await query(TenantSettingsRecord.self).first()?.settings() ?? SecuritySettings()
    }
}
