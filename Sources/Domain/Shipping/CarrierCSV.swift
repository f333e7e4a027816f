import Foundation

/// The carriers whose label software Akinai writes files for.
public enum Carrier: String, Codable, Sendable, CaseIterable {
    /// ヤマト運輸, B2クラウド
    case yamato
    /// 佐川急便, e飛伝Ⅱ/Ⅲ
    case sagawa
    /// 日本郵便, ゆうパックプリントR
    case japanpost

    public var japaneseName: String {
        switch self {
        case .yamato: "ヤマト運輸"
        case .sagawa: "佐川急便"
        case .japanpost: "日本郵便"
        }
    }

    /// The carrier's public tracking page for a slip number.
    public func trackingURL(_ number: String) -> String {
        let digits = number.filter { $0.isASCII && ($0.isNumber || $0.isLetter) }
        switch self {
        case .yamato: return "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number00=1&number01=\(digits)"
        case .sagawa: return "https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo=\(digits)"
        case .japanpost: return "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1=\(digits)"
        }
    }
}

/// One parcel to print a label for: an order's recipient, the shop as sender, and what the driver must know.
public struct Parcel: Sendable, Equatable {
    public var reference: String
    /// `YYYY-MM-DD` (JST)
    public var shipDate: String
    /// `YYYY-MM-DD`, or empty.
    public var deliveryDate: String
    /// Akinai's time-slot code (`0812`, `1416`, …), or empty.
    public var deliveryTime: String
    public var recipient: Addressee
    public var sender: Sender
    public var itemName: String
    /// What the driver collects (代引), tax included; 0 when the buyer already paid.
    public var codAmount: Int
    /// The consumption tax inside `codAmount`.
    public var codTax: Int
    public var cool: CoolType
    public var pieces: Int

    public init(
        reference: String,
        shipDate: String,
        deliveryDate: String,
        deliveryTime: String,
        recipient: Addressee,
        sender: Sender,
        itemName: String,
        codAmount: Int,
        codTax: Int,
        cool: CoolType,
        pieces: Int
    ) {
        self.reference = reference
        self.shipDate = shipDate
        self.deliveryDate = deliveryDate
        self.deliveryTime = deliveryTime
        self.recipient = recipient
        self.sender = sender
        self.itemName = itemName
        self.codAmount = codAmount
        self.codTax = codTax
        self.cool = cool
        self.pieces = pieces
    }
}

/// The shop as the sender of its parcels, with its contract numbers at each carrier.
public struct Sender: Sendable, Equatable, Codable {
    public var name: String
    public var postalCode: String
    public var address: String
    public var phone: String
    /// ヤマト: 請求先顧客コード (10–12 digits).
    public var yamatoCustomerCode: String
    /// ヤマト: 運賃管理番号 (2 digits).
    public var yamatoFreightCode: String
    /// 佐川: お客様コード.
    public var sagawaCustomerCode: String

    public init(
        name: String = "",
        postalCode: String = "",
        address: String = "",
        phone: String = "",
        yamatoCustomerCode: String = "",
        yamatoFreightCode: String = "",
        sagawaCustomerCode: String = ""
    ) {
        self.name = name
        self.postalCode = postalCode
        self.address = address
        self.phone = phone
        self.yamatoCustomerCode = yamatoCustomerCode
        self.yamatoFreightCode = yamatoFreightCode
        self.sagawaCustomerCode = sagawaCustomerCode
    }

    /// `123-4567`
    var postalCodeDisplay: String {
        postalCode.count == 7 ? "\(postalCode.prefix(3))-\(postalCode.suffix(4))" : postalCode
    }
}

/// The label files of each carrier, in the column layouts of FORMATS.md (CP932 is applied by the writer).
public enum CarrierCSV {
    /// Why a file cannot be made.
    public enum Problem: Error, Equatable, Sendable {
        /// The shop's settings lack what this carrier requires (named by the setting).
        case senderIncomplete(String)
    }

    /// The header and one row per parcel.
    public static func file(
        _ carrier: Carrier,
        _ parcels: [Parcel]
    ) throws(Problem) -> (header: [String], rows: [[String]]) {
        switch carrier {
        case .yamato: return try yamato(parcels)
        case .sagawa: return try sagawa(parcels)
        case .japanpost: return try japanpost(parcels)
        }
    }

    static func slashed(_ date: String) -> String { date.replacingOccurrences(of: "-", with: "/") }

    static func check(_ sender: Sender, _ carrier: Carrier) throws(Problem) {
        guard !sender.name.isEmpty else { throw .senderIncomplete("senderName") }
        guard sender.postalCode.count == 7 else { throw .senderIncomplete("senderPostalCode") }
        guard !sender.address.isEmpty else { throw .senderIncomplete("senderAddress") }
        guard !sender.phone.isEmpty else { throw .senderIncomplete("senderPhone") }
        if carrier == .yamato {
            guard (10...12).contains(sender.yamatoCustomerCode.count),
                sender.yamatoCustomerCode.allSatisfy({ $0.isASCII && $0.isNumber })
            else { throw .senderIncomplete("yamatoCustomerCode") }
            guard sender.yamatoFreightCode.count == 2,
                sender.yamatoFreightCode.allSatisfy({ $0.isASCII && $0.isNumber })
            else { throw .senderIncomplete("yamatoFreightCode") }
        }
    }

