import Foundation

/// A validation failure on one input field, with a message key the web layer translates.
public struct FieldError: Error, Equatable, Sendable {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}

/// Every problem of one input, each naming its field.
public struct FieldErrors: Error, Equatable, Sendable {
    public let all: [FieldError]

    public init(_ all: [FieldError]) {
        self.all = all
    }
}

/// Runs several rules and keeps every error: the value of each rule that passed, nil for the others.
public struct FieldErrorCollector {
    public private(set) var errors: [FieldError] = []

    public init() {}

    public mutating func take<T>(_ rule: () throws(FieldError) -> T) -> T? {
        do { return try rule() } catch {
            errors.append(error)
            return nil
        }
    }
}

/// The short code that names a tenant at sign-in (e.g. `demo-shop`).
public struct TenantCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Lower-case ASCII letters, digits and hyphens; 2–32 characters; starts with a letter or digit.
    public init(_ raw: String) throws(FieldError) {
        let value = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (2...32).contains(value.count), value.allSatisfy({ allowed.contains($0) }), value.first != "-" else {
            throw FieldError(field: "tenant", reason: "tenant_code_invalid")
        }
        self.rawValue = value
    }

    public var description: String { rawValue }
}

/// An e-mail address, trimmed and lower-cased, with a deliberately simple shape check.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(_ raw: String) throws(FieldError) {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2, Self.isLocalPart(parts[0]), Self.isDomain(parts[1]) else {
            throw FieldError(field: "email", reason: "email_invalid")
        }
        self.rawValue = value
    }

    /// Letters, digits and `.!#$%&'*+/=?^_`{}~-` (RFC 5322 atoms without `|`), 1–64 of them, dots only between
    /// others. Nothing that a mail header, a shell or a list separator would read as syntax (`;`, `|`, `,`, `<`,
    /// quotes, spaces, control characters).
    private static func isLocalPart(_ part: Substring) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{}~-".unicodeScalars)
        return (1...64).contains(part.utf8.count) && part.unicodeScalars.allSatisfy(allowed.contains)
            && !part.hasPrefix(".") && !part.hasSuffix(".") && !part.contains("..")
    }

    /// Two or more labels of letters, digits and inner hyphens, each 1–63 long (international names as `xn--`).
    private static func isDomain(_ part: Substring) -> Bool {
        let labels = part.split(separator: ".", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-".unicodeScalars)
        return labels.count >= 2
            && labels.allSatisfy { label in
                (1...63).contains(label.utf8.count) && label.unicodeScalars.allSatisfy(allowed.contains)
                    && !label.hasPrefix("-") && !label.hasSuffix("-")
            }
    }

    /// The part before `@`, used by the password policy.
    public var localPart: String { String(rawValue.split(separator: "@")[0]) }
    public var description: String { rawValue }
}

/// A display name for a person or a shop: trimmed, 1–100 characters, no control characters.
public struct DisplayName: Hashable, Sendable {
    public let rawValue: String

    public init(_ raw: String, field: String = "name") throws(FieldError) {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(value.count),
            !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            throw FieldError(field: field, reason: "name_invalid")
        }
        self.rawValue = value
    }
}
