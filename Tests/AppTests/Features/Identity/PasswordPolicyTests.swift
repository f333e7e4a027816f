import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct PasswordPolicyTests {
    /// Changes the admin's password through the page; returns the response.
    static func change(_ browser: Browser, from current: String, to new: String) async throws -> Browser.Page {
        try await browser.post("/account/password", [("current", current), ("password", new), ("confirm", new)])
    }

    @Test func aSixtyFourCharacterJapanesePasswordWorksAndOneDifferentCharacterDoesNot() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let password = String(repeating: "春はあけぼの夏は夜", count: 7) + "秋"
            #expect(password.count == 64)
            let page = try await Self.change(admin, from: shop.adminPassword, to: password)
            #expect(page.status == .ok)
            #expect(page.body.contains("パスワードを変更しました"))
            var near = password
            near.removeLast()
            near.append("冬")
            #expect(try await Browser(app).signIn(shop.code, shop.adminEmail, near).status == .unauthorized)
            #expect(try await Browser(app).signIn(shop.code, shop.adminEmail, password).status == .seeOther)
            // A notice mail follows every password change.
            try await app.runJobs()
            #expect(env.mailbox.last(to: shop.adminEmail)?.subject.contains("パスワードが変更されました") == true)
        }
    }

    @Test(arguments: [
        ("123456123456", "よく使われる"),
        ("my shop-a password", "テナントコード・店舗名・メールアドレス"),
        ("admin is my name ok", "テナントコード・店舗名・メールアドレス"),
        ("short", "12文字以上"),
        ("aaaaaaaaaaaaaaaa", "同じ文字の繰り返し"),
    ])
    func weakPasswordsAreRefusedWithTheReason(_ password: String, _ reason: String) async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let page = try await Self.change(admin, from: shop.adminPassword, to: password)
            #expect(page.status == .unprocessableEntity)
            #expect(page.body.contains(reason) || page.body.contains("パスワードが短すぎます"))
            #expect(try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword).status == .seeOther)
        }
    }

    @Test func changingNeedsTheCurrentPasswordAndEndsOtherSessions() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let other = Browser(app)
            try await other.signIn(shop)
            let admin = Browser(app)
            try await admin.signIn(shop)
            let wrong = try await Self.change(admin, from: "not my password", to: "a new and long passphrase")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.contains("現在のパスワードが正しくありません"))
            #expect(
                try await Self.change(admin, from: shop.adminPassword, to: "a new and long passphrase").status == .ok
            )
            #expect(try await other.get("/").status == .seeOther, "the other session ended")
            #expect(try await admin.get("/").status == .ok, "this one continues")
        }
    }

    @Test func historyAndExpiryAreTenantOptions() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/security",
                SecuritySettingsTests.form(SecuritySettings()) {
                    $0.passwordHistory = 3
                    $0.passwordExpiryDays = 30
                }
            )
            #expect(try await Self.change(admin, from: shop.adminPassword, to: "second passphrase here").status == .ok)
            let reuse = try await Self.change(admin, from: "second passphrase here", to: shop.adminPassword)
            #expect(reuse.status == .unprocessableEntity)
            #expect(reuse.body.contains("最近使ったパスワード"))

            clock.advance(31 * 86400)
            let browser = Browser(app)
            let signedIn = try await browser.signIn(shop.code, shop.adminEmail, "second passphrase here")
            #expect(signedIn.location == "/account/password", "an expired password must be changed first")
            #expect(try await browser.get("/settings/users").location == "/account/password")
            let changed = try await Self.change(browser, from: "second passphrase here", to: "third passphrase here")
            #expect(changed.location == "/")
            #expect(try await browser.get("/settings/users").status == .ok)
        }
    }
}
