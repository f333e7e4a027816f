import Domain
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

/// Label files for the carriers in CP932, and tracking numbers that ship orders.
@Suite struct OrderShippingTests {
    static let sender = Sender(
        name: "商い堂",
        postalCode: "1500001",
        address: "東京都渋谷区神宮前1-1-1",
        phone: "0312340000",
        yamatoCustomerCode: "0123456789",
        yamatoFreightCode: "01",
        sagawaCustomerCode: "12345"
    )

    func ready(_ api: Browser, _ number: String, extra: String = "", name: String = "山田 花子") async throws -> UUID {
        let body = OrdersAPITests.order(number, extra: extra).replacingOccurrences(of: "山田 花子", with: name)
        let page = try await OrdersAPITests.post(api, "/api/v1/orders", body)
        #expect(page.status == .created, "\(page.body)")
        let id = try page.decoded(as: OrdersAPIController.IntakeResponse.self).id
        let moved = try await OrdersAPITests.post(api, "/api/v1/orders/\(id)/transitions", #"{"to": "ready_to_ship"}"#)
        #expect(moved.status == .ok)
        return id
    }

    static func csv(_ page: Browser.Page, _ body: ByteBuffer? = nil) throws -> [[String]] {
        try CSV.parse(page.body).map(\.fields)
    }

    @Test func yamatoLabelsAreCP932WithCODAndTheLookAlikesOfMacText() async throws {
        try await withApp { app, env in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let path = "/api/v1/orders/shipping/labels?carrier=yamato"
            #expect(try await OrdersAPITests.post(api, path, "").status == .conflict, "nothing ready to ship")
            _ = try await ready(api, "Y-1", extra: #", "paymentMethod": "cod", "codFee": 330"#, name: "波〜田 花子")
            #expect(try await OrdersAPITests.post(api, path, "").body.contains("sender_incomplete"))
            try await app.akinai.tenantDatabase(shop.id, on: app.db).saveShopSettings(
                ShopSettings(sender: Self.sender),
                now: env.clock.now
            )
            let labels = try await api.send(.POST, path)
            #expect(labels.status == .ok)
            #expect(labels.headers.contentType?.parameters["charset"] == "Shift_JIS")
            // The body as CP932 bytes, read back.
            let raw = try await app.testing().sendRequest(.POST, path, headers: api.headers)
            let bytes = Data(buffer: raw.body)
            let text = try #require(String(data: bytes, encoding: .shiftJIS))
            #expect(String(data: bytes, encoding: .utf8) == nil || !text.contains("〜"), "written in CP932")
            let rows = try CSV.parse(text).map(\.fields)
            #expect(rows.count == 2)
            #expect(rows[0].count == 42 && rows[1].count == 42)
            #expect(rows[0][0] == "お客様管理番号" && rows[0][41] == "運賃管理番号")
            let row = rows[1]
            #expect(row[0] == "Y-1")
            #expect(row[1] == "2", "コレクト (cash on delivery)")
            #expect(row[15] == "波～田 花子", "〜 (U+301C) written as ～ (U+FF5E)")
            #expect(row[10] == "150-0001")
            #expect(row[33] == "1430")
            #expect(row[39] == "0123456789" && row[41] == "01")

            // A character CP932 has no form for: named with its record and column, or replaced when asked.
            _ = try await ready(api, "Y-2", name: "𠮷野 太郎")
            let refused = try await api.send(.POST, path)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains(": お届け先名") && refused.body.contains("𠮷"), "\(refused.body)")
            let replaced = try await app.testing().sendRequest(.POST, path + "&replace=1", headers: api.headers)
            #expect(replaced.status == .ok)
            let replacedText = try #require(String(data: Data(buffer: replaced.body), encoding: .shiftJIS))
            #expect(replacedText.contains("〓野 太郎"))
            let detail = try await api.get("/api/v1/orders?carrier=yamato").decoded(
                as: OrdersAPIController.PageResponse.self
            )
            #expect(detail.orders.count == 2, "the exported orders are marked with their carrier")
        }
    }

    @Test func sagawaAndJapanPostFilesHaveTheirLayouts() throws {
        let recipient = try OrderRules.check(
            OrderInput(
                channel: "own",
                number: "N-1",
                lines: [.init(sku: "A", quantity: 1, unitPrice: 100)],
                shipTo: .init(
                    name: "山田 花子",
                    postalCode: "1500001",
                    prefecture: "東京都",
                    city: "渋谷区",
                    address1: "神宮前一丁目二番三号とても長い住所の建物の名前まで",
                    address2: "101号室",
                    phone: "0312345678"
                )
            ),
            now: Date(timeIntervalSince1970: 1_795_000_000)
        ).shipTo
        let parcel = Parcel(
            reference: "N-1",
            shipDate: "2026-11-20",
            deliveryDate: "2026-11-22",
            deliveryTime: "1416",
            recipient: recipient,
            sender: Self.sender,
            itemName: "緑茶",
            codAmount: 0,
            codTax: 0,
            cool: .chilled,
            pieces: 1
        )
        let sagawa = try CarrierCSV.file(.sagawa, [parcel])
        #expect(sagawa.header.count == 74)
        #expect(sagawa.rows[0].count == 74)
        #expect(sagawa.rows[0][4].count <= 16 && sagawa.rows[0][5].count <= 16, "address lines of 16 characters")
        let post = try CarrierCSV.file(.japanpost, [parcel])
        #expect(post.rows[0].count == post.header.count)
        #expect(post.rows[0][1] == "20261120" && post.rows[0][6] == "1" && post.rows[0][9] == "53")
        #expect(post.rows[0][12] == "150-0001")
        let bytes = post.rows[0][13].unicodeScalars.reduce(0) { $0 + ($1.isASCII ? 1 : 2) }
        #expect(bytes <= 50, "address parts of 50 bytes")
        #expect(Carrier.yamato.trackingURL("1234-5678-9012").hasSuffix("number01=123456789012"))
    }

    @Test func trackingNumbersShipOrdersOnceCommitTheirStockAndMailTheBuyer() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let first = try await ready(api, "T-1")
            let second = try await ready(api, "T-2")
            let file = "お客様管理番号,伝票番号\r\nT-1,1234-5678-9012\r\nT-2,2234-5678-9012\r\n"
            func upload(
                _ text: String,
                _ query: String = "?carrier=yamato"
            ) async throws -> (HTTPStatus, OrderShipping.TrackingReport) {
                let page = try await api.send(
                    .POST,
                    "/api/v1/orders/shipping/tracking\(query)",
                    headers: ["Content-Type": "text/csv"],
                    body: text
                )
                return (page.status, try page.decoded())
            }
            let (badStatus, bad) = try await upload(file + "NOPE-1,999\r\n")
            #expect(badStatus == .unprocessableEntity)
            #expect(bad.errors.map(\.reason) == ["order_unknown"] && bad.errors.first?.line == 4)
            #expect(!bad.applied)
            var detail = try await api.get("/api/v1/orders/\(first)").decoded(
                as: OrdersAPIController.DetailResponse.self
            )
            #expect(detail.status == "ready_to_ship", "nothing of the bad file was applied")

            let (status, report) = try await upload(file)
            #expect(status == .ok)
            #expect(report.shipped == 2 && report.applied)
            detail = try await api.get("/api/v1/orders/\(first)").decoded(as: OrdersAPIController.DetailResponse.self)
            #expect(detail.status == "shipped" && detail.carrier == "yamato" && detail.tracking == ["1234-5678-9012"])
            let figures = try await app.stock(shop).figures([try await app.sku(shop, "A").id!])
            #expect(figures.values.first == StockFigures(onHand: 8, reserved: 0), "the reservations were committed")
            let mails = try await (app.db as! any SQLDatabase).raw(
                "SELECT to_address, subject FROM outbox WHERE tenant_id = \(bind: shop.id) ORDER BY created_at"
            ).all()
            let shippedMails = try mails.filter { try $0.decode(column: "subject", as: String.self).contains("発送") }
            #expect(shippedMails.count == 2)
            #expect(try shippedMails.first?.decode(column: "to_address", as: String.self) == "hanako@example.jp")

            let (_, again) = try await upload(file)
            #expect(again.unchanged == 2 && again.shipped == 0)
            _ = second

            // One order through the API, with a slip number that is not one.
            let third = try await ready(api, "T-3")
            let wrong = try await OrdersAPITests.post(
                api,
                "/api/v1/orders/\(third)/shipments",
                #"{"carrier": "sagawa", "tracking": "12 34; DROP"}"#
            )
            #expect(wrong.status == .unprocessableEntity)
            let shipped = try await OrdersAPITests.post(
                api,
                "/api/v1/orders/\(third)/shipments",
                #"{"carrier": "sagawa", "tracking": "400012345678"}"#
            )
            #expect(shipped.status == .ok)
            #expect(try shipped.decoded(as: OrdersAPIController.DetailResponse.self).status == "shipped")
        }
    }

    @Test func theMasterExportWritesMacTextInCP932AndNamesWhatItCannot() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            try await app.makeProduct(
                shop,
                ProductInput(
                    code: "P9",
                    name: "波〜タオル",
                    supplier: nil,
                    labels: nil,
                    skus: [ReservationConcurrencyTests.plain("Z-1")]
                )
            )
            let ok = try await app.testing().sendRequest(.GET, "/api/v1/products/export", headers: api.headers)
            #expect(ok.status == .ok)
            #expect(String(data: Data(buffer: ok.body), encoding: .shiftJIS)?.contains("波～タオル") == true)
            try await app.makeProduct(
                shop,
                ProductInput(
                    code: "P10",
                    name: "笑顔😀",
                    supplier: nil,
                    labels: nil,
                    skus: [ReservationConcurrencyTests.plain("Z-2")]
                )
            )
            let refused = try await api.get("/api/v1/products/export")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.contains("product_name") || refused.body.contains("😀"))
            let replaced = try await app.testing().sendRequest(
                .GET,
                "/api/v1/products/export?replace=1",
                headers: api.headers
            )
            #expect(String(data: Data(buffer: replaced.body), encoding: .shiftJIS)?.contains("笑顔〓") == true)
        }
    }
}
