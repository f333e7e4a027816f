import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct InventoryPagesTests {
    func seed(_ app: Application, _ shop: TestTenant) async throws {
        let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
        _ = try await DemoCatalog.seed(tdb, services: app.akinai)
    }

    @Test func theCatalogListSearchesFiltersSortsAndPagesOnTheServer() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await seed(app, shop)
            let admin = Browser(app)
            try await admin.signIn(shop)
            let first = try await admin.get("/catalog")
            #expect(first.status == .ok)
            #expect(first.body.contains("AP-001"), "sorted by code")
            #expect(first.body.contains("/ 5 (205)"), "205 SKUs in pages of 50")
            #expect(first.body.contains("page=2"))
            let search = try await admin.get("/catalog?q=" + Browser.encode("餃子"))
            #expect(search.body.contains("GY-001") && !search.body.contains("TS-001"))
            let frozen = try await admin.get("/catalog?cool=frozen")
            #expect(frozen.body.contains("GY-") && !frozen.body.contains("TS-0"))
            let jan = DemoCatalog.janCode(line: "MG", index: 2)
            #expect(try await admin.get("/catalog?q=\(jan)").body.contains("MG-003"))
            let dear = try await admin.get("/catalog?sort=-price")
            #expect(dear.body.contains("OP-"), "the dearest first")
            let last = try await admin.get("/catalog?page=99")
            #expect(last.body.contains("5 / 5"))
        }
    }

    @Test func theStockTakePageCountsAndAdjustsThroughTheLedger() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await seed(app, shop)
            let sku = try await app.sku(shop, "MG-003")
            let main = try await app.stock(shop).defaultWarehouse()
            let before = try await app.stock(shop).level(sku: sku.id!, warehouse: main.typedID)
            let admin = Browser(app)
            try await admin.signIn(shop)
            let jan = try #require(sku.jan)
            let preview = try await admin.post("/inventory/stock-take", [("barcode", jan), ("counted", "2")])
            #expect(preview.status == .ok)
            #expect(preview.element("current") == String(before.onHand))
            #expect(preview.element("difference") == String(2 - before.onHand))
            #expect(
                try await app.stock(shop).level(sku: sku.id!, warehouse: main.typedID) == before,
                "nothing changes before confirming"
            )
            let done = try await admin.post(
                "/inventory/stock-take",
                [("barcode", jan), ("counted", "2"), ("confirm", "yes")]
            )
            #expect(done.location == "/inventory/stock-take?done=MG-003")
            #expect(try await app.stock(shop).level(sku: sku.id!, warehouse: main.typedID).onHand == 2)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let take = try #require(
                try await tdb.query(StockMovementRecord.self).filter(\.$kind == .stockTake).first()
            )
            #expect(take.onHandDelta == 2 - before.onHand)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "stock.count").count() == 1)
            #expect(try await app.stock(shop).rebuild(repair: false).isEmpty)

            let unknown = try await admin.post(
                "/inventory/stock-take",
                [("barcode", "0000000000000"), ("counted", "1")]
            )
            #expect(unknown.status == .unprocessableEntity)
            let negative = try await admin.post("/inventory/stock-take", [("barcode", jan), ("counted", "-1")])
            #expect(negative.status == .unprocessableEntity)
        }
    }

    @Test func theStockListShowsFiguresAndChannelStock() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await seed(app, shop)
            try await app.makeUser(in: shop, email: "viewer@shop-a.example", role: .viewer)
            let viewer = Browser(app)
            #expect(
                try await viewer.signIn(shop.code, "viewer@shop-a.example", "another long password 1").status
                    == .seeOther
            )
            let page = try await viewer.get("/inventory?q=TS-001")
            #expect(page.status == .ok)
            #expect(page.body.contains("rakuten"))
            #expect(try await viewer.get("/inventory/stock-take").status == .forbidden, "viewers read only")
        }
    }
}
