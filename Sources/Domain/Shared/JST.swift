import Foundation

/// Times are stored in UTC and shown in Japan Standard Time with the offset written out.
public enum JST {
    public static let timeZone = TimeZone(identifier: "Asia/Tokyo") ?? TimeZone(secondsFromGMT: 9 * 3600)!

    /// `2026-11-21 09:15:03 +09:00`
    public static func format(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset >= 0 ? "+" : "-"
        let body = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            c.year ?? 0,
            c.month ?? 0,
            c.day ?? 0,
            c.hour ?? 0,
            c.minute ?? 0,
            c.second ?? 0
        )
        return body + " " + sign + String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)
    }

    /// Parses a `yyyy-MM-dd` date typed in a filter as the start of that day in JST.
    public static func startOfDay(_ text: String) -> Date? {
        // Only `YYYY-MM-DD` within 2000…2100 and a real calendar day; anything else is no date at all.
        guard text.utf8.count == 10 else { return nil }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (2000...2100).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }

    /// `2026-11-21T09:15:03+09:00`: RFC 3339 in Japan time, for the API.
    public static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = timeZone
        return formatter.string(from: date)
    }

    /// Parses a moment as malls and forms write it: ISO 8601 with an offset (`2026-11-30T10:15:00+09:00`, `…Z`), or
    /// a JST wall-clock time `2026-11-30 10:15(:00)` with `-` or `/` between the date's parts. Nil for anything
    /// else, including a day that does not exist.
    public static func moment(_ text: String) -> Date? {
        let value = text.trimmingCharacters(in: .whitespaces)
        guard (10...40).contains(value.utf8.count) else { return nil }
        let iso = ISO8601DateFormatter()
        if let date = iso.date(from: value) { return date }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = iso.date(from: value) { return date }
        let normalized = value.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "T", with: " ")
        let halves = normalized.split(separator: " ", omittingEmptySubsequences: true)
        guard (1...2).contains(halves.count), let day = startOfDay(String(halves[0])) else { return nil }
        guard halves.count == 2 else { return day }
        let clock = halves[1].split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = clock.count == 3 ? Int(clock[2]) : 0,
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        return day.addingTimeInterval(Double(hour * 3600 + minute * 60 + second))
    }
}
