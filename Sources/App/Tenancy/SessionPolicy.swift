import Domain
import Foundation

/// Session lifetimes, from the tenant's security settings.
struct SessionPolicy: Sendable {
    /// Ends a session after this long without a request; nil when the tenant turned it off.
    var idleTimeout: TimeInterval?
    /// Ends a session this long after sign-in, whatever the activity (never more than 24 h).
    var absoluteTimeout: TimeInterval
    /// `last_seen_at` is written at most this often, so every click is not a database write.
    var touchInterval: TimeInterval = 60

    init(_ settings: SecuritySettings = SecuritySettings()) {
        idleTimeout = settings.idleTimeout
        absoluteTimeout = min(settings.absoluteTimeout, 24 * 3600)
    }

    /// Whether `session` is still alive at `now`: within its absolute end and not idle for too long.
    func isLive(_ session: SessionRecord, at now: Date) -> Bool {
        guard now < session.expiresAt, now < session.createdAt.addingTimeInterval(absoluteTimeout) else { return false }
        // A session still being signed in gets the short idle limit whatever the tenant chose, also when the
        // tenant turned the idle timeout off.
        let limit: TimeInterval
        if session.stage == SessionStage.active.rawValue {
            guard let idleTimeout else { return true }
            limit = idleTimeout
        } else {
            limit = min(idleTimeout ?? Self.signInStepIdle, Self.signInStepIdle)
        }
        return now.timeIntervalSince(session.lastSeenAt) < limit
    }

    /// How long a session at a sign-in step (second factor, enrolment, password change) may sit idle.
    static let signInStepIdle: TimeInterval = 600

    static let cookieName = "akinai_session"
    /// The signed-out browser's cookie that pre-session CSRF tokens are bound to.
    static let preSessionCookie = "akinai_pre"
}
