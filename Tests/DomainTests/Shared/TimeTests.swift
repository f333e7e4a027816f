import Foundation
import Testing

@testable import Domain

@Suite struct TimeTests {
    @Test func formatsInJapanStandardTimeWithTheOffset() {
        // 2026-11-21 00:30:00 UTC is 09:30 in Tokyo.
        let date = Date(timeIntervalSince1970: 1_795_221_000)
        #expect(JST.format(date) == "2026-11-21 09:30:00 +09:00")
    }

    @Test func parsesFilterDatesAsJSTMidnight() {
        #expect(JST.startOfDay("2026-11-21") == Date(timeIntervalSince1970: 1_795_186_800))
        #expect(JST.startOfDay("yesterday") == nil)
    }

    @Test func backoffDoublesUpToItsCap() {
        let backoff = Backoff(base: 5, cap: 60)
        #expect([1, 2, 3, 4, 5, 6].map(backoff.delay(afterAttempt:)) == [5, 10, 20, 40, 60, 60])
    }
}
