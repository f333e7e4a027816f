import Domain
import Foundation
import SQLKit
import Vapor

/// `akinai benchmark`'s orders part: a generated 楽天 RMS order CSV imported, and the order list over many orders.
extension BenchmarkCommand {
    /// Imports a generated 楽天 CSV of `count` one-line orders of `sku` and prints orders per second.
    static func importOrders(
        _ tdb: TenantDatabase,
        services: AppServices,
        sku: String,
        count: Int,
        console: any Console
    )
        async throws
    {
        let header = [
            "受注番号", "注文日時", "送料", "決済方法", "送付先郵便番号１", "送付先郵便番号２", "送付先住所：都道府県",
            "送付先住所：都市区", "送付先住所：町以降", "送付先名字", "送付先名前", "送付先電話番号１", "送付先電話番号２",
            "送付先電話番号３", "メールアドレス", "商品名", "商品番号", "単価", "個数",
        ]
        var csv = CSV.line(header)
        csv.reserveCapacity(count * 200)
        for index in 0..<count {
            csv += CSV.line([
                "100000-20261130-\(String(format: "%010d", index))", "2026-11-30 10:00:00", "660", "クレジットカード決済",
                "150", "0001", "東京都", "渋谷区", "神宮前1-2-3", "山田", "花子", "090", String(format: "%04d", index % 10000),
                String(format: "%04d", index / 10000), "buyer\(index % 50000)@example.jp", "ベンチ商品", sku, "1100", "1",
            ])
        }
        let data = Data(csv.utf8)
        let importer = OrderImport(tdb: tdb, services: services, actor: .cli)
        var start = Date()
        let dry = try await importer.run(data, format: .rakuten, dryRun: true)
        let checking = Date().timeIntervalSince(start)
        start = Date()
        let report = try await importer.run(data, format: .rakuten, dryRun: false)
        let seconds = Date().timeIntervalSince(start)
        console.print(
            String(
                format:
                    "import %d-order 楽天 CSV (%.1f MB): check %.2f s, take %.2f s = %.0f orders/s  (created %d, errors %d)",
                count,
                Double(data.count) / 1_048_576,
                checking,
                seconds,
                Double(report.created) / max(seconds, 0.001),
                report.created,
                report.errors.count + dry.errors.count
            )
        )
    }

    /// Fills the shop with `count` orders by set-based SQL (statuses and channels mixed, one a second back from now),
    /// then times the list as the page reads it (a page of 50 filtered by status and channel, newest first, and the
    /// counts per status) and prints p50 and p95.
    static func orderList(_ tdb: TenantDatabase, services: AppServices, count: Int, console: any Console) async throws {
        let now = services.clock()
        let statuses = OrderStatus.allCases.map(\.rawValue)
        let channels = OrderRules.knownChannels
        var start = Date()
        try await tdb.statements { sql in
            let status: SQLQueryString =
                "CASE n.i % 8 \(statuses.enumerated().map { "WHEN \(unsafeRaw: String($0.offset)) THEN '\(unsafeRaw: $0.element)'" as SQLQueryString }.joined(separator: " ")) END"
            let channel: SQLQueryString =
                "CASE n.i % 5 \(channels.enumerated().map { "WHEN \(unsafeRaw: String($0.offset)) THEN '\(unsafeRaw: $0.element)'" as SQLQueryString }.joined(separator: " ")) END"
            // On SQLite ids are stored as their text, upper case, as Akinai binds them.
            let id: SQLQueryString =
                sql.isSQLite
                ? "substr(n.h, 1, 8) || '-' || substr(n.h, 9, 4) || '-4' || substr(n.h, 14, 3) || '-8' || substr(n.h, 18, 3) || '-' || substr(n.h, 21, 12)"
                : "gen_random_uuid()"
            let rows: SQLQueryString = sql.isSQLite ? "(SELECT i, hex(randomblob(16)) AS h FROM n) n" : "n"
            let at: SQLQueryString =
                sql.isSQLite
                ? "\(bind: now.timeIntervalSince1970) - n.i" : "\(bind: now) - n.i * INTERVAL '1 second'"
            try await sql.run(
                """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(bind: count))
                INSERT INTO orders (id, tenant_id, channel, number, status, ordered_at, items_total, shipping_fee, cod_fee,
                    discount, points, total, taxable_10, tax_10, taxable_8, tax_8, tax_included, payment_method,
                    delivery_date, delivery_time, gift, noshi, remarks, memo, labels, carrier, service, tracking, buyer,
                    ship_to, ship_prefecture, buyer_phone_index, buyer_email_index, purchase_count, reserved,
                    hold_reason, missing, line_count, created_at, updated_at)
                SELECT \(id), \(bind: sql.tenantID), \(channel), 'L-' || n.i, \(status), \(at), 1100, 0, 0, 0, 0, 1100,
                    1100, 100, 0, 0, \(bind: true), 'card', '', '', \(bind: false), '', '', '', '', '', '', '', 'x', 'x',
                    '東京都', 'p' || (n.i % 100000), 'e' || (n.i % 100000), 1, \(bind: false), '', '[]', 1, \(bind: now),
                    \(bind: now)
                FROM \(rows)
                """
            )
        }
        // The counts the list shows come from the table the workflow keeps; these orders bypassed it.
        try await tdb.statements { sql in
            for status in statuses {
                try await sql.run(
                    """
                    INSERT INTO order_counts (id, tenant_id, status, count)
                    VALUES (\(bind: UUID()), \(bind: sql.tenantID), \(bind: status), \(bind: count / 8))
                    ON CONFLICT (tenant_id, status) DO UPDATE SET count = order_counts.count + excluded.count
                    """
                )
            }
        }
        console.print(String(format: "generated %d orders in %.1f s", count, Date().timeIntervalSince(start)))
        let queries = OrderQueries(tdb: tdb, cipher: try await services.keyStore.cipher(tdb))
        var times: [Double] = []
        for round in 0..<200 {
            var filter = OrderQueries.Filter()
            filter.status = OrderStatus.allCases[round % 8]
            filter.channel = channels[round % 5]
            start = Date()
            let page = try await queries.list(filter, after: nil, limit: 50)
            _ = try await queries.counts()
            // Every fifth round reads the next page too, through the cursor.
            if round % 5 == 0, let next = page.next { _ = try await queries.list(filter, after: next, limit: 50) }
            times.append(Date().timeIntervalSince(start) * 1000)
        }
        times.sort()
        console.print(
            String(
                format:
                    "order list over %d orders (status + channel, newest first, 50 a page, with counts): p50 %.1f ms, p95 %.1f ms",
                count,
                times[times.count / 2],
                times[times.count * 95 / 100]
            )
        )
    }
}
