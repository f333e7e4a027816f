import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

extension Browser.Page {
    /// The text inside the element with `id`, HTML entities decoded.
    func element(_ id: String) -> String? {
        guard let start = body.range(of: "id=\"\(id)\">") else { return nil }
        let rest = body[start.upperBound...]
        guard let end = rest.range(of: "</") else { return nil }
        return String(rest[..<end.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            .replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
    }

    /// The recovery codes shown after enrolment.
    var recoveryCodes: [String] {
        let pattern = "<li><code>([a-z0-9]{4}-[a-z0-9]{4})</code></li>"
        let regex = try? NSRegularExpression(pattern: pattern)
        let matches = regex?.matches(in: body, range: NSRange(body.startIndex..., in: body)) ?? []
        return matches.compactMap { Range($0.range(at: 1), in: body).map { String(body[$0]) } }
    }
}

/// Sets up an authenticator through the pages; returns the `otpauth://` URI and the recovery codes.
func enrolTOTP(
    _ browser: Browser,
    clock: TestClock,
    password: String = "correct horse battery staple"
) async throws -> (uri: String, recoveryCodes: [String]) {
    // From a signed-in session the password is asked again; during enrolment at sign-in it is not.
    try await browser.post("/account/two-factor/totp/start", [("current", password)])
    let page = try await browser.get("/account/two-factor")
    let uri = try #require(page.element("totp-uri"))
    #expect(page.body.contains("<svg"), "a QR code is shown")
    #expect(page.element("totp-secret")?.isEmpty == false, "the secret is shown as text")
    let confirmed = try await browser.post(
        "/account/two-factor/totp/confirm",
        [("code", try ExternalTools.pyotpCode(uri: uri, at: clock.now)), ("current", password)]
    )
    let codes = confirmed.recoveryCodes
    #expect(codes.count == 10)
    return (uri, codes)
}

@Suite struct TwoFactorTests {
    @Test func pyotpCodesSignInOnceAndNeverTwoStepsLate() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let (uri, _) = try await enrolTOTP(admin, clock: clock)
            #expect(uri.hasPrefix("otpauth://totp/"))
            #expect(uri.contains("issuer=Akinai"))
            let user = try #require(try await app.user(shop, email: shop.adminEmail))
            #expect(user.secondFactor == .totp)
            #expect(user.totpSecretSealed?.hasPrefix("ak1.") == true, "the secret is sealed at rest")

            // The password alone now only reaches the second-factor step.
            clock.advance(60)
            let browser = Browser(app)
            let first = try await browser.signIn(shop)
            #expect(first.location == "/login/second-factor")
            #expect(try await browser.get("/settings/users").location == "/login/second-factor")
            let code = try ExternalTools.pyotpCode(uri: uri, at: clock.now)
            let accepted = try await browser.post("/login/second-factor", [("code", code)])
            #expect(accepted.status == .seeOther)
            #expect(accepted.location == "/")
            #expect(try await browser.get("/settings/users").status == .ok)

            // The same code a second time is refused.
            let replay = Browser(app)
            try await replay.signIn(shop)
            let again = try await replay.post("/login/second-factor", [("code", code)])
            #expect(again.status == .unauthorized)

            // A code two steps old is refused; one step old is accepted.
            clock.advance(90)
            let old = try ExternalTools.pyotpCode(uri: uri, at: clock.now.addingTimeInterval(-60))
            #expect(try await replay.post("/login/second-factor", [("code", old)]).status == .unauthorized)
            let previous = try ExternalTools.pyotpCode(uri: uri, at: clock.now.addingTimeInterval(-30))
            #expect(try await replay.post("/login/second-factor", [("code", previous)]).location == "/")
        }
    }

    @Test func recoveryCodesWorkOnceEach() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let (_, codes) = try await enrolTOTP(admin, clock: clock)
            let stored = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(RecoveryCodeRecord.self).all()
            #expect(stored.count == 10)
            #expect(stored.allSatisfy { !codes.contains($0.codeHash) && $0.codeHash.count == 64 }, "stored hashed")

