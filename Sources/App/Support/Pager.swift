import Foundation

/// Server-side paging of a list page: which page is shown, how many there are, and the query strings of the
/// previous and next pages (carrying the list's filters).
struct Pager: Encodable, Sendable {
    static let size = 50

    let page: Int
    let pages: Int
    let total: Int
    let prevQuery: String?
    let nextQuery: String?

    /// The page asked for, clamped to the pages that exist.
    init(requested: Int?, total: Int, parameters: [String: String?]) {
        let pages = max(1, (total + Self.size - 1) / Self.size)
        let page = min(max(1, requested ?? 1), pages)
        func link(_ number: Int) -> String {
            var items = [URLQueryItem(name: "page", value: String(number))]
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
                if let value, !value.isEmpty { items.append(URLQueryItem(name: key, value: value)) }
            }
            var components = URLComponents()
            components.queryItems = items
            return components.percentEncodedQuery ?? ""
        }
        self.page = page
        self.pages = pages
        self.total = total
        self.prevQuery = page > 1 ? link(page - 1) : nil
        self.nextQuery = page < pages ? link(page + 1) : nil
    }

    /// The rows of this page, for `QueryBuilder.range`.
    var range: Range<Int> { ((page - 1) * Self.size)..<(page * Self.size) }
}
