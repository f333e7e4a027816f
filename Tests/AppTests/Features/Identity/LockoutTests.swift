import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct LockoutTests {
    @Test func theSixthAttemptFailsEvenWithTheRightPasswordUntilTheLockEnds() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            var wrongBodies: [String] = []
            for _ in 0..<5 {
                let page = try await Browser(app).signIn(
                    tenant: shop.code,
                    email: shop.adminEmail,
                    password: "wrong password!!"
                )
                #expect(page.status == .unauthorized)
                wrongBodies.append(page.body)
            }
            let locked = try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword)
            #expect(locked.status == .unauthorized, "locked: the right password fails")
            // The locked answer is the wrong-password answer, byte for byte (apart from the CSRF token).
            #expect(Self.withoutTokens(locked.body) == Self.withoutTokens(wrongBodies[0]))

            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.lock").count() == 1)

            clock.advance(14 * 60)
            #expect(
                try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword).status == .unauthorized
            )
            clock.advance(61)
            #expect(try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword).status == .seeOther)
        }
    }

    @Test func anAdminUnlocksAndTenantsTuneTheLock() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let staff = try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff)
            let admin = Browser(app)
            try await admin.signIn(shop)
            var settings = SecuritySettings()
            settings.lockoutThreshold = 3
            settings.lockoutDurationMinutes = 0
            try await admin.post("/settings/security", SecuritySettingsTests.form(settings))

            for _ in 0..<3 {
                _ = try await Browser(app).signIn(tenant: shop.code, email: staff.email, password: "nope nope nope")
            }
            clock.advance(24 * 3600)
            #expect(
                try await Browser(app).signIn(shop.code, staff.email, "another long password 1").status
                    == .unauthorized,
                "locked until an admin unlocks"
            )
            try await admin.signIn(shop)
            let users = try await admin.get("/settings/users")
            #expect(users.body.contains("ロック中"))
            #expect(try await admin.post("/settings/users/\(staff.id!.uuidString)/unlock").status == .seeOther)
            #expect(
                try await Browser(app).signIn(shop.code, staff.email, "another long password 1").status == .seeOther
            )
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "user.unlock").count() == 1)
        }
    }

    @Test func passwordResetStillWorksWhileLocked() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            for _ in 0..<5 {
                _ = try await Browser(app).signIn(
                    tenant: shop.code,
                    email: shop.adminEmail,
                    password: "wrong password!!"
                )
            }
            let browser = Browser(app)
            let form = try await browser.get("/password-reset")
            try await browser.post(
                "/password-reset",
                [("tenant", shop.code), ("email", shop.adminEmail)],
                csrf: form.hidden("_csrf")
            )
            try await app.runJobs()
            let link = try #require(env.mailbox.link(to: shop.adminEmail))
            let page = try await browser.get(link)
            let done = try await browser.post(
                link,
                [("password", "a brand new passphrase"), ("confirm", "a brand new passphrase")],
                csrf: page.hidden("_csrf")
            )
            #expect(done.location == "/login?password_set=1")
            #expect(
                try await Browser(app).signIn(shop.code, shop.adminEmail, "a brand new passphrase").status == .seeOther
            )
        }
    }

    static func withoutTokens(_ body: String) -> String {
        body.replacingOccurrences(of: "value=\"[A-Za-z0-9_-]{20,}\"", with: "", options: .regularExpression)
    }
}

extension Browser {
    func signIn(_ tenant: String, _ email: String, _ password: String) async throws -> Page {
        try await signIn(tenant: tenant, email: email, password: password)
    }
}
