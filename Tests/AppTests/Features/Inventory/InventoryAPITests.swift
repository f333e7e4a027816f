import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct InventoryAPITests {
    static let product = """
        {"code": "TS-001", "name": "リネンTシャツ", "supplier": "東京繊維", "labels": ["夏物"],
         "skus": [
           {"code": "TS-001-RED-L", "variant": "赤 / L", "jan": "4901234567894", "price": 2980, "reorderPoint": 3,
            "listings": [{"channel": "rakuten", "itemCode": "ts001-red-l", "rule": "buffer:2"},
                         {"channel": "shopify", "itemCode": "41234", "rule": "percent:50"}]},
           {"code": "TS-001-BLU-L", "variant": "青 / L", "price": 2980},
           {"code": "TS-001-SET", "variant": "2色セット", "price": 5500,
            "components": [{"sku": "TS-001-RED-L", "quantity": 1}, {"sku": "TS-001-BLU-L", "quantity": 1}],
            "listings": [{"channel": "yahoo", "itemCode": "ts-set", "rule": "all"}]}
         ]}
        """

    func api(
        _ app: Application,
        _ shop: TestTenant,
        scopes: [String] = APITokenIssuer.allScopes
    ) async throws -> Browser {
        let admin = try #require(try await app.user(shop, email: shop.adminEmail))
        let browser = Browser(app)
        browser.headers.bearerAuthorization = .init(
            token: try await app.makeToken(tenant: shop, userID: admin.id!, scopes: scopes)
        )
        return browser
    }

    func post(_ browser: Browser, _ path: String, _ json: String) async throws -> Browser.Page {
        try await browser.send(.POST, path, headers: ["Content-Type": "application/json"], body: json)
    }

    @Test func productsStockReservationsAndChannelStockThroughTheAPI() async throws {
        try await withApp { app, env in
            let shop = try await app.makeTenant("shop-a")
            try await app.akinai.tenantDatabase(shop.id, on: app.db).saveShopSettings(
                ShopSettings(reorderAlertEmail: "buyer@shop-a.example"),
                now: env.clock.now
            )
            let api = try await api(app, shop)
            let created = try await post(api, "/api/v1/products", Self.product)
            #expect(created.status == .created)
            #expect(
                try created.decoded(as: CatalogAPIController.ProductResponse.self).skus.filter(\.isSet).map(\.code)
                    == ["TS-001-SET"]
            )

            for (sku, quantity) in [("TS-001-RED-L", 10), ("TS-001-BLU-L", 4)] {
                let receipt = try await post(
                    api,
                    "/api/v1/stock/movements",
                    #"{"sku": "\#(sku)", "kind": "receipt", "quantity": \#(quantity)}"#
                )
                #expect(receipt.status == .created)
            }
            let red = try await app.sku(shop, "TS-001-RED-L")
            let set = try await app.sku(shop, "TS-001-SET")
            let listings = {
                try await app.akinai.tenantDatabase(shop.id, on: app.db).query(ChannelListingRecord.self).all()
            }
            #expect(try await listings().first { $0.channel == "rakuten" }?.shown == 8, "10 available, buffer 2")
            #expect(try await listings().first { $0.channel == "shopify" }?.shown == 5, "50%")
            #expect(try await listings().first { $0.channel == "yahoo" }?.shown == 4, "the set: as many as blue allows")

            let reserve = try await post(
                api,
                "/api/v1/reservations",
                #"{"reference": "R-1001", "lines": [{"sku": "TS-001-SET", "quantity": 3}, {"sku": "TS-001-RED-L", "quantity": 2}]}"#
            )
            #expect(reserve.status == .created)
            let again = try await post(
                api,
                "/api/v1/reservations",
                #"{"reference": "R-1001", "lines": [{"sku": "TS-001-RED-L", "quantity": 2}, {"sku": "TS-001-SET", "quantity": 3}]}"#
            )
            #expect(again.status == .created, "idempotent per reference: a retry gets the one reservation")
            let other = try await post(
                api,
                "/api/v1/reservations",
                #"{"reference": "R-1001", "lines": [{"sku": "TS-001-SET", "quantity": 3}]}"#
            )
            #expect(other.status == .conflict, "the same reference for other lines is refused")
            #expect(other.body.contains("reference_reused"))
            typealias Figures = InventoryAPIController.StockResponse
            func figures(_ id: UUID) async throws -> Figures {
                try await api.get("/api/v1/stock/\(id.uuidString)").decoded()
            }
            let stock = try await figures(red.id!)
            #expect((stock.onHand, stock.reserved, stock.available) == (10, 5, 5))
            #expect(try await figures(set.id!).available == 1)
            #expect(try await listings().first { $0.channel == "rakuten" }?.shown == 3)

            let tooMuch = try await post(
                api,
                "/api/v1/reservations",
                #"{"reference": "R-1002", "lines": [{"sku": "TS-001-RED-L", "quantity": 1}, {"sku": "TS-001-SET", "quantity": 2}]}"#
            )
            #expect(tooMuch.status == .conflict)
            #expect(tooMuch.body.contains("insufficient_stock"))
            #expect(try await figures(red.id!).reserved == 5, "nothing half-reserved")

            // Available fell to 5 > 3: no alert yet. Down to 3: one alert; further down: none.
            try await app.runJobs()
            #expect(env.mailbox.all.filter { $0.to == "buyer@shop-a.example" }.isEmpty)
            #expect(
                try await post(
                    api,
                    "/api/v1/reservations",
                    #"{"reference": "R-1003", "lines": [{"sku": "TS-001-RED-L", "quantity": 2}]}"#
                ).status == .created
            )
            #expect(
                try await post(
                    api,
                    "/api/v1/reservations",
                    #"{"reference": "R-1004", "lines": [{"sku": "TS-001-RED-L", "quantity": 1}]}"#
                ).status == .created
            )
            try await app.runJobs()
            let alerts = env.mailbox.all.filter { $0.to == "buyer@shop-a.example" }
            #expect(alerts.count == 1)
            #expect(alerts.first?.subject.contains("TS-001-RED-L") == true)

            #expect(try await post(api, "/api/v1/reservations/R-1004/release", "").status == .ok)
            #expect(try await post(api, "/api/v1/reservations/R-1004/release", "").status == .conflict)
            #expect(try await post(api, "/api/v1/reservations/R-1001/commit", "").status == .ok)
            let after = try await figures(red.id!)
            #expect((after.onHand, after.reserved) == (5, 2), "5 of the 10 shipped; R-1003 still holds 2")
            #expect(try await post(api, "/api/v1/reservations/NOPE/commit", "").status == .notFound)
            // A shipped item comes back: a cancel movement puts it on hand again.
            let returned = try await post(
                api,
                "/api/v1/stock/movements",
                #"{"sku": "TS-001-RED-L", "kind": "cancel", "quantity": 1, "reason": "返品"}"#
            )
            #expect(returned.status == .created)
            #expect(try returned.decoded(as: Figures.self).onHand == 6)
            #expect(
                try await post(
                    api,
                    "/api/v1/stock/movements",
                    #"{"sku": "TS-001-RED-L", "kind": "sale", "quantity": 1}"#
                ).status == .unprocessableEntity
            )
            #expect(try await app.stock(shop).rebuild(repair: false).isEmpty)
        }
    }

    @Test func badInputIsRefusedWithTheFieldAndChangesNothing() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let api = try await api(app, shop)
            let cases: [(String, String, String)] = [
                (
                    #"{"code": "X", "name": "x", "skus": [{"code": "X-1", "price": 100, "jan": "4901234567890"}]}"#,
                    "jan_check_digit", "skus[0]"
                ),
                (#"{"code": "X", "name": "x", "skus": [{"code": "X 1", "price": 100}]}"#, "code", "skus[0].code"),
                (#"{"code": "X", "name": "x", "skus": [{"code": "X-1", "price": -1}]}"#, "price", "skus[0].price"),
                // Refused, not cut to 100 characters: the same rule as the CSV import's.
                (
                    #"{"code": "X", "name": "x", "skus": [{"code": "X-1", "price": 1, "variant": "\#(String(repeating: "v", count: 101))"}]}"#,
                    "100", "skus[0].variant"
                ),
                (
                    #"{"code": "X", "name": "x", "skus": [{"code": "X-1", "price": 1, "components": [{"sku": "NOPE", "quantity": 1}]}]}"#,
                    "component", "skus[0].components[0].sku"
                ),
                (
                    #"{"code": "X", "name": "x", "skus": [{"code": "X-1", "price": 1, "listings": [{"channel": "rakuten", "itemCode": "a", "rule": "share:3"}]}]}"#,
                    "rule", ""
                ),
                (#"{"code": "X", "name": "x", "skus": []}"#, "SKU", "skus"),
                (#"{"code": "X", "name": "#, "", ""),
            ]
            for (json, _, field) in cases {
                let page = try await post(api, "/api/v1/products", json)
                #expect([.unprocessableEntity, .badRequest].contains(page.status), "\(json)")
                #expect(page.body.contains("\"error\""))
                if !field.isEmpty { #expect(page.body.contains("\"field\":\"\(field)"), "\(json): \(page.body)") }
            }
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(ProductRecord.self).count() == 0)
            #expect(try await tdb.query(SKURecord.self).count() == 0)
            #expect(
                try await post(api, "/api/v1/stock/movements", #"{"sku": "NOPE", "kind": "receipt", "quantity": 1}"#)
                    .status == .unprocessableEntity
            )
        }
    }

    @Test func adjustmentsNeedAReasonAndNeverTakeReservedStock() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let api = try await api(app, shop)
            #expect(try await post(api, "/api/v1/products", Self.product).status == .created)
            #expect(
                try await post(
                    api,
                    "/api/v1/stock/movements",
                    #"{"sku": "TS-001-BLU-L", "kind": "receipt", "quantity": 5}"#
                ).status == .created
            )
            #expect(
                try await post(
                    api,
                    "/api/v1/reservations",
                    #"{"reference": "R1", "lines": [{"sku": "TS-001-BLU-L", "quantity": 4}]}"#
                ).status == .created
            )
            let noReason = try await post(
                api,
                "/api/v1/stock/movements",
                #"{"sku": "TS-001-BLU-L", "kind": "adjustment", "quantity": -1}"#
            )
            #expect(noReason.status == .unprocessableEntity)
            let tooMuch = try await post(
                api,
                "/api/v1/stock/movements",
                #"{"sku": "TS-001-BLU-L", "kind": "adjustment", "quantity": -2, "reason": "破損"}"#
            )
            #expect(tooMuch.status == .conflict, "on hand may not fall below what is reserved")
            let ok = try await post(
                api,
                "/api/v1/stock/movements",
                #"{"sku": "TS-001-BLU-L", "kind": "adjustment", "quantity": -1, "reason": "破損"}"#
            )
            #expect(ok.status == .created)
            let moves = try await app.akinai.tenantDatabase(shop.id, on: app.db).query(StockMovementRecord.self).filter(
                \.$kind == .adjustment
            ).all()
            #expect(moves.map(\.reason) == ["破損"])
        }
    }

    @Test func viewersAndNarrowTokensCannotChangeStock() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = try await api(app, shop)
            #expect(try await post(admin, "/api/v1/products", Self.product).status == .created)
            let readOnly = try await api(app, shop, scopes: ["inventory:read", "catalog:read"])
            #expect(
                try await post(
                    readOnly,
                    "/api/v1/stock/movements",
                    #"{"sku": "TS-001-BLU-L", "kind": "receipt", "quantity": 5}"#
                ).status == .forbidden
            )
            #expect(try await readOnly.get("/api/v1/skus?q=BLU").body.contains("TS-001-BLU-L"))
            let viewer = try await app.makeUser(in: shop, email: "v@shop-a.example", role: .viewer)
            let viewerAPI = Browser(app)
            viewerAPI.headers.bearerAuthorization = .init(
                token: try await app.makeToken(tenant: shop, userID: viewer.id!, scopes: APITokenIssuer.allScopes)
            )
            #expect(
                try await post(
                    viewerAPI,
                    "/api/v1/reservations",
                    #"{"reference": "R", "lines": [{"sku": "TS-001-BLU-L", "quantity": 1}]}"#
                ).status == .forbidden
            )
            #expect(try await viewerAPI.get("/api/v1/products").status == .ok)
        }
    }
}

