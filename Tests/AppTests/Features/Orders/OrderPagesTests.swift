import Domain
import Foundation
import Testing
import Vapor

@testable import App

/// The 受注 pages: the list with counts, an order with only the actions its state allows, entry and bulk moves.
@Suite struct OrderPagesTests {
    func take(_ api: Browser, _ number: String, quantity: Int = 1) async throws -> UUID {
        let page = try await OrdersAPITests.post(
            api,
            "/api/v1/orders",
            OrdersAPITests.order(number, quantity: quantity)
        )
        #expect(page.status == .created)
        return try page.decoded(as: OrdersAPIController.IntakeResponse.self).id
    }

    @Test func anOrderPageOffersOnlyTheMovesItsStateAllows() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let id = try await take(api, "WEB-1")
            let browser = Browser(app)
            try await browser.signIn(shop)
            let list = try await browser.get("/orders")
            #expect(list.status == .ok)
            #expect(list.body.contains("WEB-1") && list.body.contains("山田 花子"))
            #expect(list.body.contains("新規受付 (1)"))

            var page = try await browser.get("/orders/\(id)")
            #expect(page.status == .ok)
            #expect(page.body.contains("出荷待ちにする") && page.body.contains("キャンセルする"))
            #expect(!page.body.contains("出荷済みにする"), "a new order cannot be shipped straight away")
            #expect(page.body.contains("150-0001"))

            for target in ["ready_to_ship", "shipped"] {
                let moved = try await browser.post("/orders/\(id)/transition", [("to", target), ("from", "")])
                #expect(moved.status == .seeOther, "\(target)")
            }
            page = try await browser.get("/orders/\(id)")
            #expect(page.body.contains("完了にする"))
            #expect(!page.body.contains("キャンセルする"), "a shipped order cannot be cancelled")
            // Forged from the old page: refused with both states named, nothing moves.
            let forged = try await browser.post("/orders/\(id)/transition", [("to", "cancelled")])
            #expect(forged.status == .conflict)
            #expect(forged.body.contains("出荷済み") && forged.body.contains("キャンセル"))

            // A viewer reads the order but is offered no move, and cannot make one.
            try await app.makeUser(in: shop, email: "viewer@shop-a.example", role: .viewer)
            let viewer = Browser(app)
            try await viewer.signIn(
                tenant: shop.code,
                email: "viewer@shop-a.example",
                password: "another long password 1"
            )
            let seen = try await viewer.get("/orders/\(id)")
            #expect(seen.status == .ok)
            #expect(!seen.body.contains("完了にする"))
            #expect(try await viewer.post("/orders/\(id)/transition", [("to", "completed")]).status == .forbidden)
        }
    }

    @Test func theEntryFormTakesAnOrderOrListsEveryProblem() async throws {
        try await withApp { app, _ in
            let (shop, _) = try await OrdersAPITests.shop(app)
            let browser = Browser(app)
            try await browser.signIn(shop)
            #expect(try await browser.get("/orders/new").status == .ok)
            var fields: [(String, String)] = [
                ("channel", "own"), ("number", "TEL-1"), ("sku[]", "A"), ("quantity[]", "2"), ("unitPrice[]", "1100"),
                ("sku[]", ""), ("quantity[]", ""), ("unitPrice[]", ""), ("name", "佐藤 一郎"),
                ("postalCode", "1000001"), ("prefecture", "東京都"), ("city", "千代田区"), ("address1", "千代田1-1"),
                ("phone", "03-0000-0000"), ("paymentMethod", "cod"), ("codFee", "330"),
            ]
            var bad = fields
            bad[9] = ("postalCode", "100")
            bad[13] = ("phone", "abc")
            let refused = try await browser.post("/orders/new", bad)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("郵便番号は7桁") && refused.body.contains("電話番号は"))
            #expect(refused.body.contains("佐藤 一郎"), "what was typed stays in the form")

            fields.append(("remarks", "午前中に届けてください"))
            let taken = try await browser.post("/orders/new", fields)
            #expect(taken.status == .seeOther)
            let page = try await browser.get(try #require(taken.location))
            #expect(page.body.contains("TEL-1") && page.body.contains("佐藤 一郎"))
            #expect(page.body.contains("代金引換") && page.body.contains("¥2,530"))
            #expect(page.body.contains("午前中に届けてください"))
            #expect(try await OrdersAPITests.available(app, shop, "A") == 8)
        }
    }

    @Test func aBulkMoveListsWhatFailedAndWhy() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let open = try await take(api, "BULK-1")
            let shipped = try await take(api, "BULK-2")
            for target in ["ready_to_ship", "shipped"] {
                _ = try await OrdersAPITests.post(
                    api,
                    "/api/v1/orders/\(shipped)/transitions",
                    #"{"to": "\#(target)"}"#
                )
            }
            let browser = Browser(app)
            try await browser.signIn(shop)
            let result = try await browser.post(
                "/orders/bulk",
                [
                    ("ids[]", "\(open.uuidString):received"), ("ids[]", "\(shipped.uuidString):shipped"),
                    ("to", "cancelled"), ("reason", "重複注文"),
                ]
            )
            #expect(result.status == .ok)
            #expect(result.body.contains("移動 1") && result.body.contains("失敗 1"))
            #expect(result.body.contains("BULK-2") && result.body.contains("できません"))
            #expect(try await OrdersAPITests.available(app, shop, "A") == 9, "the open order's stock came back")
            let other = try await app.makeTenant("shop-b")
            let outsider = Browser(app)
            try await outsider.signIn(other)
            let foreign = try await outsider.post(
                "/orders/bulk",
                [("ids[]", "\(open.uuidString):cancelled"), ("to", "received")]
            )
            #expect(foreign.body.contains("失敗 1"), "another shop's order is not found")
        }
    }
}
