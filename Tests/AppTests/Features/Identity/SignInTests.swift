import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct SignInTests {
    @Test func theFormSignsInAndOpensTheDashboard() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a", name: "商い堂")
            let browser = Browser(app)
            let form = try await browser.get("/login")
            #expect(form.status == .ok)
            #expect(form.body.contains("name=\"tenant\""))
            #expect(form.body.contains("name=\"email\""))
            #expect(form.body.contains("name=\"password\""))
            #expect(form.hidden("_csrf") != nil)

            let response = try await browser.signIn(shop)
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
            let cookie = try #require(response.headers[.setCookie].first { $0.hasPrefix("akinai_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(!cookie.contains("Secure"), "served over plain HTTP in tests")

            let dashboard = try await browser.get("/")
            #expect(dashboard.status == .ok)
            #expect(dashboard.body.contains("商い堂"))
            #expect(dashboard.body.contains(shop.adminEmail))
        }
    }

    @Test func wrongPasswordUnknownUserAndUnknownTenantLookTheSame() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            func attempt(_ tenant: String, _ email: String, _ password: String) async throws -> Browser.Page {
                try await Browser(app).signIn(tenant: tenant, email: email, password: password)
            }
            let wrongPassword = try await attempt(shop.code, shop.adminEmail, "not the password at all")
            let unknownUser = try await attempt(shop.code, "nobody@shop-a.example", shop.adminPassword)
            let unknownTenant = try await attempt("no-such-shop", shop.adminEmail, shop.adminPassword)
            for page in [wrongPassword, unknownUser, unknownTenant] {
                #expect(page.status == .unauthorized)
                #expect(page.body.contains("テナントコード、メールアドレスまたはパスワードが正しくありません"))
                #expect(page.headers[.setCookie].allSatisfy { !$0.hasPrefix("akinai_session=") })
            }
            let failures = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(AuditEventRecord.self)
                .filter(\.$action == "auth.sign_in").filter(\.$result == "failure").count()
            #expect(failures == 2, "both failures against the known tenant are audited")
        }
    }

    @Test func theSignInFormNeedsItsCSRFToken() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let browser = Browser(app)
            _ = try await browser.get("/login")
            let missing = try await browser.post(
                "/login",
                [("tenant", shop.code), ("email", shop.adminEmail), ("password", shop.adminPassword)],
                csrf: "forged"
            )
            #expect(missing.status == .forbidden)
            #expect(try await browser.get("/").status == .seeOther, "still signed out")
        }
    }

    @Test func signInRotatesTheSessionAndSignOutEndsIt() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let browser = Browser(app)
            // A session id planted before sign-in (fixation) is never the one after it.
            browser.setCookie("akinai_session", "planted-by-someone-else")
            try await browser.signIn(shop)
            let first = try #require(browser.cookies["akinai_session"])
            #expect(first != "planted-by-someone-else")

            // Signing in again from the same browser replaces its session.
            let pre = try #require(browser.cookies["akinai_pre"])
            let again = try await browser.post(
                "/login",
                [("tenant", shop.code), ("email", shop.adminEmail), ("password", shop.adminPassword)],
                csrf: PreSessionCSRF.token(pre, app.akinai)
            )
            #expect(again.status == .seeOther)
            let second = try #require(browser.cookies["akinai_session"])
            #expect(first != second)

            let stale = Browser(app)
            stale.setCookie("akinai_session", first)
            let page = try await stale.get("/")
            #expect(page.status == .seeOther)
            #expect(page.location?.hasPrefix("/login") == true)

            let out = try await browser.post("/logout")
            #expect(out.location == "/login?signed_out=1")
            let replay = Browser(app)
            replay.setCookie("akinai_session", second)
            #expect(try await replay.get("/").status == .seeOther)
        }
    }

    @Test func sessionsEndAfterThirtyIdleMinutesAndTwelveHoursInAll() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let browser = Browser(app)
            try await browser.signIn(shop)
            clock.advance(29 * 60)
            #expect(try await browser.get("/").status == .ok)
            clock.advance(30 * 60 + 1)
            #expect(try await browser.get("/").status == .seeOther, "idle for more than 30 minutes")

            try await browser.signIn(shop)
            for _ in 0..<24 {
                clock.advance(29 * 60)
                #expect(try await browser.get("/").status == .ok)
            }
            clock.advance(29 * 60)
            #expect(try await browser.get("/").status == .seeOther, "past 12 hours despite activity")
        }
    }

    @Test func aDisabledUserIsSignedOutAndTheirTokenStops() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let staff = try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff)
            let token = try await app.makeToken(tenant: shop, userID: staff.id!, scopes: ["orders:read"])
            let staffBrowser = Browser(app)
            try await staffBrowser.signIn(
                tenant: shop.code,
                email: "staff@shop-a.example",
                password: "another long password 1"
            )
            #expect(try await staffBrowser.get("/").status == .ok)
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            #expect(try await api.get("/api/v1/me").status == .ok)

            let admin = Browser(app)
            try await admin.signIn(shop)
            let result = try await admin.post("/settings/users/\(staff.id!.uuidString)/disable")
            #expect(result.status == .seeOther)

            #expect(try await staffBrowser.get("/").status == .seeOther)
            #expect(try await api.get("/api/v1/me").status == .unauthorized)
            let again = try await Browser(app).signIn(
                tenant: shop.code,
                email: "staff@shop-a.example",
                password: "another long password 1"
            )
            #expect(again.status == .unauthorized)
        }
    }

    @Test func onlyLocalPathsAreFollowedAfterSignIn() {
        #expect(LoginController.safeNext("/settings/users") == "/settings/users")
        for hostile in ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", nil] {
            #expect(LoginController.safeNext(hostile) == "/")
        }
    }
}
