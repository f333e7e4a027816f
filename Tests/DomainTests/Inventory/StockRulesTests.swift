import Foundation
import Testing

@testable import Domain

@Suite struct StockRulesTests {
    let a = UUID(uuidString: "00000000-0000-0000-0000-00000000000A")!
    let b = UUID(uuidString: "00000000-0000-0000-0000-00000000000B")!
    let gift = UUID(uuidString: "00000000-0000-0000-0000-0000000000FF")!

    @Test func setLinesExpandIntoComponentsAndSameSKUsAddUp() throws {
        let components: [UUID: [(sku: UUID, quantity: Int)]] = [gift: [(a, 2), (b, 1)]]
        let expanded = try SetProducts.expand(
            [ReservationLine(skuID: gift, quantity: 3), ReservationLine(skuID: a, quantity: 1)],
            components: components
        )
        #expect(expanded.map(\.sku) == [a, b], "sorted, so rows are always locked in one order")
        #expect(expanded.map(\.quantity) == [7, 3])
    }

    @Test func quantitiesThatWouldOverflowAreRefusedNotTrapped() {
        let components: [UUID: [(sku: UUID, quantity: Int)]] = [gift: [(a, Int.max), (b, 1)]]
        let cases: [[ReservationLine]] = [
            [.init(skuID: a, quantity: Int.max), .init(skuID: a, quantity: Int.max)],
            [.init(skuID: a, quantity: Int.min)],
            [.init(skuID: gift, quantity: 2)],
            [.init(skuID: a, quantity: StockLimits.maxQuantity + 1)],
            Array(repeating: .init(skuID: b, quantity: 1), count: StockLimits.maxLines + 1),
        ]
        for lines in cases {
            #expect(throws: StockError.invalidQuantity) { try SetProducts.expand(lines, components: components) }
        }
    }

    @Test func badLinesAreRefused() {
        #expect(throws: StockError.invalidQuantity) {
            try SetProducts.expand([ReservationLine(skuID: a, quantity: 0)], components: [:])
        }
        let nested: [UUID: [(sku: UUID, quantity: Int)]] = [gift: [(a, 1)], a: [(b, 1)]]
        #expect(throws: StockError.invalidComposition) {
            try SetProducts.expand([ReservationLine(skuID: gift, quantity: 1)], components: nested)
        }
    }

    @Test func aSetIsAsAvailableAsItsScarcestComponent() {
        #expect(SetProducts.available(components: [(available: 10, quantity: 2), (available: 4, quantity: 1)]) == 4)
        #expect(SetProducts.available(components: [(available: 7, quantity: 2), (available: 40, quantity: 1)]) == 3)
        #expect(SetProducts.available(components: [(available: -2, quantity: 1)]) == 0)
        #expect(SetProducts.available(components: []) == 0)
    }

    @Test(arguments: [
        (ChannelStockRule.all, 10, 10), (.buffer(3), 10, 7), (.buffer(30), 10, 0), (.cap(5), 10, 5), (.cap(50), 10, 10),
        (.percent(50), 9, 4), (.percent(100), 9, 9), (.all, -3, 0),
    ])
    func channelStockRules(_ rule: ChannelStockRule, _ available: Int, _ shown: Int) throws {
        #expect(rule.shown(available: available) == shown)
        #expect(try ChannelStockRule(text: rule.text) == rule)
    }

    @Test(arguments: ["", "buffer", "buffer:-1", "percent:101", "share:5", "cap:x"])
    func malformedRulesAreRefused(_ text: String) {
        #expect(throws: FieldError.self) { try ChannelStockRule(text: text) }
    }

    @Test func reorderAlertsFireOncePerCrossing() {
        var alert = ReorderAlert(point: 5)
        var fired: [Bool] = []
        for available in [12, 8, 5, 4, 2, 6, 5, 3] { fired.append(alert.observe(available: available)) }
        #expect(fired == [false, false, true, false, false, false, true, false])
        var none = ReorderAlert(point: nil)
        let noneFired = none.observe(available: 0)
        #expect(!noneFired)
    }

    @Test func movementsChangeTheRightFigures() {
        var figures = StockFigures()
        for (kind, quantity) in [
            (MovementKind.receipt, 10), (.reservation, 3), (.sale, 2), (.release, 1), (.adjustment, -4),
        ] {
            let delta = kind.deltas(quantity)
            figures.onHand += delta.onHand
            figures.reserved += delta.reserved
        }
        #expect(figures == StockFigures(onHand: 4, reserved: 0))
        #expect(figures.available == 4)
    }
}
