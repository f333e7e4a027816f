import Domain
import FluentKit
import Foundation
import Testing
import Vapor

@testable import App

@Suite struct MasterCSVImportTests {
    static let csv = """
        product_code,product_name,supplier,sku_code,variant,jan,price,tax_class,size_class,cool_type,reorder_point,labels,set_components
        TEA,静岡 深蒸し煎茶,静岡茶園,TEA-100,100g,4901234567894,1080,reduced,60,ambient,5,お茶;ギフト,
        TEA,静岡 深蒸し煎茶,静岡茶園,TEA-200,200g,,1980,reduced,60,ambient,,お茶,
        MUG,波佐見焼 マグ「呉須」,波佐見窯元,MUG-1,"白, 呉須",,2420,standard,60,ambient,3,,
        GIFT,お茶とマグのセット,自社,GIFT-1,ギフト,,3980,standard,80,ambient,,ギフト,TEA-100:1|MUG-1:1

        """

    func api(_ app: Application, _ shop: TestTenant) async throws -> Browser {
        let admin = try #require(try await app.user(shop, email: shop.adminEmail))
        let browser = Browser(app)
        browser.headers.bearerAuthorization = .init(
            token: try await app.makeToken(tenant: shop, userID: admin.id!, scopes: APITokenIssuer.allScopes)
        )
        return browser
    }

    func upload(_ browser: Browser, _ data: Data, dryRun: Bool = false) async throws -> Browser.Page {
        try await browser.send(
            .POST,
            "/api/v1/products/import" + (dryRun ? "?dryRun=true" : ""),
            headers: ["Content-Type": "text/csv"],
            body: String(decoding: data, as: UTF8.self)
        )
    }

    func uploadBytes(
        _ app: Application,
        _ token: String,
        _ data: Data,
        dryRun: Bool = false
    ) async throws -> (HTTPStatus, String) {
        var headers = HTTPHeaders()
        headers.bearerAuthorization = .init(token: token)
        headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        let response = try await app.testing().sendRequest(
            .POST,
            "/api/v1/products/import" + (dryRun ? "?dryRun=true" : ""),
            headers: headers,
            body: ByteBuffer(data: data)
        )
        return (response.status, String(buffer: response.body))
    }

