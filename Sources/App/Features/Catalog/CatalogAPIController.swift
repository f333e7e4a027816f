import Domain
import FluentKit
import SQLKit
import Vapor

/// `/api/v1/products` and `/api/v1/skus`: the product master over JSON.
struct CatalogAPIController {
    /// A SKU as the API shows it.
    struct SKUResponse: Content {
        let id: UUID
        let code: String
        let productCode: String?
        let variant: String
        let jan: String?
        let price: Int
        let taxClass: String
        let coolType: String
        let isSet: Bool
        let reorderPoint: Int?
        let labels: [String]
        let available: Int
    }

    /// A product with its SKUs.
    struct ProductResponse: Content {
        let id: UUID
        let code: String
        let name: String
        let supplier: String
        let labels: [String]
        let skus: [SKUResponse]
    }

    /// A page of results.
    struct PageResponse<Item: Content>: Content {
        let items: [Item]
        let page: Int
        let perPage: Int
        let total: Int
    }

    /// A listing to add or change: the SKU's item code and 表示在庫 rule on one channel.
    struct ListingInput: Content {
        var channel: String
        var itemCode: String
        var rule: String?
    }

    /// A listing as the API shows it.
    struct ListingResponse: Content {
        let channel: String
        let itemCode: String
        let rule: String
        let shown: Int
    }

    /// Paging and search query.
    struct ListQuery: Content {
        var q: String?
        var page: Int?
        var perPage: Int?
        var sort: String?
    }

    func register(api: TenantRoutes) {
        api.get("products", requires: .catalog, .read, use: listProducts)
        api.post("products", requires: .catalog, .write, use: createProduct)
        api.get("skus", requires: .catalog, .read, use: listSKUs)
        api.get("skus", ":skuID", requires: .catalog, .read, use: showSKU)
        api.get("skus", ":skuID", "listings", requires: .catalog, .read, use: listings)
        api.post("skus", ":skuID", "listings", requires: .catalog, .write, use: putListing)
    }

