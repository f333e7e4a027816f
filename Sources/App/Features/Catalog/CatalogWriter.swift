import Domain
import FluentKit
import Foundation

/// What a new product looks like on the way in (API and, later, CSV import).
struct ProductInput: Codable, Sendable {
    struct SKUInput: Codable, Sendable {
        struct Component: Codable, Sendable {
            var sku: String
            var quantity: Int
        }
        struct Listing: Codable, Sendable {
            var channel: String
            var itemCode: String
            var rule: String?
        }
        var code: String
        var variant: String?
        var jan: String?
        var price: Int
        var taxClass: String?
        var sizeClass: String?
        var coolType: String?
        var reorderPoint: Int?
        var labels: [String]?
        /// Present for a set product: the component SKU codes and quantities.
        var components: [Component]?
        var listings: [Listing]?
    }
    var code: String
    var name: String
    var supplier: String?
    var labels: [String]?
    var skus: [SKUInput]
}

/// Validates and writes catalog entries: all of a product or nothing.
struct CatalogWriter: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    static let channels: Set<String> = ["rakuten", "yahoo", "amazon", "shopify", "own"]
    static let maxSKUs = 200

    /// The limits on an input's shape that the API document states, checked before anything is read or
    /// written: counts are refused, never cut, and a component or channel named twice is an error, not a
    /// clash in the database.
    static func checkShape(_ input: ProductInput) throws {
        func refuse(_ key: String, _ field: String) -> AppError {
            AppError(.unprocessableEntity, code: "validation_failed", messageKey: key, field: field)
        }
        guard (1...maxSKUs).contains(input.skus.count) else { throw refuse("error.skus_required", "skus") }
        for (index, sku) in input.skus.enumerated() {
            let listings = sku.listings ?? []
            guard
                listings.allSatisfy({
                    channels.contains($0.channel) && (1...100).contains($0.itemCode.unicodeScalars.count)
                }), Set(listings.map(\.channel)).count == listings.count
            else { throw refuse("error.listing_invalid", "skus[\(index)].listings") }
        }
    }

    /// Creates a product with its SKUs, set compositions, listings and empty stock rows.
    func create(_ input: ProductInput) async throws -> ProductRecord {
        let now = services.clock()
        let draft = try Self.draft(
            ProductDraft.check(code: input.code, name: input.name, supplier: input.supplier, labels: input.labels),
            field: ""
        )
        try Self.checkShape(input)
        let drafts = try input.skus.enumerated().map { index, item in
            try Self.draft(
                SKUDraft.check(
                    code: item.code,
                    variant: item.variant,
                    jan: item.jan,
                    price: item.price,
                    taxClass: item.taxClass,
                    sizeClass: item.sizeClass,
                    coolType: item.coolType,
                    reorderPoint: item.reorderPoint,
                    labels: item.labels,
                    components: (item.components ?? []).map { ($0.sku, $0.quantity) }
                ),
                field: "skus[\(index)]."
            )
        }
        return try await tdb.transaction { tx in
            if try await tx.query(ProductRecord.self).filter(\.$code == draft.code.rawValue).first() != nil {
                throw AppError(.conflict, code: "conflict", messageKey: "error.code_taken", field: "code")
            }
            let product = ProductRecord()
            product.id = UUID()
            product.code = draft.code.rawValue
            product.name = draft.name.rawValue
            product.supplier = draft.supplier
            product.labels = draft.labels.joined(separator: ",")
            product.createdAt = now
            product.updatedAt = now
            try await tx.create(product)
            let warehouse = try await StockLedger(tdb: tx, services: services, actor: actor).defaultWarehouse()
            var created: [String: SKURecord] = [:]
            // Plain SKUs first, so sets can name them.
            for (index, item) in input.skus.enumerated().sorted(by: {
                ($0.element.components == nil) && ($1.element.components != nil)
            }) {
                let sku = try await makeSKU(drafts[index], index: index, product: product, tx: tx, now: now)
                created[sku.code] = sku
                if !drafts[index].components.isEmpty {
                    for (n, component) in drafts[index].components.enumerated() {
                        let code = component.code.rawValue
                        let part: SKURecord?
                        if let local = created[code] {
                            part = local
                        } else {
                            part = try await tx.query(SKURecord.self).filter(\.$code == code).first()
                        }
                        guard let part, !part.isSet, part.id != sku.id else {
                            throw AppError(
                                .unprocessableEntity,
                                code: "validation_failed",
                                messageKey: "error.component_invalid",
                                field: "skus[\(index)].components[\(n)].sku"
                            )
                        }
                        let row = SetComponentRecord()
                        row.id = UUID()
                        row.setSKUID = sku.id!
                        row.componentSKUID = part.id!
                        row.quantity = component.quantity
                        try await tx.create(row)
                    }
                } else {
                    try await tx.create(StockLevelRecord(emptyFor: sku.id!, in: warehouse.id!, now: now))
                }
                for (n, listing) in (item.listings ?? []).enumerated() {
                    guard Self.channels.contains(listing.channel), (1...100).contains(listing.itemCode.count) else {
                        throw AppError(
                            .unprocessableEntity,
                            code: "validation_failed",
                            messageKey: "error.listing_invalid",
                            field: "skus[\(index)].listings[\(n)]"
                        )
                    }
                    let rule = try field { try ChannelStockRule(text: listing.rule ?? "all") }
                    let row = ChannelListingRecord()
                    row.id = UUID()
                    row.skuID = sku.id!
                    row.channel = listing.channel
                    row.itemCode = listing.itemCode
                    row.rule = rule.text
                    row.shown = 0
                    row.updatedAt = now
                    try await tx.create(row)
                }
            }
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "product.create",
                targetType: "product",
                targetID: product.id!.uuidString,
                details: ["code": product.code, "skus": String(input.skus.count)],
                now: now
            )
            return product
        }
    }

    private func makeSKU(
        _ draft: SKUDraft,
        index: Int,
        product: ProductRecord,
        tx: TenantDatabase,
        now: Date
    ) async throws -> SKURecord {
        if try await tx.query(SKURecord.self).filter(\.$code == draft.code.rawValue).first() != nil {
            throw AppError(.conflict, code: "conflict", messageKey: "error.code_taken", field: "skus[\(index)].code")
        }
        let sku = SKURecord()
        sku.id = UUID()
        sku.productID = product.id!
        sku.code = draft.code.rawValue
        sku.variant = draft.variant
        sku.jan = draft.jan?.rawValue
        sku.price = draft.price
        sku.taxClass = draft.taxClass
        sku.sizeClass = draft.sizeClass
        sku.coolType = draft.coolType
        sku.isSet = !draft.components.isEmpty
        sku.reorderPoint = draft.reorderPoint
        sku.reorderAlerted = false
        sku.labels = draft.labels.joined(separator: ",")
        sku.createdAt = now
        sku.updatedAt = now
        try await tx.create(sku)
        return sku
    }

    /// The checked value, or a 422 naming the first field in error (under `field`, the path of the input).
    static func draft<T>(_ result: Result<T, FieldErrors>, field prefix: String) throws -> T {
        switch result {
        case .success(let value): return value
        case .failure(let errors):
            let first = errors.all.first ?? FieldError(field: "", reason: "validation_failed")
            throw AppError.invalid(FieldError(field: prefix + first.field, reason: first.reason))
        }
    }

    private func field<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FieldError {
            throw AppError.invalid(error)
        }
    }
}

extension StockError {
    /// The HTTP face of a stock error.
    var appError: AppError {
        switch self {
        case .insufficient: AppError(.conflict, code: "insufficient_stock", messageKey: "error.insufficient_stock")
        case .invalidQuantity:
            AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.quantity_invalid")
        case .invalidComposition:
            AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.component_invalid")
        case .notReserved: AppError(.conflict, code: "conflict", messageKey: "error.not_reserved")
        case .referenceReused: AppError(.conflict, code: "reference_reused", messageKey: "error.reference_reused")
        }
    }
}
