import Domain
import FluentKit
import Foundation
import NIOPosix
import Testing
import Vapor

@testable import App

/// Invitation and reset mails travel over real SMTP to aiosmtpd, and the links in them are followed.
@Suite(.serialized) struct MailFlowTests {
    func withSMTP(
        clock: TestClock = TestClock(),
        _ test: (Application, TestEnv, SMTPSink) async throws -> Void
    ) async throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let smtp = try SMTPConfiguration(url: "smtp://127.0.0.1:\(sink.port)?from=akinai@shop.example")
        try await withApp(clock: clock, mailer: .smtp(smtp, group: MultiThreadedEventLoopGroup.singleton)) { app, env in
            try await test(app, env, sink)
        }
    }

    @Test func anInvitationArrivesAndItsLinkSetsThePasswordOnce() async throws {
        let clock = TestClock()
        try await withSMTP(clock: clock) { app, _, sink in
            let shop = try await app.makeTenant("shop-a", name: "商い堂")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/users",
                [("email", "new@shop-a.example"), ("name", "新井 一郎"), ("role", "viewer")]
            )
            try await app.runJobs()
            let mail = try #require(try sink.messages().last)
            #expect(mail.to == "new@shop-a.example")
            #expect(mail.subject.contains("商い堂 への招待"), "the Japanese subject survives RFC 2047")
            #expect(mail.body.contains("パスワードを設定してください"))
            let link = try #require(try sink.link(to: "new@shop-a.example"))

            let invitee = Browser(app)
            let form = try await invitee.get(link)
            #expect(form.body.contains("new@shop-a.example"))
            let done = try await invitee.post(
                link,
                [("password", "my own secret phrase"), ("confirm", "my own secret phrase")],
                csrf: form.hidden("_csrf")
            )
            #expect(done.location == "/login?password_set=1")
            #expect(
                try await Browser(app).signIn(shop.code, "new@shop-a.example", "my own secret phrase").status
                    == .seeOther
            )
            #expect(try await Browser(app).get(link).status == .notFound, "a used link is refused")
        }
    }

    @Test func anInvitationLinkExpiresAfter24Hours() async throws {
        let clock = TestClock()
        try await withSMTP(clock: clock) { app, _, sink in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/users",
                [("email", "late@shop-a.example"), ("name", "遅 刻"), ("role", "viewer")]
            )
            try await app.runJobs()
            let link = try #require(try sink.link(to: "late@shop-a.example"))
            clock.advance(24 * 3600 + 1)
            #expect(try await Browser(app).get(link).status == .notFound)
        }
    }

    @Test func aResetLinkWorksOnceWithin60MinutesAndNeverSkipsTheSecondFactor() async throws {
        let clock = TestClock()
        try await withSMTP(clock: clock) { app, _, sink in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let (uri, _) = try await enrolTOTP(admin, clock: clock)

            func requestReset(_ email: String) async throws -> Browser.Page {
                let browser = Browser(app)
                let form = try await browser.get("/password-reset")
                return try await browser.post(
                    "/password-reset",
                    [("tenant", shop.code), ("email", email)],
                    csrf: form.hidden("_csrf")
                )
            }
            let known = try await requestReset(shop.adminEmail)
            let unknown = try await requestReset("nobody@shop-a.example")
            #expect(known.status == unknown.status)
            #expect(known.location == unknown.location, "the same answer whether or not the account exists")
            try await app.runJobs()
            // One reset mail, to the account that exists (besides the notice of the authenticator set up above).
            #expect(try sink.messages().filter { $0.subject.contains("パスワード再設定") }.count == 1)
            #expect(try sink.messages().allSatisfy { $0.to == shop.adminEmail })
            let link = try #require(try sink.link(to: shop.adminEmail))

            let browser = Browser(app)
            let form = try await browser.get(link)
            let done = try await browser.post(
                link,
                [("password", "reset passphrase one"), ("confirm", "reset passphrase one")],
                csrf: form.hidden("_csrf")
            )
            #expect(done.location == "/login?password_set=1")
            #expect(try await Browser(app).get(link).status == .notFound, "a used link is refused")

            // The new password leads to the second factor, not past it.
            clock.advance(60)
            let signIn = Browser(app)
            #expect(
                try await signIn.signIn(shop.code, shop.adminEmail, "reset passphrase one").location
                    == "/login/second-factor"
            )
            let code = try ExternalTools.pyotpCode(uri: uri, at: clock.now)
            #expect(try await signIn.post("/login/second-factor", [("code", code)]).location == "/")

            // An expired link is refused.
            _ = try await requestReset(shop.adminEmail)
            try await app.runJobs()
            let second = try #require(try sink.links(to: shop.adminEmail).first { $0 != link })
            clock.advance(61 * 60)
            #expect(try await Browser(app).get(second).status == .notFound)
        }
    }

    @Test func anAccountGetsAtMostFiveResetMailsAnHour() async throws {
        try await withSMTP { app, _, sink in
            let shop = try await app.makeTenant("shop-a")
            for _ in 0..<7 {
                let browser = Browser(app)
                let form = try await browser.get("/password-reset")
                let page = try await browser.post(
                    "/password-reset",
                    [("tenant", shop.code), ("email", shop.adminEmail)],
                    csrf: form.hidden("_csrf")
                )
                #expect(page.location == "/login?reset_sent=1")
            }
            try await app.runJobs()
            #expect(try sink.messages().count == 5)
        }
    }
}
