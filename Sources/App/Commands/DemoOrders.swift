import Domain
import FluentKit
import Foundation

/// About 2,000 orders of the last 60 days over every channel, in every state, for the demo shop: taken in and moved
/// through the same intake and workflow as real ones, so their stock, history and audit trail are real too.
enum DemoOrders {
    static let count = 2000

    private static let families = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田"]
    private static let givens = ["花子", "太郎", "美咲", "翔太", "陽菜", "大輔", "結衣", "健一", "さくら", "拓也"]
    /// Real postal codes with their prefecture, city and town.
    private static let places: [(String, String, String, String)] = [
        ("1500001", "東京都", "渋谷区", "神宮前"), ("1000005", "東京都", "千代田区", "丸の内"),
        ("5300001", "大阪府", "大阪市北区", "梅田"), ("4600008", "愛知県", "名古屋市中区", "栄"),
        ("0600001", "北海道", "札幌市中央区", "北一条西"), ("8100001", "福岡県", "福岡市中央区", "天神"),
        ("9800811", "宮城県", "仙台市青葉区", "一番町"), ("2310023", "神奈川県", "横浜市中区", "山下町"),
        ("6008216", "京都府", "京都市下京区", "東塩小路町"), ("7300011", "広島県", "広島市中区", "基町"),
        ("9000006", "沖縄県", "那覇市", "おもろまち"), ("3300854", "埼玉県", "さいたま市大宮区", "桜木町"),
    ]
    private static let channels = [
        "rakuten", "rakuten", "rakuten", "rakuten", "yahoo", "yahoo", "amazon", "amazon",
        "shopify", "own",
    ]
    private static let payments: [PaymentMethod] = [
        .card, .card, .card, .mall, .mall, .cod, .bankTransfer,
        .convenienceStore, .postpay,
    ]

    /// Takes the demo orders in unless the shop has orders already. Returns how many were taken.
    static func seed(_ tdb: TenantDatabase, services: AppServices) async throws -> Int {
        let existing = try await tdb.read { sql in
            try await sql.all("SELECT id FROM orders WHERE tenant_id = \(bind: sql.tenantID) LIMIT 1")
        }
        guard existing.isEmpty else { return 0 }
        let skus = try await tdb.query(SKURecord.self).sort(\.$code).all()
        guard !skus.isEmpty else { return 0 }
        let intake = OrderIntake(tdb: tdb, services: services, actor: .cli)
        let workflow = OrderWorkflow(tdb: tdb, services: services, actor: .cli)
        var rng = DemoCatalog.SplitMix(seed: 20_261_201)
        func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
        let now = services.clock()
        var taken = 0
        for index in 0..<count {
            let age = Double(count - index) / Double(count) * 60 * 86_400
            let orderedAt = now.addingTimeInterval(-age - Double(rng.next() % 3600))
            let channel = pick(channels)
            let lineCount = 1 + Int(rng.next() % 3 == 0 ? 1 : 0)
            let lines = (0..<lineCount).map { _ -> OrderInput.Line in
                let sku = pick(skus)
                return OrderInput.Line(
                    sku: sku.code,
                    quantity: 1 + Int(rng.next() % 4 == 0 ? 1 : 0),
                    unitPrice: sku.price
                )
            }
            let place = pick(places)
            let buyer = index % 7 == 0 ? 0 : Int(rng.next() % 600)
            var input = OrderInput(
                channel: channel,
                number: "\(channel.prefix(2).uppercased())-\(20_261_000 + index)",
                lines: lines,
                shipTo: OrderInput.Person(
                    name: "\(families[buyer % families.count]) \(givens[buyer % givens.count])",
                    postalCode: place.0,
                    prefecture: place.1,
                    city: place.2,
                    address1: "\(place.3)\(1 + buyer % 9)-\(1 + buyer % 20)-\(1 + buyer % 15)",
                    phone: String(format: "090%08d", 10_000_000 + buyer * 7919 % 89_999_999),
                    email: "buyer\(buyer)@example.jp"
                )
            )
            let payment = pick(payments)
            input.orderedAt = JST.iso8601(orderedAt)
            input.paymentMethod = payment.rawValue
            input.shippingFee = rng.next() % 3 == 0 ? 0 : 660
            input.codFee = payment == .cod ? 330 : 0
            input.gift = rng.next() % 12 == 0
            input.remarks = rng.next() % 9 == 0 ? "午前中の配達を希望します" : nil
            input.labels = input.gift == true ? ["ギフト"] : []
            let outcome = try await intake.take(try OrderRules.check(input, now: now), source: "demo")
            taken += 1
            // Older orders have gone further: most of the first weeks are done, the last days still open.
            let progress = Double(index) / Double(count)
            let roll = rng.next() % 100
            let path: [OrderStatus]
            if roll < 5 {
                path = [.cancelled]
            } else if progress < 0.75 {
                path = [.readyToShip, .shipped, .completed]
            } else if progress < 0.9 {
                path = roll < 60 ? [.readyToShip, .shipped] : [.readyToShip]
            } else {
                path =
                    roll < 40
                    ? []
                    : roll < 55
                        ? [.awaitingReview]
                        : roll < 70
                            ? [.awaitingPayment]
                            : roll < 80 ? [.onHold] : [.readyToShip]
            }
            guard outcome.status == .received else { continue }
            for target in path {
                do {
                    try await workflow.move(outcome.id, to: target, reason: target == .onHold ? "住所確認中" : "")
                } catch is OrderWorkflow.Refusal {
                    break
                }
            }
        }
        return taken
    }
}
