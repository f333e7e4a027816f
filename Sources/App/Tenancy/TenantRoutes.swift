import Domain
import Vapor

/// Registers routes that run for a signed-in tenant user. The handler receives the `TenantContext` as a
/// non-optional argument, and the permission a route needs is part of its registration, so no handler can
/// forget either. Every such route is marked, so the isolation test can find all of them.
struct TenantRoutes {
    let builder: any RoutesBuilder

    /// The `userInfo` key that marks a tenant route; its value is the permission it needs.
    static let marker = "akinai.tenantRoute"
    /// Marks a route that streams a multipart form and checks its CSRF field itself, before reading the file.
    static let formCSRFMarker = "akinai.formCSRF"

    @discardableResult
    func on<R: AsyncResponseEncodable>(
        _ method: HTTPMethod,
        _ path: [PathComponent],
        requires module: Module?,
        _ access: Access,
        stages: Set<SessionStage> = [.active],
        operatorOnly: Bool = false,
        body: HTTPBodyStreamStrategy = .collect,
        checksFormCSRF: Bool = false,
        use handler: @escaping @Sendable (Request, TenantContext) async throws -> R
    ) -> Route {
        let route = builder.on(method, path, body: body) { request async throws -> Response in
            guard let context = request.tenantContext else { throw AppError.unauthorized }
            // Operator pages do not exist for shops.
            if operatorOnly, !context.isOperator { throw AppError.notFound }
            guard stages.contains(context.stage) else {
                // A session part-way through signing in may only finish that step.
                return request.redirect(to: context.stage.path, redirectType: .normal)
            }
            if let module, !context.allows(module, access) {
                try await context.audit(
                    context.db,
                    action: "access.denied",
                    targetType: "route",
                    targetID: "\(request.method) \(request.url.path)",
                    result: .denied,
                    details: ["needs": "\(module.rawValue):\(access.rawValue)"]
                )
                throw AppError.forbidden
            }
            return try await handler(request, context).encodeResponse(for: request)
        }
        route.userInfo[AnySendableHashable(Self.marker)] =
            module.map { "\($0.rawValue):\(access.rawValue)" } ?? "signed-in"
        if checksFormCSRF { route.userInfo[AnySendableHashable(Self.formCSRFMarker)] = true }
        return route
    }

    @discardableResult
    func get<R: AsyncResponseEncodable>(
        _ path: PathComponent...,
        requires module: Module?,
        _ access: Access = .read,
        stages: Set<SessionStage> = [.active],
        use handler: @escaping @Sendable (Request, TenantContext) async throws -> R
    ) -> Route {
        on(.GET, path, requires: module, access, stages: stages, use: handler)
    }

    @discardableResult
    func post<R: AsyncResponseEncodable>(
        _ path: PathComponent...,
        requires module: Module?,
        _ access: Access = .write,
        stages: Set<SessionStage> = [.active],
        use handler: @escaping @Sendable (Request, TenantContext) async throws -> R
    ) -> Route {
        on(.POST, path, requires: module, access, stages: stages, use: handler)
    }

    /// A route of the operator console: operator tenant admins only; a 404 for everyone else.
    @discardableResult
    func operatorGet<R: AsyncResponseEncodable>(
        _ path: PathComponent...,
        use handler: @escaping @Sendable (Request, TenantContext) async throws -> R
    ) -> Route {
        on(.GET, path, requires: .settings, .read, operatorOnly: true, use: handler)
    }

    func grouped(_ path: PathComponent...) -> TenantRoutes {
        TenantRoutes(builder: builder.grouped(path))
    }
}

extension TenantContext {
    /// The record of this tenant with the id in route parameter `name`, or 404 — also for another tenant's id.
    func find<M: TenantOwned>(_ type: M.Type, parameter name: String, in request: Request) async throws -> M {
        guard let raw = request.parameters.get(name), let id = UUID(uuidString: raw),
            let record = try await db.find(type, id)
        else { throw AppError.notFound }
        return record
    }
}