    /// Splits `text` into `count` parts of at most `limit` characters (the last one takes the rest, cut to `limit`).
    static func split(_ text: String, limit: Int, count: Int) -> [String] {
        var parts: [String] = []
        var rest = Substring(text)
        for _ in 0..<count {
            parts.append(String(rest.prefix(limit)))
            rest = rest.dropFirst(limit)
        }
        return parts
    }

    /// Splits `text` into `count` parts of at most `bytes` CP932 bytes each (two per full-width character).
    static func splitBytes(_ text: String, bytes: Int, count: Int) -> [String] {
        var parts: [String] = []
        var current = ""
        var used = 0
        for character in text {
            let size =
                character.unicodeScalars.allSatisfy({ $0.isASCII || (0xFF61...0xFF9F).contains($0.value) })
                ? character.unicodeScalars.count : 2 * character.unicodeScalars.count
            if used + size > bytes {
                parts.append(current)
                if parts.count == count { return parts }
                current = ""
                used = 0
            }
            current.append(character)
            used += size
        }
        parts.append(current)
        return parts + Array(repeating: "", count: max(0, count - parts.count))
    }

    static let yamatoHeader = [
        "お客様管理番号", "送り状種別", "クール区分", "伝票番号", "出荷予定日", "お届け予定日", "配達時間帯", "お届け先コード",
        "お届け先電話番号", "お届け先電話番号枝番", "お届け先郵便番号", "お届け先住所", "お届け先アパートマンション",
        "お届け先会社・部門１", "お届け先会社・部門２", "お届け先名", "お届け先名(ｶﾅ)", "敬称", "ご依頼主コード",
        "ご依頼主電話番号", "ご依頼主電話番号枝番", "ご依頼主郵便番号", "ご依頼主住所", "ご依頼主アパートマンション",
        "ご依頼主名", "ご依頼主名(ｶﾅ)", "品名コード１", "品名１", "品名コード２", "品名２", "荷扱い１", "荷扱い２", "記事",
        "ｺﾚｸﾄ代金引換額（税込)", "内消費税額等", "止置き", "営業所コード", "発行枚数", "個数口表示フラグ", "請求先顧客コード",
        "請求先分類コード", "運賃管理番号",
    ]

    static func yamato(_ parcels: [Parcel]) throws(Problem) -> (header: [String], rows: [[String]]) {
        for parcel in parcels { try check(parcel.sender, .yamato) }
        let slots: Set<String> = ["0812", "1416", "1618", "1820", "1921"]
        let rows = parcels.map { p -> [String] in
            [
                String(p.reference.prefix(20)), p.codAmount > 0 ? "2" : "0",
                p.cool == .frozen ? "1" : p.cool == .chilled ? "2" : "0", "", slashed(p.shipDate),
                slashed(p.deliveryDate), slots.contains(p.deliveryTime) ? p.deliveryTime : "", "", p.recipient.phone,
                "",
                p.recipient.postalCodeDisplay, p.recipient.prefecture + p.recipient.city + p.recipient.address1,
                p.recipient.address2, "", "", p.recipient.name, p.recipient.kana, "様", "", p.sender.phone, "",
                p.sender.postalCodeDisplay, p.sender.address, "", p.sender.name, "", "", String(p.itemName.prefix(25)),
                "",
                "", "", "", "", p.codAmount > 0 ? String(p.codAmount) : "", p.codAmount > 0 ? String(p.codTax) : "",
                "0",
                "", "1", "1", p.sender.yamatoCustomerCode, "", p.sender.yamatoFreightCode,
            ]
        }
        return (yamatoHeader, rows)
    }

    static let sagawaHeader: [String] = {
        var names = [
            "お届け先コード取得区分", "お届け先コード", "お届け先電話番号", "お届け先郵便番号", "お届け先住所１", "お届け先住所２",
            "お届け先住所３", "お届け先名称１", "お届け先名称２", "お客様管理番号", "お客様コード", "部署ご担当者コード取得区分",
            "部署ご担当者コード", "部署ご担当者名称", "荷送人電話番号", "ご依頼主コード取得区分", "ご依頼主コード",
            "ご依頼主電話番号", "ご依頼主郵便番号", "ご依頼主住所１", "ご依頼主住所２", "ご依頼主名称１", "ご依頼主名称２", "荷姿",
        ]
        names += (1...5).map { "品名\(fullWidth($0))" }
        names.append("荷札荷姿")
        names += (1...11).map { "荷札品名\(fullWidth($0))" }
        names += [
            "出荷個数", "スピード指定", "クール便指定", "配達日", "配達指定時間帯", "配達指定時間（時分）", "代引金額", "消費税",
            "決済種別", "保険金額", "指定シール１", "指定シール２", "指定シール３", "営業所受取", "SRC区分",
            "営業所受取営業所コード", "元着区分", "メールアドレス", "ご不在時連絡先", "出荷日", "お問い合せ送り状No.",
            "出荷場印字区分", "集約解除指定",
        ]
        names += (1...10).map { "編集" + (($0 < 10) ? "０" + fullWidth($0) : "１０") }
        return names
    }()

