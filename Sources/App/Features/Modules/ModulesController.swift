import Domain
import FluentKit
import Vapor

/// The entry pages of the business modules that later work fills in. Each already enforces its permission.
struct ModulesController {
    /// The module a page belongs to.
    struct ModulePage: Encodable, Sendable {
        let module: String
    }

    func register(tenant: TenantRoutes) {
        let modules: [(PathComponent, Module, String)] = [
            ("purchasing", .purchasing, "nav.purchasing"),
            ("analytics", .analytics, "nav.analytics"),
        ]
        for (path, module, title) in modules {
            tenant.get(path, requires: module) { request, context in
                try await Pages.render(
                    "modules/pending",
                    titleKey: title,
                    page: ModulePage(module: module.rawValue),
                    request: request,
                    context: context
                )
            }
        }
    }
}
