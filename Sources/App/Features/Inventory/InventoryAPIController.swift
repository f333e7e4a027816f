import Domain
import FluentKit
import Vapor

/// `/api/v1/stock` and `/api/v1/reservations`: stock figures, movements and oversell-proof reservations.
struct InventoryAPIController {
    /// A stock movement request: a receipt, or an adjustment with its reason.
    struct MovementInput: Content {
        var sku: String
        var kind: String
        var quantity: Int
        var reason: String?
        var warehouse: String?
    }

    /// A transfer between warehouses, by warehouse code.
    struct TransferInput: Content {
        var sku: String
        var from: String
        var to: String
        var quantity: Int
    }

    /// A reservation request.
    struct ReservationInput: Content {
        struct Line: Content {
            var sku: String
            var quantity: Int
        }
        var reference: String
        var lines: [Line]
    }

    /// One SKU's stock.
    struct StockResponse: Content {
        let sku: String
        let onHand: Int
        let reserved: Int
        let available: Int
    }

    /// A reservation.
    struct ReservationResponse: Content {
        let reference: String
        let status: String
    }

    func register(api: TenantRoutes) {
        api.get("stock", ":skuID", requires: .inventory, .read, use: stock)
        api.post("stock", "movements", requires: .inventory, .write, use: movement)
        api.post("stock", "transfers", requires: .inventory, .write, use: transfer)
        api.post("reservations", requires: .inventory, .write, use: reserve)
        api.post("reservations", ":reference", "release", requires: .inventory, .write) {
            try await settle($0, $1, commit: false)
        }
        api.post("reservations", ":reference", "commit", requires: .inventory, .write) {
            try await settle($0, $1, commit: true)
        }
    }

    @Sendable func stock(_ request: Request, _ context: TenantContext) async throws -> StockResponse {
        guard let raw = request.parameters.get("skuID"), let id = UUID(uuidString: raw) else { throw AppError.notFound }
        // The SKU with its figures summed over warehouses, on one snapshot; a set's available stock is derived from
        // its components, and it holds no figures of its own.
        let found = try await context.db.read { sql -> StockResponse? in
            let rows = try await sql.all(
                """
                SELECT s.code, s.is_set, CAST(COALESCE(SUM(l.on_hand), 0) AS BIGINT) AS on_hand,
                    CAST(COALESCE(SUM(l.reserved), 0) AS BIGINT) AS reserved
                FROM skus s LEFT JOIN stock_levels l ON l.tenant_id = s.tenant_id AND l.sku_id = s.id
                WHERE s.tenant_id = \(bind: sql.tenantID) AND s.id = \(bind: id)
                GROUP BY s.id, s.code, s.is_set
                """
            )
            guard let row = rows.first else { return nil }
            let code = try row.decode(column: "code", as: String.self)
            guard try row.decode(column: "is_set", as: Bool.self) else {
                let figures = StockFigures(
                    onHand: try row.decode(column: "on_hand", as: Int.self),
                    reserved: try row.decode(column: "reserved", as: Int.self)
                )
                return StockResponse(
                    sku: code,
                    onHand: figures.onHand,
                    reserved: figures.reserved,
                    available: figures.available
                )
            }
            let available = try await StockLedger.available([(id, true)], on: sql)[id] ?? 0
            return StockResponse(sku: code, onHand: 0, reserved: 0, available: available)
        }
        guard let found else { throw AppError.notFound }
        return found
    }

