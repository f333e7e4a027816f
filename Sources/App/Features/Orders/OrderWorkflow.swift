import Domain
import Foundation
import SQLKit

/// Moves orders through their workflow (`OrderStatus`), with what each move does to their stock, their history
/// and the audit trail, in one transaction.
///
/// The status changes by one conditional `UPDATE … WHERE status = <the state the move starts from>`: of any number
/// of concurrent moves of one order, one wins and the others find it changed (409), so a reservation is released or
/// committed once.
struct OrderWorkflow: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// Why a move was refused.
    enum Refusal: Error, Equatable {
        case notFound
        /// The workflow does not allow it from the order's state.
        case notAllowed(OrderTransitionError)
        /// The order is no longer in the state the move was asked from (another user or request moved it).
        case changed(current: OrderStatus)
        /// To become 出荷待ち the order needs its stock, which is still short.
        case stillShort([StockLedger.Shortfall])
        /// A reason longer than 200 characters or with control characters.
        case reasonInvalid
        /// A tracking number that is not 1–30 letters, digits and hyphens.
        case trackingInvalid

        var appError: AppError {
            switch self {
            case .notFound: .notFound
            case .notAllowed(let error):
                AppError(.conflict, code: "transition_not_allowed", messageKey: error.description, field: "to")
            case .changed: AppError.conflict("order_changed")
            case .stillShort: AppError(.conflict, code: "insufficient_stock", messageKey: "error.order_still_short")
            case .reasonInvalid:
                AppError(
                    .unprocessableEntity,
                    code: "validation_failed",
                    messageKey: "error.reason_invalid",
                    field: "reason"
                )
            case .trackingInvalid:
                AppError(
                    .unprocessableEntity,
                    code: "validation_failed",
                    messageKey: "error.tracking_invalid",
                    field: "tracking"
                )
            }
        }
    }

    /// A parcel handed to a carrier: who carries it and its slip number.
    struct Shipment: Sendable, Equatable {
        let carrier: Carrier
        let tracking: String

        /// 1–30 letters, digits and hyphens (slip numbers as carriers print them).
        init(carrier: Carrier, tracking raw: String) throws {
            let tracking = raw.trimmingCharacters(in: .whitespaces)
            guard (1...30).contains(tracking.count),
                tracking.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
            else { throw Refusal.trackingInvalid }
            self.carrier = carrier
            self.tracking = tracking
        }
    }

    /// The reference of an order's reservation in the stock ledger.
    static func reservationReference(_ id: UUID) -> String { "order:\(id.uuidString.lowercased())" }

    /// Whether `reference` is an order's own reservation (which only the workflow may change).
    static func isOrderReference(_ reference: String) -> Bool { reference.lowercased().hasPrefix("order:") }

    /// Moves order `id` to `target`. With `from`, only if the order is still in that state (a page's or a bulk
    /// selection's view of it). Returns the state it left.
    @discardableResult
    func move(
        _ id: UUID,
        to target: OrderStatus,
        reason rawReason: String = "",
        from: OrderStatus? = nil,
        shipment: Shipment? = nil
    ) async throws -> OrderStatus {
        let reason = rawReason.trimmingCharacters(in: .whitespacesAndNewlines)
        let reasonValid =
            reason.count <= 200 && !reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        let now = services.clock()
        let actor = actor
        let services = services
        let ledger = StockLedger(tdb: tdb, services: services, actor: actor)
        // Shipping mails the buyer, whose address is sealed.
        let cipher = target == .shipped ? try await services.keyStore.cipher(tdb) : nil
        return try await tdb.statements { sql in
            // On PostgreSQL the order's row is locked as it is read: its `reserved` flag cannot change between this
            // read and the update below (a cancel would otherwise skip the release of stock reserved meanwhile).
            let lock: SQLQueryString = sql.isSQLite ? "" : "FOR NO KEY UPDATE OF o"
            let rows = try await sql.all(
                """
                SELECT o.status, o.reserved, o.number, o.buyer, t.name AS shop FROM orders o
                JOIN tenants t ON t.id = o.tenant_id
                WHERE o.tenant_id = \(bind: sql.tenantID) AND o.id = \(bind: id)
                \(lock)
                """
            )
            guard let row = rows.first else { throw Refusal.notFound }
            // Checked after the order is found, so another shop's id is "not found" whatever the reason says.
            guard reasonValid else { throw Refusal.reasonInvalid }
            let current: OrderStatus = try row.stored("status", table: "orders")
            let reserved = try row.decode(column: "reserved", as: Bool.self)
            if let from, from != current { throw Refusal.changed(current: current) }
            let transition: OrderTransition
            do { transition = try current.transition(to: target) } catch let error as OrderTransitionError {
                throw Refusal.notAllowed(error)
            }
            // Whether the order holds its stock after the move: given back on cancel, gone on shipping, and taken
            // now if it had none (held for 在庫不足) and is to be shipped.
            let holdsAfter: Bool
            switch transition.reservation {
            case .release, .commit: holdsAfter = false
            case .keep: holdsAfter = reserved || target == .readyToShip
            }
            let leavesHold = current == .onHold
            let updated = try await sql.all(
                """
                UPDATE orders SET status = \(bind: target.rawValue), reserved = \(bind: holdsAfter),
                    hold_reason = \(bind: target == .onHold ? String(reason.prefix(100)) : ""),
                    carrier = \(shipment.map { "\(bind: $0.carrier.rawValue)" as SQLQueryString } ?? "carrier"),
                    tracking = \(shipment.map { "\(bind: $0.tracking)" as SQLQueryString } ?? "tracking"),
                    missing = CASE WHEN \(bind: leavesHold) THEN '[]' ELSE missing END, updated_at = \(bind: now)
                WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: id) AND status = \(bind: current.rawValue)
                RETURNING id
                """
            )
            guard !updated.isEmpty else {
                let now = try await sql.all(
                    "SELECT status FROM orders WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: id)"
                )
                throw Refusal.changed(current: try now.first?.stored("status", table: "orders") ?? current)
            }
            let reference = Self.reservationReference(id)
            switch transition.reservation {
            case .release where reserved:
                try await ledger.release(reference: reference)
            case .commit:
                // Only 出荷待ち ships, and an order becomes 出荷待ち only with its stock.
                guard reserved else { throw StockError.notReserved }
                try await ledger.commit(reference: reference)
            case .keep where !reserved && holdsAfter:
                try await reserveAgain(id, sql: sql, ledger: ledger)
            default:
                break
            }
            if target == .shipped, let cipher {
                try await Self.mailShipped(
                    sql,
                    row: row,
                    id: id,
                    shipment: shipment,
                    cipher: cipher,
                    services: services
                )
            }
            try await Self.count(sql, from: current, to: target)
            try await Self.recordEvent(
                sql,
                order: id,
                from: current,
                to: target,
                reason: reason,
                actor: actor,
                now: now
            )
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order.transition",
                targetType: "order",
                targetID: id.uuidString,
                details: ["from": current.rawValue, "to": target.rawValue, "reason": reason],
                now: now
            )
            return current
        }
    }

    /// Reserves the stock of an order that was held without it, or refuses with what is still short.
    private func reserveAgain(_ id: UUID, sql: TenantSQL, ledger: StockLedger) async throws {
        let rows = try await sql.all(
            """
            SELECT sku_id, quantity FROM order_lines WHERE tenant_id = \(bind: sql.tenantID) AND order_id = \(bind: id)
            ORDER BY position
            """
        )
        let lines = try rows.map {
            ReservationLine(
                skuID: try $0.decode(column: "sku_id", as: UUID.self),
                quantity: try $0.decode(column: "quantity", as: Int.self)
            )
        }
        do {
            try await sql.undoable {
                try await ledger.reserve(reference: Self.reservationReference(id), lines: lines)
            }
        } catch StockError.insufficient {
            throw Refusal.stillShort(try await StockLedger.shortfalls(lines, on: sql))
        }
    }

    /// Queues the shipped mail to the buyer, when the order has an e-mail address and a tracking number.
    private static func mailShipped(
        _ sql: TenantSQL,
        row: any SQLRow,
        id: UUID,
        shipment: Shipment?,
        cipher: FieldCipher,
        services: AppServices
    ) async throws {
        guard let shipment,
            let text = try? cipher.open(
                try row.decode(column: "buyer", as: String.self),
                SealedOrder.context("buyer", id)
            ),
            let buyer = try? JSONDecoder().decode(Addressee.self, from: Data(text.utf8)), !buyer.email.isEmpty
        else { return }
        try await MailOutbox.enqueue(
            sql,
            services: services,
            to: buyer.email,
            mail: MailTexts.orderShipped(
                shop: try row.decode(column: "shop", as: String.self),
                number: try row.decode(column: "number", as: String.self),
                buyer: buyer.name,
                carrier: shipment.carrier,
                tracking: shipment.tracking
            )
        )
    }

    /// On PostgreSQL, locks every counts row of the shop in status order, for a transaction that will change many of
    /// them (a file of orders), so a single move (which locks its two rows in that order) waits instead of deadlocking.
    static func lockCounts(_ sql: TenantSQL) async throws {
        guard !sql.isSQLite else { return }
        try await sql.run(
            "SELECT id FROM order_counts WHERE tenant_id = \(bind: sql.tenantID) ORDER BY status FOR NO KEY UPDATE"
        )
    }

    /// Keeps the counts per status: one order fewer in `from` (none for a new order), one more in `to`.
    static func count(_ sql: TenantSQL, from: OrderStatus?, to: OrderStatus) async throws {
        // In the order of the statuses, whichever way the move goes: two opposite moves lock the two rows in the same
        // order and wait for each other instead of deadlocking.
        let deltas = ([(to, 1)] + (from.map { [($0, -1)] } ?? [])).sorted { $0.0.rawValue < $1.0.rawValue }
        let changes: [SQLQueryString] = deltas.map {
            "(\(bind: UUID()), \(bind: sql.tenantID), \(bind: $0.0.rawValue), \(bind: $0.1))"
        }
        try await sql.run(
            """
            INSERT INTO order_counts (id, tenant_id, status, count) VALUES \(changes.joined(separator: ", "))
            ON CONFLICT (tenant_id, status) DO UPDATE SET count = order_counts.count + excluded.count
            """
        )
    }

    /// Appends a line to an order's history (who, when, from → to, why), numbered in the order they happened (moves
    /// of one order are serialised by the conditional update of its status).
    static func recordEvent(
        _ sql: TenantSQL,
        order: UUID,
        from: OrderStatus?,
        to: OrderStatus,
        reason: String,
        actor: AuditActor,
        now: Date
    ) async throws {
        try await sql.run(
            """
            INSERT INTO order_events (id, tenant_id, order_id, seq, occurred_at, actor_label, from_status, to_status,
                reason)
            VALUES (\(bind: UUID()), \(bind: sql.tenantID), \(bind: order),
                (SELECT COALESCE(MAX(e.seq), 0) + 1 FROM order_events e
                 WHERE e.tenant_id = \(bind: sql.tenantID) AND e.order_id = \(bind: order)),
                \(bind: now), \(bind: actor.label),
                \(bind: from?.rawValue ?? ""), \(bind: to.rawValue), \(bind: String(reason.prefix(200))))
            """
        )
    }
}

extension TenantContext {
    /// The order intake of this request's tenant, acting as its user.
    var orderIntake: OrderIntake { OrderIntake(tdb: db, services: services, actor: actor) }
    /// The order workflow of this request's tenant, acting as its user.
    var orderWorkflow: OrderWorkflow { OrderWorkflow(tdb: db, services: services, actor: actor) }
}
