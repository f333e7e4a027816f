import Foundation

/// Exponential backoff with a cap: base · 2^(attempt−1), at most `cap` seconds.
public struct Backoff: Sendable, Equatable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 5, cap: TimeInterval = 3600) {
        self.base = base
        self.cap = cap
    }

    /// The delay before retry number `attempt` (1 for the first retry).
    public func delay(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = max(0, min(attempt - 1, 30))
        return min(cap, base * pow(2, Double(exponent)))
    }
}
