import Domain
import FluentKit
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
    }

    @Sendable func listProducts(
        _ request: Request,
        _ context: TenantContext
    ) async throws -> PageResponse<ProductResponse> {
        let query = try request.query.decode(ListQuery.self)
        let (page, perPage) = Self.paging(query)
        let builder = context.db.query(ProductRecord.self)
        if let q = query.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let pattern = "%" + String(q.prefix(100)) + "%"
            builder.group(.or) {
                $0.filter(\.$code, .custom("LIKE"), pattern).filter(\.$name, .custom("LIKE"), pattern)
            }
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
        let available = try await Stock(tdb: context.db, services: context.services, actor: context.actor).available(
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
        let available = try await Stock(tdb: context.db, services: context.services, actor: context.actor).available(
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
        let (page, perPage) = Self.paging(query)
        let builder = context.db.query(SKURecord.self)
        if let q = query.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
            let pattern = "%" + String(q.prefix(100)) + "%"
            builder.group(.or) {
                $0.filter(\.$code, .custom("LIKE"), pattern).filter(\.$variant, .custom("LIKE"), pattern)
                    .filter(\.$jan == q)
            }
        }
        let total = try await builder.copy().count()
        let skus = try await builder.sort(\.$code).range(((page - 1) * perPage)..<(page * perPage)).all()
        let available = try await Stock(tdb: context.db, services: context.services, actor: context.actor).available(
            skus
        )
        return PageResponse(
            items: skus.map { Self.response($0, product: nil, available: available) },
            page: page,
            perPage: perPage,
            total: total
        )
    }

    @Sendable func showSKU(_ request: Request, _ context: TenantContext) async throws -> SKUResponse {
        let sku = try await context.find(SKURecord.self, parameter: "skuID", in: request)
        let product = try await context.db.find(ProductRecord.self, sku.productID)
        let available = try await Stock(tdb: context.db, services: context.services, actor: context.actor).available([
            sku
        ])
        return Self.response(sku, product: product, available: available)
    }

    static func response(_ sku: SKURecord, product: ProductRecord?, available: [UUID: Int]) -> SKUResponse {
        SKUResponse(
            id: sku.id!,
            code: sku.code,
            productCode: product?.code,
            variant: sku.variant,
            jan: sku.jan,
            price: sku.price,
            taxClass: sku.taxClass,
            coolType: sku.coolType,
            isSet: sku.isSet,
            reorderPoint: sku.reorderPoint,
            labels: split(sku.labels),
            available: available[sku.id!] ?? 0
        )
    }

    static func paging(_ query: ListQuery) -> (page: Int, perPage: Int) {
        (max(1, min(query.page ?? 1, 100_000)), max(1, min(query.perPage ?? 50, 200)))
    }

    static func split(_ labels: String) -> [String] {
        labels.split(separator: ",").map(String.init)
    }
}
