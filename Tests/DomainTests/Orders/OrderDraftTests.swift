import Domain
import Foundation
import Testing

@Suite struct OrderDraftTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func input() -> OrderInput {
        OrderInput(
            channel: "rakuten",
            number: "123-20261101-0001",
            lines: [
                .init(sku: "A", quantity: 2, unitPrice: 1100),
                .init(sku: "T", quantity: 1, unitPrice: 1080, taxRate: 8),
            ],
            shipTo: .init(
                name: " 山田 花子 ",
                postalCode: "１５０－０００１",
                prefecture: "東京",
                city: "渋谷区",
                address1: "神宮前1-2-3",
                phone: "+81 90-1234-5678"
            )
        )
    }

    @Test func valuesAreNormalisedAsShopsTypeThem() throws {
        let draft = try OrderRules.check(Self.input(), now: Self.now)
        #expect(draft.shipTo.name == "山田 花子")
        #expect(draft.shipTo.postalCode == "1500001")
        #expect(draft.shipTo.postalCodeDisplay == "150-0001")
        #expect(draft.shipTo.prefecture == "東京都")
        #expect(draft.shipTo.phone == "09012345678")
        #expect(draft.buyer == draft.shipTo, "the recipient is the buyer when none is given")
        #expect(draft.orderedAt == Self.now)
        #expect(draft.paymentMethod == .other)
    }

    @Test func everyProblemIsReportedWithItsField() {
        var input = Self.input()
        input.lines[0].quantity = 0
        input.lines[1].taxRate = 5
        input.shipTo.postalCode = "15000"
        input.shipTo.phone = "1234567890"
        input.orderedAt = "2026-02-29 10:00"
        input.deliveryTime = "2400"
        do {
            _ = try OrderRules.check(input, now: Self.now)
            Issue.record("accepted")
        } catch {
            #expect(
                Set(error.all.map(\.field)) == [
                    "lines[0].quantity", "lines[1].taxRate", "shipTo.postalCode", "shipTo.phone", "orderedAt",
                    "deliveryTime",
                ]
            )
        }
    }

    @Test(arguments: [
        ("2026-11-17T10:15:00+09:00", 1_794_878_100.0), ("2026-11-17 10:15:00", 1_794_878_100.0),
        ("2026/11/17 10:15", 1_794_878_100.0), ("2026-11-17T01:15:00Z", 1_794_878_100.0),
    ])
    func momentsAreReadInTheFormsMallsWrite(text: String, seconds: Double) {
        #expect(JST.moment(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-02-29 10:00", "2026-11-17 24:00", "2026-11-17 10:60", "tomorrow", "2026-11-17 1:5"])
    func impossibleMomentsAreNoMoment(text: String) {
        #expect(JST.moment(text) == nil)
    }

    @Test func taxIsStatedPerRateRoundedDownOncePerOrder() throws {
        // 10 %: 2 × 1,100 + shipping 550 = 2,750 → tax 250. 8 %: 1,080 → tax 80.
        let amounts = try OrderAmounts.compute(
            lines: [(2, 1100, 10), (1, 1080, 8)],
            shippingFee: 550,
            codFee: 0,
            discount: 0,
            points: 100,
            taxIncluded: true
        )
        #expect(amounts.items == 3280)
        #expect(amounts.taxable10 == 2750)
        #expect(amounts.tax10 == 250)
        #expect(amounts.taxable8 == 1080)
        #expect(amounts.tax8 == 80)
        #expect(amounts.total == 3730, "points lower what is charged, not the tax")
    }

    @Test func aDiscountIsSharedBetweenRatesAndTaxExcludedPricesAddTax() throws {
        let shared = try OrderAmounts.compute(
            lines: [(1, 1000, 10), (1, 1000, 8)],
            shippingFee: 0,
            codFee: 0,
            discount: 200,
            points: 0,
            taxIncluded: true
        )
        #expect(shared.taxable10 == 900)
        #expect(shared.taxable8 == 900)
        #expect(shared.total == 1800)
        let excluded = try OrderAmounts.compute(
            lines: [(3, 333, 10)],
            shippingFee: 0,
            codFee: 0,
            discount: 0,
            points: 0,
            taxIncluded: false
        )
        #expect(excluded.tax10 == 99)
        #expect(excluded.total == 1098)
    }

    @Test func amountsThatCannotBeAreRefusedWithoutOverflow() {
        #expect(throws: OrderAmounts.AmountError.outOfRange) {
            try OrderAmounts.compute(
                lines: [(Int.max, Int.max, 10)],
                shippingFee: 0,
                codFee: 0,
                discount: 0,
                points: 0,
                taxIncluded: true
            )
        }
        #expect(throws: OrderAmounts.AmountError.negativeTotal) {
            try OrderAmounts.compute(
                lines: [(1, 100, 10)],
                shippingFee: 0,
                codFee: 0,
                discount: 0,
                points: 101,
                taxIncluded: true
            )
        }
    }
}
