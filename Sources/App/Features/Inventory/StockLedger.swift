import Domain
import FluentKit
import Foundation
import SQLKit

/// Every change of stock goes through here: a ledger entry and the figures it changes, in one transaction,
/// followed by the channel stock and reorder alerts that depend on them.
///
/// Reservation is oversell-proof under any concurrency: each component's row is decremented by one
/// conditional `UPDATE … WHERE on_hand - reserved >= n RETURNING`, in SKU order. On PostgreSQL the row lock
/// makes a concurrent reservation wait and then re-check the condition; on SQLite transactions run one at a
/// time. A line that does not fit rolls back the whole order.
struct StockLedger: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    private var now: Date { services.clock() }

    /// The tenant's default warehouse, created on first use.
    func defaultWarehouse() async throws -> WarehouseRecord {
        if let existing = try await tdb.query(WarehouseRecord.self).filter(\.$isDefault == true).first() {
            return existing
        }
        let warehouse = WarehouseRecord(tenantID: tdb.tenantID, code: "main", name: "本倉庫", isDefault: true, now: now)
        try await tdb.create(warehouse)
        return warehouse
    }

    // MARK: Movements

    /// Records a movement of `quantity` (signed for adjustments and stock-takes) and applies it to the figures.
    /// On hand never goes below zero, nor below what is reserved for anything but a stock-take.
    func move(
        sku: SKURecord,
        warehouseID: WarehouseID,
        kind: MovementKind,
        quantity: Int,
        reference: String = "",
        reason: String = ""
    ) async throws {
        try await tdb.transaction { tx in
            try await apply(
                tx,
                sku: sku,
                warehouseID: warehouseID,
                kind: kind,
                quantity: quantity,
                reference: reference,
                reason: reason
            )
            try await afterChange(tx, skuIDs: [sku.id!])
        }
    }

    /// The ledger entry and the figures of one movement, inside the caller's transaction; the caller then calls
    /// `afterChange` once, after every stock row of its transaction is changed.
    private func apply(
        _ tx: TenantDatabase,
        sku: SKURecord,
        warehouseID: WarehouseID,
        kind: MovementKind,
        quantity: Int,
        reference: String,
        reason: String
    ) async throws {
        guard !sku.isSet else { throw StockError.invalidComposition }
        guard quantity != 0 || kind == .stockTake else { throw StockError.invalidQuantity }
        let (onHandDelta, reservedDelta) = kind.deltas(quantity)
        do {
            let stamp = now
            // Make sure the row exists, then change it only if the result stays valid.
            try await ensureLevel(tx, sku: sku.id!, warehouse: warehouseID)
            let floor: SQLQueryString = kind == .stockTake ? "0" : "reserved + \(bind: -reservedDelta)"
            let rows = try await tx.sql.all(
                """
                UPDATE stock_levels SET on_hand = on_hand + \(bind: onHandDelta), reserved = reserved + \(bind: reservedDelta),
                    updated_at = \(bind: stamp)
                WHERE tenant_id = \(bind: tx.tenantID) AND sku_id = \(bind: sku.id!) AND warehouse_id = \(bind: warehouseID.uuid)
                  AND on_hand + \(bind: onHandDelta) >= 0 AND on_hand + \(bind: onHandDelta) >= \(floor)
                  AND reserved + \(bind: reservedDelta) >= 0
                RETURNING on_hand, reserved
                """
            )
            guard !rows.isEmpty else {
                let level = try await level(tx, sku: sku.id!, warehouse: warehouseID)
                throw StockError.insufficient(sku: sku.id!, requested: abs(quantity), available: level.available)
            }
            try await record(
                tx,
                sku: sku.id!,
                warehouse: warehouseID,
                kind: kind,
                onHand: onHandDelta,
                reserved: reservedDelta,
                reference: reference,
                reason: reason
            )
        }
    }

    /// Moves `quantity` from one warehouse to another: two ledger entries in one transaction. Only available
    /// stock moves; what is reserved stays where it is.
    func transfer(sku: SKURecord, from: WarehouseID, to: WarehouseID, quantity: Int) async throws {
        guard quantity > 0, from != to else { throw StockError.invalidQuantity }
        try await tdb.transaction { tx in
            let reference = "transfer \(from.uuid.uuidString.prefix(8))→\(to.uuid.uuidString.prefix(8))"
            // The two rows are changed in warehouse-id order, whichever way the goods go, so two opposite transfers
            // of one SKU wait for each other instead of deadlocking. A source short of stock rolls back both.
            let legs = [(from, -quantity), (to, quantity)].sorted { $0.0.uuid.uuidString < $1.0.uuid.uuidString }
            for (warehouse, signed) in legs {
                try await apply(
                    tx,
                    sku: sku,
                    warehouseID: warehouse,
                    kind: .transfer,
                    quantity: signed,
                    reference: reference,
                    reason: ""
                )
            }
            try await afterChange(tx, skuIDs: [sku.id!])
        }
    }

    /// A stock-take: the counted quantity replaces on hand, through an adjustment of the difference, with its
    /// audit event, in one transaction. The figure it replaces is read inside that transaction under the row's
    /// lock, so two submissions of the same count (a double tap) leave on hand at the count, not below it.
    /// Returns on hand before the count and the difference applied.
    func stockTake(
        sku: SKURecord,
        warehouseID: WarehouseID,
        counted: Int,
        reference: String = ""
    ) async throws -> (
        was: Int, difference: Int
    ) {
        guard (0...StockLimits.maxQuantity).contains(counted), !sku.isSet else { throw StockError.invalidQuantity }
        return try await tdb.transaction { tx in
            try await ensureLevel(tx, sku: sku.id!, warehouse: warehouseID)
            let lock: SQLQueryString = tx.isSQLite ? "" : "FOR NO KEY UPDATE"
            let rows = try await tx.sql.all(
                """
                SELECT on_hand FROM stock_levels
                WHERE tenant_id = \(bind: tx.tenantID) AND sku_id = \(bind: sku.id!) AND warehouse_id = \(bind: warehouseID.uuid)
                \(lock)
                """
            )
            let was = try rows.first?.decode(column: "on_hand", as: Int.self) ?? 0
            let difference = counted - was
            if difference != 0 {
                try await StockLedger(tdb: tx, services: services, actor: actor).move(
                    sku: sku,
                    warehouseID: warehouseID,
                    kind: .stockTake,
                    quantity: difference,
                    reference: reference,
                    reason: "棚卸"
                )
            }
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "stock.count",
                targetType: "sku",
                targetID: sku.id!.uuidString,
                details: ["code": sku.code, "counted": String(counted), "was": String(was)],
                now: now
            )
            return (was, difference)
        }
    }

    // MARK: Reservations

    /// Reserves every line of an order (sets as their components) or nothing. The same reference reserves once.
    @discardableResult
    func reserve(
        reference: String,
        lines: [ReservationLine],
        warehouseID: WarehouseID? = nil
    ) async throws -> ReservationRecord {
        let warehouse: WarehouseID
        if let warehouseID { warehouse = warehouseID } else { warehouse = try await defaultWarehouse().typedID }
        let components = try await setComponents(of: lines.map(\.skuID))
        let needs = try SetProducts.expand(lines, components: components)
        return try await tdb.transaction { tx in
            let stamp = now
            // Claim the reference first. On PostgreSQL a concurrent claim of the same reference waits here until
            // the first transaction ends, then finds its row (committed) or takes the reference (rolled back), so
            // every request for one reference answers with the one reservation.
            let id = UUID()
            let claimed = try await tx.sql.all(
                """
                INSERT INTO reservations (id, tenant_id, reference, status, lines, warehouse_id, created_at, updated_at)
                VALUES (\(bind: id), \(bind: tx.tenantID), \(bind: reference), \(bind: ReservationStatus.held.rawValue),
                    \(bind: Self.held(needs).text), \(bind: warehouse.uuid), \(bind: stamp), \(bind: stamp))
                ON CONFLICT (tenant_id, reference) DO NOTHING
                RETURNING id
                """
            )
            guard !claimed.isEmpty else {
                guard
                    let existing = try await tx.query(ReservationRecord.self).filter(\.$reference == reference).first()
                else { throw StockError.notReserved }
                // A retry gets the reservation it made; the same reference for another order is refused.
                func key(_ lines: [(sku: UUID, quantity: Int)]) -> [String] {
                    lines.map { "\($0.sku) \($0.quantity)" }.sorted()
                }
                guard key(existing.lines.value.map { ($0.sku, $0.quantity) }) == key(needs),
                    existing.warehouseID == warehouse.uuid
                else {
                    throw StockError.referenceReused
                }
                return existing
            }
            for need in needs {
                let rows = try await tx.sql.all(
                    """
                    UPDATE stock_levels SET reserved = reserved + \(bind: need.quantity), updated_at = \(bind: stamp)
                    WHERE tenant_id = \(bind: tx.tenantID) AND sku_id = \(bind: need.sku) AND warehouse_id = \(bind: warehouse.uuid)
                      AND on_hand - reserved >= \(bind: need.quantity)
                    RETURNING reserved
                    """
                )
                guard !rows.isEmpty else {
                    let available = try await level(tx, sku: need.sku, warehouse: warehouse).available
                    throw StockError.insufficient(sku: need.sku, requested: need.quantity, available: available)
                }
                try await record(
                    tx,
                    sku: need.sku,
                    warehouse: warehouse,
                    kind: .reservation,
                    onHand: 0,
                    reserved: need.quantity,
                    reference: reference,
                    reason: ""
                )
            }
            try await afterChange(tx, skuIDs: needs.map(\.sku))
            guard let reservation = try await tx.find(ReservationRecord.self, id) else { throw StockError.notReserved }
            return reservation
        }
    }

    /// Gives a held reservation's stock back (the order was cancelled before shipping).
    func release(reference: String) async throws {
        try await settle(reference: reference, kind: .release)
    }

    /// The reserved goods shipped: on hand and reserved fall together.
    func commit(reference: String) async throws {
        try await settle(reference: reference, kind: .sale)
    }

    /// Settles a held reservation once. The status changes from `held` in one conditional UPDATE: of any number
    /// of concurrent settles, exactly one gets the row back and moves stock; the others find it settled (409).
    private func settle(reference: String, kind: MovementKind) async throws {
        try await tdb.transaction { tx in
            let status: ReservationStatus = kind == .sale ? .committed : .released
            let rows = try await tx.sql.all(
                """
                UPDATE reservations SET status = \(bind: status.rawValue), updated_at = \(bind: now)
                WHERE tenant_id = \(bind: tx.tenantID) AND reference = \(bind: reference)
                  AND status = \(bind: ReservationStatus.held.rawValue)
                RETURNING lines, warehouse_id
                """
            )
            guard let row = rows.first else { throw StockError.notReserved }
            let needs = try row.decode(column: "lines", as: StoredJSON<[HeldQuantity]>.self).value.map {
                (sku: $0.sku, quantity: $0.quantity)
            }
            let warehouseID = WarehouseID(try row.decode(column: "warehouse_id", as: UUID.self))
            let (onHandFactor, reservedFactor) = kind.deltas(1)
            for need in needs {
                let updated = try await tx.sql.all(
                    """
                    UPDATE stock_levels SET on_hand = on_hand + \(bind: onHandFactor * need.quantity),
                        reserved = reserved + \(bind: reservedFactor * need.quantity), updated_at = \(bind: now)
                    WHERE tenant_id = \(bind: tx.tenantID) AND sku_id = \(bind: need.sku) AND warehouse_id = \(bind: warehouseID.uuid)
                      AND reserved >= \(bind: need.quantity) AND on_hand + \(bind: onHandFactor * need.quantity) >= 0
                    RETURNING reserved
                    """
                )
                // The ledger says this much is reserved; figures that disagree are refused, never driven negative.
                guard !updated.isEmpty else { throw StockError.notReserved }
                try await record(
                    tx,
                    sku: need.sku,
                    warehouse: warehouseID,
                    kind: kind,
                    onHand: onHandFactor * need.quantity,
                    reserved: reservedFactor * need.quantity,
                    reference: reference,
                    reason: ""
                )
            }
            try await afterChange(tx, skuIDs: needs.map(\.sku))
        }
    }

    // MARK: Figures

    /// Figures summed over warehouses, for plain SKUs.
    func figures(_ skuIDs: [UUID], on db: TenantDatabase? = nil) async throws -> [UUID: StockFigures] {
        guard !skuIDs.isEmpty else { return [:] }
        let levels = try await (db ?? tdb).query(StockLevelRecord.self).filter(\.$skuID ~~ skuIDs).all()
        var result: [UUID: StockFigures] = [:]
        for level in levels {
            result[level.skuID, default: StockFigures()].onHand += level.onHand
            result[level.skuID, default: StockFigures()].reserved += level.reserved
        }
        return result
    }

    /// Available stock of SKUs, sets derived from their components.
    func available(_ skus: [SKURecord], on db: TenantDatabase? = nil) async throws -> [UUID: Int] {
        let db = db ?? tdb
        let components = try await setComponents(of: skus.filter(\.isSet).map { $0.id! }, on: db)
        let plainIDs = Set(skus.filter { !$0.isSet }.map { $0.id! } + components.values.flatMap { $0.map(\.sku) })
        let figures = try await figures(Array(plainIDs), on: db)
        var result: [UUID: Int] = [:]
        for sku in skus {
            if sku.isSet {
                let parts = components[sku.id!] ?? []
                result[sku.id!] = SetProducts.available(
                    components: parts.map { (figures[$0.sku]?.available ?? 0, $0.quantity) }
                )
            } else {
                result[sku.id!] = figures[sku.id!]?.available ?? 0
            }
        }
        return result
    }

    /// Compares every stock row with the sum of its ledger; returns the rows that differ (and, with `repair`,
    /// sets them to the ledger's figures).
    func rebuild(
        repair: Bool
    ) async throws -> [(sku: UUID, warehouse: UUID, stored: StockFigures, ledger: StockFigures)] {
        try await tdb.transaction { tx in
            let movements = try await tx.query(StockMovementRecord.self).all()
            var ledger: [String: StockFigures] = [:]
            for m in movements {
                let key = "\(m.skuID)|\(m.warehouseID)"
                ledger[key, default: StockFigures()].onHand += m.onHandDelta
                ledger[key, default: StockFigures()].reserved += m.reservedDelta
            }
            var differences: [(UUID, UUID, StockFigures, StockFigures)] = []
            for level in try await tx.query(StockLevelRecord.self).all() {
                let expected = ledger["\(level.skuID)|\(level.warehouseID)"] ?? StockFigures()
                if expected != level.figures {
                    differences.append((level.skuID, level.warehouseID, level.figures, expected))
                    if repair {
                        level.onHand = expected.onHand
                        level.reserved = expected.reserved
                        try await tx.update(level)
                    }
                }
            }
            return differences
        }
    }

    // MARK: Helpers

    /// The figures of one SKU in one warehouse.
    func level(sku: UUID, warehouse: WarehouseID) async throws -> StockFigures {
        try await level(tdb, sku: sku, warehouse: warehouse)
    }

    /// Inserts the (SKU, warehouse) figures row at zero if it does not exist yet.
    private func ensureLevel(_ tx: TenantDatabase, sku: UUID, warehouse: WarehouseID) async throws {
        try await tx.sql.run(
            """
            INSERT INTO stock_levels (id, tenant_id, sku_id, warehouse_id, on_hand, reserved, updated_at)
            VALUES (\(bind: UUID()), \(bind: tx.tenantID), \(bind: sku), \(bind: warehouse.uuid), 0, 0, \(bind: now))
            ON CONFLICT (tenant_id, sku_id, warehouse_id) DO NOTHING
            """
        )
    }

    private func level(_ db: TenantDatabase, sku: UUID, warehouse: WarehouseID) async throws -> StockFigures {
        try await db.query(StockLevelRecord.self).filter(\.$skuID == sku).filter(\.$warehouseID == warehouse.uuid)
            .first()?
            .figures ?? StockFigures()
    }

    private func record(
        _ tx: TenantDatabase,
        sku: UUID,
        warehouse: WarehouseID,
        kind: MovementKind,
        onHand: Int,
        reserved: Int,
        reference: String,
        reason: String
    ) async throws {
        let movement = StockMovementRecord()
        movement.id = UUID()
        movement.skuID = sku
        movement.warehouseID = warehouse.uuid
        movement.kind = kind
        movement.onHandDelta = onHand
        movement.reservedDelta = reserved
        movement.reference = String(reference.prefix(100))
        movement.reason = String(reason.prefix(200))
        movement.actorLabel = actor.label
        movement.createdAt = now
        try await tx.create(movement)
    }

    /// The components of every set among `skuIDs`.
    func setComponents(
        of skuIDs: [UUID],
        on db: TenantDatabase? = nil
    ) async throws -> [UUID: [(sku: UUID, quantity: Int)]] {
        guard !skuIDs.isEmpty else { return [:] }
        let rows = try await (db ?? tdb).query(SetComponentRecord.self).filter(\.$setSKUID ~~ skuIDs).all()
        return Dictionary(grouping: rows, by: \.setSKUID).mapValues { $0.map { ($0.componentSKUID, $0.quantity) } }
    }

    /// After available stock of `skuIDs` changed: recompute the channel stock of them and of every set that
    /// contains them, and send reorder alerts for points crossed.
    ///
    /// On PostgreSQL the SKU rows concerned (changed SKUs and their sets) are locked first, in id order, and the
    /// figures are read after that: two orders changing two components of one set at once then write the set's
    /// channel stock one after the other, the second from figures that include the first, never both from figures
    /// that miss the other's change. Every transaction takes its stock-row locks before these, so the two kinds of
    /// lock are always taken in the same order. On SQLite write transactions run one at a time.
    private func afterChange(_ tx: TenantDatabase, skuIDs: [UUID]) async throws {
        let containing = try await tx.query(SetComponentRecord.self).filter(\.$componentSKUID ~~ skuIDs).all().map(
            \.setSKUID
        )
        try await tx.lockSKURows(skuIDs + containing)
        let affected = try await tx.query(SKURecord.self).filter(\.$id ~~ (skuIDs + containing)).all()
        let available = try await available(affected, on: tx)
        let listings = try await tx.query(ChannelListingRecord.self).filter(\.$skuID ~~ affected.map { $0.id! }).all()
        for listing in listings {
            let rule = (try? ChannelStockRule(text: listing.rule)) ?? .all
            let shown = rule.shown(available: available[listing.skuID] ?? 0)
            if shown != listing.shown {
                listing.shown = shown
                listing.updatedAt = now
                try await tx.update(listing)
            }
        }
        for sku in affected where !sku.isSet && sku.reorderPoint != nil {
            var alert = ReorderAlert(point: sku.reorderPoint, alerted: sku.reorderAlerted)
            let fire = alert.observe(available: available[sku.id!] ?? 0)
            if alert.alerted != sku.reorderAlerted {
                sku.reorderAlerted = alert.alerted
                try await tx.update(sku)
            }
            if fire, let to = try await tx.shopSettings().reorderAlertEmail {
                try await MailOutbox.enqueue(
                    tx,
                    services: services,
                    to: to,
                    mail: MailTexts.reorderPointReached(
                        sku: sku.code,
                        point: sku.reorderPoint ?? 0,
                        available: available[sku.id!] ?? 0
                    )
                )
            }
        }
    }

}

extension StockLedger {
    /// The stored form of a reservation's needs.
    static func held(_ needs: [(sku: UUID, quantity: Int)]) -> StoredJSON<[HeldQuantity]> {
        StoredJSON(needs.map { HeldQuantity(sku: $0.sku, quantity: $0.quantity) })
    }
}

extension TenantContext {
    /// The stock ledger of this request's tenant, acting as its user.
    var stockLedger: StockLedger { StockLedger(tdb: db, services: services, actor: actor) }
}
