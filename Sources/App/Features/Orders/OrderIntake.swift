import Domain
import Foundation
import SQLKit

/// Takes orders in from every source (the API, the entry form, mall CSVs), once each.
///
/// One transaction of hand-written statements per order: the order is claimed by its (channel, number) with
/// `INSERT … ON CONFLICT DO NOTHING`, so of any number of concurrent submissions of one order exactly one stores it
/// and the others answer with its id; its lines are stored; its stock is reserved through the ledger (sets as their
/// components). An order whose stock does not fit is still taken, on hold with the reason 在庫不足 and the SKUs that
/// are short — never dropped. Buyer and recipient are sealed with the tenant key before the transaction begins.
struct OrderIntake: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// What happened to one submitted order.
    struct Outcome: Sendable, Equatable {
        let id: UUID
        let status: OrderStatus
        /// False when the order was already there (a retry, or the same order from another source).
        let created: Bool
    }

    /// The reason an order is held when its stock does not fit.
    static let shortReason = "在庫不足"

    /// Stores `draft` unless its channel order is already stored; either way answers with the order's id.
    /// An unknown SKU or amounts that do not add up are `FieldErrors` naming the line and field; nothing is stored.
    func take(_ draft: OrderDraft, source: String, cipher known: FieldCipher? = nil) async throws -> Outcome {
        let cipher: FieldCipher
        if let known { cipher = known } else { cipher = try await services.keyStore.cipher(tdb) }
        let flags: [AddressFlag]
        do { flags = try services.postal.check(draft.shipTo) } catch { throw FieldErrors([error]) }
        let sealed = try SealedOrder(draft, id: UUID(), cipher: cipher)
        do {
            return try await takeOnce(draft, sealed, flags: flags, source: source)
        } catch is StockLedger.NoDefaultWarehouse where Transactor.currentStatements == nil {
            // The shop's first reservation: make its default warehouse, then take the order.
            _ = try await StockLedger(tdb: tdb, services: services, actor: actor).defaultWarehouse()
            return try await takeOnce(draft, sealed, flags: flags, source: source)
        }
    }

    private func takeOnce(
        _ draft: OrderDraft,
        _ sealed: SealedOrder,
        flags: [AddressFlag],
        source: String
    ) async throws -> Outcome {
        let now = services.clock()
        let ledger = StockLedger(tdb: tdb, services: services, actor: actor)
        let actor = actor
        return try await tdb.statements { sql in
            let skus = try await Self.skus(draft.lines.map(\.skuCode), sql)
            var lines: [(sku: OrderSKU, line: OrderLineDraft, rate: Int, name: String)] = []
            var unknown: [FieldError] = []
            for (index, line) in draft.lines.enumerated() {
                guard let sku = skus[line.skuCode] else {
                    unknown.append(FieldError(field: "lines[\(index)].sku", reason: "sku_unknown"))
                    continue
                }
                let name = line.name.isEmpty ? sku.displayName : line.name
                lines.append((sku, line, line.taxRate ?? sku.taxClass.ratePercent, name))
            }
            guard unknown.isEmpty else { throw FieldErrors(unknown) }
            let amounts: OrderAmounts
            do {
                amounts = try OrderAmounts.compute(
                    lines: lines.map { ($0.line.quantity, $0.line.unitPrice, $0.rate) },
                    shippingFee: draft.shippingFee,
                    codFee: draft.codFee,
                    discount: draft.discount,
                    points: draft.points,
                    taxIncluded: draft.taxIncluded
                )
            } catch OrderAmounts.AmountError.negativeTotal {
                throw FieldErrors([FieldError(field: "discount", reason: "amount_negative_total")])
            } catch {
                throw FieldErrors([FieldError(field: "lines", reason: "amount_invalid")])
            }
            let id = sealed.id
            // The buyer's earlier orders, then the shop's published rules on what is known of this one.
            let earlier = try await sql.all(
                """
                SELECT COUNT(*) AS n FROM (\(OrderQueries.sameBuyer(
                    sql.tenantID, phoneIndex: sealed.phoneIndex, emailIndex: sealed.emailIndex ?? "-",
                    excludingCancelled: true))) AS earlier
                """
            )
            let purchaseCount = (try earlier.first?.decode(column: "n", as: Int.self) ?? 0) + 1
            let rules = try await OrderRuleBook.published(sql)
            let outcome =
                rules?.rules.apply(
                    to: OrderFacts(
                        channel: draft.channel,
                        prefecture: draft.shipTo.prefecture,
                        postalCode: draft.shipTo.postalCode,
                        total: amounts.total,
                        payment: draft.paymentMethod,
                        lines: lines.map(\.sku.facts),
                        labels: draft.labels,
                        remarksPresent: !draft.remarks.isEmpty,
                        gift: draft.gift,
                        purchaseCount: purchaseCount,
                        deliveryDateSet: !draft.deliveryDate.isEmpty,
                        addressFlags: flags
                    )
                ) ?? RuleOutcome()
            let initial: OrderStatus = outcome.hold != nil ? .onHold : outcome.status ?? .received
            let labels = Array((draft.labels + outcome.labels).prefix(CatalogRules.maxLabels))
            let claimed = try await sql.all(
                """
                INSERT INTO orders (id, tenant_id, channel, number, status, ordered_at, items_total, shipping_fee,
                    cod_fee, discount, points, total, taxable_10, tax_10, taxable_8, tax_8, tax_included,
                    payment_method, delivery_date, delivery_time, gift, noshi, remarks, memo, labels, carrier, service,
                    tracking, buyer, ship_to, ship_prefecture, buyer_phone_index, buyer_email_index, purchase_count,
                    reserved, hold_reason, missing, line_count, rule_version, address_flags, created_at, updated_at)
                VALUES (\(bind: id), \(bind: sql.tenantID), \(bind: draft.channel), \(bind: draft.number),
                    \(bind: initial.rawValue), \(bind: draft.orderedAt), \(bind: amounts.items),
                    \(bind: amounts.shippingFee), \(bind: amounts.codFee), \(bind: amounts.discount),
                    \(bind: amounts.points), \(bind: amounts.total), \(bind: amounts.taxable10), \(bind: amounts.tax10),
                    \(bind: amounts.taxable8), \(bind: amounts.tax8), \(bind: draft.taxIncluded),
                    \(bind: draft.paymentMethod.rawValue), \(bind: draft.deliveryDate), \(bind: draft.deliveryTime),
                    \(bind: draft.gift), \(bind: draft.noshi), \(bind: sealed.remarks), \(bind: draft.memo),
                    \(bind: labels.joined(separator: ",")), \(bind: outcome.carrier?.rawValue ?? ""),
                    \(bind: outcome.service ?? ""), '', \(bind: sealed.buyer),
                    \(bind: sealed.shipTo), \(bind: draft.shipTo.prefecture), \(bind: sealed.phoneIndex),
                    \(bind: sealed.emailIndex ?? ""),
                    \(bind: purchaseCount), \(bind: true), \(bind: outcome.hold ?? ""), '[]', \(bind: lines.count),
                    \(bind: rules?.version), \(bind: flags.map(\.rawValue).joined(separator: ",")), \(bind: now),
                    \(bind: now))
                ON CONFLICT (tenant_id, channel, number) DO NOTHING
                RETURNING id
                """
            )
            guard !claimed.isEmpty else {
                // Already taken (on PostgreSQL a concurrent claim waited for the first to commit, and finds it).
                let rows = try await sql.all(
                    """
                    SELECT id, status FROM orders WHERE tenant_id = \(bind: sql.tenantID)
                      AND channel = \(bind: draft.channel) AND number = \(bind: draft.number)
                    """
                )
                guard let row = rows.first else { throw AppError.conflict("order_conflict") }
                return Outcome(
                    id: try row.decode(column: "id", as: UUID.self),
                    status: try row.stored("status", table: "orders"),
                    created: false
                )
            }
            let values: [SQLQueryString] = lines.enumerated().map { position, entry in
                """
                (\(bind: UUID()), \(bind: sql.tenantID), \(bind: id), \(bind: position), \(bind: entry.sku.id),
                 \(bind: entry.sku.code), \(bind: entry.name), \(bind: entry.line.quantity),
                 \(bind: entry.line.unitPrice), \(bind: entry.rate))
                """
            }
            try await sql.run(
                """
                INSERT INTO order_lines (id, tenant_id, order_id, position, sku_id, sku_code, name, quantity,
                    unit_price, tax_rate)
                VALUES \(values.joined(separator: ", "))
                """
            )
            let reservation = lines.map { ReservationLine(skuID: $0.sku.id, quantity: $0.line.quantity) }
            var status = initial
            var reason = source
            if let rules, !outcome.applied.isEmpty {
                reason += " / ルール v\(rules.version): " + outcome.applied.joined(separator: ", ")
            }
            do {
                try await sql.undoable {
                    try await ledger.reserve(reference: OrderWorkflow.reservationReference(id), lines: reservation)
                }
            } catch StockError.insufficient {
                let missing = try await StockLedger.shortfalls(reservation, on: sql)
                status = .onHold
                reason =
                    "\(Self.shortReason): "
                    + missing.map { "\($0.code) \($0.needed - $0.available)" }
                    .joined(separator: ", ")
                try await sql.run(
                    """
                    UPDATE orders SET status = \(bind: status.rawValue), reserved = \(bind: false),
                        hold_reason = \(bind: ([Self.shortReason] + (outcome.hold.map { [$0] } ?? [])).joined(separator: " / ")),
                        missing = \(bind: StoredJSON(missing).text)
                    WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: id)
                    """
                )
            }
            try await OrderWorkflow.count(sql, from: nil, to: status)
            try await OrderWorkflow.recordEvent(
                sql,
                order: id,
                from: nil,
                to: status,
                reason: reason,
                actor: actor,
                now: now
            )
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order.create",
                targetType: "order",
                targetID: id.uuidString,
                details: ["channel": draft.channel, "number": draft.number, "status": status.rawValue, "via": source],
                now: now
            )
            return Outcome(id: id, status: status, created: true)
        }
    }

    /// A SKU as an order line needs it.
    struct OrderSKU: Sendable {
        let id: UUID
        let code: String
        let taxClass: TaxClass
        /// The product's name with the variant, as the line shows it when the source gave no name.
        let displayName: String
        /// What the order rules see of it.
        let facts: LineFacts

        /// The SKU's columns an order reads, for `SELECT \(OrderSKU.columns) FROM skus s JOIN products p …`.
        static let columns: SQLQueryString =
            "s.id, s.code, s.tax_class, s.variant, s.cool_type, s.size_class, s.labels, p.name"

        /// From a row of `columns`.
        init(row: any SQLRow) throws {
            let variant = try row.decode(column: "variant", as: String.self)
            let name = try row.decode(column: "name", as: String.self)
            id = try row.decode(column: "id", as: UUID.self)
            code = try row.decode(column: "code", as: String.self)
            taxClass = try row.stored("tax_class", table: "skus")
            displayName = variant.isEmpty ? name : "\(name) \(variant)"
            facts = try LineFacts(row: row)
        }
    }

    /// What the order rules see of one line's SKU.
    struct LineFacts: Sendable, Equatable {
        let code: String
        let cool: CoolType
        let sizeClass: String
        let labels: [String]

        /// From a row with the SKU's `code`, `cool_type`, `size_class` and `labels`.
        init(row: any SQLRow) throws {
            code = try row.decode(column: "code", as: String.self)
            cool = try row.stored("cool_type", table: "skus")
            sizeClass = try row.decode(column: "size_class", as: String.self)
            labels = CatalogAPIController.split(try row.decode(column: "labels", as: String.self))
        }
    }

    /// The SKUs of `codes`, by code, in one statement.
    static func skus(_ codes: [String], _ sql: TenantSQL) async throws -> [String: OrderSKU] {
        let rows = try await sql.all(
            """
            SELECT \(OrderSKU.columns) FROM skus s
            JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
            WHERE s.tenant_id = \(bind: sql.tenantID) AND s.code IN (\(binds: Array(Set(codes))))
            """
        )
        var result: [String: OrderSKU] = [:]
        for row in rows {
            let sku = try OrderSKU(row: row)
            result[sku.code] = sku
        }
        return result
    }
}

