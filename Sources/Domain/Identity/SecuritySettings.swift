import Foundation

/// A tenant's sign-in controls, each within the bounds Akinai allows. Defaults follow SPEC §4.
public struct SecuritySettings: Sendable, Equatable, Codable {
    /// Minimum password length in characters (12–128).
    public var passwordMinLength = 12
    /// Require three of: lower case, upper case, digits, symbols.
    public var passwordRequireClasses = false
    /// Days after which a password must be changed; 0 turns expiry off.
    public var passwordExpiryDays = 0
    /// How many previous passwords may not be reused; 0 turns the check off.
    public var passwordHistory = 0
    /// Failures within the window that lock an account (3–10).
    public var lockoutThreshold = 5
    public var lockoutWindowMinutes = 15
    /// How long a lock lasts; 0 locks until an admin unlocks.
    public var lockoutDurationMinutes = 15
    /// Sign-out after this many idle minutes (5–60); 0 turns the idle timeout off.
    public var idleTimeoutMinutes = 30
    /// Sign-out this many hours after sign-in, whatever the activity (1–24).
    public var absoluteTimeoutHours = 12
    /// Every user must use a second factor.
    public var requireTwoFactor = false
    /// An e-mailed one-time code is accepted as the second factor (weaker than TOTP).
    public var allowEmailCode = true

    public init() {}

    /// Reads stored settings. A key that is missing (a setting added after they were saved) takes its default;
    /// a key that is present but of the wrong type, or a value out of bounds, is an error — never a silent
    /// fallback to defaults, which would switch off a shop's stricter choices.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SecuritySettings()
        passwordMinLength = try c.decodeIfPresent(Int.self, forKey: .passwordMinLength) ?? d.passwordMinLength
        passwordRequireClasses =
            try c.decodeIfPresent(Bool.self, forKey: .passwordRequireClasses) ?? d.passwordRequireClasses
        passwordExpiryDays = try c.decodeIfPresent(Int.self, forKey: .passwordExpiryDays) ?? d.passwordExpiryDays
        passwordHistory = try c.decodeIfPresent(Int.self, forKey: .passwordHistory) ?? d.passwordHistory
        lockoutThreshold = try c.decodeIfPresent(Int.self, forKey: .lockoutThreshold) ?? d.lockoutThreshold
        lockoutWindowMinutes = try c.decodeIfPresent(Int.self, forKey: .lockoutWindowMinutes) ?? d.lockoutWindowMinutes
        lockoutDurationMinutes =
            try c.decodeIfPresent(Int.self, forKey: .lockoutDurationMinutes) ?? d.lockoutDurationMinutes
        idleTimeoutMinutes = try c.decodeIfPresent(Int.self, forKey: .idleTimeoutMinutes) ?? d.idleTimeoutMinutes
        absoluteTimeoutHours = try c.decodeIfPresent(Int.self, forKey: .absoluteTimeoutHours) ?? d.absoluteTimeoutHours
        requireTwoFactor = try c.decodeIfPresent(Bool.self, forKey: .requireTwoFactor) ?? d.requireTwoFactor
        allowEmailCode = try c.decodeIfPresent(Bool.self, forKey: .allowEmailCode) ?? d.allowEmailCode
        try validate()
    }

    /// Throws the first setting outside its bounds.
    public func validate() throws(FieldError) {
        func check(_ ok: Bool, _ field: String) throws(FieldError) {
            if !ok { throw FieldError(field: field, reason: "setting_out_of_range") }
        }
        try check((12...PasswordPolicy.maximumLength).contains(passwordMinLength), "passwordMinLength")
        try check((0...3650).contains(passwordExpiryDays), "passwordExpiryDays")
        try check((0...24).contains(passwordHistory), "passwordHistory")
        try check((3...10).contains(lockoutThreshold), "lockoutThreshold")
        try check((1...1440).contains(lockoutWindowMinutes), "lockoutWindowMinutes")
        try check((0...1440).contains(lockoutDurationMinutes), "lockoutDurationMinutes")
        try check(idleTimeoutMinutes == 0 || (5...60).contains(idleTimeoutMinutes), "idleTimeoutMinutes")
        try check((1...24).contains(absoluteTimeoutHours), "absoluteTimeoutHours")
    }

    public var passwordPolicy: PasswordPolicy {
        PasswordPolicy(minimumLength: passwordMinLength, requireThreeClasses: passwordRequireClasses)
    }

    public var lockout: LockoutPolicy {
        LockoutPolicy(
            threshold: lockoutThreshold,
            window: TimeInterval(lockoutWindowMinutes * 60),
            duration: lockoutDurationMinutes == 0 ? nil : TimeInterval(lockoutDurationMinutes * 60)
        )
    }

    /// The idle timeout in seconds, or nil when off.
    public var idleTimeout: TimeInterval? { idleTimeoutMinutes == 0 ? nil : TimeInterval(idleTimeoutMinutes * 60) }
    public var absoluteTimeout: TimeInterval { TimeInterval(absoluteTimeoutHours * 3600) }
}
