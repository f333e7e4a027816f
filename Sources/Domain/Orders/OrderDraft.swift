import Foundation

/// An order as it arrives, from any way in (the API, the entry form, a mall's CSV), before it is checked. Field
/// names are the API's; the CSV readers map their columns to them.
public struct OrderInput: Codable, Sendable, Equatable {
    /// One ordered line.
    public struct Line: Codable, Sendable, Equatable {
        public var sku: String
        public var name: String?
        public var quantity: Int
        public var unitPrice: Int
        /// 10 or 8; the SKU's tax class when not given.
        public var taxRate: Int?

        public init(sku: String, name: String? = nil, quantity: Int, unitPrice: Int, taxRate: Int? = nil) {
            self.sku = sku
            self.name = name
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.taxRate = taxRate
        }
    }

    /// A buyer or recipient as entered.
    public struct Person: Codable, Sendable, Equatable {
        public var name: String
        public var kana: String?
        public var postalCode: String
        public var prefecture: String
        public var city: String
        public var address1: String
        public var address2: String?
        public var phone: String
        public var email: String?

        public init(
            name: String,
            kana: String? = nil,
            postalCode: String,
            prefecture: String,
            city: String,
            address1: String,
            address2: String? = nil,
            phone: String,
            email: String? = nil
        ) {
            self.name = name
            self.kana = kana
            self.postalCode = postalCode
            self.prefecture = prefecture
            self.city = city
            self.address1 = address1
            self.address2 = address2
            self.phone = phone
            self.email = email
        }
    }

    public var channel: String
    public var number: String
    public var orderedAt: String?
    public var lines: [Line]
    public var shipTo: Person
    /// The buyer when it is not the recipient (a gift); the recipient otherwise.
    public var buyer: Person?
    public var shippingFee: Int?
    public var codFee: Int?
    public var discount: Int?
    public var points: Int?
    /// Whether unit prices and fees include consumption tax (内税, the default) or not (外税).
    public var taxIncluded: Bool?
    public var paymentMethod: String?
    public var deliveryDate: String?
    public var deliveryTime: String?
    public var gift: Bool?
    public var noshi: String?
    public var remarks: String?
    public var memo: String?
    public var labels: [String]?

    public init(channel: String, number: String, lines: [Line], shipTo: Person) {
        self.channel = channel
        self.number = number
        self.lines = lines
        self.shipTo = shipTo
    }
}

/// How a buyer pays. Cash on delivery (代引) decides the carrier's slip and the rules that hold an order.
public enum PaymentMethod: String, Codable, Sendable, CaseIterable {
    case card
    case cod
    case bankTransfer = "bank_transfer"
    case convenienceStore = "convenience_store"
    case postpay
    case mall
    case other

    public var japaneseName: String {
        switch self {
        case .card: "クレジットカード"
        case .cod: "代金引換"
        case .bankTransfer: "銀行振込"
        case .convenienceStore: "コンビニ決済"
        case .postpay: "後払い"
        case .mall: "モール決済"
        case .other: "その他"
        }
    }

    /// Paid before shipping by the buyer's own action: such an order waits for the money (入金待ち).
    public var isPrepayment: Bool { self == .bankTransfer || self == .convenienceStore }
}

/// A buyer or recipient, checked and normalised: the postal code as seven digits, the prefecture by its full name,
/// the phone number as its digits. Sealed as a whole when stored.
public struct Addressee: Codable, Sendable, Equatable {
    public var name: String
    public var kana: String
    public var postalCode: String
    public var prefecture: String
    public var city: String
    public var address1: String
    public var address2: String
    public var phone: String
    public var email: String

    /// `123-4567`
    public var postalCodeDisplay: String {
        postalCode.count == 7 ? "\(postalCode.prefix(3))-\(postalCode.suffix(4))" : postalCode
    }

