import Domain
import FluentKit
import Foundation

/// A tenant's security settings, stored as JSON.
public final class TenantSettingsRecord: Model, TenantOwned, @unchecked Sendable {
    public static let schema = "tenant_settings"
    public static var tenantKey: KeyPath<TenantSettingsRecord, FieldProperty<TenantSettingsRecord, UUID>> {
        \.$tenantID
    }

    @ID(key: .id) public var id: UUID?
    @Field(key: "tenant_id") public var tenantID: UUID
    @Field(key: "security") public var security: String
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}

    init(tenantID: UUID, settings: SecuritySettings, now: Date) {
        self.id = UUID()
        self.tenantID = tenantID
        self.security = Self.encode(settings)
        self.updatedAt = now
    }

    var settings: SecuritySettings {
        (try? JSONDecoder().decode(SecuritySettings.self, from: Data(security.utf8))) ?? SecuritySettings()
    }

    static func encode(_ settings: SecuritySettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(data: (try? encoder.encode(settings)) ?? Data("{}".utf8), encoding: .utf8) ?? "{}"
    }
}

extension TenantDatabase {
    /// The tenant's security settings (defaults when none were saved).
    public func securitySettings() async throws -> SecuritySettings {
        try await query(TenantSettingsRecord.self).first()?.settings ?? SecuritySettings()
    }
}
