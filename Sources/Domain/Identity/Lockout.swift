import Foundation

/// How an account locks after failed sign-ins.
public struct LockoutPolicy: Sendable, Equatable {
    public var threshold: Int
    public var window: TimeInterval
    /// nil: locked until an admin unlocks.
    public var duration: TimeInterval?

    public init(threshold: Int = 5, window: TimeInterval = 900, duration: TimeInterval? = 900) {
        self.threshold = threshold
        self.window = window
        self.duration = duration
    }
}

/// One account's failure count and lock, as stored on the user.
public struct LockoutState: Sendable, Equatable {
    public var failures: Int
    public var windowStart: Date?
    public var lockedUntil: Date?
    public var lockedIndefinitely: Bool

    public init(failures: Int = 0, windowStart: Date? = nil, lockedUntil: Date? = nil, lockedIndefinitely: Bool = false)
    {
        self.failures = failures
        self.windowStart = windowStart
        self.lockedUntil = lockedUntil
        self.lockedIndefinitely = lockedIndefinitely
    }

    public func isLocked(at now: Date) -> Bool {
        lockedIndefinitely || (lockedUntil.map { now < $0 } ?? false)
    }

    /// Counts a failure; returns whether this failure locked the account.
    public mutating func recordFailure(at now: Date, policy: LockoutPolicy) -> Bool {
        if isLocked(at: now) { return false }
        if let start = windowStart, now.timeIntervalSince(start) < policy.window {
            failures += 1
        } else {
            failures = 1
            windowStart = now
        }
        guard failures >= policy.threshold else { return false }
        if let duration = policy.duration {
            lockedUntil = now.addingTimeInterval(duration)
        } else {
            lockedIndefinitely = true
        }
        failures = 0
        windowStart = nil
        return true
    }

    /// A successful sign-in or an admin's unlock clears everything.
    public mutating func reset() {
        self = LockoutState()
    }
}
