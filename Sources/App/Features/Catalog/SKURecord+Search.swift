import FluentKit
import Foundation
import SQLKit

/// What a user typed into a search box over SKUs: a code, variant or product name containing it, or the JAN it is.
/// The one search of the catalog page, the stock page, bulk edit and the API list, as one SQL condition on the
/// `skus` table, for Fluent queries (`matching`) and hand-written ones alike.
enum SKUSearch {
    /// The condition, or nil when nothing was typed (everything matches).
    static func condition(_ typed: String?, tenantID: UUID) -> SQLQueryString? {
        guard let text = typed?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        let pattern = TextSearch.pattern(text)
        return """
            (LOWER(code) LIKE \(bind: pattern) ESCAPE '!' OR LOWER(variant) LIKE \(bind: pattern) ESCAPE '!'
             OR jan = \(bind: text) OR product_id IN (SELECT id FROM products
                WHERE tenant_id = \(bind: tenantID) AND LOWER(name) LIKE \(bind: pattern) ESCAPE '!'))
            """
    }
}

extension QueryBuilder where Model == SKURecord {
    /// SKUs that match what a user typed (see `SKUSearch`).
    @discardableResult
    func matching(_ typed: String?, in tdb: TenantDatabase) -> Self {
        guard let condition = SKUSearch.condition(typed, tenantID: tdb.tenantID) else { return self }
        return filter(.sql(embed: condition))
    }
}
