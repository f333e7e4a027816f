import Domain
import Foundation
import Vapor

/// 受注: the order list with counts per status, filters and bulk moves; one order with only the actions its state
/// allows; and the manual entry form.
struct OrdersController {
    /// One row of the list.
    struct Row: Encodable, Sendable {
        let id: UUID
        let number: String
        let channelKey: String
        let status: String
        let statusKey: String
        let orderedAt: String
        let total: String
        let buyerName: String
        let prefecture: String
        let labels: String
        let holdReason: String
        let repeatKey: String
    }

    /// A status tab with its count.
    struct Tab: Encodable, Sendable {
        let status: String
        let key: String
        let count: Int
        let active: Bool
    }

    /// A choice of a select.
    struct Option: Encodable, Sendable {
        let value: String
        let key: String
    }

    /// The list page.
    struct ListPage: Encodable, Sendable {
        let tabs: [Tab]
        let allActive: Bool
        let total: Int
        let rows: [Row]
        let filter: OrdersAPIController.ListQuery
        let nextQuery: String?
        let firstQuery: String?
        let statuses: [Option]
        let payments: [Option]
        let channels: [Option]
        let canWrite: Bool
    }

    /// The order page.
    struct DetailPage: Encodable, Sendable {
        struct Action: Encodable, Sendable {
            let to: String
            let key: String
            let needsReason: Bool
        }
        struct Line: Encodable, Sendable {
            let sku: String
            let name: String
            let quantity: Int
            let unitPrice: String
            let taxRate: Int
            let amount: String
        }
        struct Event: Encodable, Sendable {
            let at: String
            let actor: String
            let fromKey: String?
            let toKey: String
            let reason: String
        }
        struct Person: Encodable, Sendable {
            let name: String
            let kana: String
            let postalCode: String
            let address: String
            let phone: String
            let email: String
        }
        let id: UUID
        let number: String
        let channelKey: String
        let status: String
        let statusKey: String
        let orderedAt: String
        let paymentKey: String
        let lines: [Line]
        let items: String
        let shippingFee: String
        let codFee: String
        let discount: String
        let points: String
        let total: String
        let taxable10: String
        let tax10: String
        let taxable8: String
        let tax8: String
        let buyer: Person?
        let shipTo: Person?
        let sameBuyer: Bool
        let repeatKey: String
        let purchaseCount: Int
        let deliveryDate: String
        let deliveryTime: String
        let gift: Bool
        let noshi: String
        let remarks: String
        let memo: String
        let labels: String
        let holdReason: String
        let missing: [String]
        let actions: [Action]
        let history: [Event]
        let canWrite: Bool
        let flagKeys: [String]

    }

    /// The result of a bulk move: what moved and what did not, and why.
    struct BulkPage: Encodable, Sendable {
        struct Result: Encodable, Sendable {
            let id: UUID
            let number: String
            let ok: Bool
            let reason: String
        }
        let toKey: String
        let moved: Int
        let failed: Int
        let results: [Result]
    }

    /// The bulk form: the selected orders and where they go.
    struct BulkForm: Content {
        var ids: [String]?
        var to: String
        var reason: String?
    }

    /// The transition form of the order page.
    struct TransitionForm: Content {
        var to: String
        var from: String?
        var reason: String?
    }

    static let bulkLimit = 200

    func register(tenant: TenantRoutes, api: TenantRoutes) {
        registerImport(tenant: tenant, api: api)
        registerShipping(tenant: tenant, api: api)
        registerRules(tenant: tenant, api: api)
        tenant.get("orders", requires: .orders, .read, use: list)
        tenant.get("orders", "new", requires: .orders, .write, use: showNew)
        tenant.post("orders", "new", requires: .orders, .write, use: create)
        tenant.post("orders", "bulk", requires: .orders, .write, use: bulk)
        tenant.get("orders", ":orderID", requires: .orders, .read, use: show)
        tenant.post("orders", ":orderID", "transition", requires: .orders, .write, use: transition)
    }

    static func yen(_ amount: Int) -> String {
        let digits = String(amount.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(character)
        }
        return (amount < 0 ? "-¥" : "¥") + grouped
    }

    /// 初回 / 2回目 / 5回目以上, as the shop counts a buyer's purchases.
    static func repeatKey(_ count: Int) -> String {
        switch count {
        case ...1: "order.repeat.first"
        case 2: "order.repeat.second"
        case 3, 4: "order.repeat.third"
        default: "order.repeat.fifth"
        }
    }

    static func statusKey(_ status: OrderStatus) -> String { "order.status.\(status.rawValue)" }

    /// The message key of a channel Akinai knows; another source's code is shown as it is.
    static func channelKey(_ code: String) -> String {
        OrderRules.knownChannels.contains(code) ? "channel.\(code)" : code
    }

