import Domain
import FluentKit
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// Order intake, the workflow and the list through `/api/v1/orders`, on SQLite and (in CI) on PostgreSQL.
@Suite struct OrdersAPITests {
    /// The contract outside checks rely on, with an e-mail for the blind index.
    static func order(
        _ number: String,
        channel: String = "own",
        sku: String = "A",
        quantity: Int = 1,
        phone: String = "03-1234-5678",
        extra: String = ""
    ) -> String {
        """
        {"channel": "\(channel)", "number": "\(number)",
         "lines": [{"sku": "\(sku)", "quantity": \(quantity), "unitPrice": 1100}],
         "shipTo": {"name": "山田 花子", "postalCode": "１５０－０００１", "prefecture": "東京都", "city": "渋谷区",
                    "address1": "神宮前1-2-3", "phone": "\(phone)", "email": "Hanako@Example.JP"}\(extra)}
        """
    }

    /// A shop with SKU A (10 on hand), B (2 on hand), set S = A + B, and an API client with every scope.
    static func shop(_ app: Application) async throws -> (TestTenant, Browser) {
        let shop = try await app.makeTenant("shop-a")
        try await app.makeProduct(
            shop,
            ProductInput(
                code: "P1",
                name: "緑茶",
                supplier: nil,
                labels: nil,
                skus: [
                    ReservationConcurrencyTests.plain("A"), ReservationConcurrencyTests.plain("B"),
                    .init(
                        code: "S",
                        variant: "セット",
                        jan: nil,
                        price: 2000,
                        taxClass: "reduced",
                        sizeClass: nil,
                        coolType: nil,
                        reorderPoint: nil,
                        labels: nil,
                        components: [.init(sku: "A", quantity: 1), .init(sku: "B", quantity: 1)],
                        listings: nil
                    ),
                ]
            )
        )
        let warehouse = try await app.stock(shop).defaultWarehouse()
        for (code, quantity) in [("A", 10), ("B", 2)] {
            try await app.stock(shop).move(
                sku: try await app.sku(shop, code),
                warehouseID: warehouse.typedID,
                kind: .receipt,
                quantity: quantity
            )
        }
        return (shop, try await InventoryAPITests().api(app, shop))
    }

    static func post(_ browser: Browser, _ path: String, _ json: String) async throws -> Browser.Page {
        try await browser.send(.POST, path, headers: ["Content-Type": "application/json"], body: json)
    }

    static func available(_ app: Application, _ shop: TestTenant, _ code: String) async throws -> Int {
        let sku = try await app.sku(shop, code)
        return try await app.stock(shop).available([sku])[sku.id!] ?? -1
    }

    @Test func anOrderIsTakenOnceWithItsStockReservedAndItsBuyerSealed() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            let first = try await Self.post(api, "/api/v1/orders", Self.order("W-1001", quantity: 3))
            #expect(first.status == .created)
            let created = try first.decoded(as: OrdersAPIController.IntakeResponse.self)
            #expect(created.status == "received")
            #expect(try await Self.available(app, shop, "A") == 7)

            // The same channel and number again: 200 with the same id, and nothing reserved twice.
            let again = try await Self.post(api, "/api/v1/orders", Self.order("W-1001", quantity: 3))
            #expect(again.status == .ok)
            #expect(try again.decoded(as: OrdersAPIController.IntakeResponse.self).id == created.id)
            #expect(try await Self.available(app, shop, "A") == 7)
            // The same number from another channel is another order.
            let other = try await Self.post(api, "/api/v1/orders", Self.order("W-1001", channel: "rakuten"))
            #expect(other.status == .created)

            let page = try await api.get("/api/v1/orders/\(created.id)")
            #expect(page.status == .ok)
            let detail = try page.decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(detail.shipTo?.name == "山田 花子")
            #expect(detail.shipTo?.postalCode == "150-0001")
            #expect(detail.shipTo?.phone == "0312345678")
            #expect(detail.buyer?.email == "hanako@example.jp")
            #expect(detail.lines.map(\.name) == ["緑茶"])
            #expect(detail.amounts.total == 3300)
            #expect(detail.amounts.tax10 == 300)
            #expect(detail.history.map(\.to) == ["received"])
            #expect(detail.next.first == "ready_to_ship")

