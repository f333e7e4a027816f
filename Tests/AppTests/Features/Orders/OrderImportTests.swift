import Domain
import Foundation
import Testing
import Vapor

@testable import App

/// Order files from the malls: matched by header name, CP932 or UTF-8, nothing taken unless every row is valid.
@Suite struct OrderImportTests {
    static let rakutenHeader = [
        "受注番号", "受注ステータス", "注文日時", "送料", "代引料", "決済方法", "注文者郵便番号１", "注文者郵便番号２",
        "注文者住所：都道府県", "注文者住所：都市区", "注文者住所：町以降", "注文者名字", "注文者名前", "注文者電話番号１",
        "注文者電話番号２", "注文者電話番号３", "メールアドレス", "送付先郵便番号１", "送付先郵便番号２", "送付先住所：都道府県",
        "送付先住所：都市区", "送付先住所：町以降", "送付先名字", "送付先名前", "送付先電話番号１", "送付先電話番号２",
        "送付先電話番号３", "お届け日指定", "お届け時間帯", "コメント", "商品名", "商品番号", "単価", "個数", "ポイント倍率",
    ]

    static func rakutenRow(_ number: String, item: String, quantity: String = "1", postal: String = "150") -> [String] {
        [
            number, "100", "2026-11-17 10:15:00", "660", "0", "クレジットカード決済", postal, "0001", "東京都", "渋谷区",
            "神宮前1-2-3", "山田", "花子", "03", "1234", "5678", "hanako@example.jp", postal, "0001", "東京都", "渋谷区",
            "神宮前1-2-3", "山田", "花子", "03", "1234", "5678", "", "14時～16時", "", "緑茶", item, "1100", quantity, "1",
        ]
    }

    static func file(_ rows: [[String]], header: [String] = rakutenHeader) -> String {
        ([header] + rows).map { CSV.line($0) }.joined()
    }

    func upload(
        _ api: Browser,
        _ text: String,
        cp932: Bool = false,
        query: String = ""
    ) async throws -> (
        HTTPStatus, OrderImport.Report
    ) {
        let data = cp932 ? try #require(text.data(using: .shiftJIS)) : Data(text.utf8)
        var buffer = ByteBufferAllocator().buffer(capacity: data.count)
        buffer.writeBytes(data)
        let page = try await api.send(
            .POST,
            "/api/v1/orders/import\(query)",
            headers: ["Content-Type": "text/csv"],
            bodyBuffer: buffer
        )
        return (page.status, try page.decoded())
    }

    @Test func aRakutenFileInCP932IsTakenByItemCodeWithItsLinesAndAgainTakesNothingTwice() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            // SKU B is sold on Rakuten as item "rk-b".
            let listing = try await OrdersAPITests.post(
                api,
                "/api/v1/skus/\(try await app.sku(shop, "B").id!)/listings",
                #"{"channel": "rakuten", "itemCode": "rk-b", "rule": "all"}"#
            )
            #expect(listing.status == .ok)
            let text = Self.file([
                Self.rakutenRow("111-20261117-001", item: "A", quantity: "2"),
                Self.rakutenRow("111-20261117-001", item: "rk-b"),
                Self.rakutenRow("111-20261117-002", item: "A"),
            ])
            let (dryStatus, dry) = try await upload(api, text, cp932: true, query: "?dryRun=true")
            #expect(dryStatus == .ok)
            #expect(dry.format == "rakuten" && dry.encoding == "cp932")
            #expect(dry.orders == 2 && dry.rows == 3 && !dry.applied)
            #expect(dry.unknownColumns == ["ポイント倍率"])
            #expect(try await OrdersAPITests.available(app, shop, "A") == 10, "a dry run takes nothing")

            let (status, report) = try await upload(api, text, cp932: true)
            #expect(status == .ok)
            #expect(report.applied && report.created == 2 && report.existing == 0)
            #expect(try await OrdersAPITests.available(app, shop, "A") == 7)
            #expect(try await OrdersAPITests.available(app, shop, "B") == 1)
            let list = try await api.get("/api/v1/orders?channel=rakuten").decoded(
                as: OrdersAPIController.PageResponse.self
            )
            #expect(list.orders.map(\.number).sorted() == ["111-20261117-001", "111-20261117-002"])
            let first = try #require(list.orders.first { $0.number == "111-20261117-001" })
            let detail = try await api.get("/api/v1/orders/\(first.id)").decoded(
                as: OrdersAPIController.DetailResponse.self
            )
            #expect(detail.lines.map(\.sku) == ["A", "B"])
            #expect(detail.lines.map(\.quantity) == [2, 1])
            #expect(detail.paymentMethod == "card")
            #expect(detail.deliveryTime == "1416")
            #expect(detail.shipTo?.phone == "0312345678")
            #expect(detail.amounts.total == 3300 + 660)

