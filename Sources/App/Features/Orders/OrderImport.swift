import Domain
import Foundation
import SQLKit

/// Imports an order file (楽天 RMS CSV, Amazon's report, Akinai's CSV; CP932 or UTF-8): every row is checked and its
/// SKUs found (by the channel's item codes, or the SKU code) before anything is written; a dry run, or a file with
/// any problem, writes nothing and lists every problem by line and column. Otherwise every order is taken through
/// the intake in one transaction, so a crash leaves all of the file or none of it, and orders already there (an
/// upload repeated) are counted, not taken twice.
struct OrderImport: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// What an import found and did.
    struct Report: Sendable, Codable, Equatable {
        var format: String
        var encoding: String
        var rows: Int
        var orders: Int
        var created: Int
        var existing: Int
        var onHold: Int
        var applied: Bool
        var errors: [MasterCSV.RowError]
        var unknownColumns: [String]
    }

    /// At most this many errors are listed (the count of orders still says how big the file was).
    static let maxErrors = 1000

    func run(_ data: Data, format: OrderCSVFormat?, dryRun: Bool) async throws -> Report {
        guard let (text, encoding) = CSV.decode(data) else {
            return Report(
                format: format?.rawValue ?? "",
                encoding: "",
                rows: 0,
                orders: 0,
                created: 0,
                existing: 0,
                onHold: 0,
                applied: false,
                errors: [.init(line: 1, column: "", reason: "encoding_unknown")],
                unknownColumns: []
            )
        }
        let parsed = OrderCSV.parse(text, format: format)
        var report = Report(
            format: parsed.format.rawValue,
            encoding: encoding,
            rows: parsed.rows,
            orders: parsed.entries.count,
            created: 0,
            existing: 0,
            onHold: 0,
            applied: false,
            errors: parsed.errors,
            unknownColumns: parsed.unknownColumns
        )
        let skus = try await resolve(parsed)
        let now = services.clock()
        var drafts: [OrderDraft] = []
        drafts.reserveCapacity(parsed.entries.count)
        for entry in parsed.entries where report.errors.count < Self.maxErrors {
            var input = entry.input
            var unknown: [MasterCSV.RowError] = []
            for (position, line) in input.lines.enumerated() {
                guard let sku = skus[channel: input.channel, code: line.sku] else {
                    unknown.append(
                        OrderCSV.locate(
                            FieldError(field: "lines[\(position)].sku", reason: "sku_unknown"),
                            in: entry,
                            format: parsed.format
                        )
                    )
                    continue
                }
                input.lines[position].sku = sku.code
                if input.lines[position].taxRate == nil { input.lines[position].taxRate = sku.taxClass.ratePercent }
            }
            do {
                let draft = try OrderRules.check(input, now: now)
                do { _ = try services.postal.check(draft.shipTo) } catch { throw FieldErrors([error]) }
                _ = try OrderAmounts.compute(
                    lines: draft.lines.map { ($0.quantity, $0.unitPrice, $0.taxRate ?? 10) },
                    shippingFee: draft.shippingFee,
                    codFee: draft.codFee,
                    discount: draft.discount,
                    points: draft.points,
                    taxIncluded: draft.taxIncluded
                )
                if unknown.isEmpty { drafts.append(draft) }
            } catch let errors as FieldErrors {
                unknown += errors.all.map { OrderCSV.locate($0, in: entry, format: parsed.format) }
            } catch {
                unknown.append(
                    OrderCSV.locate(
                        FieldError(field: "discount", reason: "amount_negative_total"),
                        in: entry,
                        format: parsed.format
                    )
                )
            }
            report.errors += unknown
        }
        report.errors = Array(report.errors.prefix(Self.maxErrors))
        guard report.errors.isEmpty, !dryRun, !drafts.isEmpty else {
            if report.errors.isEmpty, drafts.isEmpty, parsed.entries.isEmpty {
                report.errors = [.init(line: 1, column: "", reason: "empty_file")]
            }
            return report
        }
        let cipher = try await services.keyStore.cipher(tdb)
        _ = try await StockLedger(tdb: tdb, services: services, actor: actor).defaultWarehouse()
        let intake = OrderIntake(tdb: tdb, services: services, actor: actor)
        let actor = actor
        let taking = drafts
        let skuIDs = Array(Set(skus.byCode.values.map(\.id)).union(skus.byListing.values.map(\.id)))
        let counts = try await tdb.statements { sql in
            try await StockLedger.lockForBatch(skuIDs, on: sql)
            try await OrderWorkflow.lockCounts(sql)
            var created = 0
            var existing = 0
            var onHold = 0
            for draft in taking {
                let outcome = try await intake.take(draft, source: "import", cipher: cipher)
                if !outcome.created {
                    existing += 1
                } else {
                    created += 1
                    if outcome.status == .onHold { onHold += 1 }
                }
            }
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order.import",
                targetType: "orders",
                targetID: parsed.format.rawValue,
                details: ["orders": String(taking.count), "created": String(created), "existing": String(existing)],
                now: now
            )
            return (created, existing, onHold)
        }
        report.created = counts.0
        report.existing = counts.1
        report.onHold = counts.2
        report.applied = true
        return report
    }

    /// The SKUs a file names: by the channel's item code (its listing), else by the SKU's own code.
    struct Resolved {
        var byCode: [String: OrderIntake.OrderSKU] = [:]
        var byListing: [String: OrderIntake.OrderSKU] = [:]

        subscript(channel channel: String, code code: String) -> OrderIntake.OrderSKU? {
            byListing["\(channel)|\(code)"] ?? byCode[code]
        }
    }

    private func resolve(_ parsed: OrderCSV.Parsed) async throws -> Resolved {
        var codes: Set<String> = []
        for entry in parsed.entries {
            for line in entry.input.lines where !line.sku.isEmpty && line.sku.count <= 100 { codes.insert(line.sku) }
        }
        let all = Array(codes)
        let chunks = stride(from: 0, to: all.count, by: 500).map { Array(all[$0..<min($0 + 500, all.count)]) }
        return try await tdb.read { sql in
            var resolved = Resolved()
            for chunk in chunks {
                resolved.byCode.merge(try await OrderIntake.skus(chunk, sql)) { $1 }
                // By item code only (the channel is matched below): the file's channels never become binds.
                let rows = try await sql.all(
                    """
                    SELECT l.channel, l.item_code, \(OrderIntake.OrderSKU.columns) FROM channel_listings l
                    JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
                    JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id
                    WHERE l.tenant_id = \(bind: sql.tenantID) AND l.item_code IN (\(binds: chunk))
                    """
                )
                for row in rows {
                    let sku = try OrderIntake.OrderSKU(row: row)
                    let key =
                        "\(try row.decode(column: "channel", as: String.self))|\(try row.decode(column: "item_code", as: String.self))"
                    resolved.byListing[key] = sku
                }
            }
            return resolved
        }
    }
}