            // On disk the buyer is sealed: neither the name nor the phone number is there to read.
            let rows = try await (app.db as! any SQLDatabase).raw(
                "SELECT buyer, ship_to, buyer_phone_index FROM orders WHERE id = \(bind: created.id)"
            ).all()
            let row = try #require(rows.first)
            for column in ["buyer", "ship_to"] {
                let stored = try row.decode(column: column, as: String.self)
                #expect(stored.hasPrefix("ak1."))
                #expect(!stored.contains("山田") && !stored.contains("0312345678"))
            }
            #expect(try row.decode(column: "buyer_phone_index", as: String.self).count == 64)
            _ = shop
        }
    }

    @Test func fiftyConcurrentSubmissionsOfOneOrderStoreOneOrder() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            let body = Self.order("RACE-1", quantity: 2)
            let answers = try await withThrowingTaskGroup(of: (HTTPStatus, UUID?).self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        let page = try await Self.post(api, "/api/v1/orders", body)
                        return (page.status, try? page.decoded(as: OrdersAPIController.IntakeResponse.self).id)
                    }
                }
                return try await group.reduce(into: [(HTTPStatus, UUID?)]()) { $0.append($1) }
            }
            #expect(answers.filter { $0.0 == .created }.count == 1)
            #expect(answers.filter { $0.0 == .ok }.count == 49)
            #expect(Set(answers.compactMap(\.1)).count == 1, "every answer names the one order")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let count = try await tdb.read { sql in
                try await sql.all("SELECT COUNT(*) AS n FROM orders WHERE tenant_id = \(bind: sql.tenantID)")
            }
            #expect(try count.first?.decode(column: "n", as: Int.self) == 1)
            #expect(try await Self.available(app, shop, "A") == 8, "reserved once")
            let list = try await api.get("/api/v1/orders").decoded(as: OrdersAPIController.PageResponse.self)
            #expect(list.counts == ["received": 1])
        }
    }

    @Test func anOrderThatDoesNotFitIsTakenOnHoldNamingWhatIsShort() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            // The set needs one B per set; only two are there.
            let page = try await Self.post(api, "/api/v1/orders", Self.order("SHORT-1", sku: "S", quantity: 3))
            #expect(page.status == .created)
            let created = try page.decoded(as: OrdersAPIController.IntakeResponse.self)
            #expect(created.status == "on_hold")
            #expect(try await Self.available(app, shop, "A") == 10, "nothing reserved")
            #expect(try await Self.available(app, shop, "B") == 2)
            let detail = try await api.get("/api/v1/orders/\(created.id)")
                .decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(detail.holdReason == "在庫不足")
            #expect(detail.missing.map(\.sku) == ["B"])
            #expect(detail.missing.first?.needed == 3)
            #expect(detail.missing.first?.available == 2)
            #expect(detail.amounts.tax8 == 3300 * 8 / 108)

            // Still short: it cannot become ready to ship, and nothing about it changes.
            let refused = try await Self.post(
                api,
                "/api/v1/orders/\(created.id)/transitions",
                #"{"to": "ready_to_ship"}"#
            )
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("insufficient_stock"))
            // Stock arrives; now it can, and its stock is reserved.
            try await app.stock(shop).move(
                sku: try await app.sku(shop, "B"),
                warehouseID: try await app.stock(shop).defaultWarehouse().typedID,
                kind: .receipt,
                quantity: 1
            )
            let moved = try await Self.post(
                api,
                "/api/v1/orders/\(created.id)/transitions",
                #"{"to": "ready_to_ship", "reason": "入荷済み"}"#
            )
            #expect(moved.status == .ok)
            let after = try moved.decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(after.status == "ready_to_ship")
            #expect(after.holdReason == "")
            #expect(after.missing.isEmpty)
            #expect(try await Self.available(app, shop, "B") == 0)
            #expect(try await Self.available(app, shop, "A") == 7)
            #expect(after.history.map(\.to) == ["on_hold", "ready_to_ship"])
            #expect(after.history.last?.reason == "入荷済み")
        }
    }

    @Test func theWorkflowRefusesIllegalMovesAndCancelReleasesStockOnce() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            let created = try await Self.post(api, "/api/v1/orders", Self.order("FLOW-1", quantity: 4))
                .decoded(as: OrdersAPIController.IntakeResponse.self)
            let path = "/api/v1/orders/\(created.id)/transitions"
            let illegal = try await Self.post(api, path, #"{"to": "shipped"}"#)
            #expect(illegal.status == .conflict)
            #expect(illegal.body.contains("新規受付") && illegal.body.contains("出荷済み"))
            #expect(illegal.body.contains("transition_not_allowed"))
            // Asked from a state the order is not in: refused, nothing moves.
            let stale = try await Self.post(api, path, #"{"to": "cancelled", "from": "on_hold"}"#)
            #expect(stale.status == .conflict)
            #expect(try await Self.available(app, shop, "A") == 6)

            // 20 cancels at once: one wins, the stock comes back once.
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await Self.post(api, path, #"{"to": "cancelled", "reason": "お客様都合"}"#).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 19)
            #expect(try await Self.available(app, shop, "A") == 10)
            let figures = try await app.stock(shop).figures([try await app.sku(shop, "A").id!])
            #expect(figures.values.first == StockFigures(onHand: 10, reserved: 0))
            let detail = try await api.get("/api/v1/orders/\(created.id)")
                .decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(detail.status == "cancelled")
            #expect(detail.next.isEmpty)
            #expect(detail.history.map(\.to) == ["received", "cancelled"])
            #expect(detail.history.last?.actor == shop.adminEmail)
            let list = try await api.get("/api/v1/orders").decoded(as: OrdersAPIController.PageResponse.self)
            #expect(list.counts["cancelled"] == 1)
            #expect((list.counts["received"] ?? 0) == 0)

            // The audit trail has the intake and the move, and its chain holds.
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let actions = try await tdb.query(AuditEventRecord.self).filter(\.$targetID == created.id.uuidString).all()
                .map(\.action)
            #expect(actions == ["order.create", "order.transition"])
            guard case .intact = try await AuditLog.verify(tdb) else {
                Issue.record("audit chain broken")
                return
            }
        }
    }

    @Test func shippingCommitsTheReservation() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            let created = try await Self.post(api, "/api/v1/orders", Self.order("SHIP-1", quantity: 2))
                .decoded(as: OrdersAPIController.IntakeResponse.self)
            let path = "/api/v1/orders/\(created.id)/transitions"
            for target in ["ready_to_ship", "shipped", "completed"] {
                #expect(try await Self.post(api, path, #"{"to": "\#(target)"}"#).status == .ok, "\(target)")
            }
            let figures = try await app.stock(shop).figures([try await app.sku(shop, "A").id!])
            #expect(figures.values.first == StockFigures(onHand: 8, reserved: 0))
            let cancel = try await Self.post(api, path, #"{"to": "cancelled"}"#)
            #expect(cancel.status == .conflict, "a completed order cannot be cancelled")
        }
    }

    @Test func badOrdersAreRefusedNamingTheFieldAndStoreNothing() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await Self.shop(app)
            let cases: [(String, String)] = [
                (Self.order("BAD-1", sku: "NOPE"), "lines[0].sku"),
                (Self.order("BAD-2", quantity: -1), "lines[0].quantity"),
                (Self.order("BAD-3", phone: "12345"), "shipTo.phone"),
                (Self.order("BAD-4", extra: #", "orderedAt": "2026-02-30 10:00""#), "orderedAt"),
                (Self.order("BAD-5", extra: #", "discount": 999999"#), "discount"),
                (Self.order("BAD-6", extra: #", "paymentMethod": "bitcoin""#), "paymentMethod"),
                (Self.order("", channel: "own"), "number"),
                (Self.order("BAD-8", channel: "楽天"), "channel"),
                (Self.order("BAD-9").replacingOccurrences(of: "東京都", with: "東京州"), "shipTo.prefecture"),
            ]
            for (body, field) in cases {
                let page = try await Self.post(api, "/api/v1/orders", body)
                #expect(page.status == .unprocessableEntity, "\(field)")
                #expect(page.body.contains(#""field":"\#(field)""#), "\(field): \(page.body)")
            }
            #expect(try await Self.post(api, "/api/v1/orders", #"{"channel": "own"}"#).status == .badRequest)
            let list = try await api.get("/api/v1/orders").decoded(as: OrdersAPIController.PageResponse.self)
            #expect(list.orders.isEmpty)
            #expect(try await Self.available(app, shop, "A") == 10)

            // A token that may only read orders cannot take one in.
            let reader = try await InventoryAPITests().api(app, shop, scopes: ["orders:read"])
            #expect(try await Self.post(reader, "/api/v1/orders", Self.order("RO-1")).status == .forbidden)
            #expect(try await reader.get("/api/v1/orders").status == .ok)
        }
    }

    @Test func theListFiltersPagesByCursorAndFindsRepeatBuyersByPhone() async throws {
        try await withApp { app, _ in
            let (_, api) = try await Self.shop(app)
            for n in 1...5 {
                let channel = n % 2 == 0 ? "rakuten" : "own"
                let phone = n <= 3 ? "090-1111-2222" : "090-3333-4444"
                let extra = #", "orderedAt": "2026-11-1\#(n) 10:00:00", "labels": ["\#(n == 5 ? "ギフト" : "通常")"]"#
                let page = try await Self.post(
                    api,
                    "/api/v1/orders",
                    Self.order("L-\(n)", channel: channel, phone: phone, extra: extra)
                )
                #expect(page.status == .created)
            }
            func list(_ query: String) async throws -> OrdersAPIController.PageResponse {
                let page = try await api.get("/api/v1/orders?\(query)")
                #expect(page.status == .ok, "\(query): \(page.body)")
                return try page.decoded()
            }
            #expect(try await list("").orders.map(\.number) == ["L-5", "L-4", "L-3", "L-2", "L-1"])
            #expect(try await list("sort=orderedAt").orders.first?.number == "L-1")
            #expect(try await list("channel=rakuten").orders.map(\.number) == ["L-4", "L-2"])
            #expect(try await list("label=ギフト").orders.map(\.number) == ["L-5"])
            #expect(try await list("from=2026-11-12&to=2026-11-13").orders.map(\.number) == ["L-3", "L-2"])
            let byPhone = try await list("buyer=09011112222").orders
            #expect(byPhone.map(\.number) == ["L-3", "L-2", "L-1"])
            #expect(byPhone.map(\.purchaseCount) == [3, 2, 1], "1st, 2nd, 3rd purchase of one buyer")
            #expect(try await list("buyer=nobody@example.jp").orders.isEmpty)

            let first = try await list("limit=2")
            #expect(first.orders.map(\.number) == ["L-5", "L-4"])
            let cursor = try #require(first.nextCursor)
            let second = try await list("limit=2&cursor=\(cursor)")
            #expect(second.orders.map(\.number) == ["L-3", "L-2"])
            let third = try await list("limit=2&cursor=\(try #require(second.nextCursor))")
            #expect(third.orders.map(\.number) == ["L-1"])
            #expect(third.nextCursor == nil)

            for bad in ["status=sent", "limit=0", "limit=201", "cursor=xyz", "from=2026-13-01", "sort=total"] {
                #expect(try await api.get("/api/v1/orders?\(bad)").status == .unprocessableEntity, "\(bad)")
            }
        }
    }
}

/// The address check against Japan Post's data.
@Suite struct AddressCheckTests {
    @Test func aPostalCodeOfAnotherPrefectureIsRefusedAndDoubtfulAddressesAreFlagged() async throws {
        try await withApp { app, _ in
            let (_, api) = try await OrdersAPITests.shop(app)
            let wrong = OrdersAPITests.order("ADDR-1").replacingOccurrences(of: "東京都", with: "大阪府")
            let refused = try await OrdersAPITests.post(api, "/api/v1/orders", wrong)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains(#""field":"shipTo.postalCode""#))
            #expect(refused.body.contains("郵便番号が都道府県と一致しません"))

            let island = OrdersAPITests.order("ADDR-2")
                .replacingOccurrences(of: "１５０－０００１", with: "100-1511")
                .replacingOccurrences(of: "渋谷区", with: "八丈町").replacingOccurrences(of: "神宮前1-2-3", with: "三根")
            let taken = try await OrdersAPITests.post(api, "/api/v1/orders", island)
            #expect(taken.status == .created, "\(taken.body)")
            let id = try taken.decoded(as: OrdersAPIController.IntakeResponse.self).id
            let detail = try await api.get("/api/v1/orders/\(id)").decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(Set(detail.addressFlags) == ["remote_island", "no_number"], "\(detail.addressFlags)")

            let city = OrdersAPITests.order("ADDR-3").replacingOccurrences(of: "渋谷区", with: "新宿区")
            let other = try await OrdersAPITests.post(api, "/api/v1/orders", city)
            let flagged = try await api.get(
                "/api/v1/orders/\(try other.decoded(as: OrdersAPIController.IntakeResponse.self).id)"
            )
            .decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(flagged.addressFlags == ["city_mismatch"])
        }
    }
}
