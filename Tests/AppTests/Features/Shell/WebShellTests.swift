import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct WebShellTests {
    @Test(arguments: ["/login", "/", "/no-such-page", "/api/v1/me", "/css/app.css"])
    func everyResponseCarriesTheSecurityHeaders(_ path: String) async throws {
        try await withApp { app, _ in
            let page = try await Browser(app).get(path)
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
            #expect(page.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(page.headers.first(name: "Referrer-Policy") == "same-origin")
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
        }
    }

    @Test func signedInPagesNeedASignedInBrowser() async throws {
        try await withApp { app, _ in
            let page = try await Browser(app).get("/settings/users")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login?next=%2Fsettings%2Fusers")
        }
    }

    @Test func everyStateChangeNeedsTheSessionsCSRFToken() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let forged = try await admin.post(
                "/settings/users",
                [
                    ("email", "x@shop-a.example"), ("name", "X"), ("role", "admin"),
                    ("password", "long enough password"),
                ],
                csrf: "forged-token"
            )
            #expect(forged.status == .forbidden)
            #expect(try await app.user(shop, email: "x@shop-a.example") == nil)
            let logout = try await admin.post("/logout", csrf: "")
            #expect(logout.status == .forbidden)
            #expect(try await admin.get("/").status == .ok, "still signed in")
        }
    }

    @Test func errorPagesShowNoInternals() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let notFound = try await admin.get("/settings/users/not-a-uuid/nothing")
            #expect(notFound.status == .notFound)
            #expect(notFound.body.contains("ページが見つかりません"))
            let badID = try await admin.post("/settings/users/not-a-uuid/disable")
            #expect(badID.status == .notFound)
            let malformed = try await admin.send(
                .POST,
                "/api/v1/me",
                headers: ["Content-Type": "application/json"],
                body: "{not json"
            )
            #expect(malformed.status == .methodNotAllowed, "/api/v1/me answers GET only")
            for page in [notFound, badID, malformed] {
                for leak in ["Fluent", "Swift", "Error(", "/work/", ".swift"] {
                    #expect(!page.body.contains(leak), "\(leak) in an error page")
                }
            }
        }
    }

    @Test func japaneseByDefaultWithAnEnglishSwitch() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let browser = Browser(app)
            try await browser.signIn(shop)
            let japanese = try await browser.get("/")
            for label in ["ダッシュボード", "受注", "在庫", "商品", "発注", "分析", "設定"] {
                #expect(japanese.body.contains(">\(label)<"), "\(label) in the navigation")
            }
            #expect(japanese.body.contains("<html lang=\"ja\">"))
            let switched = try await browser.get("/lang/en?back=/settings/users")
            #expect(switched.location == "/settings/users")
            let english = try await browser.get("/")
            #expect(english.body.contains(">Orders<"))
            #expect(english.body.contains("<html lang=\"en\">"))
            #expect(try await browser.get("/lang/en?back=https://evil.example").location == "/")
        }
    }

    @Test func userInputIsEscapedInPages() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(
                in: shop,
                email: "x@shop-a.example",
                name: "<script>alert(1)</script>",
                role: .viewer
            )
            let admin = Browser(app)
            try await admin.signIn(shop)
            let page = try await admin.get("/settings/users")
            #expect(!page.body.contains("<script>alert(1)</script>"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test func theStylesheetIsServedFromTheApp() async throws {
        try await withApp { app, _ in
            let css = try await Browser(app).get("/css/app.css")
            #expect(css.status == .ok)
            #expect(css.headers.contentType?.subType == "css")
            #expect(css.body.contains(".mainnav"))
            let login = try await Browser(app).get("/login")
            #expect(login.body.contains("href=\"/css/app.css\""))
            #expect(!login.body.contains("http://") && !login.body.contains("https://"), "no external resources")
        }
    }

    @Test func healthAnswers() async throws {
        try await withApp { app, _ in
            let page = try await Browser(app).get("/health")
            #expect(page.status == .ok)
            #expect(page.body.contains("\"status\":\"ok\""))
        }
    }
}
