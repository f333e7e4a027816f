import Foundation

/// What a new password must satisfy. Length is counted in characters after NFKC normalisation, so a
/// Japanese password is measured as a person reads it.
public struct PasswordPolicy: Sendable, Equatable {
    public var minimumLength: Int
    public static let maximumLength = 128

    public init(minimumLength: Int = 12) {
        self.minimumLength = max(12, min(minimumLength, Self.maximumLength))
    }

    /// Throws a `FieldError` naming the first rule `password` breaks.
    public func check(_ password: String) throws(FieldError) {
        let length = password.precomposedStringWithCompatibilityMapping.count
        if length < minimumLength { throw FieldError(field: "password", reason: "password_too_short") }
        if length > Self.maximumLength { throw FieldError(field: "password", reason: "password_too_long") }
    }
}
