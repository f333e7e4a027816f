import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct APITests {
    struct ErrorBody: Decodable {
        struct Inner: Decodable {
            let code: String
            let message: String
        }
        let error: Inner
    }

    @Test func meAnswersForAValidTokenOnly() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a", name: "商い堂")
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let token = try await app.makeToken(
                tenant: shop,
                userID: admin.id!,
                scopes: ["orders:read", "catalog:write"]
            )
            #expect(token.hasPrefix("akn_"))
            let stored = try #require(try await APITokenRecord.query(on: app.db).first())
            #expect(stored.tokenHash != token && !stored.tokenHash.contains(token), "only a hash is stored")

            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            let me = try await api.get("/api/v1/me")
            #expect(me.status == .ok)
            let who = try me.decoded(as: MeController.MeResponse.self)
            #expect(who.tenant.code == "shop-a")
            #expect(who.user.email == "admin@shop-a.example")
            #expect(who.user.role == "admin")

            for bad in ["", "akn_wrong", token + "x"] {
                let other = Browser(app)
                if !bad.isEmpty { other.headers.bearerAuthorization = .init(token: bad) }
                let page = try await other.get("/api/v1/me")
                #expect(page.status == .unauthorized)
                let body = try JSONDecoder().decode(ErrorBody.self, from: Data(page.body.utf8))
                #expect(body.error.code == "unauthorized")
            }
        }
    }

    @Test func revokedAndExpiredTokensStopWorking() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let created = try await admin.post(
                "/settings/tokens",
                [("name", "受注連携"), ("scopes[]", "orders:read"), ("expiresDays", "1")]
            )
            #expect(created.status == .created)
            let token = try #require(
                created.body.range(of: "akn_[A-Za-z0-9_-]+", options: .regularExpression).map {
                    String(created.body[$0])
                }
            )
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            #expect(try await api.get("/api/v1/me").status == .ok)
            clock.advance(86400 + 1)
            #expect(try await api.get("/api/v1/me").status == .unauthorized, "expired after one day")

            let record = try #require(try await APITokenRecord.query(on: app.db).first())
            record.expiresAt = nil
            try await record.save(on: app.db)
            #expect(try await api.get("/api/v1/me").status == .ok)
            try await admin.signIn(shop)  // the admin's session has ended meanwhile
            let revoke = try await admin.post("/settings/tokens/\(record.id!.uuidString)/revoke")
            #expect(revoke.status == .seeOther)
            #expect(revoke.location == "/settings/tokens")
            #expect(try await api.get("/api/v1/me").status == .unauthorized)
            #expect(try await admin.post("/settings/tokens/\(record.id!.uuidString)/revoke").status == .conflict)
        }
    }

    /// A token acts with its user's rights as they are now: a change shows on the very next request.
    @Test func aChangeOfTheUsersRightsAppliesToTheNextRequest() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let other = try await app.makeUser(in: shop, email: "second@shop-a.example", role: .admin)
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(
                token: try await app.makeToken(
                    tenant: shop,
                    userID: other.id!,
                    scopes: ["settings:read", "catalog:read"]
                )
            )
            #expect(try await api.get("/api/v1/me").status == .ok)
            #expect(try await api.get("/api/v1/skus").status == .ok)
            let admin = Browser(app)
            try await admin.signIn(shop)
            try await admin.post("/settings/users/\(other.id!.uuidString)/role", [("role", "staff")])
            #expect(try await api.get("/api/v1/skus").status == .forbidden, "staff without a catalog grant")
            try await admin.post("/settings/users/\(other.id!.uuidString)/disable")
            #expect(try await api.get("/api/v1/me").status == .unauthorized)
        }
    }

    @Test func invalidScopesAreRefused() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let page = try await admin.post("/settings/tokens", [("name", "x"), ("scopes[]", "root:all")])
            #expect(page.status == .unprocessableEntity)
            #expect(try await APITokenRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func theTokenCommandPrintsOnlyTheToken() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            let result = try CLI.run(
                [
                    "token", "create", "--tenant", shop.code, "--email", shop.adminEmail, "--scopes",
                    "orders:read,inventory:write",
                ],
                env: env
            )
            #expect(result.status == 0)
            let token = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("akn_"))
            #expect(!token.contains(" ") && !token.contains("\n"))
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(token: token)
            let me = try await api.get("/api/v1/me")
            #expect(try me.decoded(as: MeController.MeResponse.self).scopes == ["inventory:write", "orders:read"])

            let bad = try CLI.run(
                ["token", "create", "--tenant", shop.code, "--email", "none@x.example", "--scopes", "orders:read"],
                env: env
            )
            #expect(bad.status != 0)
        }
    }

    @Test func everyAPIRouteIsInTheOpenAPIDocument() async throws {
        try await withApp { app, _ in
            let page = try await Browser(app).get("/openapi.json")
            #expect(page.status == .ok)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let apiRoutes = app.routes.all.filter { $0.path.first?.description == "api" }
            #expect(!apiRoutes.isEmpty)
            for route in apiRoutes {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter(let name) = component { return "{\(name)}" }
                        return component.description
                    }.joined(separator: "/")
                let operation = paths[path]?[route.method.rawValue.lowercased()]
                #expect(operation != nil, "\(route.method) \(path) is missing from /openapi.json")
            }
        }
    }
}
