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
    static let maxLabels = 20
    static let maxComponents = 50

    /// The limits on an input's shape that the API document states, checked before anything is read or
    /// written: counts are refused, never cut, and a component or channel named twice is an error, not a
    /// clash in the database.
    static func checkShape(_ input: ProductInput) throws {
        func refuse(_ key: String, _ field: String) -> AppError {
            AppError(.unprocessableEntity, code: "validation_failed", messageKey: key, field: field)
        }
        guard (1...maxSKUs).contains(input.skus.count) else { throw refuse("error.skus_required", "skus") }
        guard (input.labels?.count ?? 0) <= maxLabels else { throw refuse("error.labels_too_many", "labels") }
        for (index, sku) in input.skus.enumerated() {
            guard (sku.labels?.count ?? 0) <= maxLabels else {
                throw refuse("error.labels_too_many", "skus[\(index)].labels")
            }
            let components = (sku.components ?? []).map(\.sku)
            guard components.count <= maxComponents, Set(components).count == components.count else {
                throw refuse("error.component_invalid", "skus[\(index)].components")
            }
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
        let code = try field { try SKUCode(input.code, field: "code") }
        let name = try field { try DisplayName(input.name, field: "name") }
        try Self.checkShape(input)
        return try await tdb.transaction { tx in
            if try await tx.query(ProductRecord.self).filter(\.$code == code.rawValue).first() != nil {
                throw AppError(.conflict, code: "conflict", messageKey: "error.code_taken", field: "code")
            }
            let product = ProductRecord()
            product.id = UUID()
            product.code = code.rawValue
            product.name = name.rawValue
            product.supplier = String((input.supplier ?? "").prefix(100))
            product.labels = Self.labels(input.labels)
            product.createdAt = now
            product.updatedAt = now
            try await tx.create(product)
            let warehouse = try await StockLedger(tdb: tx, services: services, actor: actor).defaultWarehouse()
            var created: [String: SKURecord] = [:]
            // Plain SKUs first, so sets can name them.
            for (index, item) in input.skus.enumerated().sorted(by: {
                ($0.element.components == nil) && ($1.element.components != nil)
            }) {
                let sku = try await makeSKU(item, index: index, product: product, tx: tx, now: now)
                created[sku.code] = sku
                if let components = item.components, !components.isEmpty {
                    for (n, component) in components.enumerated() {
                        guard component.quantity > 0, component.quantity <= 999 else {
                            throw AppError(
                                .unprocessableEntity,
                                code: "validation_failed",
                                messageKey: "error.quantity_invalid",
                                field: "skus[\(index)].components[\(n)].quantity"
                            )
                        }
                        let part: SKURecord?
                        if let local = created[component.sku] {
                            part = local
                        } else {
                            part = try await tx.query(SKURecord.self).filter(\.$code == component.sku).first()
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
        _ item: ProductInput.SKUInput,
        index: Int,
        product: ProductRecord,
        tx: TenantDatabase,
        now: Date
    ) async throws -> SKURecord {
        let prefix = "skus[\(index)]."
        let code = try field { try SKUCode(item.code, field: prefix + "code") }
        if try await tx.query(SKURecord.self).filter(\.$code == code.rawValue).first() != nil {
            throw AppError(.conflict, code: "conflict", messageKey: "error.code_taken", field: prefix + "code")
        }
        let jan = try item.jan.flatMap { $0.isEmpty ? nil : $0 }.map { raw in try field { try JANCode(raw) } }
        guard (0...100_000_000).contains(item.price) else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.price_invalid",
                field: prefix + "price"
            )
        }
        guard let tax = TaxClass(rawValue: item.taxClass ?? "standard") else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.tax_class_invalid",
                field: prefix + "taxClass"
            )
        }
        guard let cool = CoolType(rawValue: item.coolType ?? "ambient") else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.cool_type_invalid",
                field: prefix + "coolType"
            )
        }
        if let point = item.reorderPoint, !(0...1_000_000).contains(point) {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.reorder_point_invalid",
                field: prefix + "reorderPoint"
            )
        }
        let sku = SKURecord()
        sku.id = UUID()
        sku.productID = product.id!
        sku.code = code.rawValue
        sku.variant = String((item.variant ?? "").prefix(100))
        sku.jan = jan?.rawValue
        sku.price = item.price
        sku.taxClass = tax
        sku.sizeClass = String((item.sizeClass ?? "").prefix(20))
        sku.coolType = cool
        sku.isSet = !(item.components ?? []).isEmpty
        sku.reorderPoint = item.reorderPoint
        sku.reorderAlerted = false
        sku.labels = Self.labels(item.labels)
        sku.createdAt = now
        sku.updatedAt = now
        try await tx.create(sku)
        return sku
    }

    private func field<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FieldError {
            throw AppError.invalid(error)
        }
    }

    static func labels(_ labels: [String]?) -> String {
        (labels ?? []).map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: " ") }
            .filter { !$0.isEmpty }.prefix(maxLabels).map { String($0.prefix(30)) }.joined(separator: ",")
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
