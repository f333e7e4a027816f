import FluentKit
import Foundation
import NIOCore
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

    /// A browser whose requests reach Akinai from `peer`, with `X-Forwarded-For: forwarded` when given.
    private func browser(_ app: Application, peer: String = "127.0.0.1", forwarded: String? = nil) throws -> Browser {
        let browser = Browser(app)
        browser.remoteAddress = try SocketAddress(ipAddress: peer, port: 40_000)
        if let forwarded { browser.headers.replaceOrAdd(name: .xForwardedFor, value: forwarded) }
        return browser
    }

    @Test func behindATrustedProxyTheAuditTrailAndLimitsSeeTheRealClient() async throws {
        var limits = RateLimits.generous
        limits.signIn = .init(name: "sign-in", limit: 2, window: 600)
        try await withApp(rateLimits: limits, environment: ["AKINAI_TRUSTED_PROXIES": "127.0.0.1, ::1"]) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            // The client's own "1.1.1.1" is not believed; the proxy's entry is.
            let page = try await browser(app, forwarded: "1.1.1.1, 203.0.113.9")
                .signIn(tenant: shop.code, email: shop.adminEmail, password: "wrong password!!")
            #expect(page.status == .unauthorized)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let failed = try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.sign_in").all()
            #expect(failed.map(\.ip) == ["203.0.113.9"])

            // Each client has its own counter: a second address is not held back by the first one's tries.
            _ = try await browser(app, forwarded: "203.0.113.9")
                .signIn(tenant: shop.code, email: shop.adminEmail, password: "wrong password!!")
            let third = try await browser(app, forwarded: "203.0.113.9")
                .signIn(tenant: shop.code, email: shop.adminEmail, password: shop.adminPassword)
            #expect(third.status == .tooManyRequests)
            let other = try await browser(app, forwarded: "198.51.100.4")
                .signIn(tenant: shop.code, email: shop.adminEmail, password: shop.adminPassword)
            #expect(other.status == .seeOther)
            let signedIn = try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.sign_in")
                .filter(\.$result == "success").all()
            #expect(signedIn.map(\.ip) == ["198.51.100.4"])
        }
    }

    @Test func forwardedForFromAnUntrustedPeerIsIgnored() async throws {
        var limits = RateLimits.generous
        limits.signIn = .init(name: "sign-in", limit: 2, window: 600)
        try await withApp(rateLimits: limits) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            var statuses: [HTTPStatus] = []
            for n in 1...3 {
                // A fresh made-up address each time gains nothing: no proxy is trusted by default.
                let page = try await browser(app, forwarded: "203.0.113.\(n)")
                    .signIn(tenant: shop.code, email: shop.adminEmail, password: "wrong password!!")
                statuses.append(page.status)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests])
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let failed = try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.sign_in").all()
            #expect(failed.map(\.ip) == ["127.0.0.1", "127.0.0.1"])
        }
    }

    @Test func ipv6ClientsShareOneCounterPerSlash64() async throws {
        var limits = RateLimits.generous
        limits.signIn = .init(name: "sign-in", limit: 1, window: 600)
        try await withApp(rateLimits: limits) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            func attempt(_ peer: String) async throws -> HTTPStatus {
                try await browser(app, peer: peer)
                    .signIn(tenant: shop.code, email: shop.adminEmail, password: "wrong password!!").status
            }
            #expect(try await attempt("2001:db8:1:2::1") == .unauthorized)
            #expect(try await attempt("2001:db8:1:2:ffff::9") == .tooManyRequests)
            #expect(try await attempt("2001:db8:1:3::1") == .unauthorized)
        }
    }

    @Test func guessesSpreadOverManyAddressesMeetThePerAccountAndPerShopLimits() async throws {
        var limits = RateLimits.generous
        limits.signInPerAccount = .init(name: "sign-in-account", limit: 3, window: 600)
        limits.signInPerTenant = .init(name: "sign-in-tenant", limit: 5, window: 600)
        try await withApp(rateLimits: limits, environment: ["AKINAI_TRUSTED_PROXIES": "127.0.0.1"]) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            var statuses: [HTTPStatus] = []
            for n in 1...4 {
                // Case and spaces do not make another account.
                let email = n.isMultiple(of: 2) ? " " + shop.adminEmail.uppercased() : shop.adminEmail
                let page = try await browser(app, forwarded: "203.0.113.\(n)")
                    .signIn(tenant: shop.code.uppercased(), email: email, password: "wrong password!!")
                statuses.append(page.status)
            }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
            // Other accounts of the shop, even ones that do not exist, count towards the shop's limit.
            var others: [HTTPStatus] = []
            for n in 5...7 {
                let page = try await browser(app, forwarded: "203.0.113.\(n)")
                    .signIn(tenant: shop.code, email: "nobody\(n)@shop-a.example", password: "wrong password!!")
                others.append(page.status)
            }
            #expect(others == [.unauthorized, .tooManyRequests, .tooManyRequests])
            // Another shop is not affected.
            let other = try await app.makeTenant("shop-b")
            #expect(
                try await browser(app, forwarded: "203.0.113.8")
                    .signIn(tenant: other.code, email: other.adminEmail, password: other.adminPassword).status
                    == .seeOther
            )
        }
    }

    @Test func twentyConcurrentResetRequestsSendAtMostTheHourlyMails() async throws {
        #expect(RateLimits.generous.passwordResetPerAccount.limit == 5)
        try await withApp(rateLimits: .generous) { app, env in
            let shop = try await app.makeTenant("shop-a")
            try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let browser = Browser(app)
                        let form = try await browser.get("/password-reset")
                        return try await browser.post(
                            "/password-reset",
                            [("tenant", shop.code), ("email", shop.adminEmail)],
                            csrf: form.hidden("_csrf")
                        ).status
                    }
                }
                // Every request gets the same answer, whether or not a mail went out.
                for try await status in group { #expect(status == .seeOther) }
            }
            try await app.runJobs()
            #expect(env.mailbox.all.filter { $0.to == shop.adminEmail }.count == 5)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let denied = try await tdb.query(AuditEventRecord.self).filter(\.$action == "auth.password_reset_request")
                .filter(\.$result == "denied").count()
            #expect(denied == 15)
        }
    }
}
