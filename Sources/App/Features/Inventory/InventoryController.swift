import Domain
import FluentKit
import Vapor

/// 在庫: stock per SKU, and the stock-take (棚卸) page sized for a phone with a barcode scanner.
struct InventoryController {
    /// The list's query.
    struct Filter: Content {
        var q: String?
        var low: String?
        var sort: String?
        var page: Int?
    }

    /// One row of the stock list.
    struct Row: Encodable, Sendable {
        let code: String
        let variant: String
        let onHand: Int
        let reserved: Int
        let available: Int
        let reorderPoint: Int?
        let low: Bool
        let channels: String
    }

    /// The stock list page.
    struct StockPage: Encodable, Sendable {
        let rows: [Row]
        let filter: Filter
        let pager: Pager
    }

    /// The stock-take form: a scanned or typed barcode (JAN or SKU code) and the counted quantity.
    struct CountForm: Content {
        var barcode: String?
        var counted: String?
        var confirm: String?
    }

    /// The stock-take page: the form, or a count waiting for confirmation.
    struct StockTakePage: Encodable, Sendable {
        struct Pending: Encodable, Sendable {
            let barcode: String
            let code: String
            let variant: String
            let onHand: Int
            let counted: Int
            let difference: Int
        }
        let pending: Pending?
        let last: String?
    }

    func register(tenant: TenantRoutes) {
        tenant.get("inventory", requires: .inventory, .read, use: list)
        tenant.get("inventory", "stock-take", requires: .inventory, .write, use: showStockTake)
        tenant.post("inventory", "stock-take", requires: .inventory, .write, use: submitStockTake)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        var filter = try request.query.decode(Filter.self)
        let query = context.db.query(SKURecord.self).filter(\.$isSet == false).matching(filter.q, in: context.db)
        if filter.low != nil { query.filter(\.$reorderAlerted == true) }
        query.sort(\.$code, filter.sort == "-code" ? .descending : .ascending)
        let total = try await query.copy().count()
        let pager = Pager(
            requested: filter.page,
            total: total,
            parameters: ["q": filter.q, "low": filter.low, "sort": filter.sort]
        )
        filter.page = pager.page
        let skus = try await query.range(pager.range).all()
        let stock = context.stockLedger
        let figures = try await stock.figures(skus.map { $0.id! })
        let listings = try await context.db.query(ChannelListingRecord.self).filter(\.$skuID ~~ skus.map { $0.id! })
            .all()
        let rows = skus.map { sku in
            let f = figures[sku.id!] ?? StockFigures()
            let shown = listings.filter { $0.skuID == sku.id }.sorted { $0.channel < $1.channel }
                .map { "\($0.channel) \($0.shown)" }.joined(separator: " · ")
            return Row(
                code: sku.code,
                variant: sku.variant,
                onHand: f.onHand,
                reserved: f.reserved,
                available: f.available,
                reorderPoint: sku.reorderPoint,
                low: sku.reorderPoint.map { f.available <= $0 } ?? false,
                channels: shown
            )
        }
        let body = StockPage(
            rows: rows,
            filter: filter,
            pager: pager
        )
        return try await Pages.render(
            "inventory/index",
            titleKey: "nav.inventory",
            page: body,
            request: request,
            context: context
        )
    }

    @Sendable func showStockTake(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "inventory/stock_take",
            titleKey: "stock_take.title",
            page: StockTakePage(pending: nil, last: request.query[String.self, at: "done"]),
            request: request,
            context: context
        )
    }

    @Sendable func submitStockTake(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(CountForm.self)
        let barcode = (form.barcode ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        func fail(_ key: String) async throws -> Response {
            try await Pages.render(
                "inventory/stock_take",
                titleKey: "stock_take.title",
                page: StockTakePage(pending: nil, last: nil),
                request: request,
                context: context,
                status: .unprocessableEntity,
                error: key
            )
        }
        guard !barcode.isEmpty, barcode.count <= 64 else { return try await fail("error.sku_unknown") }
        guard let counted = Int(form.counted ?? ""), (0...1_000_000).contains(counted) else {
            return try await fail("error.quantity_invalid")
        }
        guard
            let sku = try await context.db.query(SKURecord.self).group(
                .or,
                { $0.filter(\.$jan == barcode).filter(\.$code == barcode) }
            )
            .filter(\.$isSet == false).first()
        else { return try await fail("error.sku_unknown") }
        let stock = context.stockLedger
        let warehouse = try await stock.defaultWarehouse()
        // A stock-take counts one warehouse: the default one.
        let onHand = try await stock.level(sku: sku.id!, warehouse: warehouse.typedID).onHand
        guard form.confirm == "yes" else {
            let pending = StockTakePage.Pending(
                barcode: barcode,
                code: sku.code,
                variant: sku.variant,
                onHand: onHand,
                counted: counted,
                difference: counted - onHand
            )
            return try await Pages.render(
                "inventory/stock_take",
                titleKey: "stock_take.title",
                page: StockTakePage(pending: pending, last: nil),
                request: request,
                context: context
            )
        }
        do {
            _ = try await stock.stockTake(sku: sku, warehouseID: warehouse.typedID, counted: counted, reference: "棚卸")
        } catch let error as StockError {
            throw error.appError
        }
        return request.redirect(to: "/inventory/stock-take?done=\(sku.code)", redirectType: .normal)
    }
}