    static func fullWidth(_ number: Int) -> String {
        String(String(number).unicodeScalars.map { Character(Unicode.Scalar($0.value - 0x30 + 0xFF10)!) })
    }

    static func sagawa(_ parcels: [Parcel]) throws(Problem) -> (header: [String], rows: [[String]]) {
        for parcel in parcels { try check(parcel.sender, .sagawa) }
        // e飛伝's time-slot codes (unconfirmed against the current manual; see CHANNELS/FORMATS notes).
        let slots = ["0812": "01", "1214": "12", "1416": "14", "1618": "16", "1820": "18", "1921": "19"]
        let rows = parcels.map { p -> [String] in
            let address = split(p.recipient.prefecture + p.recipient.city + p.recipient.address1, limit: 16, count: 2)
            let sender = split(p.sender.address, limit: 16, count: 2)
            let name = split(p.recipient.name, limit: 16, count: 2)
            var row = [
                "0", "", p.recipient.phone, p.recipient.postalCodeDisplay, address[0], address[1],
                String(p.recipient.address2.prefix(16)), name[0], name[1], String(p.reference.prefix(16)),
                p.sender.sagawaCustomerCode, "", "", "", p.sender.phone, "0", "", p.sender.phone,
                p.sender.postalCodeDisplay,
                sender[0], sender[1], String(p.sender.name.prefix(16)), "", "",
            ]
            row += [String(p.itemName.prefix(16)), "", "", "", ""]
            row.append("")
            row += Array(repeating: "", count: 11)
            row += [
                String(p.pieces), "000", p.cool == .frozen ? "003" : p.cool == .chilled ? "002" : "001",
                p.deliveryDate.replacingOccurrences(of: "-", with: ""), slots[p.deliveryTime] ?? "", "",
                p.codAmount > 0 ? String(p.codAmount) : "", p.codAmount > 0 ? String(p.codTax) : "", "", "", "", "", "",
                "", "", "", "1", "", "", p.shipDate.replacingOccurrences(of: "-", with: ""), "", "", "",
            ]
            row += Array(repeating: "", count: 10)
            return row
        }
        return (sagawaHeader, rows)
    }

    static let japanpostHeader = [
        "お客様側管理番号", "発送予定日", "発送予定時間区分", "出荷期限日", "到着期限日", "郵便種別", "保冷種別", "元/着払/代引",
        "書留/特定記録", "配達時間帯指定郵便種別", "送り状種別", "お届け先コード", "お届け先郵便番号", "お届け先住所1",
        "お届け先住所2", "お届け先住所3", "お届け先名", "お届け先敬称", "お届け先電話番号", "ご依頼主郵便番号", "ご依頼主住所",
        "ご依頼主名", "ご依頼主電話番号", "品名", "代引金額", "個数",
    ]

    static func japanpost(_ parcels: [Parcel]) throws(Problem) -> (header: [String], rows: [[String]]) {
        for parcel in parcels { try check(parcel.sender, .japanpost) }
        // ゆうパックの時間帯: 00 指定なし, 51 午前中, 52 12–14時, 53 14–16時, 54 16–18時, 55 18–20時, 56 19–21時.
        let slots = ["0812": "51", "1214": "52", "1416": "53", "1618": "54", "1820": "55", "1921": "56"]
        let rows = parcels.map { p -> [String] in
            let address = splitBytes(
                p.recipient.prefecture + p.recipient.city + p.recipient.address1 + " " + p.recipient.address2,
                bytes: 50,
                count: 3
            )
            return [
                String(p.reference.prefix(15)), p.shipDate.replacingOccurrences(of: "-", with: ""), "", "",
                p.deliveryDate.replacingOccurrences(of: "-", with: ""), "0",
                p.cool == .frozen ? "2" : p.cool == .chilled ? "1" : "0", p.codAmount > 0 ? "2" : "0", "",
                slots[p.deliveryTime] ?? "00",
                "", "", p.recipient.postalCodeDisplay, address[0], address[1], address[2], p.recipient.name, "様",
                p.recipient.phone, p.sender.postalCodeDisplay, p.sender.address, p.sender.name, p.sender.phone,
                String(p.itemName.prefix(20)), p.codAmount > 0 ? String(p.codAmount) : "", String(p.pieces),
            ]
        }
        return (japanpostHeader, rows)
    }
}
