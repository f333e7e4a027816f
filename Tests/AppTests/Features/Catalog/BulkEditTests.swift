import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct BulkEditTests {
    @Test func aPreviewChangesNothingAndApplyingIsOneTransactionWithOneAuditEvent() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            _ = try await DemoCatalog.seed(app.akinai.tenantDatabase(shop.id, on: app.db), services: app.akinai)
            let admin = Browser(app)
            try await admin.signIn(shop)
            let before = try await app.sku(shop, "GY-001").price
            let filter: [(String, String)] = [("cool", "frozen"), ("action", "price_percent"), ("value", "10")]
            let preview = try await admin.post("/catalog/bulk", filter)
            #expect(preview.status == .ok)
            #expect(preview.element("bulk-count")?.contains("8") == true, "the 8 frozen SKUs")
            #expect(try await app.sku(shop, "GY-001").price == before, "a preview changes nothing")
            let applied = try await admin.post("/catalog/bulk", filter + [("confirm", "yes")])
            #expect(applied.location == "/catalog/bulk?applied=8")
            #expect(try await app.sku(shop, "GY-001").price == Int((Double(before) * 1.1).rounded()))
            #expect(try await app.sku(shop, "TS-001").coolType == .ambient)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let events = try await tdb.query(AuditEventRecord.self).filter(\.$action == "catalog.bulk_edit").all()
            #expect(events.count == 1)
            #expect(events.first?.details.contains("\"count\":\"8\"") == true)

            let labelled = try await admin.post(
                "/catalog/bulk",
                [("q", "TS-00"), ("action", "label_add"), ("value", "夏物"), ("confirm", "yes")]
            )
            #expect(labelled.status == .seeOther)
            #expect(try await app.sku(shop, "TS-001").labels.contains("夏物"))
        }
    }

    /// Bulk edit finds SKUs as the catalog's search box does: by product name and by JAN too.
    @Test func theFilterSearchesProductNamesAndJANsLikeTheCatalog() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            _ = try await DemoCatalog.seed(app.akinai.tenantDatabase(shop.id, on: app.db), services: app.akinai)
            let admin = Browser(app)
            try await admin.signIn(shop)
            let byName = try await admin.post(
                "/catalog/bulk",
                [("q", "冷凍餃子"), ("action", "label_add"), ("value", "x")]
            )
            #expect(byName.element("bulk-count")?.contains("8") == true, "the 8 variants of 国産豚の冷凍餃子")
            let jan = try #require(try await app.sku(shop, "GY-001").jan)
            let byJAN = try await admin.post("/catalog/bulk", [("q", jan), ("action", "label_add"), ("value", "x")])
            #expect(byJAN.element("bulk-count")?.contains("1") == true)
        }
    }

    /// Ten "+10 %" edits of the same SKUs at once compound, as ten in a row would: none is lost.
    @Test func concurrentPercentChangesCompound() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            _ = try await DemoCatalog.seed(app.akinai.tenantDatabase(shop.id, on: app.db), services: app.akinai)
            let admin = Browser(app)
            try await admin.signIn(shop)
            var expected = try await app.sku(shop, "GY-001").price
            for _ in 0..<10 { expected = (expected * 110 + 50) / 100 }
            let csrf = try #require(try await admin.get("/catalog/bulk").hidden("_csrf"))
            let filter: [(String, String)] = [("cool", "frozen"), ("action", "price_percent"), ("value", "10")]
            let locations = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        try await admin.post("/catalog/bulk", filter + [("confirm", "yes")], csrf: csrf).location
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(locations.allSatisfy { $0 == "/catalog/bulk?applied=8" })
            #expect(try await app.sku(shop, "GY-001").price == expected)
        }
    }

    @Test func badChangesAreRefused() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            for fields in [
                [("action", "price_set"), ("value", "-5")], [("action", "price_percent"), ("value", "900")],
                [("action", "label_add"), ("value", "a,b")], [("action", "drop_table"), ("value", "1")],
            ] {
                #expect(
                    try await admin.post("/catalog/bulk", fields + [("confirm", "yes")]).status == .unprocessableEntity
                )
            }
        }
    }
}
