import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

/// Every tenant route, requested by tenant B with tenant A's ids, answers 404 and changes nothing of A's;
/// routes without ids show nothing of A's. New routes are covered automatically: a route with a parameter
/// this test has no fixture for fails the test.
@Suite struct TenantIsolationTests {
    @Test func anotherTenantsIdsAnswer404OnEveryTenantRoute() async throws {
        try await withApp { app, _ in
            let a = try await app.makeTenant("tenant-a", name: "甲商店")
            let b = try await app.makeTenant("tenant-b", name: "乙商店")
            let aStaff = try await app.makeUser(
                in: a,
                email: "secret-staff@tenant-a.example",
                name: "秘密 太郎",
                role: .staff
            )
            let aToken = try await app.makeToken(tenant: a, userID: aStaff.id!, scopes: ["orders:read"])
            _ = aToken
            let aTokenRecord = try #require(
                try await app.akinai.tenantDatabase(a.id, on: app.db).query(APITokenRecord.self).first()
            )
            try await Browser(app).signIn(tenant: a.code, email: aStaff.email, password: "another long password 1")
            try await app.makeProduct(
                a,
                ProductInput(
                    code: "A-PRODUCT",
                    name: "甲の商品",
                    supplier: nil,
                    labels: nil,
                    skus: [ReservationConcurrencyTests.plain("A-SKU")]
                )
            )
            let aSKU = try await app.sku(a, "A-SKU")
            let aWarehouse = try await app.stock(a).defaultWarehouse()
            try await app.stock(a).move(sku: aSKU, warehouseID: aWarehouse.typedID, kind: .receipt, quantity: 5)
            try await app.stock(a).reserve(
                reference: "A-ORDER-1",
                lines: [ReservationLine(skuID: aSKU.id!, quantity: 1)]
            )
            let aOrder = try await OrderIntake(
                tdb: app.akinai.tenantDatabase(a.id, on: app.db),
                services: app.akinai,
                actor: .system
            ).take(
                try OrderRules.check(
                    OrderInput(
                        channel: "own",
                        number: "A-ORDER-NO",
                        lines: [.init(sku: "A-SKU", quantity: 1, unitPrice: 1000)],
                        shipTo: .init(
                            name: "甲の購入者",
                            postalCode: "1000001",
                            prefecture: "東京都",
                            city: "千代田区",
                            address1: "1-1",
                            phone: "0312345678"
                        )
                    ),
                    now: app.akinai.clock()
                ),
                source: "test"
            )
            let aDraft = try await OrderRuleBook(
                tdb: app.akinai.tenantDatabase(a.id, on: app.db),
                services: app.akinai,
                actor: .system
            ).saveDraft("甲のルール | channel=own | label=甲")
            let aSession = try #require(
                try await app.akinai.tenantDatabase(a.id, on: app.db).query(SessionRecord.self).first()
            )
            let fixtures: [String: String] = [
                "userID": aStaff.id!.uuidString,
                "tokenID": aTokenRecord.id!.uuidString,
                "sessionID": aSession.id!.uuidString,
                "name": "mail.eml",
                "skuID": aSKU.id!.uuidString,
                "reference": "A-ORDER-1",
                "orderID": aOrder.id.uuidString,
                "version": String(aDraft),
            ]
            let markers = [
                a.name, a.adminEmail, aStaff.email, "秘密 太郎", aTokenRecord.tokenPrefix, "A-SKU", "甲の商品", "甲の購入者",
                "A-ORDER-NO",
            ]

            let bAdmin = try #require(try await app.user(b, email: b.adminEmail))
            let bToken = try await app.makeToken(tenant: b, userID: bAdmin.id!, scopes: APITokenIssuer.allScopes)

