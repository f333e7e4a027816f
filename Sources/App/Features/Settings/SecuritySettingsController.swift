import Crypto
import Domain
import FluentKit
import Vapor

/// The tenant admin's security settings: password policy, lockout, session timeouts, second factor. Every
/// change is audited with the old and new values.
struct SecuritySettingsController {
    /// The settings form; checkboxes are absent when unticked.
    struct SettingsForm: Content {
        var passwordMinLength: Int?
        var passwordRequireClasses: String?
        var passwordExpiryDays: Int?
        var passwordHistory: Int?
        var lockoutThreshold: Int?
        var lockoutWindowMinutes: Int?
        var lockoutDurationMinutes: Int?
        var idleTimeoutMinutes: Int?
        var absoluteTimeoutHours: Int?
        var requireTwoFactor: String?
        var allowEmailCode: String?
        /// A digest of the settings the form was rendered with; a save over settings changed since is refused.
        var basis: String?
    }

    /// The settings page.
    struct SettingsPage: Encodable, Sendable {
        let settings: SecuritySettings
        let basis: String

        init(settings: SecuritySettings, basis: SecuritySettings? = nil) {
            self.settings = settings
            self.basis = SecuritySettingsController.basis(basis ?? settings)
        }
    }

    /// What a form shows its settings were, as a short digest of their stored form.
    static func basis(_ settings: SecuritySettings) -> String {
        SHA256.hash(data: Data(StoredJSON(settings).text.utf8)).prefix(16)
            .map { String(format: "%02x", $0) }.joined()
    }

    func register(tenant: TenantRoutes) {
        tenant.get("settings", "security", requires: .settings, .read, use: show)
        tenant.post("settings", "security", requires: .settings, use: save)
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "settings/security",
            titleKey: "security.title",
            page: SettingsPage(settings: try await context.db.securitySettings()),
            request: request,
            context: context,
            notice: request.query[String.self, at: "saved"] != nil ? "security.saved" : nil
        )
    }

    @Sendable func save(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(SettingsForm.self)
        let old = try await context.db.securitySettings()
        var new = old
        new.passwordMinLength = form.passwordMinLength ?? old.passwordMinLength
        new.passwordRequireClasses = form.passwordRequireClasses != nil
        new.passwordExpiryDays = form.passwordExpiryDays ?? old.passwordExpiryDays
        new.passwordHistory = form.passwordHistory ?? old.passwordHistory
        new.lockoutThreshold = form.lockoutThreshold ?? old.lockoutThreshold
        new.lockoutWindowMinutes = form.lockoutWindowMinutes ?? old.lockoutWindowMinutes
        new.lockoutDurationMinutes = form.lockoutDurationMinutes ?? old.lockoutDurationMinutes
        new.idleTimeoutMinutes = form.idleTimeoutMinutes ?? old.idleTimeoutMinutes
        new.absoluteTimeoutHours = form.absoluteTimeoutHours ?? old.absoluteTimeoutHours
        new.requireTwoFactor = form.requireTwoFactor != nil
        new.allowEmailCode = form.allowEmailCode != nil
        do {
            try new.validate()
        } catch {
            return try await Pages.render(
                "settings/security",
                titleKey: "security.title",
                page: SettingsPage(settings: new, basis: old),
                request: request,
                context: context,
                status: .unprocessableEntity,
                error: "security.field.\(error.field)"
            )
        }
        if let basis = form.basis, basis != Self.basis(old) { return try await changedMeanwhile(request, context) }
        let changes = Self.differences(old, new)
        let saved = new
        guard !changes.isEmpty else { return request.redirect(to: "/settings/security?saved=1", redirectType: .normal) }
        let now = context.now
        let stale = try await context.db.transaction { tx -> Bool in
            // Under the settings row's lock (PostgreSQL; SQLite's single writer otherwise), the settings are those
            // this save was computed from, or it is refused: a second admin's older form cannot silently undo a
            // change such as turning on "2FA required".
            try await tx.lockSettingsRow()
            if try await tx.securitySettings() != old { return true }
            if let record = try await tx.query(TenantSettingsRecord.self).first() {
                record.security = StoredJSON(saved)
                record.updatedAt = now
                try await tx.update(record)
            } else {
                try await tx.create(TenantSettingsRecord(tenantID: tx.tenantID, settings: saved, now: now))
            }
            try await context.audit(
                tx,
                action: "settings.security_change",
                targetType: "tenant",
                targetID: tx.tenantID.uuidString,
                details: changes
            )
            return false
        }
        if stale { return try await changedMeanwhile(request, context) }
        return request.redirect(to: "/settings/security?saved=1", redirectType: .normal)
    }

    /// 409 with the settings as they are now, for a form based on settings that changed since.
    private func changedMeanwhile(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "settings/security",
            titleKey: "security.title",
            page: SettingsPage(settings: try await context.db.securitySettings()),
            request: request,
            context: context,
            status: .conflict,
            error: "security.changed_meanwhile"
        )
    }

    /// `{"lockoutThreshold": "5 → 3"}` for every setting that changed.
    static func differences(_ old: SecuritySettings, _ new: SecuritySettings) -> [String: String] {
        func fields(_ settings: SecuritySettings) -> [String: String] {
            guard let data = try? JSONEncoder().encode(settings),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return [:] }
            return object.mapValues { "\($0)" }
        }
        let before = fields(old)
        let after = fields(new)
        var changes: [String: String] = [:]
        for (key, value) in after where before[key] != value {
            changes[key] = "\(before[key] ?? "") → \(value)"
        }
        return changes
    }
}
