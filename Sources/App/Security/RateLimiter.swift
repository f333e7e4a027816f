import Crypto
import Domain
import FluentKit
import Foundation
import SQLKit
import Vapor

/// Fixed-window counters, in the database so every instance counts together.
struct RateLimiter: Sendable {
    /// One limit: at most `limit` requests per `window` seconds.
    struct Rule: Sendable, Equatable {
        var name: String
        var limit: Int
        var window: TimeInterval
    }

    /// What a rule counts by.
    enum Scope: Sendable {
        /// The client's address (an IPv6 client's /64), after `AKINAI_TRUSTED_PROXIES`.
        case client
        /// One account: a user id, or the tenant code and e-mail typed into a form (whether or not they exist,
        /// so a 429 tells nothing about which accounts do).
        case account(String)
        /// One shop, by the tenant code typed or known.
        case tenant(String)

        func key(for request: Request) -> String {
            switch self {
            case .client: "net:" + request.clientAddressKey
            case .account(let name): "acct:" + Self.digest(name)
            case .tenant(let code): "tenant:" + Self.digest(code.lowercased())
            }
        }

        /// Typed text goes into the key as a fixed-length digest: its length and content are the client's.
        private static func digest(_ text: String) -> String {
            SHA256.hash(data: Data(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
        }
    }

    /// Counts one request under `rule` for `key`; throws `RateLimited` (429 with Retry-After) past the limit.
    static func hit(_ rule: Rule, key: String, db: any Database, now: Date) async throws {
        // tenancy: rate_limits belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return }
        let slot = Int(now.timeIntervalSince1970 / rule.window)
        let key = "\(rule.name):\(key):\(slot)"
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

/// The limits Akinai applies. Each attempt counts under every scope that applies, so guesses spread over many
/// addresses still meet the per-account and per-shop limits, and one address cannot try many accounts.
struct RateLimits: Sendable, Equatable {
    /// Sign-in attempts per client address.
    var signIn = RateLimiter.Rule(name: "sign-in", limit: 30, window: 600)
    /// Sign-in attempts per account (tenant code and e-mail as typed).
    var signInPerAccount = RateLimiter.Rule(name: "sign-in-account", limit: 20, window: 600)
    /// Sign-in attempts per shop: bounds a guessing attack spread over many addresses and accounts.
    var signInPerTenant = RateLimiter.Rule(name: "sign-in-tenant", limit: 600, window: 600)
    /// Second-factor codes, code resends, re-entered passwords and new passwords set through a mailed link, per
    /// address and per account.
    var secondFactor = RateLimiter.Rule(name: "second-factor", limit: 15, window: 600)
    /// Reset requests per client address.
    var passwordReset = RateLimiter.Rule(name: "password-reset", limit: 10, window: 3600)
    /// Reset mails per account: no one can fill a user's inbox with them. Past it the answer stays the same.
    var passwordResetPerAccount = RateLimiter.Rule(name: "password-reset-account", limit: 5, window: 3600)
    /// Reset requests per shop.
    var passwordResetPerTenant = RateLimiter.Rule(name: "password-reset-tenant", limit: 100, window: 3600)

    /// Limits no test reaches by accident (the suite signs in often from one address); the five reset mails an
    /// account gets an hour stay, since they are what a user sees.
    static var generous: RateLimits {
        var limits = RateLimits()
        for path in [
            \RateLimits.signIn, \.signInPerAccount, \.signInPerTenant, \.secondFactor, \.passwordReset,
            \.passwordResetPerTenant,
        ] {
            limits[keyPath: path].limit = 100_000
        }
        return limits
    }
}

extension Request {
    /// Counts this request under `rule` for `scope`; throws `RateLimited` past the limit.
    func countAttempt(_ rule: RateLimiter.Rule, _ scope: RateLimiter.Scope = .client) async throws {
        try await RateLimiter.hit(rule, key: scope.key(for: self), db: tenantDirectory.db, now: akinai.clock())
    }

    /// The client's address: the socket peer, or what a trusted proxy (`AKINAI_TRUSTED_PROXIES`) saw it as.
    var clientAddress: IPAddress? {
        ClientAddress.resolve(
            peer: remoteAddress?.ipAddress.flatMap { IPAddress($0) },
            forwardedFor: headers[.xForwardedFor],
            trusted: akinai.config.trustedProxies
        )
    }

    /// The client's address as text, for the audit trail and session list.
    var clientIP: String { clientAddress?.description ?? "unknown" }

    /// What per-address rate limits count by (an IPv6 client's /64).
    var clientAddressKey: String { clientAddress?.rateLimitKey ?? "unknown" }
}
