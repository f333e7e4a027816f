import Domain
import FluentKit
import Foundation

/// Imports the product master from a CSV file, in three stages that keep memory small and other shops' writes
/// flowing however large the file:
///
/// 1. **Read and stage.** The file is read from disk in chunks (never whole), split into records as bytes, each
///    record checked on its own and, when valid, staged in `catalog_import_rows` in short batches. Every error
///    is reported with line and column (the first `maximumErrors` of them).
/// 2. **Check the whole.** What needs every row — a SKU code twice, a set as another set's component, a
///    component that exists nowhere, a SKU moving to another product or between plain and set — is checked
///    with queries over the staged rows. Any error, or a dry run, and nothing is applied.
/// 3. **Switch and apply.** One transaction marks the import `applying` and queues a job that finishes it after a
///    crash; the steps (1,000 rows each, products and SKUs first, then set compositions) each commit on their own
///    with the step counter moved by one atomic compare-and-set, so a step is never applied twice, even by two
///    appliers at once. A valid file is therefore applied completely, never in part, though readers may see the
///    seconds in between; the audit event is written with the last step.
struct MasterImport: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    static let maximumErrors = 1000
    static let maximumBytes = 64 << 20
    static let chunkBytes = 256 << 10
    static let batchRows = 1000
    static let jobKind = "catalog.import.apply"

    /// What an import found or did.
    struct Report: Sendable, Encodable {
        var encoding: String
        var rows: Int
        var created: Int
        var updated: Int
        var errors: [MasterCSV.RowError]
        var applied: Bool
    }

    /// Imports `data` by way of a temporary file (for callers that have the bytes already).
    func run(_ data: Data, dryRun: Bool, inlineSteps: Int = .max) async throws -> Report {
        let path = try Self.temporaryFile(services)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try data.write(to: URL(fileURLWithPath: path))
        return try await run(file: path, dryRun: dryRun, inlineSteps: inlineSteps)
    }

    /// A new, empty file under the data directory for an upload, readable by this process only.
    static func temporaryFile(_ services: AppServices) throws -> String {
        let directory = services.config.dataDirectory + "/imports"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + UUID().uuidString + ".csv"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw AppError(.internalServerError, code: "internal_error", messageKey: "error.internal_error") }
        return path
    }

    /// Imports the CSV file at `path` (UTF-8 with or without BOM, or CP932). `inlineSteps` bounds the apply
    /// steps taken here (tests stop half-way with it; the job then finishes the import).
    func run(file path: String, dryRun: Bool, inlineSteps: Int = .max) async throws -> Report {
        let encoding = try Self.detectEncoding(path)
        var report = Report(encoding: encoding, rows: 0, created: 0, updated: 0, errors: [], applied: false)
        let now = services.clock()
        let record = CatalogImportRecord()
        record.id = UUID()
        record.tenantID = tdb.tenantID
        record.status = "staging"
        record.encoding = encoding
        record.rows = 0
        record.created = 0
        record.updated = 0
        record.steps = 0
        record.doneSteps = 0
        record.actorLabel = actor.label
        record.createdAt = now
        try await tdb.create(record)
        let importID = record.id!
        do {
            try await stage(path, encoding: encoding, importID: importID, report: &report)
            if report.errors.isEmpty { report.errors = try await checkWhole(importID) }
            if report.errors.isEmpty {
                report.updated = try await existingCount(importID)
                report.created = report.rows - report.updated
            }
        } catch {
            try? await discard(importID, status: "rejected")
            throw error
        }
        report.errors = Array(
            report.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) }.prefix(Self.maximumErrors)
        )
        guard report.errors.isEmpty, !dryRun else {
            try await discard(importID, status: report.errors.isEmpty ? "checked" : "rejected")
            return report
        }
        let batches = (report.rows + Self.batchRows - 1) / Self.batchRows
        let counts = report
        do {
            try await tdb.transaction { tx in
                // One import of a shop applies at a time: two overlapping files applied step by step in turn would
                // each create the other's new codes. The tenant row's lock orders concurrent switches.
                try await tx.lockTenantRow()
                if try await tx.query(CatalogImportRecord.self).filter(\.$status == "applying").first() != nil {
                    throw AppError(.conflict, code: "conflict", messageKey: "error.import_in_progress")
                }
                // From staging to applying in one conditional UPDATE: an import the hourly purge took as abandoned
                // meanwhile (its staged rows gone or going) is never applied.
                let switched = try await tx.sql.all(
                    """
                    UPDATE catalog_imports SET status = 'applying', rows = \(bind: counts.rows),
                        created = \(bind: counts.created), updated = \(bind: counts.updated),
                        steps = \(bind: max(1, 2 * batches))
                    WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: importID) AND status = 'staging'
                    RETURNING id
                    """
                )
                guard !switched.isEmpty else {
                    throw AppError(.conflict, code: "conflict", messageKey: "error.conflict")
                }
                // Should this process stop half-way, the job finishes the import (it waits out the apply below).
                try await tx.enqueueJob(
                    kind: Self.jobKind,
                    payload: importID.uuidString,
                    runAt: now.addingTimeInterval(JobWorker.defaultLease),
                    uniqueKey: "catalog-import:\(importID)",
                    now: now
                )
            }
        } catch {
            try? await discard(importID, status: "rejected")
            throw error
        }
        try await applyPending(importID, stepsAtMost: inlineSteps)
        report.applied = try await tdb.find(CatalogImportRecord.self, importID)?.status == "applied"
        return report
    }

    // MARK: Reading

    /// `utf-8` when the whole file is valid UTF-8, else `cp932`.
    static func detectEncoding(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var check = UTF8Check()
        while let chunk = try handle.read(upToCount: chunkBytes), !chunk.isEmpty {
            check.feed(Array(chunk))
            if !check.isValid { return "cp932" }
        }
        return check.finish() ? "utf-8" : "cp932"
    }

    /// Reads the file record by record, stages its valid rows, and collects every row's own errors.
    private func stage(_ path: String, encoding: String, importID: UUID, report: inout Report) async throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        defer { try? handle.close() }
        var splitter = CSVRecordSplitter()
        var names: [String]?
        var ordinal = 0
        var rows: [ImportRowRecord] = []
        var components: [ImportComponentRecord] = []
        var finished = false
        while !finished {
            var records: [CSVRecordSplitter.Record] = []
            do {
                if let chunk = try handle.read(upToCount: Self.chunkBytes), !chunk.isEmpty {
                    try splitter.feed(chunk) { records.append($0) }
                } else {
                    try splitter.finish { records.append($0) }
                    finished = true
                }
            } catch let failure as CSVRecordSplitter.Failure {
                switch failure {
                case .unclosedQuote(let line):
                    report.errors.append(.init(line: line, column: "", reason: "unclosed_quote"))
                case .recordTooLong(let line):
                    report.errors.append(.init(line: line, column: "", reason: "record_too_long"))
                }
                return
            }
            for record in records {
                var fields: [String] = []
                var undecodable: Int?
                for (index, bytes) in record.fields.enumerated() {
                    if let text = CSV.text(bytes, encoding: encoding) {
                        fields.append(text)
                    } else {
                        fields.append("")
                        undecodable = undecodable ?? index
                    }
                }
                guard let columns = names else {
                    let header = MasterCSV.header(fields, line: record.line)
                    report.errors += header.errors
                    if !header.errors.isEmpty { return }
                    names = header.names
                    continue
                }
                report.rows += 1
                if let undecodable {
                    let column = undecodable < columns.count ? columns[undecodable] : ""
                    if report.errors.count < Self.maximumErrors {
                        report.errors.append(.init(line: record.line, column: column, reason: "encoding_invalid"))
                    }
                    continue
                }
                let (row, errors) = MasterCSV.row(fields, line: record.line, names: columns)
                if report.errors.count < Self.maximumErrors { report.errors += errors }
                guard let row, report.errors.isEmpty else { continue }
                rows.append(staged(row, importID: importID, ordinal: ordinal))
                ordinal += 1
                for component in row.components {
                    let part = ImportComponentRecord()
                    part.id = UUID()
                    part.tenantID = tdb.tenantID
                    part.importID = importID
                    part.line = row.line
                    part.setCode = row.skuCode
                    part.componentCode = component.code
                    part.quantity = component.quantity
                    components.append(part)
                }
            }
            // Once a row is wrong nothing will be applied: what follows is only read for its errors.
            if !report.errors.isEmpty {
                rows = []
                components = []
            }
            if rows.count >= Self.batchRows || finished {
                let (batch, parts) = (rows, components)
                rows = []
                components = []
                if !batch.isEmpty {
                    try await tdb.transaction { tx in
                        try await tx.createAll(batch)
                        try await tx.createAll(parts)
                    }
                }
            }
        }
        if names == nil { report.errors.append(.init(line: 1, column: "", reason: "empty_file")) }
    }

    private func staged(_ row: MasterCSV.Row, importID: UUID, ordinal: Int) -> ImportRowRecord {
        let record = ImportRowRecord()
        record.id = UUID()
        record.tenantID = tdb.tenantID
        record.importID = importID
        record.ordinal = ordinal
        record.line = row.line
        record.productCode = row.productCode
        record.productName = row.productName
        record.supplier = row.supplier
        record.skuCode = row.skuCode
        record.variant = row.variant
        record.jan = row.jan
        record.price = row.price
        record.taxClass = row.taxClass
        record.sizeClass = row.sizeClass
        record.coolType = row.coolType
        record.reorderPoint = row.reorderPoint
        record.labels = row.labels.joined(separator: ",")
        record.isSet = !row.components.isEmpty
        return record
    }

    // MARK: Checking the whole file

    /// The errors that need every row, found by queries over the staged rows.
    private func checkWhole(_ importID: UUID) async throws -> [MasterCSV.RowError] {
        let sql = tdb.sql
        let tenant = tdb.tenantID
        let limit = Self.maximumErrors
        var errors: [MasterCSV.RowError] = []
        for row in try await sql.all(
            """
            SELECT r.line AS line, (SELECT MIN(e.line) FROM catalog_import_rows e
                WHERE e.import_id = r.import_id AND e.sku_code = r.sku_code) AS first
            FROM catalog_import_rows r
            WHERE r.tenant_id = \(bind: tenant) AND r.import_id = \(bind: importID) AND EXISTS (
                SELECT 1 FROM catalog_import_rows e
                WHERE e.import_id = r.import_id AND e.sku_code = r.sku_code AND e.line < r.line)
            ORDER BY r.line LIMIT \(bind: limit)
            """
        ) {
            let first = try row.decode(column: "first", as: Int.self)
            errors.append(
                .init(
                    line: try row.decode(column: "line", as: Int.self),
                    column: "sku_code",
                    reason: "duplicate_of_line_\(first)"
                )
            )
        }
        for row in try await sql.all(
            """
            SELECT DISTINCT c.line AS line FROM catalog_import_components c
            JOIN catalog_import_rows r ON r.import_id = c.import_id AND r.sku_code = c.component_code
            WHERE c.tenant_id = \(bind: tenant) AND c.import_id = \(bind: importID) AND r.is_set = \(bind: true)
            ORDER BY c.line LIMIT \(bind: limit)
            """
        ) {
            errors.append(
                .init(
                    line: try row.decode(column: "line", as: Int.self),
                    column: "set_components",
                    reason: "component_is_set"
                )
            )
        }
        guard errors.isEmpty else { return errors }
        for row in try await sql.all(
            """
            SELECT r.line AS line, p.code AS product, r.product_code AS wanted, s.is_set AS was_set,
                r.is_set AS is_set
            FROM catalog_import_rows r
            JOIN skus s ON s.tenant_id = r.tenant_id AND s.code = r.sku_code
            JOIN products p ON p.id = s.product_id
            WHERE r.tenant_id = \(bind: tenant) AND r.import_id = \(bind: importID)
              AND (p.code <> r.product_code OR s.is_set <> r.is_set)
            ORDER BY r.line LIMIT \(bind: limit)
            """
        ) {
            let line = try row.decode(column: "line", as: Int.self)
            if try row.decode(column: "product", as: String.self) != row.decode(column: "wanted", as: String.self) {
                errors.append(.init(line: line, column: "product_code", reason: "sku_belongs_to_other_product"))
            }
            if try row.decode(column: "was_set", as: Bool.self) != row.decode(column: "is_set", as: Bool.self) {
                errors.append(.init(line: line, column: "set_components", reason: "set_kind_change"))
            }
        }
        for row in try await sql.all(
            """
            SELECT c.line AS line, c.component_code AS code FROM catalog_import_components c
            WHERE c.tenant_id = \(bind: tenant) AND c.import_id = \(bind: importID)
              AND NOT EXISTS (SELECT 1 FROM catalog_import_rows r
                  WHERE r.import_id = c.import_id AND r.sku_code = c.component_code AND r.is_set = \(bind: false))
              AND NOT EXISTS (SELECT 1 FROM skus s
                  WHERE s.tenant_id = c.tenant_id AND s.code = c.component_code AND s.is_set = \(bind: false))
            ORDER BY c.line LIMIT \(bind: limit)
            """
        ) {
            let code = try row.decode(column: "code", as: String.self)
            errors.append(
                .init(
                    line: try row.decode(column: "line", as: Int.self),
                    column: "set_components",
                    reason: "component_unknown:\(code)"
                )
            )
        }
        return errors
    }

    /// How many staged rows update a SKU that exists.
    private func existingCount(_ importID: UUID) async throws -> Int {
        let rows = try await tdb.sql.all(
            """
            SELECT COUNT(*) AS n FROM catalog_import_rows r
            WHERE r.tenant_id = \(bind: tdb.tenantID) AND r.import_id = \(bind: importID)
              AND EXISTS (SELECT 1 FROM skus s WHERE s.tenant_id = r.tenant_id AND s.code = r.sku_code)
            """
        )
        return try rows.first?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Ends an import that applies nothing: its record takes the outcome, then its staged rows go. Only an import
    /// still staging ends so (one conditional UPDATE): one that began applying meanwhile keeps its rows.
    func discard(_ importID: UUID, status: String) async throws {
        try await tdb.transaction { tx in
            let ended = try await tx.sql.all(
                """
                UPDATE catalog_imports SET status = \(bind: status), finished_at = \(bind: services.clock())
                WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: importID) AND status = 'staging'
                RETURNING id
                """
            )
            guard !ended.isEmpty else { return }
            try await tx.query(ImportComponentRecord.self).filter(\.$importID == importID).delete()
            try await tx.query(ImportRowRecord.self).filter(\.$importID == importID).delete()
        }
    }

    // MARK: Applying

    /// Applies the steps of an `applying` import that are not done yet; returns when it is applied. Safe to run
    /// from two places at once: each step is claimed with the commit of its writes.
    func applyPending(_ importID: UUID, stepsAtMost: Int = .max) async throws {
        var taken = 0
        while taken < stepsAtMost, let record = try await tdb.find(CatalogImportRecord.self, importID),
            record.status == "applying"
        {
            taken += 1
            let step = record.doneSteps
            let batches = record.steps / 2
            try await tdb.transaction { tx in
                let claimed = try await tx.sql.all(
                    """
                    UPDATE catalog_imports SET done_steps = done_steps + 1
                    WHERE tenant_id = \(bind: tx.tenantID) AND id = \(bind: importID)
                      AND status = \(bind: "applying") AND done_steps = \(bind: step)
                    RETURNING done_steps
                    """
                )
                guard !claimed.isEmpty else { return }
                if step < batches {
                    try await applyRows(tx, importID: importID, batch: step)
                } else if step < 2 * batches {
                    try await applyComponents(tx, importID: importID, batch: step - batches)
                }
                if step + 1 >= record.steps { try await finish(tx, record) }
            }
        }
        guard try await tdb.find(CatalogImportRecord.self, importID)?.status == "applied" else { return }
        try await tdb.query(ImportComponentRecord.self).filter(\.$importID == importID).delete()
        try await tdb.query(ImportRowRecord.self).filter(\.$importID == importID).delete()
    }

    private func rows(_ tx: TenantDatabase, importID: UUID, batch: Int) async throws -> [ImportRowRecord] {
        try await tx.query(ImportRowRecord.self).filter(\.$importID == importID)
            .filter(\.$ordinal >= batch * Self.batchRows).filter(\.$ordinal < (batch + 1) * Self.batchRows)
            .sort(\.$ordinal).all()
    }

    /// Products and SKUs of one batch: created, or updated by code; new plain SKUs get an empty stock row.
    private func applyRows(_ tx: TenantDatabase, importID: UUID, batch: Int) async throws {
        let now = services.clock()
        let rows = try await rows(tx, importID: importID, batch: batch)
        var products = Dictionary(
            uniqueKeysWithValues: try await tx.query(ProductRecord.self)
                .filter(\.$code ~~ Set(rows.map(\.productCode))).all().map { ($0.code, $0) }
        )
        var newProducts: [ProductRecord] = []
        // The last row of a product in the file names it.
        var named: Set<String> = []
        for row in rows.reversed() where named.insert(row.productCode).inserted {
            if let product = products[row.productCode] {
                guard product.name != row.productName || product.supplier != row.supplier else { continue }
                product.name = row.productName
                product.supplier = row.supplier
                product.updatedAt = now
                try await tx.update(product)
            } else {
                let product = ProductRecord()
                product.id = UUID()
                product.code = row.productCode
                product.name = row.productName
                product.supplier = row.supplier
                product.labels = ""
                product.createdAt = now
                product.updatedAt = now
                newProducts.append(product)
                products[row.productCode] = product
            }
        }
        try await tx.createAll(newProducts)
        // The SKU rows this step changes are locked in id order before they are read, as stock changes and bulk
        // edits lock them: an import never deadlocks with those on PostgreSQL, nor writes back a stale copy.
        let codes = rows.map(\.skuCode)
        try await tx.lockSKURows(try await tx.query(SKURecord.self).filter(\.$code ~~ codes).all(\.$id))
        let existing = Dictionary(
            uniqueKeysWithValues: try await tx.query(SKURecord.self).filter(\.$code ~~ codes).all().map {
                ($0.code, $0)
            }
        )
        let warehouse = try await StockLedger(tdb: tx, services: services, actor: actor).defaultWarehouse()
        var newSKUs: [SKURecord] = []
        var newLevels: [StockLevelRecord] = []
        for row in rows {
            let sku = existing[row.skuCode] ?? SKURecord()
            let isNew = sku.id == nil
            if isNew {
                sku.id = UUID()
                sku.createdAt = now
                sku.reorderAlerted = false
            }
            sku.productID = products[row.productCode]!.id!
            sku.code = row.skuCode
            sku.variant = row.variant
            sku.jan = row.jan
            sku.price = row.price
            sku.taxClass = row.taxClass
            sku.sizeClass = row.sizeClass
            sku.coolType = row.coolType
            sku.isSet = row.isSet
            sku.reorderPoint = row.reorderPoint
            sku.labels = row.labels
            sku.updatedAt = now
            if isNew {
                newSKUs.append(sku)
                if !row.isSet {
                    newLevels.append(StockLevelRecord(emptyFor: sku.id!, in: warehouse.id!, now: now))
                }
            } else if sku.hasChanges {
                try await tx.update(sku)
            }
        }
        // New rows go in as multi-row INSERTs.
        try await tx.createAll(newSKUs)
        try await tx.createAll(newLevels)
    }

    /// The compositions of the sets of one batch, replaced by the file's (every SKU exists by now).
    private func applyComponents(_ tx: TenantDatabase, importID: UUID, batch: Int) async throws {
        let sets = try await rows(tx, importID: importID, batch: batch).filter(\.isSet).map(\.skuCode)
        guard !sets.isEmpty else { return }
        let parts = try await tx.query(ImportComponentRecord.self).filter(\.$importID == importID)
            .filter(\.$setCode ~~ sets).all()
        var ids: [String: UUID] = [:]
        let codes = Array(Set(sets + parts.map(\.componentCode)))
        for start in stride(from: 0, to: codes.count, by: Self.batchRows) {
            for sku in try await tx.query(SKURecord.self)
                .filter(\.$code ~~ Array(codes[start..<min(codes.count, start + Self.batchRows)])).all()
            {
                ids[sku.code] = sku.id!
            }
        }
        try await tx.query(SetComponentRecord.self).filter(\.$setSKUID ~~ sets.compactMap { ids[$0] }).delete()
        try await tx.createAll(
            parts.compactMap { part -> SetComponentRecord? in
                guard let set = ids[part.setCode], let component = ids[part.componentCode] else { return nil }
                let row = SetComponentRecord()
                row.id = UUID()
                row.setSKUID = set
                row.componentSKUID = component
                row.quantity = part.quantity
                return row
            }
        )
    }

    /// The last step: the import is applied, and says so in the audit trail.
    private func finish(_ tx: TenantDatabase, _ record: CatalogImportRecord) async throws {
        let now = services.clock()
        guard let current = try await tx.find(CatalogImportRecord.self, record.id) else { return }
        current.status = "applied"
        current.finishedAt = now
        try await tx.update(current)
        try await AuditLog.append(
            tx,
            actor: AuditActor(userID: actor.userID, label: record.actorLabel, ip: actor.ip, userAgent: actor.userAgent),
            action: "catalog.import",
            targetType: "catalog",
            targetID: record.id!.uuidString,
            details: [
                "rows": String(record.rows), "created": String(record.created), "updated": String(record.updated),
                "encoding": record.encoding,
            ],
            now: now
        )
    }

    /// The whole master as CSV text, in the columns `run` reads, so an export imports back unchanged.
    static func export(_ tdb: TenantDatabase) async throws -> String {
        try await exportRows(tdb).map(CSV.line).joined()
    }

    /// The master as rows, the header first.
    static func exportRows(_ tdb: TenantDatabase) async throws -> [[String]] {
        let products = Dictionary(
            uniqueKeysWithValues: try await tdb.query(ProductRecord.self).all().map { ($0.id!, $0) }
        )
        let skus = try await tdb.query(SKURecord.self).sort(\.$code).all()
        let codes = Dictionary(uniqueKeysWithValues: skus.map { ($0.id!, $0.code) })
        let components = Dictionary(grouping: try await tdb.query(SetComponentRecord.self).all(), by: \.setSKUID)
        var out = [MasterCSV.columns]
        for sku in skus {
            let product = products[sku.productID]
            let parts = (components[sku.id!] ?? []).compactMap { part in
                codes[part.componentSKUID].map { "\($0):\(part.quantity)" }
            }
            .sorted().joined(separator: "|")
            out.append([
                product?.code ?? "", product?.name ?? "", product?.supplier ?? "", sku.code, sku.variant, sku.jan ?? "",
                String(sku.price), sku.taxClass.rawValue, sku.sizeClass, sku.coolType.rawValue,
                sku.reorderPoint.map(String.init) ?? "",
                sku.labels.replacingOccurrences(of: ",", with: ";"), parts,
            ])
        }
        return out
    }
}
