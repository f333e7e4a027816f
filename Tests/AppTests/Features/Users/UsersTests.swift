import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct UsersTests {
    @Test func anInvitedUserChoosesTheirOwnPasswordThroughTheMailedLink() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let invited = try await admin.post(
                "/settings/users",
                [("email", "Hanako@Shop-A.example"), ("name", "佐藤 花子"), ("role", "staff")]
            )
            #expect(invited.status == .seeOther)
            let list = try await admin.get("/settings/users?notice=invited")
            #expect(list.body.contains("hanako@shop-a.example"))
            #expect(list.body.contains("佐藤 花子"))
            #expect(list.body.contains("招待中"))
            // Until they accept, no password signs them in.
            try await app.runJobs()
            let link = try #require(env.mailbox.link(to: "hanako@shop-a.example"))
            #expect(link.hasPrefix("/invitation/"))
            #expect(env.mailbox.last(to: "hanako@shop-a.example")?.body.contains(shop.adminEmail) == true)

            let invitee = Browser(app)
            let form = try await invitee.get(link)
            #expect(form.status == .ok)
            let accepted = try await invitee.post(
                link,
                [("password", "花子のとても長いパスワード"), ("confirm", "花子のとても長いパスワード")],
                csrf: form.hidden("_csrf")
            )
            #expect(accepted.location == "/login?password_set=1")
            let signIn = try await Browser(app).signIn(
                tenant: shop.code,
                email: "hanako@shop-a.example",
                password: "花子のとても長いパスワード"
            )
            #expect(signIn.status == .seeOther)
            // The link works once.
            #expect(try await Browser(app).get(link).status == .notFound)
        }
    }

    @Test func invalidInputIsRefusedAndChangesNothing() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let cases: [([(String, String)], HTTPStatus, String)] = [
                ([("email", "not-an-email"), ("name", "A"), ("role", "staff")], .unprocessableEntity, "メールアドレスの形式"),
                ([("email", "a@shop-a.example"), ("name", "A"), ("role", "root")], .unprocessableEntity, "権限の指定"),
                ([("email", "a@shop-a.example"), ("name", ""), ("role", "staff")], .unprocessableEntity, "名前は1〜100文字"),
                ([("email", shop.adminEmail), ("name", "A"), ("role", "staff")], .conflict, "既に登録されています"),
            ]
            for (fields, status, message) in cases {
                let page = try await admin.post("/settings/users", fields)
                #expect(page.status == status)
                #expect(page.body.contains(message))
            }
            #expect(try await app.akinai.tenantDatabase(shop.id, on: app.db).query(UserRecord.self).count() == 1)
        }
    }

    @Test func theSameEmailMayExistInTwoTenants() async throws {
        try await withApp { app, _ in
            let a = try await app.makeTenant("shop-a")
            let b = try await app.makeTenant("shop-b")
            try await app.makeUser(in: a, email: "same@example.jp", role: .staff, password: "password for shop a")
            try await app.makeUser(in: b, email: "same@example.jp", role: .staff, password: "password for shop b")
            #expect(
                try await Browser(app).signIn(
                    tenant: "shop-a",
                    email: "same@example.jp",
                    password: "password for shop a"
                ).status == .seeOther
            )
            #expect(
                try await Browser(app).signIn(
                    tenant: "shop-b",
                    email: "same@example.jp",
                    password: "password for shop a"
                ).status == .unauthorized
            )
            #expect(
                try await Browser(app).signIn(
                    tenant: "shop-b",
                    email: "same@example.jp",
                    password: "password for shop b"
                ).status == .seeOther
            )
        }
    }

    @Test func removingAUserEndsTheirSessionsAndTokensAtOnce() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let staff = try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff)
            let token = try await app.makeToken(tenant: shop, userID: staff.id!, scopes: [])
            let staffBrowser = Browser(app)
            try await staffBrowser.signIn(tenant: shop.code, email: staff.email, password: "another long password 1")
            let admin = Browser(app)
            try await admin.signIn(shop)
            #expect(try await admin.post("/settings/users/\(staff.id!.uuidString)/remove").status == .seeOther)
            #expect(try await staffBrowser.get("/").status == .seeOther)
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            #expect(try await api.get("/api/v1/me").status == .unauthorized)
            #expect(try await app.user(shop, email: staff.email) == nil)
            let removal = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(AuditEventRecord.self)
                .filter(\.$action == "user.remove").first()
            #expect(removal?.details.contains(staff.email) == true)
        }
    }

    @Test func anAdminCannotLockThemselvesOutOrRemoveTheLastAdmin() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let me = try #require(try await app.user(shop, email: shop.adminEmail))
            let admin = Browser(app)
            try await admin.signIn(shop)
            for action in ["disable", "remove"] {
                #expect(try await admin.post("/settings/users/\(me.id!.uuidString)/\(action)").status == .conflict)
            }
            #expect(
                try await admin.post("/settings/users/\(me.id!.uuidString)/role", [("role", "viewer")]).status
                    == .conflict
            )
            #expect(try await app.user(shop, email: shop.adminEmail)?.role == .admin)

            let other = try await app.makeUser(in: shop, email: "second@shop-a.example", role: .admin)
            let second = Browser(app)
            try await second.signIn(tenant: shop.code, email: other.email, password: "another long password 1")
            #expect(
                try await second.post("/settings/users/\(me.id!.uuidString)/role", [("role", "staff")]).status
                    == .seeOther
            )
            #expect(try await app.user(shop, email: shop.adminEmail)?.role == .staff)
        }
    }

    /// A disabled user's invitation (and any reset link or code) stops working at once, and a link used after
    /// all never turns the user active again.
    @Test func disablingAUserVoidsTheirInvitation() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post(
                "/settings/users",
                [("email", "new@shop-a.example"), ("name", "新井 一郎"), ("role", "viewer")]
            )
            try await app.runJobs()
            let link = try #require(env.mailbox.link(to: "new@shop-a.example"))
            let invitee = Browser(app)
            let form = try await invitee.get(link)
            #expect(form.status == .ok)
            let user = try #require(try await app.user(shop, email: "new@shop-a.example"))
            #expect(try await admin.post("/settings/users/\(user.id!.uuidString)/disable").location != nil)
            let late = try await invitee.post(
                link,
                [("password", "my own secret phrase"), ("confirm", "my own secret phrase")],
                csrf: form.hidden("_csrf")
            )
            #expect(late.status == .notFound)
            #expect(try await app.user(shop, email: "new@shop-a.example")?.status == .disabled)
            // Even a link that was still open when the user was disabled activates nobody.
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            try await tdb.activateInvitedUser(user.id!)
            #expect(try await app.user(shop, email: "new@shop-a.example")?.status == .disabled)
        }
    }

    /// Twenty admins each disable the next one, all at once: the shop keeps an active admin.
    @Test func adminsDisablingEachOtherAtOnceLeaveTheShopAnAdmin() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            var admins = [try #require(try await app.user(shop, email: shop.adminEmail))]
            var browsers = [Browser(app)]
            try await browsers[0].signIn(shop)
            for index in 1..<20 {
                let user = try await app.makeUser(in: shop, email: "admin\(index)@shop-a.example", role: .admin)
                let browser = Browser(app)
                try await browser.signIn(tenant: shop.code, email: user.email, password: "another long password 1")
                admins.append(user)
                browsers.append(browser)
            }
            // Every form first, so the twenty requests that change something go out together.
            var tokens: [String] = []
            for browser in browsers {
                tokens.append(try #require(try await browser.get("/settings/users").hidden("_csrf")))
            }
            let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
                for index in 0..<20 {
                    let (browser, target, csrf) = (browsers[index], admins[(index + 1) % 20], tokens[index])
                    group.addTask {
                        try await browser.post("/settings/users/\(target.id!.uuidString)/disable", csrf: csrf).location
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let active = try await tdb.query(UserRecord.self).filter(\.$role == .admin).filter(\.$status == .active)
                .count()
            #expect(active >= 1, "the shop keeps an active admin")
            let disabled = try await tdb.query(UserRecord.self).filter(\.$status == .disabled).count()
            #expect(outcomes.filter { $0 == "/settings/users?notice=updated" }.count == disabled)
            #expect(disabled + active == 20)
        }
    }
}
