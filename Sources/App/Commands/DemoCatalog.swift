import Domain
import FluentKit
import Foundation

/// A believable catalog for the demo shop: apparel, tea, towels and frozen food in variants, gift sets, two
/// warehouses, listings on four malls, and stock.
enum DemoCatalog {
    struct Line {
        let code: String
        let name: String
        let supplier: String
        let price: Int
        let tax: TaxClass
        let cool: CoolType
        let options: [[String]]
        let channels: [(String, String)]
    }

    static let lines: [Line] = [
        Line(
            code: "TS",
            name: "オーガニックコットンTシャツ",
            supplier: "東京繊維",
            price: 2980,
            tax: .standard,
            cool: .ambient,
            options: [["白", "黒", "紺", "灰", "赤", "緑", "黄", "桃"], ["XS", "S", "M", "L", "XL"]],
            channels: [("rakuten", "all"), ("yahoo", "buffer:2"), ("shopify", "all")]
        ),
        Line(
            code: "LS",
            name: "リネンシャツ",
            supplier: "東京繊維",
            price: 6800,
            tax: .standard,
            cool: .ambient,
            options: [["生成", "青", "黒", "茶"], ["XS", "S", "M", "L", "XL"]],
            channels: [("rakuten", "buffer:1"), ("amazon", "cap:10")]
        ),
        Line(
            code: "TW",
            name: "今治タオル フェイスタオル",
            supplier: "今治織物",
            price: 1320,
            tax: .standard,
            cool: .ambient,
            options: [["白", "生成", "藍", "桜", "若草", "灰"], ["1枚", "3枚組"]],
            channels: [("rakuten", "all"), ("yahoo", "all"), ("amazon", "percent:50")]
        ),
        Line(
            code: "GT",
            name: "静岡 深蒸し煎茶",
            supplier: "静岡茶園",
            price: 1080,
            tax: .reduced,
            cool: .ambient,
            options: [["上", "特上", "極"], ["100g", "200g", "500g"]],
            channels: [("rakuten", "all"), ("shopify", "all")]
        ),
        Line(
            code: "HJ",
            name: "ほうじ茶ティーバッグ",
            supplier: "静岡茶園",
            price: 648,
            tax: .reduced,
            cool: .ambient,
            options: [["10袋", "30袋", "50袋"]],
            channels: [("rakuten", "all"), ("yahoo", "all")]
        ),
        Line(
            code: "GY",
            name: "国産豚の冷凍餃子",
            supplier: "宇都宮食品",
            price: 1980,
            tax: .reduced,
            cool: .frozen,
            options: [["プレーン", "しそ", "にら", "海老"], ["20個", "50個"]],
            channels: [("rakuten", "buffer:3"), ("yahoo", "buffer:3")]
        ),
        Line(
            code: "MG",
            name: "波佐見焼 マグカップ",
            supplier: "波佐見窯元",
            price: 2420,
            tax: .standard,
            cool: .ambient,
            options: [["白磁", "呉須", "飴釉", "灰釉", "瑠璃"]],
            channels: [("rakuten", "all"), ("shopify", "all"), ("amazon", "all")]
        ),
        Line(
            code: "SK",
            name: "くつ下 ３足組",
            supplier: "奈良靴下",
            price: 1650,
            tax: .standard,
            cool: .ambient,
            options: [["黒", "紺", "灰", "茶", "白", "緑"], ["19-21cm", "22-24cm", "25-27cm"]],
            channels: [("rakuten", "all"), ("yahoo", "all")]
        ),
        Line(
            code: "YG",
            name: "北海道 のむヨーグルト",
            supplier: "十勝乳業",
            price: 1480,
            tax: .reduced,
            cool: .chilled,
            options: [["プレーン", "いちご", "ブルーベリー"], ["6本", "12本"]],
            channels: [("rakuten", "buffer:2")]
        ),
        Line(
            code: "HK",
            name: "手ぬぐい",
            supplier: "浜松染工",
            price: 990,
            tax: .standard,
            cool: .ambient,
            options: [["麻の葉", "青海波", "七宝", "矢絣", "市松", "唐草", "鱗", "亀甲", "菊菱", "千鳥"]],
            channels: [("rakuten", "all"), ("yahoo", "all"), ("shopify", "all")]
        ),
        Line(
            code: "CN",
            name: "和ろうそく",
            supplier: "近江蝋燭",
            price: 1320,
            tax: .standard,
            cool: .ambient,
            options: [["白", "朱"], ["小", "中", "大"]],
            channels: [("shopify", "all")]
        ),
        Line(
            code: "BG",
            name: "帆布トートバッグ",
            supplier: "倉敷帆布",
            price: 4400,
            tax: .standard,
            cool: .ambient,
            options: [["生成", "黒", "オリーブ", "紺", "赤"], ["S", "M", "L"]],
            channels: [("rakuten", "all"), ("amazon", "buffer:1")]
        ),
        Line(
            code: "SB",
            name: "石鹸",
            supplier: "京都石鹸舎",
            price: 880,
            tax: .standard,
            cool: .ambient,
            options: [["椿", "米ぬか", "柚子", "檜", "抹茶", "炭"], ["1個", "3個"]],
            channels: [("rakuten", "all"), ("yahoo", "all")]
        ),
        Line(
            code: "OP",
            name: "コットンワンピース",
            supplier: "東京繊維",
            price: 8800,
            tax: .standard,
            cool: .ambient,
            options: [["生成", "黒", "紺", "からし", "くすみ桃"], ["S", "M", "L", "XL"]],
            channels: [("rakuten", "all"), ("shopify", "all")]
        ),
        Line(
            code: "AP",
            name: "帆布エプロン",
            supplier: "倉敷帆布",
            price: 3960,
            tax: .standard,
            cool: .ambient,
            options: [["生成", "黒", "紺", "オリーブ", "赤", "灰"], ["フリー", "ロング"]],
            channels: [("rakuten", "all"), ("yahoo", "all")]
        ),
        Line(
            code: "NR",
            name: "有明海苔 焼海苔",
            supplier: "有明海産",
            price: 1200,
            tax: .reduced,
            cool: .ambient,
            options: [["全形10枚", "全形30枚", "8切80枚"]],
            channels: [("rakuten", "all")]
        ),
    ]

