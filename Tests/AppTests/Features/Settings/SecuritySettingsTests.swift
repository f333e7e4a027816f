import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct SecuritySettingsTests {
    /// The settings page's form fields for `settings` (after `change`).
    static func form(
        _ settings: SecuritySettings,
        change: (inout SecuritySettings) -> Void = { _ in }
    ) -> [(String, String)] {
        var s = settings
        change(&s)
        var fields: [(String, String)] = [
            ("passwordMinLength", String(s.passwordMinLength)), ("passwordExpiryDays", String(s.passwordExpiryDays)),
            ("passwordHistory", String(s.passwordHistory)), ("lockoutThreshold", String(s.lockoutThreshold)),
            ("lockoutWindowMinutes", String(s.lockoutWindowMinutes)),
            ("lockoutDurationMinutes", String(s.lockoutDurationMinutes)),
            ("idleTimeoutMinutes", String(s.idleTimeoutMinutes)),
            ("absoluteTimeoutHours", String(s.absoluteTimeoutHours)),
        ]
        if s.passwordRequireClasses { fields.append(("passwordRequireClasses", "on")) }
        if s.requireTwoFactor { fields.append(("requireTwoFactor", "on")) }
        if s.allowEmailCode { fields.append(("allowEmailCode", "on")) }
        return fields
    }

    @Test func changesAreAuditedWithOldAndNewValues() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let page = try await admin.get("/settings/security")
            #expect(page.status == .ok)
            #expect(page.body.contains("name=\"lockoutThreshold\" min=\"3\" max=\"10\" value=\"5\""))
            let saved = try await admin.post(
                "/settings/security",
                Self.form(SecuritySettings()) {
                    $0.lockoutThreshold = 3
                    $0.idleTimeoutMinutes = 10
                }
            )
            #expect(saved.location == "/settings/security?saved=1")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.securitySettings().lockoutThreshold == 3)
            let event = try #require(
                try await tdb.query(AuditEventRecord.self).filter(\.$action == "settings.security_change").first()
            )
            #expect(event.details.contains("\"lockoutThreshold\":\"5 → 3\""))
            #expect(event.details.contains("\"idleTimeoutMinutes\":\"30 → 10\""))
            #expect(!event.details.contains("passwordMinLength"), "unchanged settings are not listed")
        }
    }

    @Test(arguments: [
        ("lockoutThreshold", "2"), ("lockoutThreshold", "11"), ("idleTimeoutMinutes", "4"),
        ("idleTimeoutMinutes", "61"),
        ("absoluteTimeoutHours", "25"), ("passwordMinLength", "8"), ("passwordHistory", "25"),
    ])
    func outOfRangeValuesAreRefusedAndChangeNothing(_ field: String, _ value: String) async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            var fields = Self.form(SecuritySettings()).filter { $0.0 != field }
            fields.append((field, value))
            let page = try await admin.post("/settings/security", fields)
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains(field))
            #expect(try await app.akinai.tenantDatabase(shop.id, on: app.db).securitySettings() == SecuritySettings())
        }
    }

    /// Two admins open the page; the first turns on "2FA required"; the second saves the page as they saw it:
    /// refused (409) with the settings as they are now, and the first admin's change stays.
    @Test func aFormOpenedBeforeAnotherAdminsChangeCannotUndoIt() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "second@shop-a.example", role: .admin)
            let first = Browser(app)
            try await first.signIn(shop)
            let second = Browser(app)
            try await second.signIn(
                tenant: shop.code,
                email: "second@shop-a.example",
                password: "another long password 1"
            )
            let seenByFirst = try #require(try await first.get("/settings/security").hidden("basis"))
            let seenBySecond = try #require(try await second.get("/settings/security").hidden("basis"))
            #expect(seenByFirst == seenBySecond)
            let saved = try await first.post(
                "/settings/security",
                Self.form(SecuritySettings()) { $0.requireTwoFactor = true } + [("basis", seenByFirst)]
            )
            #expect(saved.location == "/settings/security?saved=1")
            let stale = try await second.post(
                "/settings/security",
                Self.form(SecuritySettings()) { $0.idleTimeoutMinutes = 20 } + [("basis", seenBySecond)]
            )
            #expect(stale.status == .conflict)
            #expect(stale.body.contains("別の管理者が設定を変更しました"))
            let now = try await app.akinai.tenantDatabase(shop.id, on: app.db).securitySettings()
            #expect(now.requireTwoFactor, "the first admin's change stays")
            #expect(now.idleTimeoutMinutes == SecuritySettings().idleTimeoutMinutes)
        }
    }

    @Test func theTenantsIdleTimeoutAppliesAndCanBeTurnedOff() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post("/settings/security", Self.form(SecuritySettings()) { $0.idleTimeoutMinutes = 5 })
            clock.advance(5 * 60 + 1)
            #expect(try await admin.get("/").status == .seeOther)

            try await admin.signIn(shop)
            try await admin.post("/settings/security", Self.form(SecuritySettings()) { $0.idleTimeoutMinutes = 0 })
            clock.advance(3 * 3600)
            #expect(try await admin.get("/").status == .ok, "no idle timeout")
            clock.advance(9 * 3600)
            #expect(try await admin.get("/").status == .seeOther, "the absolute timeout still applies")
        }
    }

    @Test func usersSeeAndEndTheirSessionsAndAdminsEndAnyones() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let staff = try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff)
            let laptop = Browser(app)
            laptop.headers.replaceOrAdd(name: .userAgent, value: "Laptop")
            let phone = Browser(app)
            phone.headers.replaceOrAdd(name: .userAgent, value: "Phone")
            #expect(try await laptop.signIn(shop.code, staff.email, "another long password 1").status == .seeOther)
            #expect(try await phone.signIn(shop.code, staff.email, "another long password 1").status == .seeOther)
            let list = try await laptop.get("/account/sessions")
            #expect(list.body.contains("Laptop") && list.body.contains("Phone"))
            let sessions = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(SessionRecord.self)
                .filter(\.$userAgent == "Phone").all()
            let phoneSession = try #require(sessions.first)
            #expect(try await laptop.post("/account/sessions/\(phoneSession.id!.uuidString)/end").status == .seeOther)
            #expect(try await phone.get("/").status == .seeOther)
            #expect(try await laptop.get("/").status == .ok)

            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post("/settings/users/\(staff.id!.uuidString)/sessions/end")
            #expect(try await laptop.get("/").status == .seeOther)
        }
    }
}

@Suite struct ShopSettingsTests {
    @Test func theReorderAlertAddressIsSetOnItsPageAndAudited() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            #expect(
                try await admin.post("/settings/shop", [("reorderAlertEmail", "not an address")]).status
                    == .unprocessableEntity
            )
            let saved = try await admin.post("/settings/shop", [("reorderAlertEmail", "Buyer@Shop-A.example")])
            #expect(saved.location == "/settings/shop?saved=1")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.shopSettings().reorderAlertEmail == "buyer@shop-a.example")
            #expect(try await admin.get("/settings/shop").body.contains("buyer@shop-a.example"))
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "settings.shop_change").count() == 1)
            #expect(try await tdb.securitySettings() == SecuritySettings(), "security settings untouched")
        }
    }
}