    @Test func aCP932FileCreatesTheMasterAndTheExportRoundTrips() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = try #require(try await app.user(shop, email: shop.adminEmail))
            let token = try await app.makeToken(tenant: shop, userID: admin.id!, scopes: APITokenIssuer.allScopes)
            let cp932 = try #require(Self.csv.data(using: .shiftJIS))
            let (status, body) = try await uploadBytes(app, token, cp932)
            #expect(status == .ok, "\(body)")
            let uploaded = try JSONDecoder().decode(CatalogCSVController.JSONReport.self, from: Data(body.utf8))
            #expect(uploaded.encoding == "cp932" && uploaded.created == 4 && uploaded.applied)
            let gift = try await app.sku(shop, "GIFT-1")
            #expect(gift.isSet)
            #expect(try await app.sku(shop, "MUG-1").variant == "白, 呉須")
            #expect(try await app.sku(shop, "TEA-100").taxClass == .reduced)

            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            let exported = try await app.testing().sendRequest(.GET, "/api/v1/products/export", headers: headers)
            #expect(exported.headers.contentType?.description.contains("Shift_JIS") == true)
            let exportedData = Data(buffer: exported.body)
            #expect(String(data: exportedData, encoding: .shiftJIS)?.contains("静岡 深蒸し煎茶") == true)
            let (again, report) = try await uploadBytes(app, token, exportedData)
            #expect(again == .ok)
            #expect(
                report.contains("\"created\":0") && report.contains("\"updated\":4"),
                "the export imports back unchanged"
            )
            let second = try await app.testing().sendRequest(.GET, "/api/v1/products/export", headers: headers)
            #expect(Data(buffer: second.body) == exportedData)
        }
    }

    @Test func aMalformedFileChangesNothingAndNamesLineAndColumn() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let api = try await api(app, shop)
            let broken = Self.csv.replacingOccurrences(of: "TEA-200,200g,,1980", with: "TEA-200,200g,,1,980")
                .replacingOccurrences(of: "MUG-1:1", with: "NOPE-9:1")
            let page = try await upload(api, Data(broken.utf8))
            #expect(page.status == .unprocessableEntity)
            let errors = try page.decoded(as: CatalogCSVController.JSONReport.self).errors
            #expect(errors.contains { $0.line == 3 && $0.reason == "field_count" }, "the row with an extra field")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(SKURecord.self).count() == 0, "nothing half-applied")

            let unknownComponent = Self.csv.replacingOccurrences(of: "MUG-1:1", with: "NOPE-9:1")
            let second = try await upload(api, Data(unknownComponent.utf8))
            #expect(second.status == .unprocessableEntity)
            #expect(
                try second.decoded(as: CatalogCSVController.JSONReport.self).errors.contains {
                    $0.line == 5 && $0.reason == "component_unknown:NOPE-9"
                }
            )
            #expect(try await tdb.query(SKURecord.self).count() == 0)

            let dry = try await upload(api, Data(Self.csv.utf8), dryRun: true)
            #expect(dry.status == .ok)
            #expect(try dry.decoded(as: CatalogCSVController.JSONReport.self).applied == false)
            #expect(try await tdb.query(SKURecord.self).count() == 0, "a dry run applies nothing")
        }
    }

    @Test func thePageStreamsTheUploadAndChecksTheTokenSentBeforeTheFile() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let form = try await admin.get("/catalog/import")
            let csrf = try #require(form.hidden("_csrf"))
            #expect(!form.body.contains("_csrf=\(csrf)"), "the token is not in the form's URL")
            let boundary = "akinai-test-boundary"
            func part(_ name: String, _ value: String, file: Bool = false) -> String {
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
                    + (file ? "; filename=\"m.csv\"\r\nContent-Type: text/csv" : "") + "\r\n\r\n\(value)\r\n"
            }
            func send(_ path: String, _ parts: [String]) async throws -> Browser.Page {
                try await admin.send(
                    .POST,
                    path,
                    headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"],
                    body: parts.joined() + "--\(boundary)--\r\n"
                )
            }
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            // The token in the URL, after the file, wrong, or missing: refused, and nothing is read or staged.
            for refused in [
                try await send("/catalog/import?_csrf=\(csrf)", [part("file", Self.csv, file: true)]),
                try await send("/catalog/import", [part("file", Self.csv, file: true), part("_csrf", csrf)]),
                try await send("/catalog/import", [part("_csrf", "nope"), part("file", Self.csv, file: true)]),
                try await send("/catalog/import", [part("dryRun", "1")]),
            ] {
                #expect(refused.status == .forbidden)
            }
            #expect(try await tdb.query(CatalogImportRecord.self).count() == 0)
            #expect(try await tdb.query(SKURecord.self).count() == 0)

            let bad = try await send(
                "/catalog/import",
                [
                    part("_csrf", csrf),
                    part("file", Self.csv.replacingOccurrences(of: ",1080,", with: ",x,"), file: true),
                ]
            )
            #expect(bad.status == .unprocessableEntity)
            // The shop sees why in its own language, not the reason's code.
            #expect(bad.body.contains("価格が正しくありません"))
            #expect(!bad.body.contains("price_invalid"))
            let ok = try await send("/catalog/import", [part("_csrf", csrf), part("file", Self.csv, file: true)])
            #expect(ok.status == .ok)
            #expect(ok.body.contains("反映しました"))
            #expect(try await admin.get("/catalog?q=GIFT").body.contains("GIFT-1"))
            let outcomes = try await tdb.query(CatalogImportRecord.self).all().map(\.status).sorted()
            #expect(outcomes == ["applied", "rejected"])
            #expect(try await tdb.query(ImportRowRecord.self).count() == 0, "staged rows are gone")
        }
    }

    /// A master of `count` SKUs in products of ten, every tenth a set of the two before it.
    static func large(_ count: Int, price: Int = 1000) -> String {
        var csv = CSV.line(MasterCSV.columns)
        for index in 0..<count {
            let set = index % 10 == 9
            csv += CSV.line([
                "P\(index / 10)", "商品 \(index / 10)", "", "S\(index)", "", "", String(price), "", "", "", "", "",
                set ? "S\(index - 1):1|S\(index - 2):2" : "",
            ])
        }
        return csv
    }

    @Test func aLargeFileIsAppliedInStepsAndFinishedByTheJobAfterAStop() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let importer = MasterImport(tdb: tdb, services: app.akinai, actor: .cli)
            // 3,500 rows: four batches, eight steps. The process "stops" after three of them.
            let report = try await importer.run(Data(Self.large(3500).utf8), dryRun: false, inlineSteps: 3)
            #expect(report.errors.isEmpty && report.created == 3500)
            let record = try #require(try await tdb.query(CatalogImportRecord.self).first())
            #expect(record.status == "applying" && record.doneSteps == 3 && record.steps == 8)
            #expect(try await tdb.query(SKURecord.self).count() == 3000)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "catalog.import").count() == 0)

            // The job waits out a live apply, then finishes it; a second applier at the same time does no step twice.
            clock.advance(JobWorker.defaultLease + 1)
            async let other: Void = importer.applyPending(record.id!)
            try await app.runJobs()
            try await other
            let done = try #require(try await tdb.find(CatalogImportRecord.self, record.id))
            #expect(done.status == "applied" && done.doneSteps == 8)
            #expect(try await tdb.query(SKURecord.self).count() == 3500)
            #expect(try await tdb.query(StockLevelRecord.self).count() == 3150, "one stock row per plain SKU")
            #expect(try await tdb.query(SetComponentRecord.self).count() == 700)
            #expect(try await tdb.query(AuditEventRecord.self).filter(\.$action == "catalog.import").count() == 1)
            #expect(try await tdb.query(ImportRowRecord.self).count() == 0)
            #expect(try await tdb.query(ImportComponentRecord.self).count() == 0)

            // The same file again updates every row and creates nothing.
            let again = try await importer.run(Data(Self.large(3500, price: 1200).utf8), dryRun: false)
            #expect(again.updated == 3500 && again.created == 0)
            #expect(try await tdb.query(SKURecord.self).filter(\.$price == 1200).count() == 3500)
        }
    }

    @Test func oversizedInputIsRefusedWithoutReadingItAll() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let api = try await api(app, shop)
            let endless = "product_code,product_name,sku_code,price\nP,\"" + String(repeating: "x", count: 100_000)
            let long = try await upload(api, Data(endless.utf8))
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.contains("record_too_long"))
            let huge = Data(count: MasterImport.maximumBytes + 1)
            let tooLarge = try await upload(api, huge)
            #expect(tooLarge.status == .payloadTooLarge)
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            #expect(try await tdb.query(SKURecord.self).count() == 0)
            #expect(try await api.get("/health").status == .ok)
        }
    }

    @Test func rowsStagedByAnImportThatStoppedWhileReadingArePurged() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let importer = MasterImport(tdb: tdb, services: app.akinai, actor: .cli)
            _ = try await importer.run(Data(Self.large(20).utf8), dryRun: false, inlineSteps: 0)
            // As if the process had stopped while reading: back to `staging`, with its rows still staged.
            let record = try #require(try await tdb.query(CatalogImportRecord.self).first())
            record.status = "staging"
            try await tdb.update(record)
            #expect(try await tdb.query(ImportRowRecord.self).count() == 20)
            clock.advance(2 * 3600)
            let worker = JobWorker(id: "test", db: app.db, services: app.akinai, logger: app.logger)
            try await worker.schedulePeriodic()
            try await app.runJobs()
            #expect(try await tdb.find(CatalogImportRecord.self, record.id)?.status == "abandoned")
            #expect(try await tdb.query(ImportRowRecord.self).count() == 0)
            #expect(try await tdb.query(SKURecord.self).count() == 0, "nothing of it was applied")

            // An import that began applying is no longer the purge's: discarding it changes nothing.
            _ = try await importer.run(Data(Self.large(20).utf8), dryRun: false, inlineSteps: 0)
            let applying = try #require(
                try await tdb.query(CatalogImportRecord.self).filter(\.$status == "applying").first()
            )
            try await importer.discard(applying.id!, status: "abandoned")
            #expect(try await tdb.find(CatalogImportRecord.self, applying.id)?.status == "applying")
            #expect(try await tdb.query(ImportRowRecord.self).count() == 20)
            try await importer.applyPending(applying.id!)
            #expect(try await tdb.query(SKURecord.self).count() == 20)
        }
    }

    @Test func aShopAppliesOneImportAtATime() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let tdb = app.akinai.tenantDatabase(shop.id, on: app.db)
            let importer = MasterImport(tdb: tdb, services: app.akinai, actor: .cli)
            _ = try await importer.run(Data(Self.large(1500).utf8), dryRun: false, inlineSteps: 1)
            await #expect(throws: AppError.self) {
                _ = try await importer.run(Data(Self.large(1500, price: 5).utf8), dryRun: false)
            }
            let statuses = try await tdb.query(CatalogImportRecord.self).all().map(\.status).sorted()
            #expect(statuses == ["applying", "rejected"])
            #expect(try await tdb.query(SKURecord.self).filter(\.$price == 5).count() == 0)
            // A dry run still checks a file meanwhile.
            #expect(try await importer.run(Data(Self.large(10).utf8), dryRun: true).errors.isEmpty)
        }
    }

    @Test func aScriptMaySendTheTokenAsAHeaderInstead() async throws {
        try await withApp { app, _ in
            let shop = try await app.makeTenant("shop-a")
            let admin = Browser(app)
            try await admin.signIn(shop)
            let csrf = try #require(try await admin.get("/catalog/import").hidden("_csrf"))
            let boundary = "b0undary"
            let body =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\n"
                + Self.csv + "\r\n--\(boundary)--\r\n"
            var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
            headers.add(name: "X-CSRF-Token", value: "wrong")
            #expect(try await admin.send(.POST, "/catalog/import", headers: headers, body: body).status == .forbidden)
            headers.replaceOrAdd(name: "X-CSRF-Token", value: csrf)
            #expect(try await admin.send(.POST, "/catalog/import", headers: headers, body: body).status == .ok)
        }
    }
}
