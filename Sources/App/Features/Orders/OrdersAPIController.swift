import Domain
import Foundation
import Vapor

/// `/api/v1/orders`: intake (idempotent by channel and number), the list with filters and cursor pages, one order,
/// and its transitions.
struct OrdersAPIController {
    /// The answer to an intake: 201 when the order was stored, 200 with the same id when it was already there.
    struct IntakeResponse: Content {
        let id: UUID
        let channel: String
        let number: String
        let status: String
        let created: Bool
    }

    /// One order in the list.
    struct SummaryResponse: Content {
        let id: UUID
        let channel: String
        let number: String
        let status: String
        let orderedAt: String
        let total: Int
        let buyerName: String
        let prefecture: String
        let labels: [String]
        let holdReason: String
        let purchaseCount: Int
        let carrier: String
        let paymentMethod: String

        init(_ summary: OrderQueries.Summary) {
            id = summary.id
            channel = summary.channel
            number = summary.number
            status = summary.status.rawValue
            orderedAt = JST.iso8601(summary.orderedAt)
            total = summary.total
            buyerName = summary.buyerName
            prefecture = summary.prefecture
            labels = summary.labels
            holdReason = summary.holdReason
            purchaseCount = summary.purchaseCount
            carrier = summary.carrier
            paymentMethod = summary.paymentMethod
        }
    }

    /// A page of the list, with the cursor of the next page and the counts per status.
    struct PageResponse: Content {
        let orders: [SummaryResponse]
        let nextCursor: String?
        let counts: [String: Int]
    }

    /// One order with its lines, amounts, addresses and history.
    struct DetailResponse: Content {
        struct Event: Content {
            let at: String
            let actor: String
            let from: String?
            let to: String
            let reason: String
        }
        struct Person: Content {
            let name: String
            let kana: String
            let postalCode: String
            let prefecture: String
            let city: String
            let address1: String
            let address2: String
            let phone: String
            let email: String

            init?(_ addressee: Addressee?) {
                guard let a = addressee else { return nil }
                name = a.name
                kana = a.kana
                postalCode = a.postalCodeDisplay
                prefecture = a.prefecture
                city = a.city
                address1 = a.address1
                address2 = a.address2
                phone = a.phone
                email = a.email
            }
        }
        let id: UUID
        let channel: String
        let number: String
        let status: String
        let orderedAt: String
        let amounts: OrderAmounts
        let taxIncluded: Bool
        let paymentMethod: String
        let lines: [OrderQueries.Line]
        let buyer: Person?
        let shipTo: Person?
        let purchaseCount: Int
        let deliveryDate: String
        let deliveryTime: String
        let gift: Bool
        let noshi: String
        let remarks: String
        let memo: String
        let labels: [String]
        let carrier: String
        let service: String
        let tracking: [String]
        let holdReason: String
        let missing: [Missing]
        /// The states this order may move to now.
        let next: [String]
        let history: [Event]
        /// The version of the shop's rules that touched it at intake, if any.
        let ruleVersion: Int?
        /// What the address check found: postal_unknown, city_mismatch, no_number, remote_island.
        let addressFlags: [String]

        struct Missing: Content {
            let sku: String
            let needed: Int
            let available: Int
        }

        init(_ d: OrderQueries.Detail) {
            id = d.summary.id
            channel = d.summary.channel
            number = d.summary.number
            status = d.summary.status.rawValue
            orderedAt = JST.iso8601(d.summary.orderedAt)
            amounts = d.amounts
            taxIncluded = d.taxIncluded
            paymentMethod = d.summary.paymentMethod
            lines = d.lines
            buyer = Person(d.buyer)
            shipTo = Person(d.shipTo)
            purchaseCount = d.summary.purchaseCount
            deliveryDate = d.deliveryDate
            deliveryTime = d.deliveryTime
            gift = d.gift
            noshi = d.noshi
            remarks = d.remarks
            memo = d.memo
            labels = d.summary.labels
            carrier = d.summary.carrier
            service = d.service
            tracking = d.tracking
            holdReason = d.summary.holdReason
            missing = d.missing.map { Missing(sku: $0.code, needed: $0.needed, available: $0.available) }
            next = d.summary.status.next.map(\.rawValue)
            ruleVersion = d.ruleVersion
            addressFlags = d.addressFlags.map(\.rawValue)
            history = d.history.map {
                Event(
                    at: JST.iso8601($0.at),
                    actor: $0.actor,
                    from: $0.from?.rawValue,
                    to: $0.to.rawValue,
                    reason: $0.reason
                )
            }
        }
    }

    /// A transition request.
    struct TransitionInput: Content {
        var to: String
        var reason: String?
        /// The state the client saw; the move is refused (409) if the order has left it meanwhile.
        var from: String?
    }

    /// The list's query parameters.
    struct ListQuery: Content {
        var status: String?
        var channel: String?
        var label: String?
        var from: String?
        var to: String?
        var payment: String?
        var carrier: String?
        var number: String?
        var buyer: String?
        var sort: String?
        var cursor: String?
        var limit: Int?
    }

    static let maxLimit = 200

    func register(api: TenantRoutes) {
        api.post("orders", requires: .orders, .write, use: create)
        api.get("orders", requires: .orders, .read, use: list)
        api.get("orders", ":orderID", requires: .orders, .read, use: show)
        api.post("orders", ":orderID", "transitions", requires: .orders, .write, use: transition)
    }

