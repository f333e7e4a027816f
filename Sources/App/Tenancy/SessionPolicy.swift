import Foundation

/// How long sessions live. Tenants will be able to tune these within the bounds.
struct SessionPolicy: Sendable {
    /// Ends a session after this long without a request.
    var idleTimeout: TimeInterval = 30 * 60
    /// Ends a session this long after sign-in, whatever the activity (never more than 24 h).
    var absoluteTimeout: TimeInterval = 12 * 3600
    /// `last_seen_at` is written at most this often, so every click is not a database write.
    var touchInterval: TimeInterval = 60

    /// Whether `session` is still alive at `now`: within its absolute end and not idle for too long.
    func isLive(_ session: SessionRecord, at now: Date) -> Bool {
        now < session.expiresAt && now.timeIntervalSince(session.lastSeenAt) < idleTimeout
    }

    static let cookieName = "akinai_session"
    /// The signed-out browser's cookie that the sign-in form's CSRF token is bound to.
    static let preSessionCookie = "akinai_pre"
}
