import Domain
import FluentKit
import Foundation
import Synchronization
import Vapor

/// `akinai benchmark`: reservations per second (one client and 16 concurrent) and the time to import a
/// 100,000-row product CSV, on the database `AKINAI_DATABASE_URL` points to. Use a scratch database: the
/// benchmark adds a tenant of its own (`bench-…`) and leaves it there for inspection.
struct BenchmarkCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "reservations", help: "Reservations per run (default 2000).") var reservations: Int?
        @Option(name: "rows", help: "Rows of the generated product CSV (default 100000).") var rows: Int?
        @Option(name: "clients", help: "Concurrent clients for the second run (default 16).") var clients: Int?
        @Option(name: "orders", help: "Orders in the generated 楽天 CSV to import (default 20000; 0 skips).")
        var orders: Int?
        @Option(name: "list-orders", help: "Orders to generate for the order-list timing (default 1000000; 0 skips).")
        var listOrders: Int?
    }
    var help: String {
        "Measures reservations per second, large product and order imports, and the order list over many orders."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let services = app.akinai
        let count = max(100, signature.reservations ?? 2000)
        let rows = max(100, signature.rows ?? 100_000)
        let clients = max(2, signature.clients ?? 16)
        let code = "bench-\(Int(Date().timeIntervalSince1970) % 1_000_000)"
        let tenant = try await TenantProvisioning.create(
            // tenancy: operator CLI, scratch tenant
            db: app.db,
            services: services,
            code: code,
            name: "ベンチマーク",
            adminEmail: "bench@\(code).invalid",
            adminPassword: SecretToken.generate(bytes: 18)
        )
        // tenancy: operator CLI, scratch tenant
        let tdb = app.tenantDirectory.tenantDatabase(tenant.id!)
        let writer = CatalogWriter(tdb: tdb, services: services, actor: .cli)
        let plain = ProductInput.SKUInput(
            code: "B-1",
            variant: nil,
            jan: nil,
            price: 1000,
            taxClass: nil,
            sizeClass: nil,
            coolType: nil,
            reorderPoint: 10,
            labels: nil,
            components: nil,
            listings: [.init(channel: "rakuten", itemCode: "b-1", rule: "buffer:2")]
        )
        _ = try await writer.create(ProductInput(code: "B", name: "ベンチ", supplier: nil, labels: nil, skus: [plain]))
        let stock = StockLedger(tdb: tdb, services: services, actor: .cli)
        guard let sku = try await tdb.query(SKURecord.self).filter(\.$code == "B-1").first() else { return }
        let warehouse = try await stock.defaultWarehouse()
        try await stock.move(sku: sku, warehouseID: warehouse.typedID, kind: .receipt, quantity: 10_000_000)

        let engine: String
        switch services.config.database {
        case .sqlite: engine = "SQLite"
        case .postgres: engine = "PostgreSQL"
        }
        context.console.print("Akinai benchmark on \(engine), \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // One client.
        var start = Date()
        for index in 0..<count {
            try await stock.reserve(reference: "one-\(index)", lines: [ReservationLine(skuID: sku.id!, quantity: 1)])
        }
        let single = Double(count) / Date().timeIntervalSince(start)
        context.console.print(
            String(format: "reservations, 1 client:   %8.0f /s  (%d in %.2f s)", single, count, Double(count) / single)
        )

        // Concurrent clients.
        start = Date()
        let perClient = count / clients
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    for index in 0..<perClient {
                        try await stock.reserve(
                            reference: "many-\(client)-\(index)",
                            lines: [ReservationLine(skuID: sku.id!, quantity: 1)]
                        )
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentTotal = perClient * clients
        let concurrent = Double(concurrentTotal) / Date().timeIntervalSince(start)
        context.console.print(
            String(
                format: "reservations, %d clients: %8.0f /s  (%d in %.2f s)",
                clients,
                concurrent,
                concurrentTotal,
                Double(concurrentTotal) / concurrent
            )
        )
        let differences = try await stock.rebuild(repair: false)
        context.console.print("ledger agrees with figures: \(differences.isEmpty ? "yes" : "NO")")

        // A large product CSV.
        var csv = CSV.line(MasterCSV.columns)
        csv.reserveCapacity(rows * 120)
        for index in 0..<rows {
            let product = "P\(index / 10)"
            csv += CSV.line([
                product, "商品 \(index / 10)", "仕入先", "S\(index)", "色 \(index % 10)", "", String(1000 + index % 5000),
                "standard",
                "60", "ambient", "", "", "",
            ])
        }
        let data = Data(csv.utf8)
        start = Date()
        // Meanwhile, other writes keep going: each reservation's wait is what another shop would notice.
        let importDone = Mutex(false)
        let during = Task { () -> (count: Int, longest: TimeInterval) in
            var count = 0
            var longest: TimeInterval = 0
            while !importDone.withLock({ $0 }) {
                let began = Date()
                _ = try? await stock.reserve(
                    reference: "during-\(count)",
                    lines: [ReservationLine(skuID: sku.id!, quantity: 1)]
                )
                longest = max(longest, Date().timeIntervalSince(began))
                count += 1
            }
            return (count, longest)
        }
        let report = try await MasterImport(tdb: tdb, services: services, actor: .cli).run(data, dryRun: false)
        let seconds = Date().timeIntervalSince(start)
        importDone.withLock { $0 = true }
        let writes = await during.value
        context.console.print(
            String(
                format: "import %d-row CSV (%.1f MB): %.2f s  (created %d, errors %d)",
                rows,
                Double(data.count) / 1_048_576,
                seconds,
                report.created,
                report.errors.count
            )
        )
        context.console.print(
            String(
                format: "writes during the import: %d, longest wait %.0f ms",
                writes.count,
                writes.longest * 1000
            )
        )

        // Orders: a mall file taken in, then the list over a shop with very many orders (a tenant of its own).
        let orders = max(0, signature.orders ?? 20_000)
        if orders > 0 {
            try await Self.importOrders(tdb, services: services, sku: "B-1", count: orders, console: context.console)
        }
        let listOrders = max(0, signature.listOrders ?? 1_000_000)
        if listOrders > 0 {
            let listCode = code + "-list"
            let listTenant = try await TenantProvisioning.create(
                // tenancy: operator CLI, scratch tenant
                db: app.db,
                services: services,
                code: listCode,
                name: "ベンチマーク（受注一覧）",
                adminEmail: "bench@\(listCode).invalid",
                adminPassword: SecretToken.generate(bytes: 18)
            )
            try await Self.orderList(
                // tenancy: operator CLI, scratch tenant
                app.tenantDirectory.tenantDatabase(listTenant.id!),
                services: services,
                count: listOrders,
                console: context.console
            )
        }
    }
}
