import Domain
import Foundation
import Vapor

/// 出荷: the label files of the orders ready to ship, and the tracking numbers that ship them; on pages and over
/// the API.
extension OrdersController {
    /// The shipping page: how many orders wait, the label forms, and the report of a tracking upload.
    struct ShippingPage: Encodable, Sendable {
        let ready: Int
        let carriers: [Option]
        let report: OrderShipping.TrackingReport?
        let errors: [ImportPage.ShownError]
        let unencodable: [CP932.Unencodable]
        let senderMissing: Bool
    }

    /// The label form.
    struct LabelsForm: Content {
        var carrier: String
        var replace: String?
    }

    func registerShipping(tenant: TenantRoutes, api: TenantRoutes) {
        tenant.get("orders", "shipping", requires: .orders, .read, use: showShipping)
        tenant.post("orders", "shipping", "labels", requires: .orders, .write, use: labels)
        tenant.on(
            .POST,
            ["orders", "shipping", "tracking"],
            requires: .orders,
            .write,
            body: .stream,
            checksFormCSRF: true,
            use: uploadTracking
        )
        api.post("orders", "shipping", "labels", requires: .orders, .write, use: apiLabels)
        api.on(.POST, ["orders", "shipping", "tracking"], requires: .orders, .write, body: .stream, use: apiTracking)
        api.post("orders", ":orderID", "shipments", requires: .orders, .write, use: apiShip)
    }

    static var carrierOptions: [Option] {
        Carrier.allCases.map { Option(value: $0.rawValue, key: "carrier.\($0.rawValue)") }
    }

    private func shippingPage(
        _ request: Request,
        _ context: TenantContext,
        report: OrderShipping.TrackingReport? = nil,
        unencodable: [CP932.Unencodable] = [],
        status: HTTPResponseStatus = .ok,
        error: String? = nil
    ) async throws -> Response {
        let counts = try await context.orderQueries().counts()
        let page = ShippingPage(
            ready: counts[.readyToShip] ?? 0,
            carriers: Self.carrierOptions,
            report: report,
            errors: (report?.errors ?? []).map {
                ImportPage.ShownError(line: $0.line, column: $0.column, message: request.text("error." + $0.reason))
            },
            unencodable: unencodable,
            senderMissing: try await context.db.shopSettings().sender == nil
        )
        return try await Pages.render(
            "orders/shipping",
            titleKey: "order.shipping.title",
            page: page,
            request: request,
            context: context,
            status: status,
            error: error
        )
    }

    @Sendable func showShipping(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await shippingPage(request, context)
    }

    static func carrier(_ raw: String?) throws -> Carrier {
        guard let raw, let carrier = Carrier(rawValue: raw) else {
            throw AppError.invalid(FieldError(field: "carrier", reason: "carrier_invalid"))
        }
        return carrier
    }

