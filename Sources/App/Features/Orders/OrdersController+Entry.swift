import Domain
import Foundation
import Vapor

/// 受注入力: an order typed in by the shop (a phone or fax order), through the same checks and intake as the API.
extension OrdersController {
    /// The entry form as posted; every value is text, checked by `OrderRules` like any other source's.
    struct EntryForm: Content {
        var channel: String?
        var number: String?
        var orderedAt: String?
        var sku: [String]?
        var quantity: [String]?
        var unitPrice: [String]?
        var name: String?
        var kana: String?
        var postalCode: String?
        var prefecture: String?
        var city: String?
        var address1: String?
        var address2: String?
        var phone: String?
        var email: String?
        var shippingFee: String?
        var codFee: String?
        var discount: String?
        var points: String?
        var paymentMethod: String?
        var deliveryDate: String?
        var deliveryTime: String?
        var gift: String?
        var noshi: String?
        var remarks: String?
        var memo: String?
        var labels: String?
    }

    /// The entry page: the form (again, with what was typed and every problem, after a refusal).
    struct EntryPage: Encodable, Sendable {
        struct LineRow: Encodable, Sendable {
            let sku: String
            let quantity: String
            let unitPrice: String
        }
        struct Problem: Encodable, Sendable {
            let field: String
            let key: String
        }
        let form: EntryForm
        let lines: [LineRow]
        let problems: [Problem]
        let channels: [Option]
        let payments: [Option]
        let prefectures: [String]
        let deliveryTimes: [String]
    }

    static let entryLines = 5

    @Sendable func showNew(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await renderEntry(EntryForm(channel: "own"), problems: [], request, context)
    }

    @Sendable func create(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(EntryForm.self)
        var problems: [FieldError] = []
        // A number field left empty is no amount; one that is not a whole number is a problem of that field.
        func number(_ raw: String?, _ field: String) -> Int? {
            let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return nil }
            guard text.count <= 12, let value = Int(text) else {
                problems.append(FieldError(field: field, reason: "amount_invalid"))
                return nil
            }
            return value
        }
        var lines: [OrderInput.Line] = []
        let skus = form.sku ?? []
        if skus.count > OrderRules.maxLines { problems.append(FieldError(field: "lines", reason: "order_lines_count")) }
        for index in skus.indices.prefix(OrderRules.maxLines) {
            let code = skus[index].trimmingCharacters(in: .whitespaces)
            guard !code.isEmpty else { continue }
            let field = "lines[\(lines.count)]"
            let quantity = number(form.quantity?[safe: index], "\(field).quantity") ?? 0
            let price = number(form.unitPrice?[safe: index], "\(field).unitPrice") ?? -1
            lines.append(OrderInput.Line(sku: code, quantity: quantity, unitPrice: price))
        }
        var input = OrderInput(
            channel: form.channel ?? "own",
            number: form.number ?? "",
            lines: lines,
            shipTo: OrderInput.Person(
                name: form.name ?? "",
                kana: form.kana,
                postalCode: form.postalCode ?? "",
                prefecture: form.prefecture ?? "",
                city: form.city ?? "",
                address1: form.address1 ?? "",
                address2: form.address2,
                phone: form.phone ?? "",
                email: form.email
            )
        )
        input.orderedAt = form.orderedAt?.replacingOccurrences(of: "T", with: " ")
        input.shippingFee = number(form.shippingFee, "shippingFee")
        input.codFee = number(form.codFee, "codFee")
        input.discount = number(form.discount, "discount")
        input.points = number(form.points, "points")
        input.paymentMethod = form.paymentMethod
        input.deliveryDate = form.deliveryDate
        input.deliveryTime = form.deliveryTime
        input.gift = form.gift == "1"
        input.noshi = form.noshi
        input.remarks = form.remarks
        input.memo = form.memo
        input.labels = (form.labels ?? "").split(separator: ",").map(String.init)
        do {
            let draft = try OrderRules.check(input, now: context.now)
            guard problems.isEmpty else { return try await renderEntry(form, problems: problems, request, context) }
            let outcome = try await context.orderIntake.take(draft, source: "form")
            return request.redirect(
                to: "/orders/\(outcome.id)\(outcome.created ? "" : "?existing=1")",
                redirectType: .normal
            )
        } catch let errors as FieldErrors {
            return try await renderEntry(form, problems: problems + errors.all, request, context)
        }
    }

    private func renderEntry(
        _ form: EntryForm,
        problems: [FieldError],
        _ request: Request,
        _ context: TenantContext
    ) async throws -> Response {
        let rows = (0..<Self.entryLines).map { index in
            EntryPage.LineRow(
                sku: form.sku?[safe: index] ?? "",
                quantity: form.quantity?[safe: index] ?? "",
                unitPrice: form.unitPrice?[safe: index] ?? ""
            )
        }
        let page = EntryPage(
            form: form,
            lines: rows,
            problems: problems.map {
                // The form has the recipient's fields only; the API's names are kept, so a message says which field.
                EntryPage.Problem(
                    field: $0.field.replacingOccurrences(of: "shipTo.", with: ""),
                    key: "error.\($0.reason)"
                )
            },
            channels: Self.channelOptions,
            payments: PaymentMethod.allCases.map { Option(value: $0.rawValue, key: "order.payment.\($0.rawValue)") },
            prefectures: Prefecture.names,
            deliveryTimes: OrderRules.deliveryTimes.sorted()
        )
        return try await Pages.render(
            "orders/new",
            titleKey: "order.new",
            page: page,
            request: request,
            context: context,
            status: problems.isEmpty ? .ok : .unprocessableEntity,
            error: problems.isEmpty ? nil : "error.order_form"
        )
    }
}