            let (_, again) = try await upload(api, text, cp932: true)
            #expect(again.applied && again.created == 0 && again.existing == 2)
            #expect(try await OrdersAPITests.available(app, shop, "A") == 7, "nothing reserved twice")
        }
    }

    @Test func oneBadRowTakesNothingAndEveryProblemNamesItsLineAndColumn() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let text = Self.file([
                Self.rakutenRow("R-1", item: "A"),
                Self.rakutenRow("R-2", item: "NOPE"),
                Self.rakutenRow("R-3", item: "A", quantity: "-1"),
                Self.rakutenRow("R-4", item: "A", quantity: "三"),
                Self.rakutenRow("R-5", item: "A", postal: "15"),
            ])
            let (status, report) = try await upload(api, text)
            #expect(status == .unprocessableEntity)
            #expect(!report.applied && report.created == 0)
            let found = Set(report.errors.map { "\($0.line) \($0.column) \($0.reason)" })
            #expect(found.contains("3 商品番号 sku_unknown"), "\(found)")
            #expect(found.contains("4 個数 order_quantity_invalid"), "\(found)")
            #expect(found.contains("5 個数 number_invalid"), "\(found)")
            #expect(found.contains("6 送付先郵便番号１ postal_code_invalid"), "\(found)")
            #expect(try await OrdersAPITests.available(app, shop, "A") == 10, "the valid order was not taken either")
            let list = try await api.get("/api/v1/orders").decoded(as: OrdersAPIController.PageResponse.self)
            #expect(list.orders.isEmpty)

            let (broken, unreadable) = try await upload(api, "受注番号,商品番号\n\"R-1,A\n")
            #expect(broken == .unprocessableEntity)
            #expect(
                unreadable.errors.first?.reason == "unclosed_quote"
                    || unreadable.errors.first?.reason == "column_missing"
            )
            let (unknownStatus, unknown) = try await upload(api, "a,b,c\n1,2,3\n")
            #expect(unknownStatus == .unprocessableEntity)
            #expect(unknown.errors.map(\.reason) == ["format_unknown"])
        }
    }

    @Test func amazonReportsAndAkinaiFilesAreReadByTheirOwnColumns() async throws {
        try await withApp { app, _ in
            let (shop, api) = try await OrdersAPITests.shop(app)
            let amazon =
                [
                    [
                        "order-id", "order-item-id", "purchase-date", "buyer-email", "sku", "product-name",
                        "quantity-purchased", "item-price", "shipping-price", "recipient-name", "ship-address-1",
                        "ship-address-2", "ship-city", "ship-state", "ship-postal-code", "ship-country",
                        "ship-phone-number",
                    ],
                    [
                        "503-1111111-2222222", "1", "2026-11-17T01:15:00+00:00", "x@marketplace.amazon.co.jp", "A",
                        "緑茶",
                        "3", "3300", "0", "佐藤 一郎", "丸の内1-1", "", "千代田区", "東京都", "100-0005", "JP", "03-1111-2222",
                    ],
                ].map { $0.joined(separator: "\t") }.joined(separator: "\n") + "\n"
            let (status, report) = try await upload(api, amazon)
            #expect(status == .ok, "\(report.errors)")
            #expect(report.format == "amazon" && report.created == 1)
            #expect(try await OrdersAPITests.available(app, shop, "A") == 7)

            let akinai = Self.file(
                [
                    [
                        "own", "WEB-9", "2026-11-16 09:00", "B", "", "1", "550", "8", "鈴木 次郎", "", "530-0001", "大阪府",
                        "大阪市北区", "梅田1-1", "", "06-1234-5678", "", "cod", "660", "330", "", "", "", "", "1", "", "", "",
                        "ギフト;至急",
                    ]
                ],
                header: OrderCSV.akinaiHeader
            )
            let (ownStatus, own) = try await upload(api, akinai)
            #expect(ownStatus == .ok, "\(own.errors)")
            let list = try await api.get("/api/v1/orders?label=至急").decoded(as: OrdersAPIController.PageResponse.self)
            #expect(list.orders.map(\.number) == ["WEB-9"])
            #expect(list.orders.first?.paymentMethod == "cod")
        }
    }
}
