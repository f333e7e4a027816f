import FluentKit
import Foundation
import SQLKit

/// Fixed-window counters per client address, in the database so every instance counts together.
struct RateLimiter: Sendable {
    /// One limit: at most `limit` requests per `window` seconds.
    struct Rule: Sendable, Equatable {
        var name: String
        var limit: Int
        var window: TimeInterval
    }

    /// Counts one request under `rule` for `client`; throws `RateLimited` (429 with Retry-After) past the limit.
    static func hit(_ rule: Rule, client: String, db: any Database, now: Date) async throws {
        // tenancy: rate_limits belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return }
        let slot = Int(now.timeIntervalSince1970 / rule.window)
        let key = "\(rule.name):\(client):\(slot)"
        let end = Date(timeIntervalSince1970: Double(slot + 1) * rule.window)
        let rows = try await sql.raw(
            """
            INSERT INTO rate_limits (key, count, expires_at) VALUES (\(bind: key), 1, \(bind: end))
            ON CONFLICT (key) DO UPDATE SET count = rate_limits.count + 1
            RETURNING count
            """
        ).all()
        let count = try rows.first?.decode(column: "count", as: Int.self) ?? 1
        if count > rule.limit {
            throw RateLimited(retryAfter: max(1, Int(end.timeIntervalSince(now).rounded(.up))))
        }
        if count == 1, slot % 16 == 0 {
            // Now and then, forget windows that have ended.
            try await sql.raw("DELETE FROM rate_limits WHERE expires_at < \(bind: now)").run()
        }
    }
}

/// The limits Akinai applies, per client address.
struct RateLimits: Sendable, Equatable {
    var signIn = RateLimiter.Rule(name: "sign-in", limit: 30, window: 600)
    var secondFactor = RateLimiter.Rule(name: "second-factor", limit: 15, window: 600)
    var passwordReset = RateLimiter.Rule(name: "password-reset", limit: 10, window: 3600)
}