    /// A CP932 label file as a download.
    static func download(_ data: Data, carrier: Carrier) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "Shift_JIS"])
        headers.contentDisposition = .init(.attachment, filename: "akinai-\(carrier.rawValue)-labels.csv")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }

    @Sendable func labels(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(LabelsForm.self)
        let carrier = try Self.carrier(form.carrier)
        do {
            let (data, _) = try await context.orderShipping.labels(carrier, replacing: form.replace == "1")
            return Self.download(data, carrier: carrier)
        } catch let refusal as OrderShipping.Refusal {
            switch refusal {
            case .nothingToShip:
                return try await shippingPage(request, context, status: .conflict, error: "error.nothing_to_ship")
            case .senderIncomplete:
                return try await shippingPage(request, context, status: .conflict, error: "error.sender_incomplete")
            case .unencodable(let list):
                return try await shippingPage(
                    request,
                    context,
                    unencodable: list,
                    status: .unprocessableEntity,
                    error: "error.not_cp932_cells"
                )
            }
        }
    }

    @Sendable func uploadTracking(_ request: Request, _ context: TenantContext) async throws -> Response {
        let path = try MasterImport.temporaryFile(context.services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fields = try await StreamedUpload.saveCheckedForm(
            request,
            csrf: context.csrfToken,
            to: path,
            limit: MasterImport.maximumBytes
        )
        let report = try await trackingReport(
            context,
            try Data(contentsOf: URL(fileURLWithPath: path)),
            carrier: fields["carrier"].flatMap(Carrier.init(rawValue:)),
            dryRun: fields["dryRun"] != nil
        )
        return try await shippingPage(
            request,
            context,
            report: report,
            status: report.errors.isEmpty ? .ok : .unprocessableEntity
        )
    }

    private func trackingReport(
        _ context: TenantContext,
        _ data: Data,
        carrier: Carrier?,
        dryRun: Bool
    ) async throws
        -> OrderShipping.TrackingReport
    {
        do {
            return try await context.orderShipping.importTracking(data, carrier: carrier, dryRun: dryRun)
        } catch let refusal as OrderWorkflow.Refusal {
            // Another request moved one of the orders meanwhile: nothing of the file was applied.
            throw refusal.appError
        }
    }

    @Sendable func apiLabels(_ request: Request, _ context: TenantContext) async throws -> Response {
        let carrier = try Self.carrier(request.query[String.self, at: "carrier"])
        do {
            let (data, _) = try await context.orderShipping.labels(
                carrier,
                replacing: try CatalogCSVController.replacing(request)
            )
            return Self.download(data, carrier: carrier)
        } catch let refusal as OrderShipping.Refusal {
            switch refusal {
            case .nothingToShip: throw AppError(.conflict, code: "conflict", messageKey: "error.nothing_to_ship")
            case .senderIncomplete(let setting):
                throw AppError(
                    .conflict,
                    code: "sender_incomplete",
                    messageKey: "error.sender_incomplete",
                    field: setting
                )
            case .unencodable(let list):
                let places = list.prefix(20).map { "\($0.record): \($0.column) 「\($0.character)」" }
                throw AppError(
                    .unprocessableEntity,
                    code: "not_encodable",
                    messageKey: "CP932 にない文字があります（replace=1 で 〓 に置き換えます）: " + places.joined(separator: ", ")
                )
            }
        }
    }

    @Sendable func apiTracking(_ request: Request, _ context: TenantContext) async throws -> Response {
        let dryRun = try StreamedUpload.dryRun(request)
        var carrier: Carrier?
        if let raw = request.query[String.self, at: "carrier"], !raw.isEmpty { carrier = try Self.carrier(raw) }
        let path = try MasterImport.temporaryFile(context.services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard try await StreamedUpload.saveBody(request, to: path, limit: MasterImport.maximumBytes) > 0 else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.file_required")
        }
        let report = try await trackingReport(
            context,
            try Data(contentsOf: URL(fileURLWithPath: path)),
            carrier: carrier,
            dryRun: dryRun
        )
        let response = Response(status: report.errors.isEmpty ? .ok : .unprocessableEntity)
        try response.content.encode(report, as: .json)
        return response
    }

    /// A shipment input: the carrier and its slip number.
    struct ShipmentInput: Content {
        var carrier: String
        var tracking: String
    }

    @Sendable func apiShip(
        _ request: Request,
        _ context: TenantContext
    ) async throws -> OrdersAPIController.DetailResponse {
        let order = try await OrdersAPIController.order(request, context)
        let input = try request.content.decode(ShipmentInput.self)
        do {
            let shipment = try OrderWorkflow.Shipment(
                carrier: try Self.carrier(input.carrier),
                tracking: input.tracking
            )
            try await context.orderWorkflow.move(
                order.summary.id,
                to: .shipped,
                reason: "伝票番号 \(shipment.tracking)",
                shipment: shipment
            )
        } catch let refusal as OrderWorkflow.Refusal {
            throw refusal.appError
        }
        return OrdersAPIController.DetailResponse(try await OrdersAPIController.order(request, context))
    }
}
