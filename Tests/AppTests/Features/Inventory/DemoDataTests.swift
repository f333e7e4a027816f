import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct DemoDataTests {
    @Test func theDemoShopHasABelievableCatalogOnceWhateverTheRuns() async throws {
        try await withApp { app, env in
            let first = try CLI.run(["demo"], env: env)
            #expect(first.status == 0, "\(first.output)")
            #expect(first.output.contains("Tenant code: demo"))
            let second = try CLI.run(["demo"], env: env)
            #expect(second.status == 0)
            let tenant = try #require(try await app.tenantDirectory.activeTenant(code: "demo"))
            let tdb = app.akinai.tenantDatabase(tenant.id!, on: app.db)
            let skus = try await tdb.query(SKURecord.self).all()
            #expect(skus.count >= 200)
            #expect(skus.filter(\.isSet).count >= 5)
            #expect(Set(skus.map(\.coolType)) == [.ambient, .chilled, .frozen])
            #expect(Set(skus.map(\.taxClass)) == [.standard, .reduced])
            #expect(skus.compactMap(\.jan).allSatisfy { (try? JANCode($0)) != nil })
            #expect(try await tdb.query(WarehouseRecord.self).count() == 2)
            let channels = Set(try await tdb.query(ChannelListingRecord.self).all().map(\.channel))
            #expect(channels.isSuperset(of: ["rakuten", "yahoo", "amazon", "shopify"]))
            #expect(try await tdb.query(UserRecord.self).count() == 1, "the second run created nothing twice")
            let counts = try await OrderQueries(tdb: tdb, cipher: try await app.akinai.keyStore.cipher(tdb)).counts()
            #expect(counts.values.reduce(0, +) == DemoOrders.count, "the second run took no order twice")
            #expect(Set(counts.filter { $0.value > 0 }.keys) == Set(OrderStatus.allCases), "orders in every state")
            let stock = StockLedger(tdb: tdb, services: app.akinai, actor: .system)
            #expect(try await stock.rebuild(repair: false).isEmpty)
            let sets = skus.filter(\.isSet)
            #expect(
                try await stock.available(sets).values.contains { $0 > 0 },
                "sets are sellable from their components"
            )
        }
    }
}
