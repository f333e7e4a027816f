import Foundation

/// What a new password must satisfy. Length is counted in characters after NFKC normalisation, so a
/// Japanese password is measured as a person reads it.
public struct PasswordPolicy: Sendable, Equatable {
    public var minimumLength: Int
    public var requireThreeClasses: Bool
    public static let maximumLength = 128

    public init(minimumLength: Int = 12, requireThreeClasses: Bool = false) {
        self.minimumLength = max(12, min(minimumLength, Self.maximumLength))
        self.requireThreeClasses = requireThreeClasses
    }

    /// The words a password may not contain: the tenant code, the shop name, the e-mail's local part.
    public struct Context: Sendable {
        public var tenantCode: String
        public var shopName: String
        public var emailLocalPart: String

        public init(tenantCode: String = "", shopName: String = "", emailLocalPart: String = "") {
            self.tenantCode = tenantCode
            self.shopName = shopName
            self.emailLocalPart = emailLocalPart
        }
    }

    /// Throws a `FieldError` naming the first rule `password` breaks. `isCommon` answers whether a
    /// normalised, lower-cased password is on the common and breached list.
    public func check(
        _ password: String,
        context: Context = Context(),
        isCommon: (String) -> Bool = { _ in false }
    ) throws(FieldError) {
        let normalized = password.precomposedStringWithCompatibilityMapping
        let length = normalized.count
        if length < minimumLength { throw FieldError(field: "password", reason: "password_too_short") }
        if length > Self.maximumLength { throw FieldError(field: "password", reason: "password_too_long") }
        if normalized.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            throw FieldError(field: "password", reason: "password_control_characters")
        }
        let lowered = normalized.lowercased()
        if isCommon(lowered) { throw FieldError(field: "password", reason: "password_common") }
        for word in [context.tenantCode, context.shopName, context.emailLocalPart] {
            let w = word.precomposedStringWithCompatibilityMapping.lowercased()
            if w.count >= 3, lowered.contains(w) {
                throw FieldError(field: "password", reason: "password_contains_personal")
            }
        }
        if Set(normalized).count < 4 { throw FieldError(field: "password", reason: "password_repetitive") }
        if requireThreeClasses {
            let classes = [
                normalized.contains(where: \.isLowercase), normalized.contains(where: \.isUppercase),
                normalized.contains(where: \.isNumber),
                normalized.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }),
            ].filter { $0 }.count
            if classes < 3 { throw FieldError(field: "password", reason: "password_classes") }
        }
    }
}
