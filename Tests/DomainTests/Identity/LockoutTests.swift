import Foundation
import Testing

@testable import Domain

@Suite struct LockoutTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func locksAtTheThresholdWithinTheWindowAndUnlocksAfterTheDuration() {
        let policy = LockoutPolicy(threshold: 5, window: 900, duration: 900)
        var state = LockoutState()
        var results: [Bool] = []
        for index in 0..<5 {
            results.append(state.recordFailure(at: start.addingTimeInterval(Double(index)), policy: policy))
        }
        #expect(results == [false, false, false, false, true])
        #expect(state.isLocked(at: start.addingTimeInterval(11)))
        #expect(state.isLocked(at: start.addingTimeInterval(903)))
        #expect(!state.isLocked(at: start.addingTimeInterval(904)))
    }

    @Test func failuresOutsideTheWindowStartACount() {
        let policy = LockoutPolicy(threshold: 3, window: 60, duration: 60)
        var state = LockoutState()
        _ = state.recordFailure(at: start, policy: policy)
        _ = state.recordFailure(at: start.addingTimeInterval(30), policy: policy)
        let locked = state.recordFailure(at: start.addingTimeInterval(61), policy: policy)
        #expect(!locked, "the window restarted")
        #expect(state.failures == 1)
    }

    @Test func aLockWithoutDurationLastsUntilReset() {
        let policy = LockoutPolicy(threshold: 3, window: 60, duration: nil)
        var state = LockoutState()
        for _ in 0..<3 { _ = state.recordFailure(at: start, policy: policy) }
        #expect(state.isLocked(at: start.addingTimeInterval(365 * 86400)))
        state.reset()
        #expect(!state.isLocked(at: start))
    }

    @Test func failuresWhileLockedDoNotExtendTheLock() {
        let policy = LockoutPolicy(threshold: 3, window: 60, duration: 60)
        var state = LockoutState()
        for _ in 0..<3 { _ = state.recordFailure(at: start, policy: policy) }
        let again = state.recordFailure(at: start.addingTimeInterval(30), policy: policy)
        #expect(!again)
        #expect(!state.isLocked(at: start.addingTimeInterval(60)))
    }
}