            let aEventsBefore = try await app.akinai.tenantDatabase(a.id, on: app.db).query(AuditEventRecord.self)
                .count()
            let routes = app.routes.all.filter { $0.userInfo[AnySendableHashable(TenantRoutes.marker)] != nil }
            #expect(routes.count >= 15, "tenant routes are marked")
            var checked = 0
            for route in routes {
                let isAPI = route.path.first?.description == "api"
                let browser = Browser(app)
                if isAPI {
                    browser.headers.bearerAuthorization = .init(token: bToken)
                } else {
                    // A fresh admin of B for each route, since the routes change their own user's settings.
                    let email = "admin\(checked)@tenant-b.example"
                    try await app.makeUser(in: b, email: email, role: .admin, password: "b admin password \(checked)")
                    let signedIn = try await browser.signIn(
                        tenant: b.code,
                        email: email,
                        password: "b admin password \(checked)"
                    )
                    #expect(signedIn.status == .seeOther)
                }
                var path = ""
                var hasParameter = false
                for component in route.path {
                    switch component {
                    case .constant(let value):
                        path += "/" + value
                    case .parameter(let name):
                        hasParameter = true
                        guard let id = fixtures[name] else {
                            Issue.record("no tenant-A fixture for parameter :\(name) of \(route.description)")
                            continue
                        }
                        path += "/" + id
                    default:
                        Issue.record("unexpected path component in \(route.description)")
                    }
                }
                if path.isEmpty { path = "/" }
                let page: Browser.Page
                if route.method == .GET {
                    page = try await browser.get(path)
                } else if isAPI {
                    page = try await browser.send(route.method, path)
                } else {
                    page = try await browser.post(path, [("name", "probe"), ("role", "viewer")])
                }
                if hasParameter {
                    #expect(page.status == .notFound, "\(route.method) \(path) as tenant B")
                }
                for marker in markers {
                    #expect(!page.body.contains(marker), "\(route.method) \(path) shows tenant A's \(marker)")
                }
                checked += 1
            }
            #expect(checked == routes.count)

            // Nothing of tenant A changed.
            let staffAfter = try #require(try await app.user(a, email: aStaff.email))
            #expect(staffAfter.isActive)
            #expect(staffAfter.role == .staff)
            let tokenAfter = try #require(
                try await app.akinai.tenantDatabase(a.id, on: app.db).find(APITokenRecord.self, aTokenRecord.id)
            )
            #expect(tokenAfter.revokedAt == nil)
            #expect(try await app.akinai.tenantDatabase(a.id, on: app.db).find(SessionRecord.self, aSession.id) != nil)
            #expect(try await app.stock(a).figures([aSKU.id!])[aSKU.id!] == StockFigures(onHand: 5, reserved: 2))
            let aOrderAfter = try #require(
                try await OrderQueries(
                    tdb: app.akinai.tenantDatabase(a.id, on: app.db),
                    cipher: try await app.akinai.keyStore.cipher(app.akinai.tenantDatabase(a.id, on: app.db))
                ).detail(aOrder.id)
            )
            #expect(aOrderAfter.summary.status == .received)
            #expect(aOrderAfter.history.count == 1)
            let aRules = try await OrderRuleBook(
                tdb: app.akinai.tenantDatabase(a.id, on: app.db),
                services: app.akinai,
                actor: .system
            ).versions()
            #expect(aRules.published == nil && aRules.draft?.version == aDraft, "tenant A's draft is still a draft")
            let verdict = try await AuditLog.verify(app.akinai.tenantDatabase(a.id, on: app.db))
            #expect(verdict == .intact(count: aEventsBefore), "nothing was added to tenant A's trail")
        }
    }

    @Test func theTenantWrapperCannotReachOrWriteAnotherTenantsRows() async throws {
        try await withApp { app, _ in
            let a = try await app.makeTenant("tenant-a")
            let b = try await app.makeTenant("tenant-b")
            let aAdmin = try #require(try await app.user(a, email: a.adminEmail))
            let bdb = app.akinai.tenantDatabase(b.id, on: app.db)
            #expect(try await bdb.find(UserRecord.self, aAdmin.id) == nil)
            #expect(try await bdb.query(UserRecord.self).all().map(\.email) == [b.adminEmail])
            await #expect(throws: TenancyViolation.self) { try await bdb.update(aAdmin) }
            await #expect(throws: TenancyViolation.self) { try await bdb.delete(aAdmin) }
            let created = try await app.makeUser(in: b, email: "x@tenant-b.example", role: .viewer)
            #expect(created.tenantID == b.id)
        }
    }
}
