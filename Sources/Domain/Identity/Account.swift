/// Where a user's account stands.
public enum UserStatus: String, Codable, Sendable, CaseIterable {
    /// Invited by mail; no password of their own yet.
    case invited
    case active
    case disabled
}

/// The second factor a user signs in with.
public enum SecondFactorMethod: String, Codable, Sendable, CaseIterable {
    case none
    /// An authenticator app (RFC 6238), with recovery codes.
    case totp
    /// A six-digit code mailed at each sign-in.
    case email
}
