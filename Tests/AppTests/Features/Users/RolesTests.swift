import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct RolesTests {
    @Test func viewersReadButCannotChangeAnything() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "viewer@shop-a.example", role: .viewer)
            let viewer = Browser(app)
            try await viewer.signIn(
                tenant: shop.code,
                email: "viewer@shop-a.example",
                password: "another long password 1"
            )
            #expect(try await viewer.get("/orders").status == .ok)
            #expect(try await viewer.get("/settings/users").status == .forbidden)
            let create = try await viewer.post(
                "/settings/users",
                [("email", "x@shop-a.example"), ("name", "X"), ("role", "admin"), ("password", "long enough password")]
            )
            #expect(create.status == .forbidden)
            #expect(try await app.user(shop, email: "x@shop-a.example") == nil)
            let denied = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(AuditEventRecord.self)
                .filter(\.$action == "access.denied").count()
            #expect(denied == 2)
        }
    }

    @Test func staffSeeOnlyTheModulesGrantedToThem() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await app.makeUser(in: shop, email: "staff@shop-a.example", role: .staff, grants: [.orders: .write])
            let staff = Browser(app)
            try await staff.signIn(
                tenant: shop.code,
                email: "staff@shop-a.example",
                password: "another long password 1"
            )
            let dashboard = try await staff.get("/")
            #expect(dashboard.body.contains("href=\"/orders\""))
            #expect(!dashboard.body.contains("href=\"/inventory\""))
            #expect(!dashboard.body.contains("href=\"/settings/users\""))
            #expect(try await staff.get("/orders").status == .ok)
            for path in ["/inventory", "/catalog", "/purchasing", "/analytics", "/settings/audit", "/settings/tokens"] {
                #expect(try await staff.get(path).status == .forbidden, "\(path)")
            }
        }
    }

    @Test func tokenScopesNarrowTheUsersRights() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let token = try await app.makeToken(tenant: shop, userID: admin.id!, scopes: ["orders:read"])
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            let me = try await api.get("/api/v1/me")
            #expect(try me.decoded(as: MeController.MeResponse.self).scopes == ["orders:read"])
            let context = TenantContext(
                tenantID: shop.id,
                tenantCode: shop.code,
                tenantName: shop.name,
                isOperator: false,
                userID: admin.id!,
                userEmail: admin.email,
                permissions: admin.permissions,
                credential: .apiToken(id: UUID(), scopes: ["orders:read", "inventory:write"]),
                stage: .active,
                db: app.akinai.tenantDatabase(shop.id, on: app.db),
                actor: .cli,
                services: app.akinai
            )
            #expect(context.allows(.orders, .read))
            #expect(!context.allows(.orders, .write))
            #expect(context.allows(.inventory, .write))
            #expect(context.allows(.inventory, .read))
            #expect(!context.allows(.catalog, .read))
        }
    }
}