    @Sendable func movement(_ request: Request, _ context: TenantContext) async throws -> Response {
        let input = try request.content.decode(MovementInput.self)
        // Receipts, returns of shipped goods (cancel) and adjustments; reservations and sales go through
        // /reservations, stock-takes through the stock-take page, transfers through /stock/transfers.
        guard let kind = MovementKind(rawValue: input.kind), [.receipt, .cancel, .adjustment].contains(kind) else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.kind_invalid",
                field: "kind"
            )
        }
        let reason = (input.reason ?? "").trimmingCharacters(in: .whitespaces)
        if kind == .adjustment, reason.isEmpty {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.reason_required",
                field: "reason"
            )
        }
        let limit = StockLimits.maxQuantity
        guard (-limit...limit).contains(input.quantity), input.quantity != 0, kind == .adjustment || input.quantity > 0
        else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.quantity_invalid",
                field: "quantity"
            )
        }
        guard let sku = try await context.db.query(SKURecord.self).filter(\.$code == input.sku).first() else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.sku_unknown",
                field: "sku"
            )
        }
        let service = context.stockLedger
        let warehouse = try await service.defaultWarehouse()
        do {
            try await service.move(
                sku: sku,
                warehouseID: warehouse.typedID,
                kind: kind,
                quantity: input.quantity,
                reason: reason
            )
        } catch let error as StockError {
            throw error.appError
        }
        return try await created(sku, context)
    }

    @Sendable func transfer(_ request: Request, _ context: TenantContext) async throws -> Response {
        let input = try request.content.decode(TransferInput.self)
        guard let sku = try await context.db.query(SKURecord.self).filter(\.$code == input.sku).first() else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.sku_unknown",
                field: "sku"
            )
        }
        let warehouses = try await context.db.query(WarehouseRecord.self).filter(\.$code ~~ [input.from, input.to])
            .all()
        guard let from = warehouses.first(where: { $0.code == input.from }),
            let to = warehouses.first(where: { $0.code == input.to }),
            (1...StockLimits.maxQuantity).contains(input.quantity)
        else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.transfer_invalid")
        }
        do {
            try await context.stockLedger.transfer(
                sku: sku,
                from: from.typedID,
                to: to.typedID,
                quantity: input.quantity
            )
        } catch let error as StockError {
            throw error.appError
        }
        return try await created(sku, context)
    }

    /// 201 with the SKU's figures over all warehouses, after a movement or transfer.
    private func created(_ sku: SKURecord, _ context: TenantContext) async throws -> Response {
        let figures = try await context.stockLedger.figures([sku.id!])[sku.id!] ?? StockFigures()
        let response = Response(status: .created)
        try response.content.encode(
            StockResponse(
                sku: sku.code,
                onHand: figures.onHand,
                reserved: figures.reserved,
                available: figures.available
            )
        )
        return response
    }

    @Sendable func reserve(_ request: Request, _ context: TenantContext) async throws -> Response {
        let input = try request.content.decode(ReservationInput.self)
        let reference = input.reference.trimmingCharacters(in: .whitespaces)
        // Orders' own reservations (`order:…`) are the order workflow's to make, release and commit.
        guard !reference.isEmpty, input.reference.unicodeScalars.count <= 100, !input.lines.isEmpty,
            input.lines.count <= StockLimits.maxLines, !OrderWorkflow.isOrderReference(reference)
        else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.reservation_invalid")
        }
        for (index, line) in input.lines.enumerated() where !(1...StockLimits.maxQuantity).contains(line.quantity) {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.quantity_out_of_range",
                field: "lines[\(index)].quantity"
            )
        }
        let codes = Array(Set(input.lines.map(\.sku)))
        let skus = try await context.db.query(SKURecord.self).filter(\.$code ~~ codes).all()
        let byCode = Dictionary(uniqueKeysWithValues: skus.map { ($0.code, $0.id!) })
        var lines: [ReservationLine] = []
        for (index, line) in input.lines.enumerated() {
            guard let id = byCode[line.sku] else {
                throw AppError(
                    .unprocessableEntity,
                    code: "validation_failed",
                    messageKey: "error.sku_unknown",
                    field: "lines[\(index)].sku"
                )
            }
            lines.append(ReservationLine(skuID: id, quantity: line.quantity))
        }
        do {
            let reservation = try await context.stockLedger.reserve(reference: reference, lines: lines)
            let response = Response(status: .created)
            try response.content.encode(
                ReservationResponse(reference: reservation.reference, status: reservation.status.rawValue)
            )
            return response
        } catch let error as StockError {
            throw error.appError
        }
    }

    func settle(_ request: Request, _ context: TenantContext, commit: Bool) async throws -> ReservationResponse {
        guard let reference = request.parameters.get("reference"), !OrderWorkflow.isOrderReference(reference),
            try await context.db.query(ReservationRecord.self).filter(\.$reference == reference).first() != nil
        else { throw AppError.notFound }
        do {
            if commit {
                try await context.stockLedger.commit(reference: reference)
            } else {
                try await context.stockLedger.release(reference: reference)
            }
        } catch let error as StockError {
            throw error.appError
        }
        return ReservationResponse(reference: reference, status: commit ? "committed" : "released")
    }
}