    /// The address on one line, as a label prints it.
    public var fullAddress: String {
        [prefecture + city + address1, address2].filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// One checked order line; the SKU is still a code, resolved against the master when the order is stored.
public struct OrderLineDraft: Sendable, Equatable {
    public let skuCode: String
    public let name: String
    public let quantity: Int
    public let unitPrice: Int
    public let taxRate: Int?
}

/// An order checked against every rule of its values. Building one is the only way an order gets stored.
public struct OrderDraft: Sendable, Equatable {
    public let channel: String
    public let number: String
    public let orderedAt: Date
    public let lines: [OrderLineDraft]
    public let buyer: Addressee
    public let shipTo: Addressee
    public let shippingFee: Int
    public let codFee: Int
    public let discount: Int
    public let points: Int
    public let taxIncluded: Bool
    public let paymentMethod: PaymentMethod
    /// `YYYY-MM-DD`, or empty.
    public let deliveryDate: String
    /// A carrier time-slot code (`0812`, `1416`, `1618`, `1820`, `1921`), or empty.
    public let deliveryTime: String
    public let gift: Bool
    public let noshi: String
    public let remarks: String
    public let memo: String
    public let labels: [String]
}

/// The limits of an order's values; the API document states the same numbers.
public enum OrderRules {
    public static let maxLines = 200
    public static let quantities = 1...99_999
    public static let amounts = 0...100_000_000
    public static let taxRates: Set<Int> = [10, 8]
    public static let deliveryTimes: Set<String> = ["0812", "1214", "1416", "1618", "1820", "1921", "2021"]
    /// Channel codes: the malls Akinai knows, or any other source's own lower-case code.
    public static let knownChannels = ["rakuten", "yahoo", "amazon", "shopify", "own"]

    /// Checks every value of `input` and keeps every problem, each naming its field (`lines[2].quantity`).
    public static func check(_ input: OrderInput, now: Date) throws(FieldErrors) -> OrderDraft {
        var errors = FieldErrorCollector()
        let channel = errors.take { () throws(FieldError) in try Self.channel(input.channel) }
        let number = errors.take { () throws(FieldError) in try Self.number(input.number) }
        let orderedAt = errors.take { () throws(FieldError) -> Date in
            guard let raw = input.orderedAt, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return now }
            // Not before 2000 and not more than a day ahead of this server's clock.
            guard let date = JST.moment(raw), date >= Date(timeIntervalSince1970: 946_684_800),
                date <= now.addingTimeInterval(86_400)
            else { throw FieldError(field: "orderedAt", reason: "date_invalid") }
            return date
        }
        var lines: [OrderLineDraft] = []
        if input.lines.isEmpty || input.lines.count > maxLines {
            errors.take { () throws(FieldError) in throw FieldError(field: "lines", reason: "order_lines_count") }
        } else {
            for (index, line) in input.lines.enumerated() {
                let field = "lines[\(index)]"
                let sku = errors.take { () throws(FieldError) in
                    try SKUCode(line.sku, field: "\(field).sku").rawValue
                }
                let name = errors.take { () throws(FieldError) in
                    try CatalogRules.text(line.name, field: "\(field).name", limit: 200)
                }
                let quantity = errors.take { () throws(FieldError) in
                    guard quantities.contains(line.quantity) else {
                        throw FieldError(field: "\(field).quantity", reason: "order_quantity_invalid")
                    }
                    return line.quantity
                }
                let price = errors.take { () throws(FieldError) in
                    try amount(line.unitPrice, field: "\(field).unitPrice")
                }
                let rate = errors.take { () throws(FieldError) -> Int? in
                    guard let rate = line.taxRate else { return nil }
                    guard taxRates.contains(rate) else {
                        throw FieldError(field: "\(field).taxRate", reason: "tax_rate_invalid")
                    }
                    return rate
                }
                if let sku, let name, let quantity, let price, let rate {
                    lines.append(
                        OrderLineDraft(skuCode: sku, name: name, quantity: quantity, unitPrice: price, taxRate: rate)
                    )
                }
            }
        }
        let shipTo = person(input.shipTo, field: "shipTo", into: &errors)
        let buyer = input.buyer.map { person($0, field: "buyer", into: &errors) } ?? shipTo
        let fees = [
            ("shippingFee", input.shippingFee), ("codFee", input.codFee), ("discount", input.discount),
            ("points", input.points),
        ].map { field, value in errors.take { () throws(FieldError) in try amount(value ?? 0, field: field) } }
        let payment = errors.take { () throws(FieldError) -> PaymentMethod in
            guard let raw = input.paymentMethod, !raw.isEmpty else { return (input.codFee ?? 0) > 0 ? .cod : .other }
            guard let method = PaymentMethod(rawValue: raw) else {
                throw FieldError(field: "paymentMethod", reason: "payment_method_invalid")
            }
            return method
        }
        let deliveryDate = errors.take { () throws(FieldError) -> String in
            let raw = (input.deliveryDate ?? "").trimmingCharacters(in: .whitespaces)
            guard !raw.isEmpty else { return "" }
            let normalized = raw.replacingOccurrences(of: "/", with: "-")
            guard let day = JST.startOfDay(normalized), day >= now.addingTimeInterval(-400 * 86_400),
                day <= now.addingTimeInterval(400 * 86_400)
            else { throw FieldError(field: "deliveryDate", reason: "date_invalid") }
            return normalized
        }
        let deliveryTime = errors.take { () throws(FieldError) -> String in
            let raw = input.deliveryTime ?? ""
            guard raw.isEmpty || deliveryTimes.contains(raw) else {
                throw FieldError(field: "deliveryTime", reason: "delivery_time_invalid")
            }
            return raw
        }
        let noshi = errors.take { () throws(FieldError) in try CatalogRules.text(input.noshi, field: "noshi", limit: 50)
        }
        let remarks = errors.take { () throws(FieldError) in try longText(input.remarks, field: "remarks") }
        let memo = errors.take { () throws(FieldError) in try longText(input.memo, field: "memo") }
        let labels = errors.take { () throws(FieldError) in try CatalogRules.labels(input.labels) }
        guard errors.errors.isEmpty, let channel, let number, let orderedAt, let shipTo, let buyer,
            let shippingFee = fees[0], let codFee = fees[1], let discount = fees[2], let points = fees[3],
            let payment, let deliveryDate, let deliveryTime, let noshi, let remarks, let memo, let labels
        else { throw FieldErrors(errors.errors) }
        // Whole microseconds, as PostgreSQL keeps them, so a list's cursor names exactly the stored moment.
        let micros = (orderedAt.timeIntervalSince1970 * 1_000_000).rounded()
        return OrderDraft(
            channel: channel,
            number: number,
            orderedAt: Date(timeIntervalSince1970: micros / 1_000_000),
            lines: lines,
            buyer: buyer,
            shipTo: shipTo,
            shippingFee: shippingFee,
            codFee: codFee,
            discount: discount,
            points: points,
            taxIncluded: input.taxIncluded ?? true,
            paymentMethod: payment,
            deliveryDate: deliveryDate,
            deliveryTime: deliveryTime,
            gift: input.gift ?? false,
            noshi: noshi,
            remarks: remarks,
            memo: memo,
            labels: labels
        )
    }

    /// A channel code: one Akinai knows, or 1–32 lower-case letters, digits, `-` and `_`.
    public static func channel(_ raw: String) throws(FieldError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
        guard (1...32).contains(value.unicodeScalars.count), value.unicodeScalars.allSatisfy(allowed.contains) else {
            throw FieldError(field: "channel", reason: "channel_invalid")
        }
        return value
    }

    /// The channel's order number: 1–64 printable characters, no spaces inside.
    public static func number(_ raw: String) throws(FieldError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(value.unicodeScalars.count),
            value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.properties.generalCategory != .control })
        else { throw FieldError(field: "number", reason: "order_number_invalid") }
        return value
    }

    static func amount(_ value: Int, field: String) throws(FieldError) -> Int {
        guard amounts.contains(value) else { throw FieldError(field: field, reason: "amount_invalid") }
        return value
    }

    static func longText(_ raw: String?, field: String) throws(FieldError) -> String {
        let value = (raw ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard value.count <= 1000 else { throw FieldError(field: field, reason: "too_long_1000") }
        // Line breaks are allowed in remarks; every other control character is not.
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" })
        else { throw FieldError(field: field, reason: "name_invalid") }
        return value
    }

    /// Checks one buyer or recipient, keeping every problem.
    static func person(_ input: OrderInput.Person, field: String, into errors: inout FieldErrorCollector) -> Addressee?
    {
        func text(_ raw: String?, _ name: String, _ limit: Int, required: Bool) -> String? {
            errors.take { () throws(FieldError) in
                let value = try CatalogRules.text(raw, field: "\(field).\(name)", limit: limit)
                guard !required || !value.isEmpty else {
                    throw FieldError(field: "\(field).\(name)", reason: "required")
                }
                return value
            }
        }
        let name = text(input.name, "name", 50, required: true)
        let kana = text(input.kana, "kana", 50, required: false)
        let postal = errors.take { () throws(FieldError) in
            try postalCode(input.postalCode, field: "\(field).postalCode")
        }
        let prefecture = errors.take { () throws(FieldError) in
            guard let name = Prefecture.canonical(input.prefecture) else {
                throw FieldError(field: "\(field).prefecture", reason: "prefecture_invalid")
            }
            return name
        }
        let city = text(input.city, "city", 50, required: true)
        let address1 = text(input.address1, "address1", 100, required: true)
        let address2 = text(input.address2, "address2", 100, required: false)
        let phone = errors.take { () throws(FieldError) in try phoneNumber(input.phone, field: "\(field).phone") }
        let email = errors.take { () throws(FieldError) -> String in
            guard let raw = input.email, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return "" }
            do { return try EmailAddress(raw).rawValue } catch {
                throw FieldError(field: "\(field).email", reason: "email_invalid")
            }
        }
        guard let name, let kana, let postal, let prefecture, let city, let address1, let address2, let phone,
            let email
        else { return nil }
        return Addressee(
            name: name,
            kana: kana,
            postalCode: postal,
            prefecture: prefecture,
            city: city,
            address1: address1,
            address2: address2,
            phone: phone,
            email: email
        )
    }

    /// Seven digits, written with or without the hyphen, in half- or full-width figures (`１２３－４５６７`).
    public static func postalCode(_ raw: String, field: String = "postalCode") throws(FieldError) -> String {
        let digits = halfWidthDigits(raw).filter { $0 != "-" && $0 != " " }
        guard digits.count == 7, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw FieldError(field: field, reason: "postal_code_invalid")
        }
        return digits
    }

    /// A Japanese phone number as its digits: 10 or 11 of them starting with 0 (`+81` becomes 0), hyphens,
    /// brackets and spaces dropped, full-width figures accepted.
    public static func phoneNumber(_ raw: String, field: String = "phone") throws(FieldError) -> String {
        var value = halfWidthDigits(raw).filter { !"-() ".contains($0) }
        if value.hasPrefix("+81") { value = "0" + value.dropFirst(3) }
        guard (10...11).contains(value.count), value.hasPrefix("0"), value.allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw FieldError(field: field, reason: "phone_invalid") }
        return value
    }

    /// Full-width figures, hyphens and the like as their ASCII forms; anything else as it is.
    static func halfWidthDigits(_ raw: String) -> String {
        let scalars = raw.trimmingCharacters(in: .whitespaces).unicodeScalars
        // Longer than any phone number or postal code however it is spaced: left as it is, so it fails.
        guard scalars.count <= 40 else { return raw }
        var result = ""
        for scalar in scalars {
            switch scalar.value {
            case 0xFF10...0xFF19: result.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0xFF0D, 0x2212, 0x2010, 0x2011, 0x2013, 0x2014, 0x30FC: result.append("-")
            case 0xFF08: result.append("(")
            case 0xFF09: result.append(")")
            case 0x3000: result.append(" ")
            case 0xFF0B: result.append("+")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
