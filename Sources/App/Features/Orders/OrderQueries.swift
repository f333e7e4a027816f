import Domain
import Foundation
import SQLKit

/// Reads orders for the list, the order page and the API: hand-written SQL on one snapshot, keyset pages that read
/// only the rows they show, and personal data opened only for those rows.
struct OrderQueries: Sendable {
    let tdb: TenantDatabase
    let cipher: FieldCipher

    /// What the list filters by; every value checked before it reaches SQL.
    struct Filter: Sendable, Equatable {
        var status: OrderStatus?
        var channel: String?
        var label: String?
        /// From the start of this JST day…
        var from: Date?
        /// …to the end of this one.
        var until: Date?
        var payment: PaymentMethod?
        var carrier: String?
        var number: String?
        /// A buyer's phone number or e-mail address, found through the blind index.
        var buyer: String?
        var oldestFirst = false
    }

    /// One row of the list.
    struct Summary: Sendable {
        let id: UUID
        let channel: String
        let number: String
        let status: OrderStatus
        let orderedAt: Date
        let total: Int
        let buyerName: String
        let prefecture: String
        let labels: [String]
        let holdReason: String
        let purchaseCount: Int
        let carrier: String
        let lineCount: Int
        let paymentMethod: String
    }

    /// Where a page starts: after the order with this date and id.
    struct Cursor: Sendable, Equatable {
        let orderedAt: Date
        let id: UUID

        /// An opaque token: the date in whole microseconds (what both databases keep) and the id.
        var token: String {
            let micros = Int64((orderedAt.timeIntervalSince1970 * 1_000_000).rounded())
            return Base64URL.encode(Array("\(micros)|\(id.uuidString)".utf8))
        }

        init(orderedAt: Date, id: UUID) {
            self.orderedAt = orderedAt
            self.id = id
        }

        /// The cursor of a token, or nil for anything that is not one; dates outside 2000–2100 are refused, so no
        /// value from outside reaches a driver's date conversion out of its range.
        init?(token: String) {
            guard token.utf8.count <= 100, let bytes = Base64URL.decode(token),
                let text = String(bytes: bytes, encoding: .utf8)
            else { return nil }
            let parts = text.split(separator: "|")
            guard parts.count == 2, parts[0].count <= 17, let micros = Int64(parts[0]),
                (946_684_800_000_000...4_102_444_800_000_000).contains(micros),
                let id = UUID(uuidString: String(parts[1]))
            else { return nil }
            self.init(orderedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
        }
    }

    /// The ids of the orders whose buyer has this phone or e-mail index: a union of two index lookups (an `OR` of
    /// the two, or an `IN` over them, lets SQLite's planner walk every order of the shop instead).
    static func sameBuyer(
        _ tenantID: UUID,
        phoneIndex: String,
        emailIndex: String,
        excludingCancelled: Bool = false
    ) -> SQLQueryString {
        let cancelled = OrderStatus.cancelled.rawValue
        let p: SQLQueryString = excludingCancelled ? "AND p.status <> \(bind: cancelled)" : ""
        let e: SQLQueryString = excludingCancelled ? "AND e.status <> \(bind: cancelled)" : ""
        return """
            SELECT p.id FROM orders p WHERE p.tenant_id = \(bind: tenantID) AND p.buyer_phone_index = \(bind: phoneIndex) \(p)
            UNION SELECT e.id FROM orders e WHERE e.tenant_id = \(bind: tenantID) AND e.buyer_email_index = \(bind: emailIndex) \(e)
            """
    }

    /// The most orders a buyer filter reads (a buyer with more sees the newest of them first anyway, page by page).
    static let maxBuyerOrders = 5000

