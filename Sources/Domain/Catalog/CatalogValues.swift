import Foundation

/// Consumption tax class of a SKU.
public enum TaxClass: String, Codable, Sendable, CaseIterable {
    /// 標準税率 10%
    case standard
    /// 軽減税率 8% (food and drink, newspapers)
    case reduced

    public var ratePercent: Int { self == .standard ? 10 : 8 }
}

/// How a parcel must be kept in transit.
public enum CoolType: String, Codable, Sendable, CaseIterable {
    /// 常温
    case ambient
    /// 冷蔵
    case chilled
    /// 冷凍
    case frozen
}

/// A SKU code: the shop's own key for a variant, used in CSV files and mall listings.
public struct SKUCode: Hashable, Sendable {
    public let rawValue: String

    /// 1–64 characters of ASCII letters, digits and `-_./`.
    public init(_ raw: String, field: String = "code") throws(FieldError) {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
        guard (1...64).contains(value.count), value.allSatisfy({ allowed.contains($0) }) else {
            throw FieldError(field: field, reason: "code_invalid")
        }
        self.rawValue = value
    }
}

/// A JAN (EAN-13 / EAN-8) barcode with a valid check digit.
public struct JANCode: Hashable, Sendable {
    public let rawValue: String

    public init(_ raw: String) throws(FieldError) {
        let digits = raw.trimmingCharacters(in: .whitespaces)
        guard [8, 13].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FieldError(field: "jan", reason: "jan_invalid")
        }
        let values = digits.compactMap { $0.wholeNumberValue }
        let body = values.dropLast()
        // Weights 3,1,3,1… from the right of the body.
        let sum = body.reversed().enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 3 : 1) }
        guard (10 - sum % 10) % 10 == values.last else { throw FieldError(field: "jan", reason: "jan_check_digit") }
        self.rawValue = digits
    }
}