@Suite struct TransferTests {
    @Test func transfersMoveOnlyAvailableStockBetweenWarehouses() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            _ = try await DemoCatalog.seed(tdb, services: app.akinai)
            let sku = try await app.sku(shop, "MG-001")
            let stock = app.stock(shop)
            let main = try await stock.defaultWarehouse()
            let osaka = try #require(try await tdb.query(WarehouseRecord.self).filter(\.$code == "osaka").first())
            let before = try await stock.level(sku: sku.id!, warehouse: main.typedID)
            let beforeOsaka = try await stock.level(sku: sku.id!, warehouse: osaka.typedID)
            try await stock.reserve(
                reference: "R",
                lines: [ReservationLine(skuID: sku.id!, quantity: before.onHand - 1)]
            )
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(
                token: try await app.makeToken(tenant: shop, userID: admin.id!, scopes: ["inventory:write"])
            )
            func transfer(_ quantity: Int, from: String = "main", to: String = "osaka") async throws -> HTTPStatus {
                try await api.send(
                    .POST,
                    "/api/v1/stock/transfers",
                    headers: ["Content-Type": "application/json"],
                    body: #"{"sku": "MG-001", "from": "\#(from)", "to": "\#(to)", "quantity": \#(quantity)}"#
                ).status
            }
            #expect(try await transfer(2) == .conflict, "only 1 unit is not reserved")
            #expect(try await transfer(1) == .created)
            #expect(try await stock.level(sku: sku.id!, warehouse: main.typedID).onHand == before.onHand - 1)
            #expect(try await stock.level(sku: sku.id!, warehouse: osaka.typedID).onHand == beforeOsaka.onHand + 1)
            #expect(try await transfer(1, to: "nowhere") == .unprocessableEntity)
            #expect(try await transfer(1, from: "osaka", to: "osaka") == .unprocessableEntity)
            #expect(try await stock.rebuild(repair: false).isEmpty)
        }
    }

    /// Transfers of one SKU in both directions at once all go through: none waits for the other for ever (on
    /// PostgreSQL a deadlock would fail one of them), and the total stays what it was.
    @Test func oppositeTransfersAtOnceNeitherDeadlockNorLoseStock() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            _ = try await DemoCatalog.seed(tdb, services: app.akinai)
            let sku = try await app.sku(shop, "MG-001")
            let stock = app.stock(shop)
            let main = try await stock.defaultWarehouse()
            let osaka = try #require(try await tdb.query(WarehouseRecord.self).filter(\.$code == "osaka").first())
            try await stock.move(sku: sku, warehouseID: main.typedID, kind: .receipt, quantity: 100)
            try await stock.move(sku: sku, warehouseID: osaka.typedID, kind: .receipt, quantity: 100)
            let total = try await stock.figures([sku.id!])[sku.id!]?.onHand
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let (from, to) = index % 2 == 0 ? (main.typedID, osaka.typedID) : (osaka.typedID, main.typedID)
                        try await stock.transfer(sku: sku, from: from, to: to, quantity: 1)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await stock.figures([sku.id!])[sku.id!]?.onHand == total)
            #expect(try await tdb.query(StockMovementRecord.self).filter(\.$kind == .transfer).count() == 40)
            #expect(try await stock.rebuild(repair: false).isEmpty)
        }
    }
}

