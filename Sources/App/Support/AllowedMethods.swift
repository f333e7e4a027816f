import Vapor

/// Which methods each registered path answers, so a request with another method gets 405 and an `Allow` header
/// instead of 404. The router is built in `init` and only read afterwards, so sharing it between threads is safe.
final class AllowedMethods: @unchecked Sendable {
    private let router: TrieRouter<[String]>
    private let root: [String]
    /// Paths without parameters and their methods: such a path answers only those, even where a parameter route
    /// beside it has the same shape (`GET /stock/movements` is not `GET /stock/{skuID}`).
    private let literal: [String: [String]]

    init(_ routes: Routes) {
        var byPath: [String: (path: [PathComponent], methods: Set<String>)] = [:]
        for route in routes.all {
            let key = route.path.map(\.description).joined(separator: "/")
            byPath[key, default: (route.path, [])].methods.insert(route.method.rawValue)
            // Vapor answers HEAD for every GET route.
            if route.method == .GET { byPath[key]!.methods.insert(HTTPMethod.HEAD.rawValue) }
        }
        let router = TrieRouter([String].self)
        for (_, entry) in byPath where !entry.path.isEmpty { router.register(entry.methods.sorted(), at: entry.path) }
        self.router = router
        root = byPath[""]?.methods.sorted() ?? []
        var literal: [String: [String]] = [:]
        for (key, entry) in byPath
        where !entry.path.contains(where: {
            if case .constant = $0 { return false }
            return true
        }) {
            literal["/" + key] = entry.methods.sorted()
        }
        self.literal = literal
    }

    /// The methods of a parameter-free registered `path` when `method` is not one of them.
    func refusal(of method: HTTPMethod, at path: String) -> [String]? {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let methods = literal[trimmed], !methods.contains(method.rawValue) else { return nil }
        return methods
    }

    /// The methods `path` answers; empty when no route has that path.
    func methods(for path: String) -> [String] {
        let components = path.split(separator: "/").map(String.init)
        if components.isEmpty { return root }
        var parameters = Parameters()
        return router.route(path: components, parameters: &parameters) ?? []
    }
}

extension Application {
    private struct AllowedMethodsKey: StorageKey {
        typealias Value = AllowedMethods
    }

    /// Built once, after every route is registered.
    var allowedMethods: AllowedMethods? {
        get { storage[AllowedMethodsKey.self] }
        set { storage[AllowedMethodsKey.self] = newValue }
    }
}