/// An order's personal data sealed for storage, and the blind indexes that find its buyer again.
struct SealedOrder: Sendable {
    let id: UUID
    let buyer: String
    let shipTo: String
    let remarks: String
    let phoneIndex: String
    /// Nil when the buyer gave no e-mail (an empty address matches no other order).
    let emailIndex: String?

    init(_ draft: OrderDraft, id: UUID, cipher: FieldCipher) throws {
        self.id = id
        buyer = try cipher.seal(StoredJSON(draft.buyer).text, Self.context("buyer", id))
        shipTo = try cipher.seal(StoredJSON(draft.shipTo).text, Self.context("ship_to", id))
        remarks = draft.remarks.isEmpty ? "" : try cipher.seal(draft.remarks, Self.context("remarks", id))
        phoneIndex = try Self.phoneIndex(draft.buyer.phone, cipher)
        emailIndex = draft.buyer.email.isEmpty ? nil : try Self.emailIndex(draft.buyer.email, cipher)
    }

    static func context(_ column: String, _ id: UUID) -> FieldContext {
        FieldContext(table: "orders", column: column, rowID: id)
    }

    /// The blind index of a normalised phone number (digits only).
    static func phoneIndex(_ phone: String, _ cipher: FieldCipher) throws -> String {
        try cipher.blindIndex(phone, column: "orders.buyer_phone")
    }

    /// The blind index of a normalised e-mail address.
    static func emailIndex(_ email: String, _ cipher: FieldCipher) throws -> String {
        try cipher.blindIndex(email, column: "orders.buyer_email")
    }
}