@Suite struct ListingAPITests {
    @Test func listingsAreAddedAndTheirRuleChangesTheShownStockAtOnce() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            _ = try await DemoCatalog.seed(tdb, services: app.akinai)
            let sku = try await app.sku(shop, "CN-001")
            let available = try await app.stock(shop).available([sku])[sku.id!] ?? 0
            #expect(available > 3)
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let api = Browser(app)
            api.headers.bearerAuthorization = .init(
                token: try await app.makeToken(tenant: shop, userID: admin.id!, scopes: ["catalog:write"])
            )
            func save(_ json: String) async throws -> Browser.Page {
                try await api.send(
                    .POST,
                    "/api/v1/skus/\(sku.id!.uuidString)/listings",
                    headers: ["Content-Type": "application/json"],
                    body: json
                )
            }
            let added = try await save(#"{"channel": "amazon", "itemCode": "B0CN001", "rule": "cap:3"}"#)
            #expect(added.status == .ok)
            typealias Listing = CatalogAPIController.ListingResponse
            #expect(try added.decoded(as: Listing.self).shown == 3)
            let changed = try await save(#"{"channel": "amazon", "itemCode": "B0CN001", "rule": "buffer:1"}"#)
            #expect(try changed.decoded(as: Listing.self).shown == available - 1)
            #expect(
                try await save(#"{"channel": "amazon", "itemCode": "x", "rule": "half"}"#).status
                    == .unprocessableEntity
            )
            #expect(try await save(#"{"channel": "ebay", "itemCode": "x"}"#).status == .unprocessableEntity)
            let other = try await app.sku(shop, "CN-002")
            let clash = try await api.send(
                .POST,
                "/api/v1/skus/\(other.id!.uuidString)/listings",
                headers: ["Content-Type": "application/json"],
                body: #"{"channel": "amazon", "itemCode": "B0CN001"}"#
            )
            #expect(clash.status == .conflict, "one item code per channel")
            let list = try await api.get("/api/v1/skus/\(sku.id!.uuidString)/listings")
            #expect(try list.decoded(as: [Listing].self).first { $0.channel == "amazon" }?.rule == "buffer:1")
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "listing.save").count() == 2)
        }
    }
}