    /// Fills the catalog unless it already has products. Returns the number of SKUs created.
    static func seed(_ tdb: TenantDatabase, services: AppServices) async throws -> Int {
        if try await tdb.query(ProductRecord.self).count() > 0 { return 0 }
        let writer = CatalogWriter(tdb: tdb, services: services, actor: .cli)
        let stock = StockLedger(tdb: tdb, services: services, actor: .cli)
        let main = try await stock.defaultWarehouse()
        let osaka = WarehouseRecord(
            tenantID: tdb.tenantID,
            code: "osaka",
            name: "大阪倉庫",
            isDefault: false,
            now: services.clock()
        )
        try await tdb.create(osaka)
        var created = 0
        var rng = SplitMix(seed: 20_261_121)
        for line in lines {
            var variants: [[String]] = [[]]
            for option in line.options { variants = variants.flatMap { prefix in option.map { prefix + [$0] } } }
            let skus = variants.enumerated().map { index, values -> ProductInput.SKUInput in
                let code = "\(line.code)-\(String(format: "%03d", index + 1))"
                return ProductInput.SKUInput(
                    code: code,
                    variant: values.joined(separator: " / "),
                    jan: janCode(line: line.code, index: index),
                    price: line.price + (index % 3) * 100,
                    taxClass: line.tax.rawValue,
                    sizeClass: "60",
                    coolType: line.cool.rawValue,
                    reorderPoint: 5,
                    labels: nil,
                    components: nil,
                    listings: line.channels.map {
                        .init(channel: $0.0, itemCode: "\($0.0)-\(code.lowercased())", rule: $0.1)
                    }
                )
            }
            _ = try await writer.create(
                ProductInput(code: line.code, name: line.name, supplier: line.supplier, labels: nil, skus: skus)
            )
            for sku in skus {
                guard let record = try await tdb.query(SKURecord.self).filter(\.$code == sku.code).first() else {
                    continue
                }
                try await stock.move(
                    sku: record,
                    warehouseID: main.typedID,
                    kind: .receipt,
                    quantity: Int(rng.next() % 60) + 3,
                    reference: "初期在庫"
                )
                if rng.next() % 3 == 0 {
                    try await stock.move(
                        sku: record,
                        warehouseID: osaka.typedID,
                        kind: .receipt,
                        quantity: Int(rng.next() % 30) + 1,
                        reference: "初期在庫"
                    )
                }
            }
            created += skus.count
        }
        let sets: [(String, String, [(String, Int)])] = [
            ("GS-001", "煎茶とマグのギフトセット", [("GT-002", 1), ("MG-001", 1)]),
            ("GS-002", "今治タオル 2色ギフト", [("TW-001", 1), ("TW-005", 1)]),
            ("GS-003", "手ぬぐい3枚セット", [("HK-001", 1), ("HK-002", 1), ("HK-003", 1)]),
            ("GS-004", "餃子食べ比べセット", [("GY-001", 1), ("GY-003", 1), ("GY-005", 1)]),
            ("GS-005", "石鹸と手ぬぐいの贈り物", [("SB-001", 2), ("HK-004", 1)]),
            ("GS-006", "お茶づくしセット", [("GT-001", 1), ("HJ-001", 2)]),
        ]
        _ = try await writer.create(
            ProductInput(
                code: "GS",
                name: "ギフトセット",
                supplier: "自社",
                labels: ["ギフト"],
                skus: sets.map { code, name, parts in
                    ProductInput.SKUInput(
                        code: code,
                        variant: name,
                        jan: nil,
                        price: 3980,
                        taxClass: nil,
                        sizeClass: "80",
                        coolType: nil,
                        reorderPoint: nil,
                        labels: ["ギフト"],
                        components: parts.map { .init(sku: $0.0, quantity: $0.1) },
                        listings: [.init(channel: "rakuten", itemCode: "rakuten-\(code.lowercased())", rule: "all")]
                    )
                }
            )
        )
        return created + sets.count
    }

    /// A valid EAN-13 in the 45 (Japan) range, distinct per SKU.
    static func janCode(line: String, index: Int) -> String {
        let lineNumber = lines.firstIndex { $0.code == line } ?? 0
        let body = "4594\(String(format: "%03d", lineNumber))\(String(format: "%05d", index + 1))"
        let digits = body.compactMap(\.wholeNumberValue)
        let sum = digits.reversed().enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 3 : 1) }
        return body + String((10 - sum % 10) % 10)
    }

    /// A small deterministic random source, so every demo shop looks the same.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
