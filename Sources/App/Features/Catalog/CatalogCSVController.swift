import Domain
import FluentKit
import Vapor

/// CSV import and export of the product master, on pages and over the API.
struct CatalogCSVController {
    /// The import page: the form, or the report of an upload.
    struct ImportPage: Encodable, Sendable {
        let report: MasterImport.Report?
        let dryRun: Bool
        /// The report's errors, each with its reason in the reader's language.
        let errors: [ShownError]

        init(report: MasterImport.Report?, dryRun: Bool, request: Request) {
            self.report = report
            self.dryRun = dryRun
            errors = (report?.errors ?? []).map { ShownError($0, request: request) }
        }
    }

    /// One error of an import report as the page shows it.
    struct ShownError: Encodable, Sendable {
        let line: Int
        let column: String
        let message: String

        init(_ error: MasterCSV.RowError, request: Request) {
            line = error.line
            column = error.column
            // Two reasons carry a detail after their key: the earlier line, the unknown component's code.
            let detailed = [
                ("duplicate_of_line_", "error.duplicate_of_line"), ("component_unknown:", "error.component_unknown"),
            ]
            if let (prefix, key) = detailed.first(where: { error.reason.hasPrefix($0.0) }) {
                message = request.text(key) + " " + error.reason.dropFirst(prefix.count)
            } else {
                message = request.text("error." + error.reason)
            }
        }
    }

    func register(tenant: TenantRoutes, api: TenantRoutes) {
        tenant.get("catalog", "import", requires: .catalog, .write, use: showImport)
        // Uploads are streamed to a file (up to 64 MB), never collected in memory.
        tenant.on(
            .POST,
            ["catalog", "import"],
            requires: .catalog,
            .write,
            body: .stream,
            checksFormCSRF: true,
            use: upload
        )
        tenant.get("catalog", "export", requires: .catalog, .read, use: export)
        api.on(.POST, ["products", "import"], requires: .catalog, .write, body: .stream, use: apiImport)
        api.get("products", "export", requires: .catalog, .read, use: export)
    }

    @Sendable func showImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        try await Pages.render(
            "catalog/import",
            titleKey: "catalog.import_title",
            page: ImportPage(report: nil, dryRun: true, request: request),
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
        let report = try await MasterImport(tdb: context.db, services: context.services, actor: context.actor)
            .run(file: path, dryRun: dryRun)
        return try await Pages.render(
            "catalog/import",
            titleKey: "catalog.import_title",
            page: ImportPage(report: report, dryRun: dryRun, request: request),
            request: request,
            context: context,
            status: report.errors.isEmpty ? .ok : .unprocessableEntity
        )
    }

    @Sendable func apiImport(_ request: Request, _ context: TenantContext) async throws -> Response {
        let dryRun = try StreamedUpload.dryRun(request)
        let path = try MasterImport.temporaryFile(context.services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard try await StreamedUpload.saveBody(request, to: path, limit: MasterImport.maximumBytes) > 0 else {
            throw AppError(.unprocessableEntity, code: "validation_failed", messageKey: "error.file_required")
        }
        let report = try await MasterImport(tdb: context.db, services: context.services, actor: context.actor)
            .run(file: path, dryRun: dryRun)
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

    /// `rows` (the header first) as CSV in CP932, or a 422 naming every record, column and character CP932 cannot
    /// hold; `replacing` writes 〓 for them instead (after the user agreed).
    static func cp932(_ rows: [[String]], replacing: Bool) throws -> Data {
        switch CP932.csv(header: rows.first ?? [], rows: Array(rows.dropFirst()), replacing: replacing) {
        case .success(let data):
            return data
        case .failure(let list):
            let places = list.all.prefix(20).map { "\($0.record): \($0.column) 「\($0.character)」" }
            throw AppError(
                .unprocessableEntity,
                code: "not_encodable",
                messageKey: "CP932 にない文字があります（replace=1 で 〓 に置き換えて出力します）: "
                    + places.joined(separator: ", ")
            )
        }
    }

    /// The `replace` parameter of a CP932 download: absent or `0` reports characters CP932 cannot hold, `1` replaces
    /// them.
    static func replacing(_ request: Request) throws -> Bool {
        switch request.query[String.self, at: "replace"] {
        case nil, "0": return false
        case "1": return true
        default: throw AppError.invalid(FieldError(field: "replace", reason: "boolean_invalid"))
        }
    }

    /// The master as CSV: CP932 by default, as mall tools expect; `?encoding=utf8` for UTF-8 with BOM.
    @Sendable func export(_ request: Request, _ context: TenantContext) async throws -> Response {
        let encoding = request.query[String.self, at: "encoding"] ?? "cp932"
        guard encoding == "cp932" || encoding == "utf8" else {
            throw AppError.invalid(FieldError(field: "encoding", reason: "encoding_invalid"))
        }
        let rows = try await MasterImport.exportRows(context.db)
        let utf8 = encoding == "utf8"
        let data: Data
        if utf8 {
            data = Data([0xEF, 0xBB, 0xBF]) + Data(rows.map(CSV.line).joined().utf8)
        } else {
            data = try Self.cp932(rows, replacing: try Self.replacing(request))
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
