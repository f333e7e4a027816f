/// An order's money: the items, fees, discount and points, the total the buyer pays, and the consumption tax per
/// rate as a qualified invoice (適格請求書) states it — the amount subject to each rate and its tax, rounded down
/// once per rate for the whole order.
///
/// Prices and fees include tax unless the order says otherwise (外税, then tax is added per rate). Shipping and the
/// cash-on-delivery fee are taxed at 10 %. A discount (coupon) lowers the amount subject to tax, shared between the
/// rates in proportion to their items; points are a means of payment and lower only what is charged.
public struct OrderAmounts: Sendable, Equatable, Codable {
    public let items: Int
    public let shippingFee: Int
    public let codFee: Int
    public let discount: Int
    public let points: Int
    /// What the buyer is charged: items + fees − discount − points (+ tax when prices exclude it).
    public let total: Int
    /// The amount subject to 10 % (tax included) and its tax.
    public let taxable10: Int
    public let tax10: Int
    /// The amount subject to 8 % (tax included) and its tax.
    public let taxable8: Int
    public let tax8: Int

    /// Why amounts cannot be computed.
    public enum AmountError: Error, Equatable, Sendable {
        /// The discount and points exceed what is charged.
        case negativeTotal
        /// A sum outside what an order can hold.
        case outOfRange
    }

    public init(
        items: Int,
        shippingFee: Int,
        codFee: Int,
        discount: Int,
        points: Int,
        total: Int,
        taxable10: Int,
        tax10: Int,
        taxable8: Int,
        tax8: Int
    ) {
        self.items = items
        self.shippingFee = shippingFee
        self.codFee = codFee
        self.discount = discount
        self.points = points
        self.total = total
        self.taxable10 = taxable10
        self.tax10 = tax10
        self.taxable8 = taxable8
        self.tax8 = tax8
    }

    /// The largest total an order may reach (a billion yen).
    public static let maxTotal = 1_000_000_000

    /// Computes the amounts of `lines` (quantity, unit price, rate 10 or 8). Every step is range-checked: no input
    /// can overflow, and a total beyond `maxTotal` is refused.
    public static func compute(
        lines: [(quantity: Int, unitPrice: Int, taxRate: Int)],
        shippingFee: Int,
        codFee: Int,
        discount: Int,
        points: Int,
        taxIncluded: Bool
    ) throws(AmountError) -> OrderAmounts {
        var base10 = 0
        var base8 = 0
        for line in lines {
            guard line.quantity >= 0, line.unitPrice >= 0 else { throw .outOfRange }
            let (amount, overflow) = line.quantity.multipliedReportingOverflow(by: line.unitPrice)
            guard !overflow, amount <= maxTotal else { throw .outOfRange }
            if line.taxRate == 8 { base8 += amount } else { base10 += amount }
            guard base8 + base10 <= maxTotal else { throw .outOfRange }
        }
        let items = base10 + base8
        for fee in [shippingFee, codFee, discount, points] where !(0...maxTotal).contains(fee) {
            throw .outOfRange
        }
        guard discount <= items + shippingFee + codFee else { throw .negativeTotal }
        // The discount is shared in proportion to the items of each rate (all of it on 10 % when there are none).
        let discount8 = items == 0 ? 0 : min(base8, discount * base8 / items)
        let discount10 = discount - discount8
        base10 += shippingFee + codFee
        base10 -= discount10
        base8 -= discount8
        guard base10 >= 0, base8 >= 0 else { throw .negativeTotal }
        let tax10: Int
        let tax8: Int
        let taxable10: Int
        let taxable8: Int
        if taxIncluded {
            tax10 = base10 * 10 / 110
            tax8 = base8 * 8 / 108
            taxable10 = base10
            taxable8 = base8
        } else {
            tax10 = base10 * 10 / 100
            tax8 = base8 * 8 / 100
            taxable10 = base10 + tax10
            taxable8 = base8 + tax8
        }
        let charged = taxable10 + taxable8 - points
        guard charged >= 0 else { throw .negativeTotal }
        guard charged <= maxTotal else { throw .outOfRange }
        return OrderAmounts(
            items: items,
            shippingFee: shippingFee,
            codFee: codFee,
            discount: discount,
            points: points,
            total: charged,
            taxable10: taxable10,
            tax10: tax10,
            taxable8: taxable8,
            tax8: tax8
        )
    }
}