    @Sendable func listProducts(
        _ request: Request,
        _ context: TenantContext
    ) async throws -> PageResponse<ProductResponse> {
        let query = try request.query.decode(ListQuery.self)
        let (page, perPage) = try Self.paging(query, sorts: Self.productSorts)
        let builder = context.db.query(ProductRecord.self)
        if let q = query.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            builder.anyContains(q, in: ["code", "name"])
        }
        let total = try await builder.copy().count()
        switch query.sort {
        case "name": builder.sort(\.$name)
        case "-created": builder.sort(\.$createdAt, .descending)
        default: builder.sort(\.$code)
        }
        let products = try await builder.range(((page - 1) * perPage)..<(page * perPage)).all()
        let skus = try await context.db.query(SKURecord.self).filter(\.$productID ~~ products.map { $0.id! }).sort(
            \.$code
        ).all()
        let available = try await context.stockLedger.available(
            skus
        )
        let items = products.map { product in
            ProductResponse(
                id: product.id!,
                code: product.code,
                name: product.name,
                supplier: product.supplier,
                labels: Self.split(product.labels),
                skus: skus.filter { $0.productID == product.id }.map {
                    Self.response($0, product: product, available: available)
                }
            )
        }
        return PageResponse(items: items, page: page, perPage: perPage, total: total)
    }

    @Sendable func createProduct(_ request: Request, _ context: TenantContext) async throws -> Response {
        let input = try request.content.decode(ProductInput.self)
        let product = try await CatalogWriter(tdb: context.db, services: context.services, actor: context.actor).create(
            input
        )
        let skus = try await context.db.query(SKURecord.self).filter(\.$productID == product.id!).sort(\.$code).all()
        let available = try await context.stockLedger.available(
            skus
        )
        let body = ProductResponse(
            id: product.id!,
            code: product.code,
            name: product.name,
            supplier: product.supplier,
            labels: Self.split(product.labels),
            skus: skus.map { Self.response($0, product: product, available: available) }
        )
        let response = Response(status: .created)
        try response.content.encode(body)
        return response
    }

    @Sendable func listSKUs(_ request: Request, _ context: TenantContext) async throws -> PageResponse<SKUResponse> {
        let query = try request.query.decode(ListQuery.self)
        let (page, perPage) = try Self.paging(query, sorts: Self.skuSorts)
        // The count, the page and the page's available stock on one snapshot, in three statements.
        return try await context.db.read { sql in
            let search: SQLQueryString = SKUSearch.condition(query.q, tenantID: sql.tenantID).map { " AND \($0)" } ?? ""
            let total =
                try await sql.all(
                    "SELECT COUNT(*) AS total FROM skus WHERE tenant_id = \(bind: sql.tenantID)\(search)"
                ).first?.decode(column: "total", as: Int.self) ?? 0
            let rows = try await sql.all(
                """
                SELECT \(unsafeRaw: Self.skuColumns) FROM skus WHERE tenant_id = \(bind: sql.tenantID)\(search)
                ORDER BY code LIMIT \(bind: perPage) OFFSET \(bind: (page - 1) * perPage)
                """
            )
            let skus = try rows.map {
                (id: try $0.decode(column: "id", as: UUID.self), isSet: try $0.decode(column: "is_set", as: Bool.self))
            }
            let available = try await StockLedger.available(skus, on: sql)
            return PageResponse(
                items: try rows.map { try Self.response($0, productCode: nil, available: available) },
                page: page,
                perPage: perPage,
                total: total
            )
        }
    }

    @Sendable func showSKU(_ request: Request, _ context: TenantContext) async throws -> SKUResponse {
        guard let raw = request.parameters.get("skuID"), let id = UUID(uuidString: raw) else { throw AppError.notFound }
        // The SKU with its product code and its available stock, on one snapshot, in two statements.
        let found = try await context.db.read { sql -> SKUResponse? in
            let rows = try await sql.all(
                """
                SELECT \(unsafeRaw: Self.skuColumns), (SELECT p.code FROM products p
                    WHERE p.tenant_id = skus.tenant_id AND p.id = skus.product_id) AS product_code
                FROM skus WHERE tenant_id = \(bind: sql.tenantID) AND id = \(bind: id)
                """
            )
            guard let row = rows.first else { return nil }
            let isSet = try row.decode(column: "is_set", as: Bool.self)
            let available = try await StockLedger.available([(id, isSet)], on: sql)
            return try Self.response(
                row,
                productCode: try row.decode(column: "product_code", as: String?.self),
                available: available
            )
        }
        guard let found else { throw AppError.notFound }
        return found
    }

    /// The columns of `skus` an `SKUResponse` is made of.
    static let skuColumns = "id, code, variant, jan, price, tax_class, cool_type, is_set, reorder_point, labels"

    /// A SKU as the API shows it, from a row of `skuColumns`; a stored class Akinai does not know is an error.
    static func response(_ row: any SQLRow, productCode: String?, available: [UUID: Int]) throws -> SKUResponse {
        let id = try row.decode(column: "id", as: UUID.self)
        return SKUResponse(
            id: id,
            code: try row.decode(column: "code", as: String.self),
            productCode: productCode,
            variant: try row.decode(column: "variant", as: String.self),
            jan: try row.decode(column: "jan", as: String?.self),
            price: try row.decode(column: "price", as: Int.self),
            taxClass: try row.stored("tax_class", as: TaxClass.self, table: "skus").rawValue,
            coolType: try row.stored("cool_type", as: CoolType.self, table: "skus").rawValue,
            isSet: try row.decode(column: "is_set", as: Bool.self),
            reorderPoint: try row.decode(column: "reorder_point", as: Int?.self),
            labels: split(try row.decode(column: "labels", as: String.self)),
            available: available[id] ?? 0
        )
    }

    @Sendable func listings(_ request: Request, _ context: TenantContext) async throws -> [ListingResponse] {
        let sku = try await context.find(SKURecord.self, parameter: "skuID", in: request)
        return try await context.db.query(ChannelListingRecord.self).filter(\.$skuID == sku.id!).sort(\.$channel).all()
            .map { ListingResponse(channel: $0.channel, itemCode: $0.itemCode, rule: $0.rule, shown: $0.shown) }
    }

    /// Adds the SKU's listing on a channel, or changes its item code and rule; 表示在庫 is recomputed at once.
    @Sendable func putListing(_ request: Request, _ context: TenantContext) async throws -> ListingResponse {
        let sku = try await context.find(SKURecord.self, parameter: "skuID", in: request)
        let input = try request.content.decode(ListingInput.self)
        guard CatalogWriter.channels.contains(input.channel), (1...100).contains(input.itemCode.unicodeScalars.count)
        else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.listing_invalid",
                field: "channel"
            )
        }
        let rule: ChannelStockRule
        do {
            rule = try ChannelStockRule(text: input.rule ?? "all")
        } catch {
            throw AppError.invalid(error)
        }
        let now = context.now
        return try await context.db.transaction { tx in
            // Computed under the SKU's lock, from figures read after it, like every other change of channel stock.
            try await tx.lockSKURows([sku.id!])
            let available = try await StockLedger(tdb: tx, services: context.services, actor: context.actor).available([
                sku
            ])
            let shown = rule.shown(available: available[sku.id!] ?? 0)
            if let clash = try await tx.query(ChannelListingRecord.self).filter(\.$channel == input.channel)
                .filter(\.$itemCode == input.itemCode).first(), clash.skuID != sku.id
            {
                throw AppError(.conflict, code: "conflict", messageKey: "error.code_taken", field: "itemCode")
            }
            let listing =
                try await tx.query(ChannelListingRecord.self).filter(\.$skuID == sku.id!).filter(
                    \.$channel == input.channel
                )
                .first() ?? ChannelListingRecord()
            let old = listing.id == nil ? "" : "\(listing.itemCode) \(listing.rule)"
            if listing.id == nil {
                listing.id = UUID()
                listing.skuID = sku.id!
                listing.channel = input.channel
            }
            listing.itemCode = input.itemCode
            listing.rule = rule.text
            listing.shown = shown
            listing.updatedAt = now
            if old.isEmpty { try await tx.create(listing) } else { try await tx.update(listing) }
            try await context.audit(
                tx,
                action: "listing.save",
                targetType: "sku",
                targetID: sku.id!.uuidString,
                details: ["channel": input.channel, "old": old, "new": "\(input.itemCode) \(rule.text)"]
            )
            return ListingResponse(
                channel: listing.channel,
                itemCode: listing.itemCode,
                rule: listing.rule,
                shown: shown
            )
        }
    }

    static func response(_ sku: SKURecord, product: ProductRecord?, available: [UUID: Int]) -> SKUResponse {
        SKUResponse(
            id: sku.id!,
            code: sku.code,
            productCode: product?.code,
            variant: sku.variant,
            jan: sku.jan,
            price: sku.price,
            taxClass: sku.taxClass.rawValue,
            coolType: sku.coolType.rawValue,
            isSet: sku.isSet,
            reorderPoint: sku.reorderPoint,
            labels: split(sku.labels),
            available: available[sku.id!] ?? 0
        )
    }

    /// The page and page size asked for; out-of-range values and unknown sort keys are refused, never clamped.
    static func paging(_ query: ListQuery, sorts: Set<String>) throws -> (page: Int, perPage: Int) {
        let page = query.page ?? 1
        let perPage = query.perPage ?? 50
        guard (1...Self.maxPage).contains(page) else {
            throw AppError.invalid(FieldError(field: "page", reason: "page_invalid"))
        }
        guard (1...Self.maxPerPage).contains(perPage) else {
            throw AppError.invalid(FieldError(field: "perPage", reason: "page_invalid"))
        }
        if let sort = query.sort, !sorts.contains(sort) {
            throw AppError.invalid(FieldError(field: "sort", reason: "sort_invalid"))
        }
        return (page, perPage)
    }

    static let maxPage = 100_000
    static let maxPerPage = 200
    static let productSorts: Set<String> = ["code", "name", "-created"]
    static let skuSorts: Set<String> = ["code"]

    static func split(_ labels: String) -> [String] {
        labels.split(separator: ",").map(String.init)
    }
}