            let browser = Browser(app)
            try await browser.signIn(shop)
            #expect(try await browser.post("/login/second-factor", [("code", codes[3].uppercased())]).location == "/")
            let again = Browser(app)
            try await again.signIn(shop)
            #expect(try await again.post("/login/second-factor", [("code", codes[3])]).status == .unauthorized)
        }
    }

    @Test func aRequiredSecondFactorIsEnrolledAtTheNextSignIn() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff, grants: [.orders: .read])
            let admin = Browser(app)
            try await admin.signIn(shop)
            let saved = try await admin.post(
                "/settings/security",
                SecuritySettingsTests.form(SecuritySettings(), change: { $0.requireTwoFactor = true })
            )
            #expect(saved.location == "/settings/security?saved=1")

            let staff = Browser(app)
            let signedIn = try await staff.signIn(
                tenant: shop.code,
                email: "staff@shop-a.example",
                password: "another long password 1"
            )
            #expect(signedIn.location == "/account/two-factor")
            #expect(try await staff.get("/orders").location == "/account/two-factor", "nothing else until enrolled")
            let (_, codes) = try await enrolTOTP(staff, clock: clock)
            #expect(codes.count == 10)
            #expect(try await staff.get("/orders").status == .ok)
            // Turning it off is refused while the tenant requires it.
            let off = try await staff.post("/account/two-factor/disable", [("current", "another long password 1")])
            #expect(off.status == .conflict)
        }
    }

    @Test func emailedCodesAreValidTenMinutesOnceAndCountTowardLockout() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, env in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post("/account/two-factor/email", [("current", shop.adminPassword)])
            #expect(try await app.user(shop, email: shop.adminEmail)?.secondFactor == .email)

            func codeFromMail() async throws -> String {
                try await app.runJobs()
                let body = try #require(env.mailbox.last(to: shop.adminEmail)?.body)
                let range = try #require(body.range(of: "[0-9]{6}", options: .regularExpression))
                return String(body[range])
            }

            let browser = Browser(app)
            #expect(try await browser.signIn(shop).location == "/login/second-factor")
            let code = try await codeFromMail()
            #expect(try await browser.post("/login/second-factor", [("code", code)]).location == "/")

            let reuse = Browser(app)
            try await reuse.signIn(shop)
            let fresh = try await codeFromMail()
            #expect(try await reuse.post("/login/second-factor", [("code", code)]).status == .unauthorized)
            let token = try #require(
                try await app.akinai.tenantDatabase(shop.id, on: app.db).query(UserTokenRecord.self)
                    .filter(\.$purpose == .emailCode).filter(\.$usedAt == nil).first()
            )
            #expect(token.expiresAt.timeIntervalSince(token.createdAt) == 600)
            clock.advance(601)
            let late = try await reuse.post("/login/second-factor", [("code", fresh)])
            #expect(late.location != "/", "an expired code does not sign in")
            #expect(try await reuse.get("/").status == .seeOther)

            // Wrong codes count toward the lockout like wrong passwords (after the window of the two above).
            clock.advance(15 * 60)
            let guesser = Browser(app)
            try await guesser.signIn(shop)
            for _ in 0..<4 {
                #expect(try await guesser.post("/login/second-factor", [("code", "000000")]).status == .unauthorized)
            }
            let locked = try await guesser.post("/login/second-factor", [("code", "000000")])
            #expect(locked.location == "/login")
            #expect(try await app.user(shop, email: shop.adminEmail)?.lockout.isLocked(at: clock.now) == true)
        }
    }

    /// Under "2FA required", choosing e-mailed codes at the first sign-in sends a code that must be entered before
    /// the session goes on: the password alone never finishes the sign-in.
    @Test func emailedCodesChosenWhileSigningInAreProvenFirst() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff, grants: [.orders: .read])
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/security",
                SecuritySettingsTests.form(SecuritySettings(), change: { $0.requireTwoFactor = true })
            )
            let staff = Browser(app)
            let password = "another long password 1"
            let step = try await staff.signIn(tenant: shop.code, email: "staff@shop-a.example", password: password)
            #expect(step.location == "/account/two-factor")
            let chosen = try await staff.post("/account/two-factor/email")
            #expect(chosen.location == "/login/second-factor")
            #expect(try await staff.get("/orders").location == "/login/second-factor", "not signed in yet")
            try await app.runJobs()
            let body = try #require(env.mailbox.last(to: "staff@shop-a.example")?.body)
            let code = String(body[try #require(body.range(of: "[0-9]{6}", options: .regularExpression))])
            #expect(try await staff.post("/login/second-factor", [("code", code)]).location == "/")
            #expect(try await staff.get("/orders").status == .ok)
        }
    }

    /// Twenty resends at once leave one code that works, not several.
    @Test func concurrentResendsLeaveOneWorkingCode() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post("/account/two-factor/email", [("current", shop.adminPassword)])
            let browser = Browser(app)
            #expect(try await browser.signIn(shop).location == "/login/second-factor")
            let csrf = try #require(try await browser.get("/login/second-factor").hidden("_csrf"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask { _ = try await browser.post("/login/second-factor/resend", csrf: csrf) }
                }
                try await group.waitForAll()
            }
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let open = try await tdb.query(UserTokenRecord.self).filter(\.$purpose == .emailCode)
                .filter(\.$usedAt == nil).count()
            #expect(open == 1)
        }
    }

    /// After the admin turns e-mailed codes off, a user who signs in with one must set up an authenticator before
    /// anything else; the password alone never reaches that step.
    @Test func turningEmailedCodesOffMakesTheirUsersEnrolAnAuthenticator() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, env in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff, grants: [.orders: .read])
            let staff = Browser(app)
            let password = "another long password 1"
            try await staff.signIn(tenant: shop.code, email: "staff@shop-a.example", password: password)
            try await staff.post("/account/two-factor/email", [("current", password)])
            #expect(try await app.user(shop, email: "staff@shop-a.example")?.secondFactor == .email)

            let admin = Browser(app)
            try await admin.signIn(shop)
            let saved = try await admin.post(
                "/settings/security",
                SecuritySettingsTests.form(SecuritySettings(), change: { $0.allowEmailCode = false })
            )
            #expect(saved.location == "/settings/security?saved=1")

            let again = Browser(app)
            let step = try await again.signIn(tenant: shop.code, email: "staff@shop-a.example", password: password)
            #expect(step.location == "/login/second-factor", "the password alone goes no further")
            #expect(try await again.get("/account/two-factor").status != .ok)
            try await app.runJobs()
            let body = try #require(env.mailbox.last(to: "staff@shop-a.example")?.body)
            let code = String(body[try #require(body.range(of: "[0-9]{6}", options: .regularExpression))])
            #expect(try await again.post("/login/second-factor", [("code", code)]).location == "/account/two-factor")
            #expect(try await again.get("/orders").location == "/account/two-factor", "nothing else until enrolled")
            #expect(try await again.post("/account/two-factor/email").status == .forbidden)
            _ = try await enrolTOTP(again, clock: clock, password: password)
            #expect(try await app.user(shop, email: "staff@shop-a.example")?.secondFactor == .totp)
            #expect(try await again.get("/orders").status == .ok)
        }
    }
}
