import Foundation

/// The order files malls and Akinai write, read into `OrderInput`s: columns are matched by header name (extra
/// columns are accepted and listed), one row per order line with the order's columns repeated, and every problem is
/// reported with its line and column.
public enum OrderCSVFormat: String, Sendable, CaseIterable, Codable {
    /// Akinai's own columns (`channel`, `number`, `sku`, …), for any source.
    case akinai
    /// 楽天 RMS order CSV (受注番号, 送付先…, 商品番号, 単価, 個数, …).
    case rakuten
    /// Amazon's order report, tab-separated (order-id, sku, quantity-purchased, recipient-name, …).
    case amazon
}

/// Reads order files. See `OrderCSVFormat`.
public enum OrderCSV {
    /// One order of a file with the lines it came from.
    public struct Entry: Sendable {
        public let input: OrderInput
        /// The line of the order's first row.
        public let line: Int
        /// The line of each order line's row, in order.
        public let lineRows: [Int]
    }

    /// What a file held.
    public struct Parsed: Sendable {
        public let format: OrderCSVFormat
        public let rows: Int
        public let entries: [Entry]
        public let errors: [MasterCSV.RowError]
        /// Header names Akinai does not read (reported, not refused).
        public let unknownColumns: [String]
    }

    /// The most rows one file may have.
    public static let maxRows = 200_000

    /// Which format a header row is, by the columns only that format has.
    public static func detect(_ header: [String]) -> OrderCSVFormat? {
        let names = Set(header.map(normalized))
        if names.contains("受注番号") { return .rakuten }
        if names.contains("order-id") || names.contains("amazon-order-id") { return .amazon }
        if names.contains("channel") && names.contains("number") { return .akinai }
        return nil
    }