    @Sendable func create(_ request: Request, _ context: TenantContext) async throws -> Response {
        let input = try request.content.decode(OrderInput.self)
        let draft = try OrderRules.check(input, now: context.now)
        let outcome = try await context.orderIntake.take(draft, source: "api")
        let response = Response(status: outcome.created ? .created : .ok)
        try response.content.encode(
            IntakeResponse(
                id: outcome.id,
                channel: draft.channel,
                number: draft.number,
                status: outcome.status.rawValue,
                created: outcome.created
            )
        )
        return response
    }

    @Sendable func list(_ request: Request, _ context: TenantContext) async throws -> PageResponse {
        let query = try request.query.decode(ListQuery.self)
        let filter = try Self.filter(query)
        let limit = query.limit ?? 50
        guard (1...Self.maxLimit).contains(limit) else {
            throw AppError.invalid(FieldError(field: "limit", reason: "page_invalid"))
        }
        var cursor: OrderQueries.Cursor?
        if let token = query.cursor, !token.isEmpty {
            guard let parsed = OrderQueries.Cursor(token: token) else {
                throw AppError.invalid(FieldError(field: "cursor", reason: "cursor_invalid"))
            }
            cursor = parsed
        }
        let queries = try await context.orderQueries()
        let page = try await queries.list(filter, after: cursor, limit: limit)
        let counts = try await queries.counts()
        return PageResponse(
            orders: page.rows.map(SummaryResponse.init),
            nextCursor: page.next?.token,
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        )
    }

    @Sendable func show(_ request: Request, _ context: TenantContext) async throws -> DetailResponse {
        DetailResponse(try await Self.order(request, context))
    }

    @Sendable func transition(_ request: Request, _ context: TenantContext) async throws -> DetailResponse {
        guard let raw = request.parameters.get("orderID"), let id = UUID(uuidString: raw) else {
            throw AppError.notFound
        }
        let input: TransitionInput
        do {
            input = try request.content.decode(TransitionInput.self)
        } catch {
            // Another tenant's order (or none) is 404 whatever the body.
            _ = try await Self.order(request, context)
            throw error
        }
        let from = input.from.map { OrderStatus(rawValue: $0) }
        guard let target = OrderStatus(rawValue: input.to), from != .some(nil) else {
            // Another shop's order (or none) is 404 whatever the body says.
            _ = try await Self.order(request, context)
            throw AppError.invalid(
                FieldError(field: OrderStatus(rawValue: input.to) == nil ? "to" : "from", reason: "status_invalid")
            )
        }
        do {
            try await context.orderWorkflow.move(id, to: target, reason: input.reason ?? "", from: from ?? nil)
        } catch let refusal as OrderWorkflow.Refusal {
            throw refusal.appError
        }
        return DetailResponse(try await Self.order(request, context))
    }

    /// The order in route parameter `orderID`, or 404 — also for another tenant's id.
    static func order(_ request: Request, _ context: TenantContext) async throws -> OrderQueries.Detail {
        guard let raw = request.parameters.get("orderID"), let id = UUID(uuidString: raw),
            let detail = try await context.orderQueries().detail(id)
        else { throw AppError.notFound }
        return detail
    }

    /// The list filter of query parameters, each checked; a value that names nothing is refused, never ignored.
    static func filter(_ query: ListQuery) throws -> OrderQueries.Filter {
        // Empty means "any" (a form's blank choice); anything else must be exactly a value the document lists.
        func given(_ value: String?) -> String? {
            guard let value, !value.isEmpty else { return nil }
            return value
        }
        func refuse(_ field: String, _ reason: String) -> AppError {
            AppError.invalid(FieldError(field: field, reason: reason))
        }
        var filter = OrderQueries.Filter()
        if let raw = given(query.status) {
            guard let status = OrderStatus(rawValue: raw) else { throw refuse("status", "status_invalid") }
            filter.status = status
        }
        if let raw = given(query.channel) {
            do { filter.channel = try OrderRules.channel(raw) } catch { throw refuse("channel", "channel_invalid") }
        }
        if let raw = given(query.label) {
            do { filter.label = try CatalogRules.label(raw) } catch { throw refuse("label", "label_invalid") }
        }
        if let raw = given(query.from) {
            guard let day = JST.startOfDay(raw) else { throw refuse("from", "date_invalid") }
            filter.from = day
        }
        if let raw = given(query.to) {
            guard let day = JST.startOfDay(raw) else { throw refuse("to", "date_invalid") }
            filter.until = day.addingTimeInterval(86_400)
        }
        if let raw = given(query.payment) {
            guard let method = PaymentMethod(rawValue: raw) else { throw refuse("payment", "payment_method_invalid") }
            filter.payment = method
        }
        if let raw = given(query.carrier) {
            guard raw.count <= 20 else { throw refuse("carrier", "too_long") }
            filter.carrier = raw
        }
        if let raw = given(query.number) {
            do { filter.number = try OrderRules.number(raw) } catch { throw refuse("number", "order_number_invalid") }
        }
        if let raw = given(query.buyer) {
            guard raw.utf8.count <= 254 else { throw refuse("buyer", "too_long") }
            filter.buyer = raw
        }
        switch given(query.sort) {
        case nil, "-orderedAt": filter.oldestFirst = false
        case "orderedAt": filter.oldestFirst = true
        default: throw refuse("sort", "sort_invalid")
        }
        return filter
    }
}

extension TenantContext {
    /// The order reads of this request's tenant, with its key to open personal data.
    func orderQueries() async throws -> OrderQueries {
        OrderQueries(tdb: db, cipher: try await services.keyStore.cipher(db))
    }
}