    /// The channels a select offers.
    static var channelOptions: [Option] { OrderRules.knownChannels.map { Option(value: $0, key: channelKey($0)) } }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> Response {
        let query = try request.query.decode(OrdersAPIController.ListQuery.self)
        let filter = try OrdersAPIController.filter(query)
        var cursor: OrderQueries.Cursor?
        if let token = query.cursor, !token.isEmpty {
            guard let parsed = OrderQueries.Cursor(token: token) else {
                throw AppError.invalid(FieldError(field: "cursor", reason: "cursor_invalid"))
            }
            cursor = parsed
        }
        let queries = try await context.orderQueries()
        let page = try await queries.list(filter, after: cursor, limit: Pager.size)
        let counts = try await queries.counts()
        func link(cursor: String?) -> String {
            var items: [URLQueryItem] = []
            let pairs: [(String, String?)] = [
                ("status", query.status), ("channel", query.channel), ("label", query.label), ("from", query.from),
                ("to", query.to), ("payment", query.payment), ("carrier", query.carrier), ("number", query.number),
                ("buyer", query.buyer), ("sort", query.sort), ("cursor", cursor),
            ]
            for (name, value) in pairs {
                if let value, !value.isEmpty { items.append(URLQueryItem(name: name, value: value)) }
            }
            var components = URLComponents()
            components.queryItems = items
            return components.percentEncodedQuery ?? ""
        }
        let body = ListPage(
            tabs: OrderStatus.allCases.map {
                Tab(status: $0.rawValue, key: Self.statusKey($0), count: counts[$0] ?? 0, active: filter.status == $0)
            },
            allActive: filter.status == nil,
            total: counts.values.reduce(0, +),
            rows: page.rows.map {
                Row(
                    id: $0.id,
                    number: $0.number,
                    channelKey: Self.channelKey($0.channel),
                    status: $0.status.rawValue,
                    statusKey: Self.statusKey($0.status),
                    orderedAt: JST.format($0.orderedAt),
                    total: Self.yen($0.total),
                    buyerName: $0.buyerName,
                    prefecture: $0.prefecture,
                    labels: $0.labels.joined(separator: " · "),
                    holdReason: $0.holdReason,
                    repeatKey: Self.repeatKey($0.purchaseCount)
                )
            },
            filter: query,
            nextQuery: page.next.map { link(cursor: $0.token) },
            firstQuery: cursor == nil ? nil : link(cursor: nil),
            statuses: OrderStatus.allCases.map { Option(value: $0.rawValue, key: Self.statusKey($0)) },
            payments: PaymentMethod.allCases.map { Option(value: $0.rawValue, key: "order.payment.\($0.rawValue)") },
            channels: Self.channelOptions,
            canWrite: context.allows(.orders, .write)
        )
        return try await Pages.render(
            "orders/index",
            titleKey: "nav.orders",
            page: body,
            request: request,
            context: context
        )
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> Response {
        let detail = try await OrdersAPIController.order(request, context)
        return try await render(detail, request, context)
    }

    private func render(
        _ d: OrderQueries.Detail,
        _ request: Request,
        _ context: TenantContext,
        status: HTTPResponseStatus = .ok,
        notice: String? = nil,
        error: String? = nil
    ) async throws -> Response {
        func person(_ a: Addressee?) -> DetailPage.Person? {
            a.map {
                DetailPage.Person(
                    name: $0.name,
                    kana: $0.kana,
                    postalCode: $0.postalCodeDisplay,
                    address: $0.fullAddress,
                    phone: $0.phone,
                    email: $0.email
                )
            }
        }
        let a = d.amounts
        let page = DetailPage(
            id: d.summary.id,
            number: d.summary.number,
            channelKey: Self.channelKey(d.summary.channel),
            status: d.summary.status.rawValue,
            statusKey: Self.statusKey(d.summary.status),
            orderedAt: JST.format(d.summary.orderedAt),
            paymentKey: "order.payment.\(d.summary.paymentMethod)",
            lines: d.lines.map {
                DetailPage.Line(
                    sku: $0.sku,
                    name: $0.name,
                    quantity: $0.quantity,
                    unitPrice: Self.yen($0.unitPrice),
                    taxRate: $0.taxRate,
                    amount: Self.yen($0.quantity * $0.unitPrice)
                )
            },
            items: Self.yen(a.items),
            shippingFee: Self.yen(a.shippingFee),
            codFee: Self.yen(a.codFee),
            discount: Self.yen(a.discount),
            points: Self.yen(a.points),
            total: Self.yen(a.total),
            taxable10: Self.yen(a.taxable10),
            tax10: Self.yen(a.tax10),
            taxable8: Self.yen(a.taxable8),
            tax8: Self.yen(a.tax8),
            buyer: person(d.buyer),
            shipTo: person(d.shipTo),
            sameBuyer: d.buyer == d.shipTo,
            repeatKey: Self.repeatKey(d.summary.purchaseCount),
            purchaseCount: d.summary.purchaseCount,
            deliveryDate: d.deliveryDate,
            deliveryTime: d.deliveryTime,
            gift: d.gift,
            noshi: d.noshi,
            remarks: d.remarks,
            memo: d.memo,
            labels: d.summary.labels.joined(separator: " · "),
            holdReason: d.summary.holdReason,
            missing: d.missing.map { "\($0.code) (\($0.available) / \($0.needed))" },
            // Only the moves the order's state allows, and only for users who may make them.
            actions: context.allows(.orders, .write)
                ? d.summary.status.next.map {
                    DetailPage.Action(to: $0.rawValue, key: "order.action.\($0.rawValue)", needsReason: $0 == .onHold)
                } : [],
            history: d.history.map {
                DetailPage.Event(
                    at: JST.format($0.at),
                    actor: $0.actor,
                    fromKey: $0.from.map(Self.statusKey),
                    toKey: Self.statusKey($0.to),
                    reason: $0.reason
                )
            },
            canWrite: context.allows(.orders, .write),
            flagKeys: d.addressFlags.map { "order.flag.\($0.rawValue)" }
        )
        return try await Pages.render(
            "orders/show",
            titleKey: "order.title",
            page: page,
            request: request,
            context: context,
            status: status,
            notice: notice,
            error: error
        )
    }

    @Sendable func transition(_ request: Request, _ context: TenantContext) async throws -> Response {
        let detail = try await OrdersAPIController.order(request, context)
        let form = try request.content.decode(TransitionForm.self)
        guard let target = OrderStatus(rawValue: form.to) else {
            throw AppError.invalid(FieldError(field: "to", reason: "status_invalid"))
        }
        do {
            try await context.orderWorkflow.move(
                detail.summary.id,
                to: target,
                reason: form.reason ?? "",
                from: form.from.flatMap(OrderStatus.init(rawValue:))
            )
        } catch let refusal as OrderWorkflow.Refusal {
            let error = refusal.appError
            let current = try await OrdersAPIController.order(request, context)
            return try await render(current, request, context, status: error.status, error: error.messageKey)
        }
        return request.redirect(to: "/orders/\(detail.summary.id)?moved=\(target.rawValue)", redirectType: .normal)
    }

    @Sendable func bulk(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(BulkForm.self)
        guard let target = OrderStatus(rawValue: form.to) else {
            throw AppError.invalid(FieldError(field: "to", reason: "status_invalid"))
        }
        // Each selected order comes as `id:status`, the state the list showed it in: an order that has moved since is
        // reported, not moved from a state nobody saw.
        let selected = (form.ids ?? []).map { value -> (UUID, OrderStatus?)? in
            let parts = value.split(separator: ":", maxSplits: 1)
            guard let id = UUID(uuidString: String(parts.first ?? "")) else { return nil }
            guard parts.count == 2, let status = OrderStatus(rawValue: String(parts[1])) else { return nil }
            return (id, status)
        }
        guard !selected.isEmpty, selected.count <= Self.bulkLimit, !selected.contains(where: { $0 == nil }) else {
            throw AppError.invalid(FieldError(field: "ids", reason: "bulk_selection_invalid"))
        }
        let workflow = context.orderWorkflow
        let queries = try await context.orderQueries()
        var results: [BulkPage.Result] = []
        // Each order moves in a transaction of its own: one that cannot move does not hold back the others, and the
        // page names it with the reason.
        var seen: Set<UUID> = []
        for case let (id, shown)? in selected where seen.insert(id).inserted {
            guard let detail = try await queries.detail(id) else {
                results.append(.init(id: id, number: "—", ok: false, reason: request.text("error.not_found")))
                continue
            }
            do {
                try await workflow.move(id, to: target, reason: form.reason ?? "", from: shown)
                results.append(.init(id: id, number: detail.summary.number, ok: true, reason: ""))
            } catch {
                let key: String
                switch error {
                case let refusal as OrderWorkflow.Refusal: key = refusal.appError.messageKey
                case let stock as StockError: key = stock.appError.messageKey
                case let app as AppError: key = app.messageKey
                default:
                    request.logger.error("bulk move of order \(id): \(String(reflecting: error))")
                    key = "error.internal_error"
                }
                results.append(.init(id: id, number: detail.summary.number, ok: false, reason: request.text(key)))
            }
        }
        let moved = results.filter(\.ok).count
        return try await Pages.render(
            "orders/bulk",
            titleKey: "order.bulk.title",
            page: BulkPage(
                toKey: Self.statusKey(target),
                moved: moved,
                failed: results.count - moved,
                results: results
            ),
            request: request,
            context: context
        )
    }
}