    static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
    }

    /// Reads `text`; `format` nil detects it from the header (a tab in the header line means tab-separated).
    public static func parse(_ text: String, format requested: OrderCSVFormat? = nil) -> Parsed {
        let firstLine = text.prefix { $0 != "\n" }
        let separator: Unicode.Scalar = firstLine.contains("\t") ? "\t" : ","
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text, separator: separator)
        } catch {
            return Parsed(
                format: requested ?? .akinai,
                rows: 0,
                entries: [],
                errors: [.init(line: error.line, column: "", reason: error.reason)],
                unknownColumns: []
            )
        }
        guard let header = records.first else {
            return Parsed(
                format: requested ?? .akinai,
                rows: 0,
                entries: [],
                errors: [.init(line: 1, column: "", reason: "empty_file")],
                unknownColumns: []
            )
        }
        guard let format = requested ?? detect(header.fields) else {
            return Parsed(
                format: .akinai,
                rows: 0,
                entries: [],
                errors: [.init(line: 1, column: "", reason: "format_unknown")],
                unknownColumns: []
            )
        }
        let layout = Layout.of(format)
        var index: [String: Int] = [:]
        for (position, name) in header.fields.enumerated() where index[normalized(name)] == nil {
            index[normalized(name)] = position
        }
        let known = layout.known
        let unknown = Array(header.fields.map(normalized).filter { !$0.isEmpty && !known.contains($0) }.prefix(50))
        let missing = layout.required.filter { names in !names.contains { index[$0] != nil } }
        guard missing.isEmpty else {
            return Parsed(
                format: format,
                rows: records.count - 1,
                entries: [],
                errors: missing.map { .init(line: header.line, column: $0[0], reason: "column_missing") },
                unknownColumns: unknown
            )
        }
        let body = records.dropFirst()
        guard body.count <= maxRows else {
            return Parsed(
                format: format,
                rows: body.count,
                entries: [],
                errors: [.init(line: header.line, column: "", reason: "too_many_rows")],
                unknownColumns: unknown
            )
        }
        var errors: [MasterCSV.RowError] = []
        // Rows of one order, in file order of the order's first row.
        var groups: [String: [CSV.Record]] = [:]
        var order: [String] = []
        for record in body {
            guard record.fields.count == header.fields.count else {
                errors.append(.init(line: record.line, column: "", reason: "field_count"))
                continue
            }
            let row = Row(record: record, index: index)
            let number = row.value(layout.number)
            guard !number.isEmpty else {
                errors.append(
                    .init(line: record.line, column: row.present(layout.number), reason: "order_number_invalid")
                )
                continue
            }
            let key = layout.channel.map { row.value($0) + "|" + number } ?? number
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(record)
        }
        var entries: [Entry] = []
        entries.reserveCapacity(order.count)
        for key in order {
            let rows = (groups[key] ?? []).map { Row(record: $0, index: index) }
            var numberErrors: [MasterCSV.RowError] = []
            let input = layout.read(rows, &numberErrors)
            errors += numberErrors
            entries.append(Entry(input: input, line: rows[0].record.line, lineRows: rows.map(\.record.line)))
        }
        return Parsed(format: format, rows: body.count, entries: entries, errors: errors, unknownColumns: unknown)
    }

    /// The column a checked field came from, and its line, for an error of `entry`.
    public static func locate(_ error: FieldError, in entry: Entry, format: OrderCSVFormat) -> MasterCSV.RowError {
        let layout = Layout.of(format)
        var field = error.field
        var line = entry.line
        if field.hasPrefix("lines["), let close = field.firstIndex(of: "]"),
            let position = Int(field[field.index(field.startIndex, offsetBy: 6)..<close])
        {
            line = entry.lineRows[safe: position] ?? entry.line
            field = "lines." + field[field.index(after: close)...].drop { $0 == "." }
        }
        return MasterCSV.RowError(line: line, column: layout.columns[field] ?? field, reason: error.reason)
    }

    /// One row with its columns by name.
    struct Row {
        let record: CSV.Record
        let index: [String: Int]

        /// The first of `names` the file has, trimmed (a spreadsheet's formula guard taken off).
        func value(_ names: [String]) -> String {
            for name in names {
                if let position = index[name], position < record.fields.count {
                    return CSV.unneutralized(record.fields[position].trimmingCharacters(in: .whitespaces))
                }
            }
            return ""
        }

        func optional(_ names: [String]) -> String? {
            let text = value(names)
            return text.isEmpty ? nil : text
        }

        /// The first of `names` the file has (the one an error names).
        func present(_ names: [String]) -> String { names.first { index[$0] != nil } ?? names[0] }

        /// A tax rate as malls write it: `10`, `8`, `10%`, `0.1`, `0.08`; empty is nil.
        func rate(_ names: [String], _ errors: inout [MasterCSV.RowError]) -> Int? {
            let text = value(names).replacingOccurrences(of: "%", with: "")
            guard !text.isEmpty else { return nil }
            switch text {
            case "10", "0.1", "0.10": return 10
            case "8", "0.08": return 8
            default:
                errors.append(.init(line: record.line, column: present(names), reason: "tax_rate_invalid"))
                return nil
            }
        }

        /// A whole number (`1,100` and `¥1,100` read as 1100); empty is nil; anything else is an error of its column.
        func number(_ names: [String], _ errors: inout [MasterCSV.RowError]) -> Int? {
            let text = value(names).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "¥", with: "")
                .replacingOccurrences(of: "円", with: "")
            guard !text.isEmpty else { return nil }
            if text.count <= 12, let number = Int(text) { return number }
            if text.count <= 16, let decimal = Double(text), decimal.rounded() == decimal, abs(decimal) < 1e12 {
                return Int(decimal)
            }
            errors.append(.init(line: record.line, column: present(names), reason: "number_invalid"))
            return nil
        }
    }

    /// How one format's columns map to an order.
    struct Layout: Sendable {
        let number: [String]
        /// The column that names the channel, for files of several channels (an order is its channel and number).
        var channel: [String]? = nil
        let required: [[String]]
        /// API field (`shipTo.postalCode`, `lines.quantity`) → the column an error names.
        let columns: [String: String]
        let known: Set<String>
        let read: @Sendable ([Row], inout [MasterCSV.RowError]) -> OrderInput

        static func of(_ format: OrderCSVFormat) -> Layout {
            switch format {
            case .akinai: akinai
            case .rakuten: rakuten
            case .amazon: amazon
            }
        }
    }

    /// Japanese names of payment methods as malls write them.
    static func payment(_ text: String) -> String {
        if text.isEmpty { return "" }
        if PaymentMethod(rawValue: text) != nil { return text }
        if text.contains("代金引換") || text.contains("代引") { return PaymentMethod.cod.rawValue }
        if text.contains("クレジット") { return PaymentMethod.card.rawValue }
        if text.contains("銀行") || text.contains("振込") { return PaymentMethod.bankTransfer.rawValue }
        if text.contains("コンビニ") { return PaymentMethod.convenienceStore.rawValue }
        if text.contains("後払") { return PaymentMethod.postpay.rawValue }
        if text.contains("楽天") || text.contains("ペイ") || text.contains("Pay") { return PaymentMethod.mall.rawValue }
        return PaymentMethod.other.rawValue
    }

    /// Time slots as malls write them (`午前中`, `14時～16時`, `14-16`) → the carrier's code.
    static func deliveryTime(_ text: String) -> String {
        if text.isEmpty || OrderRules.deliveryTimes.contains(text) { return text }
        if text.contains("午前") { return "0812" }
        let digits = text.split { !$0.isNumber }.compactMap { Int($0) }
        guard digits.count >= 2 else { return text }
        let code = String(format: "%02d%02d", digits[0], digits[1])
        if code == "0812" || OrderRules.deliveryTimes.contains(code) { return code }
        return text
    }

    static let rakutenColumns: [String: String] = [
        "number": "受注番号", "orderedAt": "注文日時", "shippingFee": "送料", "codFee": "代引料",
        "discount": "クーポン利用額", "points": "ポイント利用額", "paymentMethod": "決済方法",
        "deliveryDate": "お届け日指定", "deliveryTime": "お届け時間帯", "noshi": "のし", "remarks": "コメント",
        "shipTo.name": "送付先名字", "shipTo.kana": "送付先名字フリガナ", "shipTo.postalCode": "送付先郵便番号１",
        "shipTo.prefecture": "送付先住所：都道府県", "shipTo.city": "送付先住所：都市区",
        "shipTo.address1": "送付先住所：町以降", "shipTo.phone": "送付先電話番号１",
        "buyer.name": "注文者名字", "buyer.kana": "注文者名字フリガナ", "buyer.postalCode": "注文者郵便番号１",
        "buyer.prefecture": "注文者住所：都道府県", "buyer.city": "注文者住所：都市区",
        "buyer.address1": "注文者住所：町以降", "buyer.phone": "注文者電話番号１", "buyer.email": "メールアドレス",
        "lines.sku": "商品番号", "lines.name": "商品名", "lines.unitPrice": "単価", "lines.quantity": "個数",
        "lines.taxRate": "税率", "lines": "商品番号",
    ]

    static let rakuten = Layout(
        number: ["受注番号"],
        required: [["受注番号"], ["商品番号", "商品ID"], ["単価"], ["個数"], ["送付先郵便番号１"], ["送付先電話番号１"]],
        columns: rakutenColumns,
        known: Set(rakutenColumns.values).union([
            "注文者名前", "注文者名前フリガナ", "注文者郵便番号２", "注文者電話番号２", "注文者電話番号３", "送付先名前",
            "送付先名前フリガナ", "送付先郵便番号２", "送付先電話番号２", "送付先電話番号３", "商品ID", "項目・選択肢",
            "ギフトチェック", "受注ステータス", "合計", "消費税", "請求金額", "配送方法", "配送会社", "お荷物伝票番号",
        ]),
        read: { rows, errors in
            let first = rows[0]
            func person(_ prefix: String, _ address: String) -> OrderInput.Person {
                let name = [first.value(["\(prefix)名字"]), first.value(["\(prefix)名前"])].filter { !$0.isEmpty }
                let kana = [first.value(["\(prefix)名字フリガナ"]), first.value(["\(prefix)名前フリガナ"])]
                    .filter { !$0.isEmpty }
                return OrderInput.Person(
                    name: name.joined(separator: " "),
                    kana: kana.joined(separator: " "),
                    postalCode: first.value(["\(prefix)郵便番号１"]) + first.value(["\(prefix)郵便番号２"]),
                    prefecture: first.value(["\(address)都道府県"]),
                    city: first.value(["\(address)都市区"]),
                    address1: first.value(["\(address)町以降"]),
                    phone: ["１", "２", "３"].map { first.value(["\(prefix)電話番号\($0)"]) }.filter { !$0.isEmpty }
                        .joined(separator: "-")
                )
            }
            let lines = rows.map { row in
                let choice = row.value(["項目・選択肢"])
                let name = row.value(["商品名"])
                return OrderInput.Line(
                    sku: row.optional(["商品番号"]) ?? row.value(["商品ID"]),
                    name: choice.isEmpty ? name : "\(name) \(choice)",
                    quantity: row.number(["個数"], &errors) ?? 0,
                    unitPrice: row.number(["単価"], &errors) ?? -1,
                    taxRate: row.rate(["税率"], &errors)
                )
            }
            var input = OrderInput(
                channel: "rakuten",
                number: first.value(["受注番号"]),
                lines: lines,
                shipTo: person("送付先", "送付先住所：")
            )
            var buyer = person("注文者", "注文者住所：")
            buyer.email = first.optional(["メールアドレス"])
            // A file without the orderer's address columns: the recipient is the buyer, with the e-mail given.
            if buyer.postalCode.isEmpty {
                var same = input.shipTo
                same.email = buyer.email
                buyer = same
            }
            input.buyer = buyer
            input.orderedAt = first.optional(["注文日時"])
            input.shippingFee = first.number(["送料"], &errors)
            input.codFee = first.number(["代引料"], &errors)
            input.discount = first.number(["クーポン利用額"], &errors)
            input.points = first.number(["ポイント利用額"], &errors)
            input.paymentMethod = payment(first.value(["決済方法"]))
            input.deliveryDate = first.optional(["お届け日指定"])
            input.deliveryTime = deliveryTime(first.value(["お届け時間帯"]))
            input.noshi = first.optional(["のし"])
            input.gift = first.value(["ギフトチェック"]) == "1"
            input.remarks = first.optional(["コメント"])
            return input
        }
    )

    static let amazonColumns: [String: String] = [
        "number": "order-id", "orderedAt": "purchase-date", "shippingFee": "shipping-price",
        "shipTo.name": "recipient-name", "shipTo.postalCode": "ship-postal-code", "shipTo.prefecture": "ship-state",
        "shipTo.city": "ship-city", "shipTo.address1": "ship-address-1", "shipTo.address2": "ship-address-2",
        "shipTo.phone": "ship-phone-number", "shipTo.email": "buyer-email", "buyer.email": "buyer-email",
        "lines.sku": "sku", "lines.name": "product-name", "lines.quantity": "quantity-purchased",
        "lines.unitPrice": "item-price", "lines": "sku",
    ]

    static let amazon = Layout(
        number: ["order-id", "amazon-order-id"],
        required: [
            ["order-id", "amazon-order-id"], ["sku"], ["quantity-purchased", "quantity"], ["ship-postal-code"],
        ],
        columns: amazonColumns,
        known: Set(amazonColumns.values).union([
            "amazon-order-id", "order-item-id", "payments-date", "buyer-name", "buyer-phone-number", "quantity",
            "quantity-shipped", "quantity-to-ship", "ship-service-level", "ship-address-3", "ship-country",
            "is-business-order", "is-prime", "merchant-order-id", "last-updated-date", "order-status",
            "fulfillment-channel", "sales-channel", "asin", "item-status", "currency", "item-tax", "shipping-tax",
            "item-promotion-discount",
        ]),
        read: { rows, errors in
            let first = rows[0]
            var shipping = 0
            let lines = rows.map { row in
                let quantity = row.number(["quantity-purchased", "quantity"], &errors) ?? 0
                // Amazon states the price of the whole line; Akinai keeps the unit price.
                let total = row.number(["item-price"], &errors) ?? 0
                shipping += row.number(["shipping-price"], &errors) ?? 0
                let unit = quantity > 0 && total % quantity == 0 ? total / quantity : (quantity > 0 ? -1 : total)
                return OrderInput.Line(
                    sku: row.value(["sku"]),
                    name: row.optional(["product-name"]),
                    quantity: quantity,
                    unitPrice: unit
                )
            }
            let address2 = [first.value(["ship-address-2"]), first.value(["ship-address-3"])].filter { !$0.isEmpty }
            var input = OrderInput(
                channel: "amazon",
                number: first.value(["order-id", "amazon-order-id"]),
                lines: lines,
                shipTo: OrderInput.Person(
                    name: first.optional(["recipient-name"]) ?? first.value(["buyer-name"]),
                    postalCode: first.value(["ship-postal-code"]),
                    prefecture: first.value(["ship-state"]),
                    city: first.value(["ship-city"]),
                    address1: first.value(["ship-address-1"]),
                    address2: address2.joined(separator: " "),
                    phone: first.optional(["ship-phone-number"]) ?? first.value(["buyer-phone-number"]),
                    email: first.optional(["buyer-email"])
                )
            )
            input.orderedAt = first.optional(["purchase-date"])
            input.shippingFee = shipping
            input.paymentMethod = PaymentMethod.mall.rawValue
            return input
        }
    )

    /// Akinai's own order file: the API's names in snake case, one row per line.
    public static let akinaiHeader = [
        "channel", "number", "ordered_at", "sku", "name", "quantity", "unit_price", "tax_rate", "ship_name",
        "ship_kana", "ship_postal_code", "ship_prefecture", "ship_city", "ship_address1", "ship_address2",
        "ship_phone", "buyer_email", "payment_method", "shipping_fee", "cod_fee", "discount", "points",
        "delivery_date", "delivery_time", "gift", "noshi", "remarks", "memo", "labels",
    ]

    static let akinaiColumns: [String: String] = [
        "channel": "channel", "number": "number", "orderedAt": "ordered_at", "lines.sku": "sku", "lines.name": "name",
        "lines.quantity": "quantity", "lines.unitPrice": "unit_price", "lines.taxRate": "tax_rate",
        "shipTo.name": "ship_name", "shipTo.kana": "ship_kana", "shipTo.postalCode": "ship_postal_code",
        "shipTo.prefecture": "ship_prefecture", "shipTo.city": "ship_city", "shipTo.address1": "ship_address1",
        "shipTo.address2": "ship_address2", "shipTo.phone": "ship_phone", "shipTo.email": "buyer_email",
        "buyer.email": "buyer_email", "paymentMethod": "payment_method", "shippingFee": "shipping_fee",
        "codFee": "cod_fee", "discount": "discount", "points": "points", "deliveryDate": "delivery_date",
        "deliveryTime": "delivery_time", "noshi": "noshi", "remarks": "remarks", "memo": "memo", "labels": "labels",
        "lines": "sku",
    ]

    static let akinai = Layout(
        number: ["number"],
        channel: ["channel"],
        required: [["channel"], ["number"], ["sku"], ["quantity"], ["unit_price"], ["ship_postal_code"]],
        columns: akinaiColumns,
        known: Set(akinaiHeader).union(["gift"]),
        read: { rows, errors in
            let first = rows[0]
            let lines = rows.map { row in
                OrderInput.Line(
                    sku: row.value(["sku"]),
                    name: row.optional(["name"]),
                    quantity: row.number(["quantity"], &errors) ?? 0,
                    unitPrice: row.number(["unit_price"], &errors) ?? -1,
                    taxRate: row.rate(["tax_rate"], &errors)
                )
            }
            var input = OrderInput(
                channel: first.value(["channel"]),
                number: first.value(["number"]),
                lines: lines,
                shipTo: OrderInput.Person(
                    name: first.value(["ship_name"]),
                    kana: first.optional(["ship_kana"]),
                    postalCode: first.value(["ship_postal_code"]),
                    prefecture: first.value(["ship_prefecture"]),
                    city: first.value(["ship_city"]),
                    address1: first.value(["ship_address1"]),
                    address2: first.optional(["ship_address2"]),
                    phone: first.value(["ship_phone"]),
                    email: first.optional(["buyer_email"])
                )
            )
            input.orderedAt = first.optional(["ordered_at"])
            input.paymentMethod = payment(first.value(["payment_method"]))
            input.shippingFee = first.number(["shipping_fee"], &errors)
            input.codFee = first.number(["cod_fee"], &errors)
            input.discount = first.number(["discount"], &errors)
            input.points = first.number(["points"], &errors)
            input.deliveryDate = first.optional(["delivery_date"])
            input.deliveryTime = deliveryTime(first.value(["delivery_time"]))
            input.gift = ["1", "true", "yes"].contains(first.value(["gift"]).lowercased())
            input.noshi = first.optional(["noshi"])
            input.remarks = first.optional(["remarks"])
            input.memo = first.optional(["memo"])
            input.labels = first.value(["labels"]).split(separator: ";").map(String.init)
            return input
        }
    )
}

extension Array {
    /// The element at `index`, or nil when there is none.
    public subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
