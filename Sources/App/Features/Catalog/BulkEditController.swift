import Domain
import FluentKit
import Vapor

/// 一括編集: choose SKUs by filter, preview the change, apply it to all of them in one transaction with one
/// audit event.
struct BulkEditController {
    /// The filter and the change.
    struct BulkForm: Content {
        var q: String?
        var cool: String?
        var tax: String?
        /// `price_set`, `price_percent`, `label_add`, `label_remove`, `reorder_set`.
        var action: String?
        var value: String?
        var confirm: String?
    }

    /// One SKU in the preview.
    struct Change: Encodable, Sendable {
        let code: String
        let before: String
        let after: String
    }

    /// The page: the form, and a preview when one was asked for.
    struct BulkPage: Encodable, Sendable {
        let form: BulkForm
        let changes: [Change]
        let count: Int
        let previewed: Bool
    }

    static let limit = 5000

    func register(tenant: TenantRoutes) {
        tenant.get("catalog", "bulk", requires: .catalog, .write, use: show)
        tenant.post("catalog", "bulk", requires: .catalog, .write, use: submit)
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "catalog/bulk",
            titleKey: "bulk.title",
            page: BulkPage(form: BulkForm(), changes: [], count: 0, previewed: false),
            request: request,
            context: context,
            notice: request.query[String.self, at: "applied"].map { _ in "bulk.applied" }
        )
    }

    @Sendable func submit(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(BulkForm.self)
        func fail(_ key: String) async throws -> Response {
            try await Pages.render(
                "catalog/bulk",
                titleKey: "bulk.title",
                page: BulkPage(form: form, changes: [], count: 0, previewed: false),
                request: request,
                context: context,
                status: .unprocessableEntity,
                error: key
            )
        }
        let value = (form.value ?? "").trimmingCharacters(in: .whitespaces)
        let apply: @Sendable (SKURecord) throws(FieldError) -> (before: String, after: String)?
        switch form.action {
        case "price_set":
            // The values a bulk edit sets are checked by the same rules as the API's and the CSV import's.
            guard let price = try? CatalogRules.price(Int(value)) else { return try await fail("error.price_invalid") }
            apply = { sku in
                let before = sku.price
                sku.price = price
                return before == price ? nil : (String(before), String(price))
            }
        case "price_percent":
            guard let percent = Int(value), (-90...500).contains(percent) else {
                return try await fail("error.percent_invalid")
            }
            apply = { sku throws(FieldError) in
                let before = sku.price
                // Rounded half up to whole yen, in integers: a price far outside the allowed range refuses the
                // whole edit instead of trapping or wrapping.
                let (scaled, overflow) = before.multipliedReportingOverflow(by: 100 + percent)
                guard !overflow, before >= 0 else { throw FieldError(field: "value", reason: "price_invalid") }
                let after = try CatalogRules.price((scaled + 50) / 100)
                sku.price = after
                return before == after ? nil : (String(before), String(after))
            }
        case "label_add", "label_remove":
            guard let value = try? CatalogRules.label(value) else { return try await fail("error.label_invalid") }
            let adding = form.action == "label_add"
            apply = { sku throws(FieldError) in
                var labels = sku.labels.split(separator: ",").map(String.init)
                let before = sku.labels
                if adding, !labels.contains(value) { labels.append(value) }
                if !adding { labels.removeAll { $0 == value } }
                // The whole list by the catalog's rule too: a 21st label refuses the edit, as the API would.
                sku.labels = try CatalogRules.labels(labels).joined(separator: ",")
                return before == sku.labels ? nil : (before, sku.labels)
            }
        case "reorder_set":
            let parsed = value.isEmpty ? nil : Int(value)
            let point: Int?
            do {
                guard value.isEmpty || parsed != nil else { throw FieldError(field: "value", reason: "") }
                point = try CatalogRules.reorderPoint(parsed)
            } catch {
                return try await fail("error.reorder_point_invalid")
            }
            apply = { sku in
                let before = sku.reorderPoint
                sku.reorderPoint = point
                return before == point ? nil : (before.map(String.init) ?? "—", point.map(String.init) ?? "—")
            }
        default:
            return try await fail("error.bulk_action_invalid")
        }

        let query = context.db.query(SKURecord.self).matching(form.q, in: context.db)
        if let cool = form.cool.flatMap(CoolType.init(rawValue:)) { query.filter(\.$coolType == cool) }
        if let tax = form.tax.flatMap(TaxClass.init(rawValue:)) { query.filter(\.$taxClass == tax) }
        let skus = try await query.sort(\.$code).limit(Self.limit + 1).all()
        guard skus.count <= Self.limit else { return try await fail("error.bulk_too_many") }
        var changed: [(SKURecord, Change)] = []
        do {
            for sku in skus {
                if let (before, after) = try apply(sku) {
                    changed.append((sku, Change(code: sku.code, before: before, after: after)))
                }
            }
        } catch {
            return try await fail(Self.messageKey(error))
        }
        guard form.confirm == "yes" else {
            return try await Pages.render(
                "catalog/bulk",
                titleKey: "bulk.title",
                page: BulkPage(
                    form: form,
                    changes: Array(changed.prefix(200).map(\.1)),
                    count: changed.count,
                    previewed: true
                ),
                request: request,
                context: context
            )
        }
        let now = context.now
        let records: [SKURecord]
        do {
            records = try await context.db.transaction { tx in
                // The change is applied again to the rows as they are under their lock, not to the copies read for
                // the preview: two percent changes at once compound, neither overwrites the other.
                let ids = skus.map { $0.id! }
                try await tx.lockSKURows(ids)
                var records: [SKURecord] = []
                for sku in try await tx.query(SKURecord.self).filter(\.$id ~~ ids).sort(\.$code).all()
                where try apply(sku) != nil {
                    sku.updatedAt = now
                    try await tx.update(sku)
                    records.append(sku)
                }
                try await audit(tx, records)
                return records
            }
        } catch let error as FieldError {
            return try await fail(Self.messageKey(error))
        }
        return request.redirect(to: "/catalog/bulk?applied=\(records.count)", redirectType: .normal)

        @Sendable func audit(_ tx: TenantDatabase, _ records: [SKURecord]) async throws {
            try await context.audit(
                tx,
                action: "catalog.bulk_edit",
                targetType: "skus",
                targetID: "",
                details: [
                    "action": form.action ?? "", "value": value, "count": String(records.count),
                    "skus": records.prefix(50).map(\.code).joined(separator: " "),
                ]
            )
        }
    }

    /// The message of a change that cannot be applied to some SKU: a price out of range, or too many labels.
    static func messageKey(_ error: FieldError) -> String {
        error.reason == "price_invalid" ? "error.price_out_of_range" : "error." + error.reason
    }
}
