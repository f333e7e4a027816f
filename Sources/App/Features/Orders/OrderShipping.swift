import Domain
import Foundation
import SQLKit

/// 出荷: label files for the carriers (ヤマト B2クラウド, 佐川 e飛伝, ゆうパックプリントR) of the orders ready to
/// ship, and the tracking numbers that come back, which ship the orders.
struct OrderShipping: Sendable {
    let tdb: TenantDatabase
    let services: AppServices
    let actor: AuditActor

    /// The most orders one label file holds.
    static let maxParcels = 5000

    /// Why a label file was not made.
    enum Refusal: Error {
        case nothingToShip
        case senderIncomplete(String)
        case unencodable([CP932.Unencodable])
    }

    /// The label file for `carrier` of the orders ready to ship (those of `ids` only, when given), in CP932; the
    /// orders are marked with the carrier. Returns the file and how many orders it holds.
    func labels(_ carrier: Carrier, ids: [UUID]? = nil, replacing: Bool) async throws -> (Data, Int) {
        let cipher = try await services.keyStore.cipher(tdb)
        let sender = try await tdb.shopSettings().sender ?? Sender()
        let selection: SQLQueryString = ids.map { "AND o.id IN (\(binds: $0))" } ?? ""
        let (orders, lines) = try await tdb.read { sql in
            let orders = try await sql.all(
                """
                SELECT o.id, o.number, o.ship_to, o.delivery_date, o.delivery_time, o.payment_method, o.total, o.tax_10,
                    o.tax_8
                FROM orders o WHERE o.tenant_id = \(bind: sql.tenantID) AND o.status = \(bind: OrderStatus.readyToShip.rawValue)
                \(selection)
                ORDER BY o.ordered_at, o.id LIMIT \(bind: Self.maxParcels)
                """
            )
            let ids = try orders.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return (orders, [any SQLRow]()) }
            let lines = try await sql.all(
                """
                SELECT l.order_id, l.name, s.cool_type FROM order_lines l
                JOIN skus s ON s.tenant_id = l.tenant_id AND s.id = l.sku_id
                WHERE l.tenant_id = \(bind: sql.tenantID) AND l.order_id IN (\(binds: ids))
                ORDER BY l.order_id, l.position
                """
            )
            return (orders, lines)
        }
        guard !orders.isEmpty else { throw Refusal.nothingToShip }
        var names: [UUID: [String]] = [:]
        var cool: [UUID: CoolType] = [:]
        for line in lines {
            let id = try line.decode(column: "order_id", as: UUID.self)
            names[id, default: []].append(try line.decode(column: "name", as: String.self))
            let type: CoolType = try line.stored("cool_type", table: "skus")
            // The coldest line decides: one frozen item makes the parcel frozen.
            if type == .frozen || (type == .chilled && cool[id] != .frozen) { cool[id] = type }
        }
        let today = String(JST.format(services.clock()).prefix(10))
        let limit = Self.referenceLength[carrier] ?? 15
        var parcels: [Parcel] = []
        var shipped: [UUID] = []
        for row in orders {
            let id = try row.decode(column: "id", as: UUID.self)
            let sealed = try row.decode(column: "ship_to", as: String.self)
            guard let text = try? cipher.open(sealed, SealedOrder.context("ship_to", id)),
                let recipient = try? JSONDecoder().decode(Addressee.self, from: Data(text.utf8))
            else { continue }
            let items = names[id] ?? []
            let cod = try row.decode(column: "payment_method", as: String.self) == PaymentMethod.cod.rawValue
            let number = try row.decode(column: "number", as: String.self)
            parcels.append(
                Parcel(
                    // The label carries the number, or its end when the carrier allows fewer characters (the end of
                    // a mall's number is its running part); the order keeps it to find itself in the tracking file.
                    reference: String(String(number.suffix(limit)).drop { "-=+@".contains($0) }),
                    shipDate: today,
                    deliveryDate: try row.decode(column: "delivery_date", as: String.self),
                    deliveryTime: try row.decode(column: "delivery_time", as: String.self),
                    recipient: recipient,
                    sender: sender,
                    itemName: (items.first ?? "") + (items.count > 1 ? " 他" : ""),
                    codAmount: cod ? try row.decode(column: "total", as: Int.self) : 0,
                    codTax: cod
                        ? try row.decode(column: "tax_10", as: Int.self) + row.decode(column: "tax_8", as: Int.self)
                        : 0,
                    cool: cool[id] ?? .ambient,
                    pieces: 1
                )
            )
            shipped.append(id)
        }
        // Checked before anything is marked: a file that cannot be made marks nothing.
        _ = try Self.encode(carrier, parcels, replacing: replacing)
        let now = services.clock()
        let actor = actor
        let marked = zip(shipped, parcels).map { (id: $0.0, reference: $0.1.reference) }
        // Marked only if still ready to ship (one cancelled since the read above is left out of the file too).
        let still = try await tdb.statements { sql -> Set<UUID> in
            let cases: [SQLQueryString] = marked.map { "WHEN \(bind: $0.id) THEN \(bind: $0.reference)" }
            let rows = try await sql.all(
                """
                UPDATE orders SET carrier = \(bind: carrier.rawValue), ship_ref = CASE id \(cases.joined(separator: " ")) END,
                    updated_at = \(bind: now)
                WHERE tenant_id = \(bind: sql.tenantID) AND id IN (\(binds: marked.map(\.id)))
                  AND status = \(bind: OrderStatus.readyToShip.rawValue)
                RETURNING id
                """
            )
            let ids = Set(try rows.map { try $0.decode(column: "id", as: UUID.self) })
            try await AuditLog.append(
                sql,
                actor: actor,
                action: "order.labels",
                targetType: "orders",
                targetID: carrier.rawValue,
                details: ["orders": String(ids.count), "replaced": replacing ? "yes" : "no"],
                now: now
            )
            return ids
        }
        let kept = zip(shipped, parcels).filter { still.contains($0.0) }.map(\.1)
        guard !kept.isEmpty else { throw Refusal.nothingToShip }
        let data = try Self.encode(carrier, kept, replacing: replacing)
        return (data, kept.count)
    }

    /// How many characters of reference each carrier's label file holds.
    static let referenceLength: [Carrier: Int] = [.yamato: 20, .sagawa: 16, .japanpost: 15]

    /// The label file of `parcels` in CP932, or why it cannot be made.
    private static func encode(_ carrier: Carrier, _ parcels: [Parcel], replacing: Bool) throws -> Data {
        let file: (header: [String], rows: [[String]])
        do { file = try CarrierCSV.file(carrier, parcels) } catch {
            guard case .senderIncomplete(let setting) = error else { throw error }
            throw Refusal.senderIncomplete(setting)
        }
        switch CP932.csv(header: file.header, rows: file.rows, replacing: replacing) {
        case .success(let encoded): return encoded
        case .failure(let list): throw Refusal.unencodable(list.all)
        }
    }
    /// What a tracking file found and did.
    struct TrackingReport: Sendable, Codable, Equatable {
        var rows: Int
        var shipped: Int
        /// Rows whose order had already shipped with that number (a file uploaded again).
        var unchanged: Int
        var applied: Bool
        var errors: [MasterCSV.RowError]
    }

    static let numberColumns = ["受注番号", "お客様管理番号", "お客様側管理番号", "注文番号", "number", "order_number"]
    static let trackingColumns = ["伝票番号", "お問い合せ送り状No.", "お荷物伝票番号", "お問い合わせ番号", "tracking"]
    static let carrierColumns = ["配送会社", "carrier"]

    /// A carrier by its code or by the names shops write (ヤマト, 佐川, 日本郵便, ゆうパック).
    static func carrier(_ text: String) -> Carrier? {
        if let carrier = Carrier(rawValue: text.lowercased()) { return carrier }
        if text.contains("ヤマト") || text.contains("クロネコ") { return .yamato }
        if text.contains("佐川") { return .sagawa }
        if text.contains("郵便") || text.contains("ゆうパック") || text.contains("ゆうパケット") { return .japanpost }
        return nil
    }

    /// Reads a file of order numbers and tracking numbers (CP932 or UTF-8; the carrier per row, or `carrier`) and,
    /// if every row is valid, ships every order in one transaction: its reservation is committed, its history and
    /// the audit trail say so, and its buyer gets the shipped mail. A row for an order already shipped with the
    /// same number changes nothing.
    func importTracking(_ data: Data, carrier defaultCarrier: Carrier?, dryRun: Bool) async throws -> TrackingReport {
        var report = TrackingReport(rows: 0, shipped: 0, unchanged: 0, applied: false, errors: [])
        guard let (text, _) = CSV.decode(data) else {
            report.errors = [.init(line: 1, column: "", reason: "encoding_unknown")]
            return report
        }
        let records: [CSV.Record]
        do { records = try CSV.parse(text) } catch {
            report.errors = [.init(line: error.line, column: "", reason: error.reason)]
            return report
        }
        guard let header = records.first else {
            report.errors = [.init(line: 1, column: "", reason: "empty_file")]
            return report
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ candidates: [String]) -> (Int, String)? {
            for name in candidates { if let index = names.firstIndex(of: name) { return (index, name) } }
            return nil
        }
        guard let numberColumn = column(Self.numberColumns), let trackingColumn = column(Self.trackingColumns) else {
            report.errors = [.init(line: header.line, column: Self.trackingColumns[0], reason: "column_missing")]
            return report
        }
        let carrierColumn = column(Self.carrierColumns)
        let body = Array(records.dropFirst())
        report.rows = body.count
        guard body.count <= OrderCSV.maxRows else {
            report.errors = [.init(line: header.line, column: "", reason: "too_many_rows")]
            return report
        }
        var wanted: [(line: Int, number: String, shipment: OrderWorkflow.Shipment)] = []
        for record in body {
            func field(_ index: Int) -> String {
                index < record.fields.count
                    ? CSV.unneutralized(record.fields[index].trimmingCharacters(in: .whitespaces)) : ""
            }
            let number = field(numberColumn.0)
            let named = carrierColumn.map { field($0.0) } ?? ""
            guard let carrier = named.isEmpty ? defaultCarrier : Self.carrier(named) else {
                report.errors.append(
                    .init(line: record.line, column: carrierColumn?.1 ?? "carrier", reason: "carrier_invalid")
                )
                continue
            }
            do {
                wanted.append(
                    (
                        record.line, number,
                        try OrderWorkflow.Shipment(carrier: carrier, tracking: field(trackingColumn.0))
                    )
                )
            } catch {
                report.errors.append(.init(line: record.line, column: trackingColumn.1, reason: "tracking_invalid"))
            }
        }
        let numbers = Array(Set(wanted.map(\.number)))
        let found = try await tdb.read { sql in
            var rows: [any SQLRow] = []
            for start in stride(from: 0, to: numbers.count, by: 500) {
                let chunk = Array(numbers[start..<min(start + 500, numbers.count)])
                rows += try await sql.all(
                    """
                    SELECT id, number, ship_ref, status, tracking FROM orders
                    WHERE tenant_id = \(bind: sql.tenantID) AND number IN (\(binds: chunk))
                    UNION SELECT id, number, ship_ref, status, tracking FROM orders
                    WHERE tenant_id = \(bind: sql.tenantID) AND ship_ref IN (\(binds: chunk))
                    """
                )
            }
            return rows
        }
        // An order is found by its number, or else by the reference its label carried.
        var byNumber: [String: [(id: UUID, status: OrderStatus, tracking: String)]] = [:]
        var byReference: [String: [(id: UUID, status: OrderStatus, tracking: String)]] = [:]
        for row in found {
            let order = (
                id: try row.decode(column: "id", as: UUID.self),
                status: try row.stored("status", as: OrderStatus.self, table: "orders"),
                tracking: try row.decode(column: "tracking", as: String.self)
            )
            byNumber[try row.decode(column: "number", as: String.self), default: []].append(order)
            let reference = try row.decode(column: "ship_ref", as: String.self)
            if !reference.isEmpty { byReference[reference, default: []].append(order) }
        }
        var moves: [(UUID, OrderWorkflow.Shipment)] = []
        var seen: Set<UUID> = []
        for entry in wanted {
            guard let matches = byNumber[entry.number] ?? byReference[entry.number], !matches.isEmpty else {
                report.errors.append(.init(line: entry.line, column: numberColumn.1, reason: "order_unknown"))
                continue
            }
            guard matches.count == 1, let order = matches.first else {
                report.errors.append(.init(line: entry.line, column: numberColumn.1, reason: "order_ambiguous"))
                continue
            }
            if order.status == .shipped || order.status == .completed {
                if order.tracking.split(separator: ",").contains(Substring(entry.shipment.tracking)) {
                    report.unchanged += 1
                } else {
                    report.errors.append(
                        .init(line: entry.line, column: numberColumn.1, reason: "order_already_shipped")
                    )
                }
                continue
            }
            guard order.status == .readyToShip else {
                report.errors.append(.init(line: entry.line, column: numberColumn.1, reason: "order_not_ready"))
                continue
            }
            guard seen.insert(order.id).inserted else {
                report.errors.append(.init(line: entry.line, column: numberColumn.1, reason: "order_twice"))
                continue
            }
            moves.append((order.id, entry.shipment))
        }
        report.errors = Array(report.errors.prefix(OrderImport.maxErrors))
        guard report.errors.isEmpty, !dryRun, !moves.isEmpty else { return report }
        // The key is read once, before the transaction (shipping opens each buyer's sealed address for the mail).
        _ = try await services.keyStore.cipher(tdb)
        let workflow = OrderWorkflow(tdb: tdb, services: services, actor: actor)
        let taking = moves
        try await tdb.statements { sql in
            // On PostgreSQL the orders, then their stock and SKU rows, in the order single moves take them.
            if !sql.isSQLite {
                let ids = taking.map(\.0).sorted { $0.uuidString < $1.uuidString }
                var skuIDs: [UUID] = []
                for start in stride(from: 0, to: ids.count, by: 5000) {
                    let chunk = Array(ids[start..<min(start + 5000, ids.count)])
                    try await sql.run(
                        """
                        SELECT id FROM orders WHERE tenant_id = \(bind: sql.tenantID) AND id IN (\(binds: chunk))
                        ORDER BY id FOR NO KEY UPDATE
                        """
                    )
                    skuIDs += try await sql.all(
                        """
                        SELECT DISTINCT sku_id FROM order_lines
                        WHERE tenant_id = \(bind: sql.tenantID) AND order_id IN (\(binds: chunk))
                        """
                    ).map { try $0.decode(column: "sku_id", as: UUID.self) }
                }
                try await StockLedger.lockForBatch(skuIDs, on: sql)
            }
            for (id, shipment) in taking {
                try await workflow.move(
                    id,
                    to: .shipped,
                    reason: "伝票番号 \(shipment.tracking)",
                    from: .readyToShip,
                    shipment: shipment
                )
            }
        }
        report.shipped = moves.count
        report.applied = true
        return report
    }
}

extension TenantContext {
    /// Shipping for this request's tenant, acting as its user.
    var orderShipping: OrderShipping { OrderShipping(tdb: db, services: services, actor: actor) }
}
