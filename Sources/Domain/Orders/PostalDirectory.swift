import Foundation

/// Japan Post's postal codes (from `Resources/Postal/postal-codes.txt`, made by `scripts/make-postal-data.py`): each
/// code's prefecture and municipality, and whether that is a remote island.
public struct PostalDirectory: Sendable {
    /// A municipality.
    public struct Place: Sendable, Equatable {
        public let prefecture: String
        public let municipality: String
        public let isRemoteIsland: Bool
    }

    private let places: [Place]
    private let codes: [Int32: Int32]
    /// The data's own line saying where it came from and when.
    public let source: String

    public var count: Int { codes.count }

    /// Reads the file's text; a line it cannot read is an error, since checks would silently weaken.
    public init(text: String) throws {
        var places: [Place] = []
        var codes: [Int32: Int32] = [:]
        codes.reserveCapacity(130_000)
        var source = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("#") {
                if source.isEmpty { source = String(line.dropFirst(2)) }
                continue
            }
            if line.hasPrefix("C\t") {
                let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
                guard parts.count == 5, let prefecture = Int(parts[2]), (1...47).contains(prefecture) else {
                    throw DataError(line: String(line.prefix(40)))
                }
                places.append(
                    Place(
                        prefecture: Prefecture.names[prefecture - 1],
                        municipality: String(parts[4]),
                        isRemoteIsland: parts[3] == "1"
                    )
                )
                continue
            }
            guard !places.isEmpty else { throw DataError(line: String(line.prefix(40))) }
            for code in line.split(separator: " ") {
                guard code.count == 7, let value = Int32(code) else { throw DataError(line: String(code.prefix(40))) }
                codes[value] = Int32(places.count - 1)
            }
        }
        self.places = places
        self.codes = codes
        self.source = source
    }

    /// A line of the data file that is not in its format.
    public struct DataError: Error, Equatable {
        public let line: String
    }

    /// The place of a seven-digit postal code, if Japan Post has it.
    public func place(_ postalCode: String) -> Place? {
        guard postalCode.count == 7, let value = Int32(postalCode), let index = codes[value] else { return nil }
        return places[Int(index)]
    }
}

/// What the address check found about a recipient; stored on the order and shown with it.
public enum AddressFlag: String, Sendable, Codable, CaseIterable {
    /// Japan Post does not know the postal code (new, or mistyped into another valid-looking one).
    case postalUnknown = "postal_unknown"
    /// The city does not match the postal code's municipality.
    case cityMismatch = "city_mismatch"
    /// No house number (番地) in the address.
    case noNumber = "no_number"
    /// The postal code is on a remote island: carriers charge more or take longer.
    case remoteIsland = "remote_island"
}

extension PostalDirectory {
    /// Checks `address` against the postal data: a postal code of another prefecture is refused (the field is named);
    /// everything else that looks wrong is flagged for the shop to see.
    public func check(_ address: Addressee, field: String = "shipTo.postalCode") throws(FieldError) -> [AddressFlag] {
        var flags: [AddressFlag] = []
        if let place = place(address.postalCode) {
            guard place.prefecture == address.prefecture else {
                throw FieldError(field: field, reason: "postal_code_prefecture_mismatch")
            }
            if !Self.matches(city: address.city, street: address.address1, municipality: place.municipality) {
                flags.append(.cityMismatch)
            }
            if place.isRemoteIsland { flags.append(.remoteIsland) }
        } else {
            flags.append(.postalUnknown)
        }
        if !Self.hasNumber(address.address1 + address.address2) { flags.append(.noNumber) }
        return flags
    }

    /// Whether the typed city is the municipality: the same, or begun by it (the street typed into the city field),
    /// or its end (`与那国町` for `八重山郡与那国町`, `八丈町` for `八丈島八丈町`); spaces do not count.
    static func matches(city: String, street: String, municipality: String) -> Bool {
        let typed = city.filter { $0 != " " && $0 != "\u{3000}" }
        let whole = typed + street.filter { $0 != " " && $0 != "\u{3000}" }
        if whole.hasPrefix(municipality) { return true }
        return typed.count >= 2 && municipality.hasSuffix(typed)
    }

    /// Whether an address holds a house number: a figure (half or full width), or 丁目 / 番 / 号 after kanji numerals
    /// (a kanji numeral alone is often part of a place's name: 三鷹, 八王子).
    static func hasNumber(_ text: String) -> Bool {
        if text.unicodeScalars.contains(where: { ("0"..."9").contains($0) || (0xFF10...0xFF19).contains($0.value) }) {
            return true
        }
        return text.contains("丁目") || text.contains("番") || text.contains("号")
    }
}
