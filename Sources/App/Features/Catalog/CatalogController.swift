import Domain
import FluentKit
import Vapor

/// 商品: the SKU list of the product master, searched, filtered, sorted and paginated on the server.
struct CatalogController {
    /// The list's query.
    struct Filter: Content {
        var q: String?
        var cool: String?
        var tax: String?
        var sort: String?
        var page: Int?
    }

    /// One row.
    struct Row: Encodable, Sendable {
        let code: String
        let product: String
        let variant: String
        let jan: String
        let price: Int
        let tax: String
        let cool: String
        let isSet: Bool
        let available: Int
    }

    /// The page.
    struct CatalogPage: Encodable, Sendable {
        let rows: [Row]
        let filter: Filter
        let pager: Pager
    }

    func register(tenant: TenantRoutes) {
        tenant.get("catalog", requires: .catalog, .read, use: list)
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        var filter = try request.query.decode(Filter.self)
        let query = context.db.query(SKURecord.self).matching(filter.q, in: context.db)
        if let cool = filter.cool.flatMap(CoolType.init(rawValue:)) { query.filter(\.$coolType == cool) }
        if let tax = filter.tax.flatMap(TaxClass.init(rawValue:)) { query.filter(\.$taxClass == tax) }
        switch filter.sort {
        case "price": query.sort(\.$price)
        case "-price": query.sort(\.$price, .descending)
        case "-created": query.sort(\.$createdAt, .descending)
        default: query.sort(\.$code)
        }
        let total = try await query.copy().count()
        let pager = Pager(
            requested: filter.page,
            total: total,
            parameters: ["q": filter.q, "cool": filter.cool, "tax": filter.tax, "sort": filter.sort]
        )
        filter.page = pager.page
        let skus = try await query.range(pager.range).all()
        let products = try await context.db.query(ProductRecord.self).filter(\.$id ~~ Set(skus.map(\.productID))).all()
        let names = Dictionary(uniqueKeysWithValues: products.map { ($0.id!, $0.name) })
        let available = try await context.stockLedger.available(
            skus
        )
        let rows = skus.map {
            Row(
                code: $0.code,
                product: names[$0.productID] ?? "",
                variant: $0.variant,
                jan: $0.jan ?? "",
                price: $0.price,
                tax: $0.taxClass.rawValue,
                cool: $0.coolType.rawValue,
                isSet: $0.isSet,
                available: available[$0.id!] ?? 0
            )
        }
        let body = CatalogPage(
            rows: rows,
            filter: filter,
            pager: pager
        )
        return try await Pages.render(
            "catalog/index",
            titleKey: "nav.catalog",
            page: body,
            request: request,
            context: context
        )
    }
}
