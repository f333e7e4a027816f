import Foundation
import Testing

@testable import Domain

@Suite struct OrderStatusTests {
    /// Every pair of states, against the workflow as shops know it.
    @Test func onlyTheWorkflowsTransitionsAreAllowed() {
        let before: Set<OrderStatus> = [.received, .awaitingReview, .awaitingPayment, .onHold, .readyToShip]
        for from in OrderStatus.allCases {
            for to in OrderStatus.allCases {
                let allowed: Bool
                switch (from, to) {
                case (_, .cancelled): allowed = before.contains(from)
                case (.received, .awaitingReview), (.received, .awaitingPayment), (.received, .onHold): allowed = true
                case (.awaitingReview, .awaitingPayment), (.awaitingReview, .onHold): allowed = true
                case (.awaitingPayment, .awaitingReview), (.awaitingPayment, .onHold): allowed = true
                case (.onHold, .awaitingReview), (.onHold, .awaitingPayment): allowed = true
                case (_, .readyToShip): allowed = before.contains(from) && from != .readyToShip
                case (.readyToShip, .shipped), (.readyToShip, .onHold), (.shipped, .completed): allowed = true
                default: allowed = false
                }
                #expect(((try? from.transition(to: to)) != nil) == allowed, "\(from) → \(to)")
                #expect(from.next.contains(to) == allowed, "\(from).next and transition agree on \(to)")
            }
        }
    }

    @Test func aRefusedTransitionNamesBothStates() {
        #expect(throws: OrderTransitionError(from: .shipped, to: .cancelled)) {
            try OrderStatus.shipped.transition(to: .cancelled)
        }
        let error = OrderTransitionError(from: .shipped, to: .cancelled)
        #expect(error.description.contains("出荷済み") && error.description.contains("キャンセル"))
        #expect(OrderStatus.completed.next.isEmpty && OrderStatus.cancelled.next.isEmpty, "end states")
    }

    @Test func cancellingReleasesAndShippingCommitsTheReservation() throws {
        for from in OrderStatus.allCases where from.next.contains(.cancelled) {
            #expect(from.holdsReservation)
            #expect(try from.transition(to: .cancelled).reservation == .release)
        }
        #expect(try OrderStatus.readyToShip.transition(to: .shipped).reservation == .commit)
        #expect(try OrderStatus.received.transition(to: .onHold).reservation == .keep)
        #expect(!OrderStatus.shipped.holdsReservation)
    }

    @Test func storedValuesAreStableAndUnknownOnesAreRefused() throws {
        #expect(
            OrderStatus.allCases.map(\.rawValue) == [
                "received", "awaiting_review", "awaiting_payment", "on_hold", "ready_to_ship", "shipped", "completed",
                "cancelled",
            ]
        )
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([OrderStatus].self, from: Data(#"["paused"]"#.utf8))
        }
    }
}
