import Domain
import Foundation
import Testing
import Vapor

@testable import App

/// Password hashing runs a few at a time on threads of its own; a flood of sign-ins is refused with 503, the
/// server keeps answering, and nothing that was admitted fails.
@Suite struct PasswordWorkTests {
    @Test func aFloodOfSignInsBeyondTheQueueIsAnswered503WithRetryAfter() async throws {
        let slow: @Sendable (inout AppServices) -> Void = { services in
            // One thread and room for two, with a cost that takes a while: most of twenty at once must be refused.
            services.passwordWork = PasswordWork(threads: 1, capacity: 2)
            services.passwordHasher = ScryptHasher(logN: 14)
        }
        try await withApp(services: slow) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let browsers = (0..<20).map { _ in Browser(app) }
            var forms: [String] = []
            for browser in browsers { forms.append(try #require(try await browser.get("/login").hidden("_csrf"))) }
            let pages = try await withThrowingTaskGroup(of: Browser.Page.self) { group in
                for (browser, csrf) in zip(browsers, forms) {
                    group.addTask {
                        try await browser.post(
                            "/login",
                            [("tenant", shop.code), ("email", shop.adminEmail), ("password", shop.adminPassword)],
                            csrf: csrf
                        )
                    }
                }
                return try await group.reduce(into: [Browser.Page]()) { $0.append($1) }
            }
            let busy = pages.filter { $0.status == .serviceUnavailable }
            let signedIn = pages.filter { $0.status == .seeOther && $0.location == "/" }
            #expect(busy.count > 0, "past the queue the answer comes at once")
            #expect(signedIn.count >= 2)
            #expect(busy.count + signedIn.count == 20, "every request is either signed in or told to retry")
            #expect(busy.allSatisfy { $0.headers.first(name: .retryAfter) == "2" })
            #expect(try await app.testing().sendRequest(.GET, "/health").status == .ok)
            // Once the flood is over, signing in works again.
            try await Browser(app).signIn(shop)
        }
    }
}
