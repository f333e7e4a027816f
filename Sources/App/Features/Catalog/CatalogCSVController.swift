import Domain
import FluentKit
import Vapor

/// CSV import and export of the product master, on pages and over the API.
struct CatalogCSVController {
    /// The upload form.
    struct UploadForm: Content {
        var file: File?
        var dryRun: String?
    }

    /// The import page: the form, or the report of an upload.
    struct ImportPage: Encodable, Sendable {
        let report: MasterImport.Report?
        let dryRun: Bool
    }

    static let maxUpload: ByteCount = "64mb"

    func register(tenant: TenantRoutes, api: TenantRoutes) {
        tenant.get("catalog", "import", requires: .catalog, .write, use: showImport)
        tenant.on(
            .POST,
            ["catalog", "import"],
            requires: .catalog,
            .write,
            body: .collect(maxSize: Self.maxUpload),
            use: upload
        )
        tenant.get("catalog", "export", requires: .catalog, .read, use: export)
        api.on(
            .POST,
            ["products", "import"],
            requires: .catalog,
            .write,
            body: .collect(maxSize: Self.maxUpload),
            use: apiImport
        )
        api.get("products", "export", requires: .catalog, .read, use: export)
    }

    @Sendable func showImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "catalog/import",
            titleKey: "catalog.import_title",
            page: ImportPage(report: nil, dryRun: true),
            request: request,
            context: context
        )
    }

    @Sendable func upload(_ request: Request, _ context: TenantContext) async throws -> Response {
        let form = try request.content.decode(UploadForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            throw AppError(
                .unprocessableEntity,
                code: "validation_failed",
                messageKey: "error.file_required",
                field: "file"
            )
        }
        let dryRun = form.dryRun != nil
        let report = try await MasterImport(tdb: context.db, services: context.services, actor: context.actor)
            .run(Data(buffer: file.data), dryRun: dryRun)
        return try await Pages.render(
            "catalog/import",
            titleKey: "catalog.import_title",
            page: ImportPage(report: report, dryRun: dryRun),
            request: request,
            context: context,
            status: report.errors.isEmpty ? .ok : .unprocessableEntity
        )
    }

    @Sendable func apiImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        guard let body = request.body.data, body.readableBytes > 0 else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.file_required")
        }
        let dryRun: Bool
        switch request.query[String.self, at: "dryRun"] {
        case nil, "false": dryRun = false
        case "true": dryRun = true
        default: throw AppError.invalid(FieldError(field: "dryRun", reason: "boolean_invalid"))
        }
        let report = try await MasterImport(tdb: context.db, services: context.services, actor: context.actor)
            .run(Data(buffer: body), dryRun: dryRun)
        let response = Response(status: report.errors.isEmpty ? .ok : .unprocessableEntity)
        try response.content.encode(Self.JSONReport(report), as: .json)
        return response
    }

    /// The import report as JSON.
    struct JSONReport: Content {
        let encoding: String
        let rows: Int
        let created: Int
        let updated: Int
        let applied: Bool
        let errors: [MasterCSV.RowError]

        init(_ report: MasterImport.Report) {
            encoding = report.encoding
            rows = report.rows
            created = report.created
            updated = report.updated
            applied = report.applied
            errors = report.errors
        }
    }

    /// The master as CSV: CP932 by default, as mall tools expect; `?encoding=utf8` for UTF-8 with BOM.
    @Sendable func export(_ request: Request, _ context: TenantContext) async throws -> Response {
        let encoding = request.query[String.self, at: "encoding"] ?? "cp932"
        guard encoding == "cp932" || encoding == "utf8" else {
            throw AppError.invalid(FieldError(field: "encoding", reason: "encoding_invalid"))
        }
        let text = try await MasterImport.export(context.db)
        let utf8 = encoding == "utf8"
        let data: Data
        if utf8 {
            data = Data([0xEF, 0xBB, 0xBF]) + Data(text.utf8)
        } else {
            guard let encoded = text.data(using: .shiftJIS) else {
                throw AppError(.unprocessableEntity, code: "not_encodable", messageKey: "error.not_cp932")
            }
            data = encoded
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(
            type: "text",
            subType: "csv",
            parameters: ["charset": utf8 ? "utf-8" : "Shift_JIS"]
        )
        headers.contentDisposition = .init(.attachment, filename: "akinai-products.csv")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