    /// One page of the list (at most `limit` rows) and the cursor of the next, if there is one.
    func list(
        _ filter: Filter,
        after cursor: Cursor?,
        limit: Int
    ) async throws -> (
        rows: [Summary], next: Cursor?
    ) {
        var conditions: [SQLQueryString] = ["tenant_id = \(bind: tdb.tenantID)"]
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if let channel = filter.channel { conditions.append("channel = \(bind: channel)") }
        if let from = filter.from { conditions.append("ordered_at >= \(bind: from)") }
        if let until = filter.until { conditions.append("ordered_at < \(bind: until)") }
        if let payment = filter.payment { conditions.append("payment_method = \(bind: payment.rawValue)") }
        if let carrier = filter.carrier { conditions.append("carrier = \(bind: carrier)") }
        if let number = filter.number { conditions.append("number = \(bind: number)") }
        if let label = filter.label {
            // Labels are stored comma-separated and never contain a comma; `%`, `_` and `!` match themselves.
            var escaped = ""
            for character in label {
                if "!%_".contains(character) { escaped.append("!") }
                escaped.append(character)
            }
            conditions.append("(',' || labels || ',') LIKE \(bind: "%," + escaped + ",%") ESCAPE '!'")
        }
        if let buyer = filter.buyer {
            let phone = try? OrderRules.phoneNumber(buyer)
            let email = try? EmailAddress(buyer).rawValue
            let phoneIndex = try phone.map { try SealedOrder.phoneIndex($0, cipher) } ?? "-"
            let emailIndex = try email.map { try SealedOrder.emailIndex($0, cipher) } ?? "-"
            // The buyer's orders first, by their indexes; then the page among them by id.
            let same = Self.sameBuyer(tdb.tenantID, phoneIndex: phoneIndex, emailIndex: emailIndex)
            let ids = try await tdb.read { sql in
                try await sql.all("\(same) LIMIT \(bind: Self.maxBuyerOrders)").map {
                    try $0.decode(column: "id", as: UUID.self)
                }
            }
            guard !ids.isEmpty else { return ([], nil) }
            conditions.append("id IN (\(binds: ids))")
        }
        let descending = !filter.oldestFirst
        if let cursor {
            conditions.append(
                descending
                    ? "(ordered_at, id) < (\(bind: cursor.orderedAt), \(bind: cursor.id))"
                    : "(ordered_at, id) > (\(bind: cursor.orderedAt), \(bind: cursor.id))"
            )
        }
        let direction: SQLQueryString = descending ? "DESC" : "ASC"
        let condition = conditions.joined(separator: " AND ")
        let rows = try await tdb.read { sql in
            try await sql.all(
                """
                SELECT id, channel, number, status, ordered_at, total, buyer, ship_prefecture, labels, hold_reason,
                    purchase_count, carrier, line_count, payment_method
                FROM orders WHERE \(condition)
                ORDER BY ordered_at \(direction), id \(direction) LIMIT \(bind: limit + 1)
                """
            )
        }
        let summaries = try rows.prefix(limit).map { try summary($0) }
        let next = rows.count > limit ? summaries.last.map { Cursor(orderedAt: $0.orderedAt, id: $0.id) } : nil
        return (summaries, next)
    }

    /// How many orders are in each state (kept by every change of state, so it costs one small read).
    func counts() async throws -> [OrderStatus: Int] {
        let rows = try await tdb.read { sql in
            try await sql.all("SELECT status, count FROM order_counts WHERE tenant_id = \(bind: sql.tenantID)")
        }
        var result: [OrderStatus: Int] = [:]
        for row in rows {
            result[try row.stored("status", table: "order_counts")] = try row.decode(column: "count", as: Int.self)
        }
        return result
    }

    /// The list's view of an order row (the buyer's name opened from its sealed record).
    private func summary(_ row: any SQLRow, buyer: Addressee?? = nil) throws -> Summary {
        let id = try row.decode(column: "id", as: UUID.self)
        let opened = try buyer ?? open(try row.decode(column: "buyer", as: String.self), "buyer", id)
        return Summary(
            id: id,
            channel: try row.decode(column: "channel", as: String.self),
            number: try row.decode(column: "number", as: String.self),
            status: try row.stored("status", table: "orders"),
            orderedAt: try row.decode(column: "ordered_at", as: Date.self),
            total: try row.decode(column: "total", as: Int.self),
            buyerName: opened?.name ?? Self.unreadable,
            prefecture: try row.decode(column: "ship_prefecture", as: String.self),
            labels: CatalogAPIController.split(try row.decode(column: "labels", as: String.self)),
            holdReason: try row.decode(column: "hold_reason", as: String.self),
            purchaseCount: try row.decode(column: "purchase_count", as: Int.self),
            carrier: try row.decode(column: "carrier", as: String.self),
            lineCount: try row.decode(column: "line_count", as: Int.self),
            paymentMethod: try row.decode(column: "payment_method", as: String.self)
        )
    }

    /// Shown where a sealed value cannot be opened (its key destroyed after the contract ended).
    static let unreadable = "（復号できません）"

    /// Opens a sealed addressee of order `id`; nil when it cannot be opened.
    func open(_ sealed: String, _ column: String, _ id: UUID) -> Addressee? {
        guard let text = try? cipher.open(sealed, SealedOrder.context(column, id)) else { return nil }
        return try? JSONDecoder().decode(Addressee.self, from: Data(text.utf8))
    }

    /// One order with everything its page and the API show.
    struct Detail: Sendable {
        let summary: Summary
        let amounts: OrderAmounts
        let taxIncluded: Bool
        let buyer: Addressee?
        let shipTo: Addressee?
        let remarks: String
        let memo: String
        let deliveryDate: String
        let deliveryTime: String
        let gift: Bool
        let noshi: String
        let service: String
        let tracking: [String]
        let reserved: Bool
        let missing: [StockLedger.Shortfall]
        let lines: [Line]
        let history: [Event]
        let createdAt: Date
        /// The version of the shop's rules that touched it at intake.
        let ruleVersion: Int?
        /// What the address check found about the recipient.
        let addressFlags: [AddressFlag]
    }

