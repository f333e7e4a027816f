import Domain
import FluentKit
import Foundation

/// Imports the product master from CSV: creates or updates by code. Every row's errors are reported with line
/// and column, and nothing is applied unless every row is valid; the whole file applies in one transaction.
struct MasterImport: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// What an import found or did.
    struct Report: Sendable, Encodable {
        var encoding: String
        var rows: Int
        var created: Int
        var updated: Int
        var errors: [MasterCSV.RowError]
        var applied: Bool
    }

    func run(_ data: Data, dryRun: Bool) async throws -> Report {
        guard let (text, encoding) = CSV.decode(data) else {
            return Report(
                encoding: "?",
                rows: 0,
                created: 0,
                updated: 0,
                errors: [.init(line: 1, column: "", reason: "encoding_unknown")],
                applied: false
            )
        }
        let (rows, syntaxErrors) = MasterCSV.read(text)
        let initial = Report(
            encoding: encoding,
            rows: rows.count,
            created: 0,
            updated: 0,
            errors: syntaxErrors,
            applied: false
        )
        guard syntaxErrors.isEmpty else { return initial }
        return try await tdb.transaction { tx in
            var report = initial
            let existingSKUs = try await tx.query(SKURecord.self).all()
            let skuByCode = Dictionary(uniqueKeysWithValues: existingSKUs.map { ($0.code, $0) })
            let products = try await tx.query(ProductRecord.self).all()
            let productByCode = Dictionary(uniqueKeysWithValues: products.map { ($0.code, $0) })
            let productCodeByID = Dictionary(uniqueKeysWithValues: products.map { ($0.id!, $0.code) })
            let fileCodes = Set(rows.map(\.skuCode))
            let fileSets = Set(rows.filter { !$0.components.isEmpty }.map(\.skuCode))
            var errors: [MasterCSV.RowError] = []
            for row in rows {
                if let existing = skuByCode[row.skuCode] {
                    if productCodeByID[existing.productID] != row.productCode {
                        errors.append(
                            .init(line: row.line, column: "product_code", reason: "sku_belongs_to_other_product")
                        )
                    }
                    if existing.isSet != !row.components.isEmpty {
                        errors.append(.init(line: row.line, column: "set_components", reason: "set_kind_change"))
                    }
                }
                for component in row.components {
                    let known = fileCodes.contains(component.code) && !fileSets.contains(component.code)
                    let stored = skuByCode[component.code].map { !$0.isSet } ?? false
                    if !known && !stored {
                        errors.append(
                            .init(
                                line: row.line,
                                column: "set_components",
                                reason: "component_unknown:\(component.code)"
                            )
                        )
                    }
                }
            }
            report.errors = errors
            guard errors.isEmpty, !dryRun else { return report }

            let now = services.clock()
            let warehouse = try await Stock(tdb: tx, services: services, actor: actor).defaultWarehouse()
            var productIDs = productByCode.mapValues { $0.id! }
            var newProducts: [ProductRecord] = []
            for row in rows
            where productIDs[row.productCode] == nil || productByCode[row.productCode]?.name != row.productName {
                if let existing = productByCode[row.productCode] {
                    existing.name = row.productName
                    existing.supplier = row.supplier
                    existing.updatedAt = now
                    try await tx.update(existing)
                } else if productIDs[row.productCode] == nil {
                    let product = ProductRecord()
                    product.id = UUID()
                    product.code = row.productCode
                    product.name = row.productName
                    product.supplier = row.supplier
                    product.labels = ""
                    product.createdAt = now
                    product.updatedAt = now
                    newProducts.append(product)
                    productIDs[row.productCode] = product.id!
                }
            }
            try await tx.createAll(newProducts)
            var ids: [String: UUID] = skuByCode.mapValues { $0.id! }
            var newSKUs: [SKURecord] = []
            var newLevels: [StockLevelRecord] = []
            for row in rows {
                let sku = skuByCode[row.skuCode] ?? SKURecord()
                let isNew = sku.id == nil
                if isNew {
                    sku.id = UUID()
                    sku.createdAt = now
                    sku.reorderAlerted = false
                }
                sku.productID = productIDs[row.productCode]!
                sku.code = row.skuCode
                sku.variant = row.variant
                sku.jan = row.jan
                sku.price = row.price
                sku.taxClass = row.taxClass.rawValue
                sku.sizeClass = row.sizeClass
                sku.coolType = row.coolType.rawValue
                sku.isSet = !row.components.isEmpty
                sku.reorderPoint = row.reorderPoint
                sku.labels = CatalogWriter.labels(row.labels)
                sku.updatedAt = now
                if isNew {
                    newSKUs.append(sku)
                    report.created += 1
                    if !sku.isSet {
                        let level = StockLevelRecord()
                        level.id = UUID()
                        level.skuID = sku.id!
                        level.warehouseID = warehouse.id!
                        level.onHand = 0
                        level.reserved = 0
                        level.updatedAt = now
                        newLevels.append(level)
                    }
                } else {
                    try await tx.update(sku)
                    report.updated += 1
                }
                ids[row.skuCode] = sku.id!
            }
            // New rows go in as multi-row INSERTs: a 100,000-row file is 200 statements, not 100,000.
            try await tx.createAll(newSKUs)
            try await tx.createAll(newLevels)
            for row in rows where !row.components.isEmpty {
                let setID = ids[row.skuCode]!
                try await tx.query(SetComponentRecord.self).filter(\.$setSKUID == setID).delete()
                for component in row.components {
                    let part = SetComponentRecord()
                    part.id = UUID()
                    part.setSKUID = setID
                    part.componentSKUID = ids[component.code]!
                    part.quantity = component.quantity
                    try await tx.create(part)
                }
            }
            try await AuditLog.append(
                tx,
                actor: actor,
                action: "catalog.import",
                targetType: "catalog",
                targetID: "",
                details: [
                    "rows": String(rows.count), "created": String(report.created), "updated": String(report.updated),
                    "encoding": encoding,
                ],
                now: now
            )
            report.applied = true
            return report
        }
    }

    /// The whole master as CSV text, in the columns `run` reads, so an export imports back unchanged.
    static func export(_ tdb: TenantDatabase) async throws -> String {
        let products = Dictionary(
            uniqueKeysWithValues: try await tdb.query(ProductRecord.self).all().map { ($0.id!, $0) }
        )
        let skus = try await tdb.query(SKURecord.self).sort(\.$code).all()
        let codes = Dictionary(uniqueKeysWithValues: skus.map { ($0.id!, $0.code) })
        let components = Dictionary(grouping: try await tdb.query(SetComponentRecord.self).all(), by: \.setSKUID)
        var out = CSV.line(MasterCSV.columns)
        for sku in skus {
            let product = products[sku.productID]
            let parts = (components[sku.id!] ?? []).compactMap { part in
                codes[part.componentSKUID].map { "\($0):\(part.quantity)" }
            }
            .sorted().joined(separator: "|")
            out += CSV.line([
                product?.code ?? "", product?.name ?? "", product?.supplier ?? "", sku.code, sku.variant, sku.jan ?? "",
                String(sku.price), sku.taxClass, sku.sizeClass, sku.coolType, sku.reorderPoint.map(String.init) ?? "",
                sku.labels.replacingOccurrences(of: ",", with: ";"), parts,
            ])
        }
        return out
    }
}
