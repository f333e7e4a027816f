import Foundation
import Testing
import Vapor

@testable import App

@Suite struct RateLimitTests {
    @Test func tooManySignInsFromOneAddressGet429WithRetryAfter() async throws {
        var limits = RateLimits()
        limits.signIn = .init(name: "sign-in", limit: 3, window: 600)
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_000))
        try await withApp(clock: clock, rateLimits: limits) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            for _ in 0..<3 {
                #expect(
                    try await Browser(app).signIn(shop.code, shop.adminEmail, "wrong password!!").status
                        == .unauthorized
                )
            }
            let limited = try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword)
            #expect(limited.status == .tooManyRequests)
            let retry = try #require(limited.headers.first(name: .retryAfter).flatMap(Int.init))
            #expect(retry > 0 && retry <= 600)
            clock.advance(Double(retry))
            #expect(try await Browser(app).signIn(shop.code, shop.adminEmail, shop.adminPassword).status == .seeOther)
        }
    }

    @Test func resetRequestsAndCodesAreLimitedToo() async throws {
        var limits = RateLimits()
        limits.passwordReset = .init(name: "password-reset", limit: 2, window: 3600)
        try await withApp(rateLimits: limits) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            var statuses: [HTTPStatus] = []
            for _ in 0..<3 {
                let browser = Browser(app)
                let form = try await browser.get("/password-reset")
                statuses.append(
                    try await browser.post(
                        "/password-reset",
                        [("tenant", shop.code), ("email", "x@y.example")],
                        csrf: form.hidden("_csrf")
                    ).status
                )
            }
            #expect(statuses == [.seeOther, .seeOther, .tooManyRequests])
        }
    }
}
