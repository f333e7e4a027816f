import FluentKit

extension QueryBuilder where Model == SKURecord {
    /// SKUs that match what a user typed into a search box: a code, variant or product name containing it, or the
    /// JAN it is. The one search of the catalog page, the stock page, bulk edit and the API list.
    @discardableResult
    func matching(_ typed: String?, in tdb: TenantDatabase) -> Self {
        guard let text = typed?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return self }
        return group(.or) {
            $0.anyContains(text, in: ["code", "variant"]).filter(\.$jan == text).filter(tdb.skusOfProducts(named: text))
        }
    }
}
