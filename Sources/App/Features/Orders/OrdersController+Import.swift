import Domain
import Foundation
import Vapor

/// 受注取込: an order file from a mall (or Akinai's own CSV) uploaded on the page or over the API, with a dry run.
extension OrdersController {
    /// The import page: the form, or the report of an upload.
    struct ImportPage: Encodable, Sendable {
        struct ShownError: Encodable, Sendable {
            let line: Int
            let column: String
            let message: String
        }
        let report: OrderImport.Report?
        let dryRun: Bool
        let errors: [ShownError]
        let unknownColumns: String
        let formats: [Option]
    }

    /// The format asked for: `auto` (or nothing) detects it from the header.
    static func importFormat(_ raw: String?) throws -> OrderCSVFormat? {
        guard let raw, !raw.isEmpty, raw != "auto" else { return nil }
        guard let format = OrderCSVFormat(rawValue: raw) else {
            throw AppError.invalid(FieldError(field: "format", reason: "format_unknown"))
        }
        return format
    }

    func registerImport(tenant: TenantRoutes, api: TenantRoutes) {
        tenant.get("orders", "import", requires: .orders, .write, use: showImport)
        // Streamed to a file (up to 64 MB), never collected in memory; the form's CSRF field is checked before the file.
        tenant.on(
            .POST,
            ["orders", "import"],
            requires: .orders,
            .write,
            body: .stream,
            checksFormCSRF: true,
            use: upload
        )
        api.on(.POST, ["orders", "import"], requires: .orders, .write, body: .stream, use: apiImport)
    }

    private func importPage(_ report: OrderImport.Report?, dryRun: Bool, _ request: Request) -> ImportPage {
        ImportPage(
            report: report,
            dryRun: dryRun,
            errors: (report?.errors ?? []).map {
                ImportPage.ShownError(line: $0.line, column: $0.column, message: request.text("error." + $0.reason))
            },
            unknownColumns: (report?.unknownColumns ?? []).prefix(30).joined(separator: ", "),
            formats: [Option(value: "auto", key: "order.import.auto")]
                + OrderCSVFormat.allCases.map { Option(value: $0.rawValue, key: "order.import.\($0.rawValue)") }
        )
    }

    @Sendable func showImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "orders/import",
            titleKey: "order.import.title",
            page: importPage(nil, dryRun: true, request),
            request: request,
            context: context
        )
    }

    @Sendable func upload(_ request: Request, _ context: TenantContext) async throws -> Response {
        let path = try MasterImport.temporaryFile(context.services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fields = try await StreamedUpload.saveCheckedForm(
            request,
            csrf: context.csrfToken,
            to: path,
            limit: MasterImport.maximumBytes
        )
        let dryRun = fields["dryRun"] != nil
        let report = try await OrderImport(tdb: context.db, services: context.services, actor: context.actor).run(
            try Data(contentsOf: URL(fileURLWithPath: path)),
            format: try Self.importFormat(fields["format"]),
            dryRun: dryRun
        )
        return try await Pages.render(
            "orders/import",
            titleKey: "order.import.title",
            page: importPage(report, dryRun: dryRun, request),
            request: request,
            context: context,
            status: report.errors.isEmpty ? .ok : .unprocessableEntity
        )
    }

    @Sendable func apiImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        let dryRun = try StreamedUpload.dryRun(request)
        let format = try Self.importFormat(request.query[String.self, at: "format"])
        let path = try MasterImport.temporaryFile(context.services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard try await StreamedUpload.saveBody(request, to: path, limit: MasterImport.maximumBytes) > 0 else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.file_required")
        }
        let report = try await OrderImport(tdb: context.db, services: context.services, actor: context.actor).run(
            try Data(contentsOf: URL(fileURLWithPath: path)),
            format: format,
            dryRun: dryRun
        )
        let response = Response(status: report.errors.isEmpty ? .ok : .unprocessableEntity)
        try response.content.encode(report, as: .json)
        return response
    }
}
