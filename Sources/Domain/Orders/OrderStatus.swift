/// Where an order is in its workflow (受注ステータス). Stored as its raw value; a value Akinai does not know is an
/// error where it is read, never a default.
///
/// 新規受付 → 確認待ち / 入金待ち / 保留 → 出荷待ち → 出荷済み → 完了, and キャンセル from any state before 出荷済み.
/// A shipped order that comes back is a return through the stock ledger, not a change of this state.
public enum OrderStatus: String, Codable, Sendable, CaseIterable {
    /// 新規受付: just taken in, rules not yet applied or nothing decided.
    case received
    /// 確認待ち: the shop must look at it (remarks, address, a rule's hold for review).
    case awaitingReview = "awaiting_review"
    /// 入金待ち: prepayment (bank transfer, convenience store) not yet received.
    case awaitingPayment = "awaiting_payment"
    /// 保留: held with a reason (在庫不足, blacklist, a rule).
    case onHold = "on_hold"
    /// 出荷待ち: ready to pick, pack and hand to the carrier.
    case readyToShip = "ready_to_ship"
    /// 出荷済み: handed to the carrier; its reservation is committed.
    case shipped
    /// 完了: done.
    case completed
    /// キャンセル: cancelled before shipping; its reservation is released.
    case cancelled

    /// The Japanese name shops know the state by.
    public var japaneseName: String {
        switch self {
        case .received: "新規受付"
        case .awaitingReview: "確認待ち"
        case .awaitingPayment: "入金待ち"
        case .onHold: "保留"
        case .readyToShip: "出荷待ち"
        case .shipped: "出荷済み"
        case .completed: "完了"
        case .cancelled: "キャンセル"
        }
    }

    /// The states an order in this one may move to, in the order a page offers them (only these actions show).
    public var next: [OrderStatus] {
        switch self {
        case .received: [.readyToShip, .awaitingReview, .awaitingPayment, .onHold, .cancelled]
        case .awaitingReview: [.readyToShip, .awaitingPayment, .onHold, .cancelled]
        case .awaitingPayment: [.readyToShip, .awaitingReview, .onHold, .cancelled]
        case .onHold: [.readyToShip, .awaitingReview, .awaitingPayment, .cancelled]
        case .readyToShip: [.shipped, .onHold, .cancelled]
        case .shipped: [.completed]
        case .completed, .cancelled: []
        }
    }

    /// Whether the order still holds stock that has not left the warehouse (a cancel must release it).
    public var holdsReservation: Bool {
        switch self {
        case .received, .awaitingReview, .awaitingPayment, .onHold, .readyToShip: true
        case .shipped, .completed, .cancelled: false
        }
    }

    /// The move to `target`, or the reason it is refused.
    public func transition(to target: OrderStatus) throws(OrderTransitionError) -> OrderTransition {
        guard next.contains(target) else { throw OrderTransitionError(from: self, to: target) }
        return OrderTransition(
            from: self,
            to: target,
            reservation: target == .cancelled ? .release : target == .shipped ? .commit : .keep
        )
    }
}

/// An allowed change of state and what it does to the order's reservation.
public struct OrderTransition: Sendable, Equatable {
    public let from: OrderStatus
    public let to: OrderStatus
    public let reservation: ReservationEffect

    /// What a transition does to the stock the order holds.
    public enum ReservationEffect: Sendable, Equatable {
        /// Nothing: the stock stays held.
        case keep
        /// Cancelled before shipping: the stock is given back.
        case release
        /// Shipped: on hand and reserved fall together.
        case commit
    }
}

/// A change of state the workflow does not allow; names both states.
public struct OrderTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let from: OrderStatus
    public let to: OrderStatus

    public var description: String {
        "「\(from.japaneseName)」の注文は「\(to.japaneseName)」にできません (\(from.rawValue) → \(to.rawValue) is not allowed)"
    }
}
