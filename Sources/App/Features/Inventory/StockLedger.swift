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
            try await afterChange(tx.sql, skuIDs: [sku.id!])
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
                let level = try await Self.level(tx.sql, sku: sku.id!, warehouse: warehouseID)
                throw StockError.insufficient(sku: sku.id!, requested: abs(quantity), available: level.available)
            }
            try await Self.record(
                tx.sql,
                [Entry(sku: sku.id!, onHand: onHandDelta, reserved: reservedDelta)],
                warehouse: warehouseID,
                kind: kind,
                reference: reference,
                reason: reason,
                actor: actor.label,
                now: now
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
            try await afterChange(tx.sql, skuIDs: [sku.id!])
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
    ///
    /// Hand-written statements only, in one transaction (`TenantDatabase.statements`): on SQLite it runs on the
    /// writer's thread without a hop per statement.
    @discardableResult
    func reserve(
        reference: String,
        lines: [ReservationLine],
        warehouseID: WarehouseID? = nil
    ) async throws -> ReservationRecord {
        do {
            return try await reserveOnce(reference: reference, lines: lines, warehouseID: warehouseID)
        } catch is NoDefaultWarehouse where Transactor.currentStatements == nil {
            // The shop's first reservation: make its default warehouse, then reserve.
            _ = try await defaultWarehouse()
            return try await reserveOnce(reference: reference, lines: lines, warehouseID: warehouseID)
        }
    }

    /// The shop has no default warehouse yet (its first reservation): made outside the transaction, then retried.
    struct NoDefaultWarehouse: Error {}

    /// A plain SKU an order needs more of than the default warehouse has available.
    struct Shortfall: Sendable, Codable, Equatable {
        let sku: UUID
        let code: String
        let needed: Int
        let available: Int
    }

    /// What `lines` lack in the default warehouse, sets as their components, read in the caller's transaction (after
    /// a reservation of them failed, to say which SKUs are missing and by how much).
    static func shortfalls(_ lines: [ReservationLine], on sql: TenantSQL) async throws -> [Shortfall] {
        let warehouse = try await defaultWarehouseID(sql)
        let needs = try SetProducts.expand(lines, components: try await components(of: lines.map(\.skuID), sql))
        guard !needs.isEmpty else { return [] }
        let rows = try await sql.all(
            """
            SELECT s.id, s.code, CAST(COALESCE(l.on_hand - l.reserved, 0) AS BIGINT) AS available
            FROM skus s LEFT JOIN stock_levels l
                ON l.tenant_id = s.tenant_id AND l.sku_id = s.id AND l.warehouse_id = \(bind: warehouse.uuid)
            WHERE s.tenant_id = \(bind: sql.tenantID) AND s.id IN (\(binds: needs.map(\.sku)))
            """
        )
        var figures: [UUID: (code: String, available: Int)] = [:]
        for row in rows {
            figures[try row.decode(column: "id", as: UUID.self)] = (
                try row.decode(column: "code", as: String.self), try row.decode(column: "available", as: Int.self)
            )
        }
        return needs.compactMap { need in
            let figure = figures[need.sku] ?? ("", 0)
            guard figure.available < need.quantity else { return nil }
            return Shortfall(
                sku: need.sku,
                code: figure.code,
                needed: need.quantity,
                available: max(0, figure.available)
            )
        }.sorted { $0.code < $1.code }
    }

    /// Before a transaction that reserves or settles stock for many orders at once (a file of orders, of tracking
    /// numbers), locks on PostgreSQL every stock row and SKU row it will change, in the order single reservations take
    /// them (stock rows by SKU, then SKUs and their sets by id). A single order taken in meanwhile then waits for the
    /// whole file, or the file for it, instead of each holding what the other needs next. On SQLite transactions run
    /// one at a time already.
    static func lockForBatch(_ skuIDs: [UUID], on sql: TenantSQL) async throws {
        guard !sql.isSQLite, !skuIDs.isEmpty else { return }
        let unique = Array(Set(skuIDs))
        var plain: Set<UUID> = []
        for start in stride(from: 0, to: unique.count, by: 5000) {
            let chunk = Array(unique[start..<min(start + 5000, unique.count)])
            let components = try await components(of: chunk, sql)
            for id in chunk {
                if let parts = components[id] { plain.formUnion(parts.map(\.sku)) } else { plain.insert(id) }
            }
        }
        let stock = plain.sorted { $0.uuidString < $1.uuidString }
        for start in stride(from: 0, to: stock.count, by: 5000) {
            let chunk = Array(stock[start..<min(start + 5000, stock.count)])
            try await sql.run(
                """
                SELECT id FROM stock_levels WHERE tenant_id = \(bind: sql.tenantID) AND sku_id IN (\(binds: chunk))
                ORDER BY sku_id, warehouse_id FOR NO KEY UPDATE
                """
            )
        }
        var concerned = Set(unique).union(plain)
        for start in stride(from: 0, to: stock.count, by: 5000) {
            let chunk = Array(stock[start..<min(start + 5000, stock.count)])
            let sets = try await sql.all(
                """
                SELECT DISTINCT set_sku_id FROM set_components
                WHERE tenant_id = \(bind: sql.tenantID) AND component_sku_id IN (\(binds: chunk))
                """
            )
            concerned.formUnion(try sets.map { try $0.decode(column: "set_sku_id", as: UUID.self) })
        }
        let skus = concerned.sorted { $0.uuidString < $1.uuidString }
        for start in stride(from: 0, to: skus.count, by: 5000) {
            let chunk = Array(skus[start..<min(start + 5000, skus.count)])
            try await sql.run(
                """
                SELECT id FROM skus WHERE tenant_id = \(bind: sql.tenantID) AND id IN (\(binds: chunk))
                ORDER BY id FOR NO KEY UPDATE
                """
            )
        }
    }

    /// The shop's default warehouse, read by hand-written SQL.
    private static func defaultWarehouseID(_ sql: TenantSQL) async throws -> WarehouseID {
        let rows = try await sql.all(
            """
            SELECT id FROM warehouses WHERE tenant_id = \(bind: sql.tenantID) AND is_default = \(bind: true)
            ORDER BY created_at LIMIT 1
            """
        )
        guard let row = rows.first else { throw NoDefaultWarehouse() }
        return WarehouseID(try row.decode(column: "id", as: UUID.self))
    }

    private func reserveOnce(
        reference: String,
        lines: [ReservationLine],
        warehouseID: WarehouseID?
    ) async throws -> ReservationRecord {
        let stamp = now
        let label = actor.label
        return try await tdb.statements { sql in
            let warehouse: WarehouseID
            if let warehouseID { warehouse = warehouseID } else { warehouse = try await Self.defaultWarehouseID(sql) }
            let needs = try SetProducts.expand(
                lines,
                components: try await Self.components(of: lines.map(\.skuID), sql)
            )
            // Claim the reference first. On PostgreSQL a concurrent claim of the same reference waits here until
            // the first transaction ends, then finds its row (committed) or takes the reference (rolled back), so
            // every request for one reference answers with the one reservation.
            let id = UUID()
            let claimed = try await sql.all(
                """
                INSERT INTO reservations (id, tenant_id, reference, status, lines, warehouse_id, created_at, updated_at)
                VALUES (\(bind: id), \(bind: sql.tenantID), \(bind: reference), \(bind: ReservationStatus.held.rawValue),
                    \(bind: Self.held(needs).text), \(bind: warehouse.uuid), \(bind: stamp), \(bind: stamp))
                ON CONFLICT (tenant_id, reference) DO NOTHING
                RETURNING id
                """
            )
            guard !claimed.isEmpty else {
                let rows = try await sql.all(
                    """
                    SELECT id, status, lines, warehouse_id, created_at, updated_at FROM reservations
                    WHERE tenant_id = \(bind: sql.tenantID) AND reference = \(bind: reference)
                    """
                )
                guard let row = rows.first else { throw StockError.notReserved }
                let existing = ReservationRecord()
                existing.id = try row.decode(column: "id", as: UUID.self)
                existing.tenantID = sql.tenantID
                existing.reference = reference
                existing.status = try row.stored("status", table: "reservations")
                existing.lines = try row.stored("lines", table: "reservations")
                existing.warehouseID = try row.decode(column: "warehouse_id", as: UUID.self)
                existing.createdAt = try row.decode(column: "created_at", as: Date.self)
                existing.updatedAt = try row.decode(column: "updated_at", as: Date.self)
                // A retry gets the reservation it made; the same reference for another order is refused.
                func key(_ lines: [(sku: UUID, quantity: Int)]) -> [String] {
                    lines.map { "\($0.sku) \($0.quantity)" }.sorted()
                }
                // Only a reservation still held is the one a retry asked for; one already released or committed is not
                // stock held now.
                guard key(existing.lines.value.map { ($0.sku, $0.quantity) }) == key(needs),
                    existing.warehouseID == warehouse.uuid, existing.status == .held
                else {
                    throw StockError.referenceReused
                }
                return existing
            }
            for need in needs {
                let rows = try await sql.all(
                    """
                    UPDATE stock_levels SET reserved = reserved + \(bind: need.quantity), updated_at = \(bind: stamp)
                    WHERE tenant_id = \(bind: sql.tenantID) AND sku_id = \(bind: need.sku) AND warehouse_id = \(bind: warehouse.uuid)
                      AND on_hand - reserved >= \(bind: need.quantity)
                    RETURNING reserved
                    """
                )
                guard !rows.isEmpty else {
                    let available = try await Self.level(sql, sku: need.sku, warehouse: warehouse).available
                    throw StockError.insufficient(sku: need.sku, requested: need.quantity, available: available)
                }
            }
            try await Self.record(
                sql,
                needs.map { Entry(sku: $0.sku, onHand: 0, reserved: $0.quantity) },
                warehouse: warehouse,
                kind: .reservation,
                reference: reference,
                actor: label,
                now: stamp
            )
            try await afterChange(sql, skuIDs: needs.map(\.sku))
            let reservation = ReservationRecord()
            reservation.id = id
            reservation.tenantID = sql.tenantID
            reservation.reference = reference
            reservation.status = .held
            reservation.lines = Self.held(needs)
            reservation.warehouseID = warehouse.uuid
            reservation.createdAt = stamp
            reservation.updatedAt = stamp
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
        let now = now
        let label = actor.label
        try await tdb.statements { sql in
            let status: ReservationStatus = kind == .sale ? .committed : .released
            let rows = try await sql.all(
                """
                UPDATE reservations SET status = \(bind: status.rawValue), updated_at = \(bind: now)
                WHERE tenant_id = \(bind: sql.tenantID) AND reference = \(bind: reference)
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
                let updated = try await sql.all(
                    """
                    UPDATE stock_levels SET on_hand = on_hand + \(bind: onHandFactor * need.quantity),
                        reserved = reserved + \(bind: reservedFactor * need.quantity), updated_at = \(bind: now)
                    WHERE tenant_id = \(bind: sql.tenantID) AND sku_id = \(bind: need.sku) AND warehouse_id = \(bind: warehouseID.uuid)
                      AND reserved >= \(bind: need.quantity) AND on_hand + \(bind: onHandFactor * need.quantity) >= 0
                    RETURNING reserved
                    """
                )
                // The ledger says this much is reserved; figures that disagree are refused, never driven negative.
                guard !updated.isEmpty else { throw StockError.notReserved }
            }
            try await Self.record(
                sql,
                needs.map {
                    Entry(sku: $0.sku, onHand: onHandFactor * $0.quantity, reserved: reservedFactor * $0.quantity)
                },
                warehouse: warehouseID,
                kind: kind,
                reference: reference,
                actor: label,
                now: now
            )
            try await afterChange(sql, skuIDs: needs.map(\.sku))
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
        try await Self.available(skus.map { (id: $0.id!, isSet: $0.isSet) }, on: (db ?? tdb).sql)
    }

    /// Available stock of SKUs in one statement: the plain ones summed over warehouses, and each component of the
    /// sets with its own sum, from which `SetProducts` derives the set's figure.
    static func available(_ skus: [(id: UUID, isSet: Bool)], on db: TenantSQL) async throws -> [UUID: Int] {
        let plain = skus.filter { !$0.isSet }.map(\.id)
        let sets = skus.filter(\.isSet).map(\.id)
        var parts: [SQLQueryString] = []
        if !plain.isEmpty {
            parts.append(
                """
                SELECT l.sku_id AS owner, 1 AS quantity, CAST(SUM(l.on_hand - l.reserved) AS BIGINT) AS available
                FROM stock_levels l WHERE l.tenant_id = \(bind: db.tenantID) AND l.sku_id IN (\(binds: plain))
                GROUP BY l.sku_id
                """
            )
        }
        if !sets.isEmpty {
            parts.append(
                """
                SELECT c.set_sku_id AS owner, c.quantity,
                    (SELECT CAST(COALESCE(SUM(l.on_hand - l.reserved), 0) AS BIGINT) FROM stock_levels l
                     WHERE l.tenant_id = c.tenant_id AND l.sku_id = c.component_sku_id) AS available
                FROM set_components c WHERE c.tenant_id = \(bind: db.tenantID) AND c.set_sku_id IN (\(binds: sets))
                """
            )
        }
        guard !parts.isEmpty else { return [:] }
        var plainFigures: [UUID: Int] = [:]
        var components: [UUID: [(available: Int, quantity: Int)]] = [:]
        let setIDs = Set(sets)
        for row in try await db.all(parts.joined(separator: " UNION ALL ")) {
            let owner = try row.decode(column: "owner", as: UUID.self)
            let available = try row.decode(column: "available", as: Int.self)
            if setIDs.contains(owner) {
                components[owner, default: []].append((available, try row.decode(column: "quantity", as: Int.self)))
            } else {
                plainFigures[owner] = available
            }
        }
        var result: [UUID: Int] = [:]
        for sku in skus {
            result[sku.id] =
                sku.isSet ? SetProducts.available(components: components[sku.id] ?? []) : plainFigures[sku.id] ?? 0
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
        try await Self.level(tdb.sql, sku: sku, warehouse: warehouse)
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

    private static func level(_ sql: TenantSQL, sku: UUID, warehouse: WarehouseID) async throws -> StockFigures {
        let rows = try await sql.all(
            """
            SELECT on_hand, reserved FROM stock_levels
            WHERE tenant_id = \(bind: sql.tenantID) AND sku_id = \(bind: sku) AND warehouse_id = \(bind: warehouse.uuid)
            """
        )
        guard let row = rows.first else { return StockFigures() }
        return StockFigures(
            onHand: try row.decode(column: "on_hand", as: Int.self),
            reserved: try row.decode(column: "reserved", as: Int.self)
        )
    }

    /// One ledger line: what a movement changes of one SKU's figures.
    private struct Entry {
        let sku: UUID
        let onHand: Int
        let reserved: Int
    }

    /// Writes the ledger entries of one movement (one per SKU) in one statement.
    private static func record(
        _ sql: TenantSQL,
        _ entries: [Entry],
        warehouse: WarehouseID,
        kind: MovementKind,
        reference: String,
        reason: String = "",
        actor: String,
        now: Date
    ) async throws {
        guard !entries.isEmpty else { return }
        let reference = String(reference.prefix(100))
        let reason = String(reason.prefix(200))
        let rows: [SQLQueryString] = entries.map {
            """
            (\(bind: UUID()), \(bind: sql.tenantID), \(bind: $0.sku), \(bind: warehouse.uuid), \(bind: kind.rawValue),
             \(bind: $0.onHand), \(bind: $0.reserved), \(bind: reference), \(bind: reason), \(bind: actor), \(bind: now))
            """
        }
        try await sql.run(
            """
            INSERT INTO stock_movements (id, tenant_id, sku_id, warehouse_id, kind, on_hand_delta, reserved_delta,
                reference, reason, actor_label, created_at)
            VALUES \(rows.joined(separator: ", "))
            """
        )
    }

    /// The components of every set among `skuIDs`, in one statement.
    private static func components(
        of skuIDs: [UUID],
        _ sql: TenantSQL
    ) async throws -> [UUID: [(sku: UUID, quantity: Int)]] {
        guard !skuIDs.isEmpty else { return [:] }
        let rows = try await sql.all(
            """
            SELECT set_sku_id, component_sku_id, quantity FROM set_components
            WHERE tenant_id = \(bind: sql.tenantID) AND set_sku_id IN (\(binds: Array(Set(skuIDs))))
            """
        )
        var result: [UUID: [(sku: UUID, quantity: Int)]] = [:]
        for row in rows {
            result[try row.decode(column: "set_sku_id", as: UUID.self), default: []].append(
                (
                    try row.decode(column: "component_sku_id", as: UUID.self),
                    try row.decode(column: "quantity", as: Int.self)
                )
            )
        }
        return result
    }

    /// After available stock of `skuIDs` changed: recompute the channel stock of them and of every set that
    /// contains them, and send reorder alerts for points crossed. Five statements, whatever the number of SKUs,
    /// sets and listings: the sets that contain them, the SKUs concerned, their listings, their available stock, and
    /// one update of the listings whose 表示在庫 changed (reorder flags and alert mails only when a point is crossed).
    ///
    /// On PostgreSQL the first statement locks the SKU rows concerned (changed SKUs and their sets) in id order, and
    /// the figures are read after that: two orders changing two components of one set at once then write the set's
    /// channel stock one after the other, the second from figures that include the first, never both from figures
    /// that miss the other's change. Every transaction takes its stock-row locks before these, so the two kinds of
    /// lock are always taken in the same order. On SQLite write transactions run one at a time.
    private func afterChange(_ sql: TenantSQL, skuIDs: [UUID]) async throws {
        let changed = Array(Set(skuIDs))
        guard !changed.isEmpty else { return }
        let lock: SQLQueryString = sql.isSQLite ? "" : "FOR NO KEY UPDATE"
        // The sets first, then every SKU concerned by its id: a list of ids is looked up by the primary key, where an
        // `OR` with a subquery would walk every SKU of the shop.
        let sets = try await sql.all(
            """
            SELECT DISTINCT set_sku_id FROM set_components
            WHERE tenant_id = \(bind: sql.tenantID) AND component_sku_id IN (\(binds: changed))
            """
        ).map { try $0.decode(column: "set_sku_id", as: UUID.self) }
        let rows = try await sql.all(
            """
            SELECT id, code, is_set, reorder_point, reorder_alerted FROM skus
            WHERE tenant_id = \(bind: sql.tenantID) AND id IN (\(binds: Array(Set(changed + sets))))
            ORDER BY id
            \(lock)
            """
        )
        struct Affected {
            let id: UUID
            let code: String
            let isSet: Bool
            let reorderPoint: Int?
            let reorderAlerted: Bool
        }
        var affected: [UUID: Affected] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            affected[id] = Affected(
                id: id,
                code: try row.decode(column: "code", as: String.self),
                isSet: try row.decode(column: "is_set", as: Bool.self),
                reorderPoint: try row.decode(column: "reorder_point", as: Int?.self),
                reorderAlerted: try row.decode(column: "reorder_alerted", as: Bool.self)
            )
        }
        guard !affected.isEmpty else { return }
        // Read after the lock, in statements of their own: on PostgreSQL a statement that waited for the lock still
        // sees the other tables as they were when it began, so listings and figures joined to it could be stale.
        let listings = try await sql.all(
            """
            SELECT id, sku_id, rule, shown FROM channel_listings
            WHERE tenant_id = \(bind: sql.tenantID) AND sku_id IN (\(binds: Array(affected.keys)))
            """
        ).map {
            (
                id: try $0.decode(column: "id", as: UUID.self), sku: try $0.decode(column: "sku_id", as: UUID.self),
                rule: try $0.decode(column: "rule", as: String.self),
                shown: try $0.decode(column: "shown", as: Int.self)
            )
        }
        let available = try await Self.available(affected.values.map { (id: $0.id, isSet: $0.isSet) }, on: sql)
        let stamp = now
        var newShown: [(id: UUID, shown: Int)] = []
        for listing in listings {
            let rule = (try? ChannelStockRule(text: listing.rule)) ?? .all
            let shown = rule.shown(available: available[listing.sku] ?? 0)
            if shown != listing.shown { newShown.append((listing.id, shown)) }
        }
        if !newShown.isEmpty {
            let cases: [SQLQueryString] = newShown.map { "WHEN \(bind: $0.id) THEN \(bind: $0.shown)" }
            try await sql.run(
                """
                UPDATE channel_listings SET shown = CASE id \(cases.joined(separator: " ")) END, updated_at = \(bind: stamp)
                WHERE tenant_id = \(bind: sql.tenantID) AND id IN (\(binds: newShown.map(\.id)))
                """
            )
        }
        for sku in affected.values.sorted(by: { $0.code < $1.code }) where !sku.isSet && sku.reorderPoint != nil {
            var alert = ReorderAlert(point: sku.reorderPoint, alerted: sku.reorderAlerted)
            let fire = alert.observe(available: available[sku.id] ?? 0)
            if alert.alerted != sku.reorderAlerted {
                try await sql.run(
                    """
                    UPDATE skus SET reorder_alerted = \(bind: alert.alerted)
                    WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: sku.id)
                    """
                )
            }
            if fire, let to = try await Self.reorderAlertEmail(sql) {
                try await MailOutbox.enqueue(
                    sql,
                    services: services,
                    to: to,
                    mail: MailTexts.reorderPointReached(
                        sku: sku.code,
                        point: sku.reorderPoint ?? 0,
                        available: available[sku.id] ?? 0
                    )
                )
            }
        }
    }

}

extension StockLedger {
    /// Where the shop wants reorder alerts, read by hand-written SQL (see `ShopSettings`).
    fileprivate static func reorderAlertEmail(_ sql: TenantSQL) async throws -> String? {
        let rows = try await sql.all("SELECT shop FROM tenant_settings WHERE tenant_id = \(bind: sql.tenantID)")
        return try rows.first?.stored("shop", as: StoredJSON<ShopSettings>.self, table: "tenant_settings").value
            .reorderAlertEmail
    }

    /// The stored form of a reservation's needs.
    static func held(_ needs: [(sku: UUID, quantity: Int)]) -> StoredJSON<[HeldQuantity]> {
        StoredJSON(needs.map { HeldQuantity(sku: $0.sku, quantity: $0.quantity) })
    }
}

extension TenantContext {
    /// The stock ledger of this request's tenant, acting as its user.
    var stockLedger: StockLedger { StockLedger(tdb: db, services: services, actor: actor) }
}
