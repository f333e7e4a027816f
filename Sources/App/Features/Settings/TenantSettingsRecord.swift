import Domain
import FluentKit
import Foundation

/// A tenant's settings: security and shop operations, each stored as JSON.
final class TenantSettingsRecord: Model, TenantOwned, @unchecked Sendable {
    static let schema = "tenant_settings"
    static var tenantKey: KeyPath<TenantSettingsRecord, FieldProperty<TenantSettingsRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    /// Unreadable settings are an error, never the defaults: failing closed keeps a shop's "2FA required" from
    /// silently switching off. (A setting added later takes its default: `SecuritySettings` decodes missing keys.)
    @Field(key: "security") var security: StoredJSON<SecuritySettings>
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "shop") var shop: StoredJSON<ShopSettings>

    init() {}

    init(tenantID: UUID, settings: SecuritySettings, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.security = StoredJSON(settings)
        self.updatedAt = now
        self.shop = StoredJSON(ShopSettings())
    }
}

/// A shop's operational settings (as opposed to security settings).
struct ShopSettings: Codable, Sendable, Equatable {
    /// Where reorder-point alerts go.
    var reorderAlertEmail: String?
    /// The shop as the sender on carrier labels, with its contract numbers (absent until set).
    var sender: Sender?

    init(reorderAlertEmail: String? = nil, sender: Sender? = nil) {
        self.reorderAlertEmail = reorderAlertEmail
        self.sender = sender
    }
}

extension TenantDatabase {
    /// The tenant's settings row, if it has one; a stored value that cannot be read throws its `StoredValueError`.
    private func settingsRecord() async throws -> TenantSettingsRecord? {
        do {
            return try await query(TenantSettingsRecord.self).first()
        } catch FluentError.invalidField(_, _, let underlying) where underlying is StoredValueError {
            throw underlying
        }
    }

    /// The shop's operational settings.
    func shopSettings() async throws -> ShopSettings {
        try await settingsRecord()?.shop.value ?? ShopSettings()
    }

    /// Saves the shop's operational settings.
    func saveShopSettings(_ settings: ShopSettings, now: Date) async throws {
        if let record = try await settingsRecord() {
            record.shop = StoredJSON(settings)
            record.updatedAt = now
            try await update(record)
        } else {
            let record = TenantSettingsRecord(tenantID: tenantID, settings: SecuritySettings(), now: now)
            record.shop = StoredJSON(settings)
            try await create(record)
        }
    }

    /// The tenant's security settings (defaults when none were saved).
    func securitySettings() async throws -> SecuritySettings {
        try await settingsRecord()?.security.value ?? SecuritySettings()
    }
}
