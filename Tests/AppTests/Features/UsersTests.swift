import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct UsersTests {
    @Test func anAdminAddsAUserWhoCanThenSignIn() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let created = try await admin.post(
                "/settings/users",
                [
                    ("email", "Hanako@Shop-A.example"), ("name", "佐藤 花子"), ("role", "staff"),
                    ("password", "花子のとても長いパスワード"),
                ]
            )
            #expect(created.status == .seeOther)
            let list = try await admin.get("/settings/users?notice=created")
            #expect(list.body.contains("hanako@shop-a.example"))
            #expect(list.body.contains("佐藤 花子"))
            #expect(list.body.contains("ユーザーを追加しました"))
            let signIn = try await Browser(app).signIn(
                tenant: shop.code,
                email: "hanako@shop-a.example",
                password: "花子のとても長いパスワード"
            )
            #expect(signIn.status == .seeOther)
        }
    }

    @Test func invalidInputIsRefusedAndChangesNothing() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let cases: [([(String, String)], HTTPStatus, String)] = [
                (
                    [
                        ("email", "not-an-email"), ("name", "A"), ("role", "staff"),
                        ("password", "long enough password"),
                    ], .unprocessableEntity, "メールアドレスの形式"
                ),
                (
                    [
                        ("email", "a@shop-a.example"), ("name", "A"), ("role", "root"),
                        ("password", "long enough password"),
                    ], .unprocessableEntity, "権限の指定"
                ),
                (
                    [("email", "a@shop-a.example"), ("name", "A"), ("role", "staff"), ("password", "short")],
                    .unprocessableEntity, "パスワードが短すぎます"
                ),
                (
                    [
                        ("email", shop.adminEmail), ("name", "A"), ("role", "staff"),
                        ("password", "long enough password"),
                    ], .conflict, "既に登録されています"
                ),
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
            #expect(try await app.user(shop, email: shop.adminEmail)?.role == "admin")

            let other = try await app.makeUser(in: shop, email: "second@shop-a.example", role: .admin)
            let second = Browser(app)
            try await second.signIn(tenant: shop.code, email: other.email, password: "another long password 1")
            #expect(
                try await second.post("/settings/users/\(me.id!.uuidString)/role", [("role", "staff")]).status
                    == .seeOther
            )
            #expect(try await app.user(shop, email: shop.adminEmail)?.role == "staff")
        }
    }
}