    /// One line of an order.
    struct Line: Sendable, Codable {
        let sku: String
        let name: String
        let quantity: Int
        let unitPrice: Int
        let taxRate: Int
    }

    /// One entry of an order's history.
    struct Event: Sendable {
        let at: Date
        let actor: String
        let from: OrderStatus?
        let to: OrderStatus
        let reason: String
    }

    /// The order with `id` if it is this tenant's; nil otherwise (a foreign id finds nothing).
    func detail(_ id: UUID) async throws -> Detail? {
        let (orderRows, lineRows, eventRows) = try await tdb.read { sql in
            let order = try await sql.all(
                "SELECT * FROM orders WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: id)"
            )
            guard !order.isEmpty else { return ([any SQLRow](), [any SQLRow](), [any SQLRow]()) }
            let lines = try await sql.all(
                """
                SELECT sku_code, name, quantity, unit_price, tax_rate FROM order_lines
                WHERE tenant_id = \(bind: sql.tenantID) AND order_id = \(bind: id) ORDER BY position
                """
            )
            let events = try await sql.all(
                """
                SELECT occurred_at, actor_label, from_status, to_status, reason FROM order_events
                WHERE tenant_id = \(bind: sql.tenantID) AND order_id = \(bind: id) ORDER BY seq
                """
            )
            return (order, lines, events)
        }
        guard let row = orderRows.first else { return nil }
        let buyer = open(try row.decode(column: "buyer", as: String.self), "buyer", id)
        let summary = try summary(row, buyer: .some(buyer))
        let sealedRemarks = try row.decode(column: "remarks", as: String.self)
        let remarks =
            sealedRemarks.isEmpty
            ? "" : (try? cipher.open(sealedRemarks, SealedOrder.context("remarks", id))) ?? Self.unreadable
        return Detail(
            summary: summary,
            amounts: OrderAmounts(
                items: try row.decode(column: "items_total", as: Int.self),
                shippingFee: try row.decode(column: "shipping_fee", as: Int.self),
                codFee: try row.decode(column: "cod_fee", as: Int.self),
                discount: try row.decode(column: "discount", as: Int.self),
                points: try row.decode(column: "points", as: Int.self),
                total: summary.total,
                taxable10: try row.decode(column: "taxable_10", as: Int.self),
                tax10: try row.decode(column: "tax_10", as: Int.self),
                taxable8: try row.decode(column: "taxable_8", as: Int.self),
                tax8: try row.decode(column: "tax_8", as: Int.self)
            ),
            taxIncluded: try row.decode(column: "tax_included", as: Bool.self),
            buyer: buyer,
            shipTo: open(try row.decode(column: "ship_to", as: String.self), "ship_to", id),
            remarks: remarks,
            memo: try row.decode(column: "memo", as: String.self),
            deliveryDate: try row.decode(column: "delivery_date", as: String.self),
            deliveryTime: try row.decode(column: "delivery_time", as: String.self),
            gift: try row.decode(column: "gift", as: Bool.self),
            noshi: try row.decode(column: "noshi", as: String.self),
            service: try row.decode(column: "service", as: String.self),
            tracking: CatalogAPIController.split(try row.decode(column: "tracking", as: String.self)),
            reserved: try row.decode(column: "reserved", as: Bool.self),
            missing: try row.stored("missing", as: StoredJSON<[StockLedger.Shortfall]>.self, table: "orders").value,
            lines: try lineRows.map {
                Line(
                    sku: try $0.decode(column: "sku_code", as: String.self),
                    name: try $0.decode(column: "name", as: String.self),
                    quantity: try $0.decode(column: "quantity", as: Int.self),
                    unitPrice: try $0.decode(column: "unit_price", as: Int.self),
                    taxRate: try $0.decode(column: "tax_rate", as: Int.self)
                )
            },
            history: try eventRows.map {
                let from = try $0.decode(column: "from_status", as: String.self)
                return Event(
                    at: try $0.decode(column: "occurred_at", as: Date.self),
                    actor: try $0.decode(column: "actor_label", as: String.self),
                    from: from.isEmpty ? nil : try $0.stored("from_status", table: "order_events"),
                    to: try $0.stored("to_status", table: "order_events"),
                    reason: try $0.decode(column: "reason", as: String.self)
                )
            },
            createdAt: try row.decode(column: "created_at", as: Date.self),
            ruleVersion: try row.decode(column: "rule_version", as: Int?.self),
            addressFlags: try row.decode(column: "address_flags", as: String.self).split(separator: ",")
                .compactMap { AddressFlag(rawValue: String($0)) }
        )
    }
}
