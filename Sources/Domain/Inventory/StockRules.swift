import Foundation

/// Why stock is refused or a movement is invalid.
public enum StockError: Error, Equatable, Sendable {
    /// Not enough available stock for a SKU (its id, what was asked, what was available).
    case insufficient(sku: UUID, requested: Int, available: Int)
    case invalidQuantity
    /// A set product cannot contain itself or another set.
    case invalidComposition
    /// Releasing or committing more than is reserved.
    case notReserved
    /// A reservation's reference used again for other lines: a retry must send the same order.
    case referenceReused
}

/// The bounds of quantities that come from outside (API, forms, CSV, mall orders).
public enum StockLimits {
    /// The largest quantity of one line, movement or count.
    public static let maxQuantity = 1_000_000
    /// The most lines one reservation may have.
    public static let maxLines = 500
}

/// One SKU's figures in one warehouse.
public struct StockFigures: Sendable, Equatable {
    public var onHand: Int
    public var reserved: Int

    public init(onHand: Int = 0, reserved: Int = 0) {
        self.onHand = onHand
        self.reserved = reserved
    }

    public var available: Int { onHand - reserved }
}

/// What happened to stock. Every change of the figures is one of these, in the ledger.
public enum MovementKind: String, Codable, Sendable, CaseIterable {
    /// 入荷: on hand rises.
    case receipt
    /// 引当: reserved rises (an order took stock).
    case reservation
    /// 引当解除: reserved falls (an order was cancelled before shipping).
    case release
    /// 出荷: on hand and reserved fall together (the reserved goods left).
    case sale
    /// 返品・キャンセル戻し: on hand rises again.
    case cancel
    /// 在庫調整, with a reason.
    case adjustment
    /// 棚卸: the counted quantity replaces on hand.
    case stockTake = "stock_take"
    /// 移動: out of one warehouse, into another.
    case transfer

    /// The change to (on hand, reserved) for a movement of `quantity` (signed for adjustments, stock-takes
    /// and transfers).
    public func deltas(_ quantity: Int) -> (onHand: Int, reserved: Int) {
        switch self {
        case .receipt, .cancel: (quantity, 0)
        case .reservation: (0, quantity)
        case .release: (0, -quantity)
        case .sale: (-quantity, -quantity)
        case .adjustment, .stockTake, .transfer: (quantity, 0)
        }
    }
}

/// A line of an order to reserve: a SKU (plain or set) and a quantity.
public struct ReservationLine: Sendable, Equatable {
    public let skuID: UUID
    public let quantity: Int

    public init(skuID: UUID, quantity: Int) {
        self.skuID = skuID
        self.quantity = quantity
    }
}

/// Set products (セット商品): a set is components × quantities; its stock is derived, never stored.
public enum SetProducts {
    /// The plain-SKU quantities a reservation needs: set lines expand into their components, and the same
    /// SKU on several lines is added up. Sorted by SKU id, so concurrent reservations lock rows in one order.
    public static func expand(
        _ lines: [ReservationLine],
        components: [UUID: [(sku: UUID, quantity: Int)]]
    ) throws(StockError) -> [(sku: UUID, quantity: Int)] {
        // Quantities come from outside: every product and sum is checked, and a total beyond what one SKU can
        // ever hold is refused rather than trapping or wrapping.
        var totals: [UUID: Int] = [:]
        func add(_ sku: UUID, _ quantity: Int) throws(StockError) {
            let (sum, overflow) = totals[sku, default: 0].addingReportingOverflow(quantity)
            guard !overflow, sum <= Int(Int32.max) else { throw .invalidQuantity }
            totals[sku] = sum
        }
        guard lines.count <= StockLimits.maxLines else { throw .invalidQuantity }
        for line in lines {
            guard (1...StockLimits.maxQuantity).contains(line.quantity) else { throw .invalidQuantity }
            if let parts = components[line.skuID], !parts.isEmpty {
                for part in parts {
                    guard part.quantity > 0, components[part.sku] == nil else { throw .invalidComposition }
                    let (product, overflow) = part.quantity.multipliedReportingOverflow(by: line.quantity)
                    guard !overflow else { throw .invalidQuantity }
                    try add(part.sku, product)
                }
            } else {
                try add(line.skuID, line.quantity)
            }
        }
        return totals.map { ($0.key, $0.value) }.sorted { $0.sku.uuidString < $1.sku.uuidString }
    }

    /// How many sets can be made from the components' available stock.
    public static func available(components: [(available: Int, quantity: Int)]) -> Int {
        guard !components.isEmpty else { return 0 }
        return max(0, components.map { $0.quantity > 0 ? $0.available / $0.quantity : 0 }.min() ?? 0)
    }
}

/// 表示在庫: what a channel is told it may sell, from available stock.
public enum ChannelStockRule: Sendable, Equatable, Codable {
    /// Show everything available.
    case all
    /// Keep `n` back (e.g. for the shop's own cart).
    case buffer(Int)
    /// Show at most `n`.
    case cap(Int)
    /// Show this percentage of available, rounded down.
    case percent(Int)

    public func shown(available: Int) -> Int {
        let a = max(0, available)
        switch self {
        case .all: return a
        case .buffer(let n): return max(0, a - max(0, n))
        case .cap(let n): return min(a, max(0, n))
        case .percent(let p): return a * min(100, max(0, p)) / 100
        }
    }

    /// `all`, `buffer:3`, `cap:10`, `percent:50`.
    public init(text: String) throws(FieldError) {
        let parts = text.split(separator: ":")
        if parts == ["all"] {
            self = .all
            return
        }
        guard parts.count == 2, let n = Int(parts[1]), n >= 0 else {
            throw FieldError(field: "rule", reason: "rule_invalid")
        }
        switch parts[0] {
        case "buffer": self = .buffer(n)
        case "cap": self = .cap(n)
        case "percent" where n <= 100: self = .percent(n)
        default: throw FieldError(field: "rule", reason: "rule_invalid")
        }
    }

    public var text: String {
        switch self {
        case .all: "all"
        case .buffer(let n): "buffer:\(n)"
        case .cap(let n): "cap:\(n)"
        case .percent(let p): "percent:\(p)"
        }
    }
}

/// Reorder alerts fire once per crossing: when available falls to the reorder point or below, and not
/// again until it has risen above it.
public struct ReorderAlert: Sendable, Equatable {
    public var point: Int?
    /// Whether the alert for the current crossing was sent.
    public var alerted: Bool

    public init(point: Int?, alerted: Bool = false) {
        self.point = point
        self.alerted = alerted
    }

    /// Updates the state for a new available figure; returns whether an alert should go out now.
    public mutating func observe(available: Int) -> Bool {
        guard let point else { return false }
        if available > point {
            alerted = false
            return false
        }
        if alerted { return false }
        alerted = true
        return true
    }
}
