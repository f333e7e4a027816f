import Domain
import Foundation
import Testing

/// One rule per catalog value: the API's drafts and the CSV import give the same verdict on the same value.
@Suite struct CatalogDraftsTests {
    static func sku(
        variant: String = "赤 / L",
        jan: String = "",
        price: Int? = 1000,
        sizeClass: String = "",
        reorderPoint: Int? = nil,
        labels: [String] = []
    ) -> Result<SKUDraft, FieldErrors> {
        SKUDraft.check(
            code: "A-1",
            variant: variant,
            jan: jan,
            price: price,
            taxClass: nil,
            sizeClass: sizeClass,
            coolType: nil,
            reorderPoint: reorderPoint,
            labels: labels,
            components: []
        )
    }

    /// A CSV with one SKU row whose cells are those given (the others valid).
    static func csvErrors(_ cells: [String: String]) -> [MasterCSV.RowError] {
        var row = [
            "product_code": "P1", "product_name": "商品", "sku_code": "A-1", "price": "1000", "variant": "赤 / L",
        ]
        row.merge(cells) { $1 }
        let columns = MasterCSV.columns
        let text = CSV.line(columns) + CSV.line(columns.map { row[$0] ?? "" })
        return MasterCSV.read(text).errors
    }

    @Test(arguments: [
        ("variant", String(repeating: "あ", count: 101), "too_long", "variant"),
        ("sizeClass", String(repeating: "L", count: 21), "too_long", "size_class"),
        ("price", "100000001", "price_invalid", "price"),
        ("reorderPoint", "1000001", "reorder_point_invalid", "reorder_point"),
        ("jan", "4901234567890", "jan_check_digit", "jan"),
        ("labels", String(repeating: "x", count: 31), "label_invalid", "labels"),
    ])
    func anOutOfRangeValueIsRefusedAlikeNotCut(_ field: String, _ value: String, _ reason: String, _ column: String) {
        let draft: Result<SKUDraft, FieldErrors> =
            switch field {
            case "variant": Self.sku(variant: value)
            case "sizeClass": Self.sku(sizeClass: value)
            case "price": Self.sku(price: Int(value))
            case "reorderPoint": Self.sku(reorderPoint: Int(value))
            case "jan": Self.sku(jan: value)
            default: Self.sku(labels: [value])
            }
        guard case .failure(let errors) = draft else {
            Issue.record("\(field) = \(value) was accepted")
            return
        }
        #expect(errors.all == [FieldError(field: field, reason: reason)])
        #expect(Self.csvErrors([column: value]) == [.init(line: 2, column: column, reason: reason)])
    }

    @Test func theLimitsThemselvesAreAccepted() throws {
        let draft = try Self.sku(
            variant: String(repeating: "あ", count: 100),
            price: 100_000_000,
            sizeClass: String(repeating: "L", count: 20),
            reorderPoint: 1_000_000,
            labels: Array(repeating: "夏", count: 1) + (1...19).map { "l\($0)" }
        ).get()
        #expect(draft.variant.count == 100 && draft.labels.count == 20)
        #expect(Self.csvErrors(["variant": String(repeating: "あ", count: 100), "price": "100000000"]) == [])
        #expect(throws: FieldError(field: "labels", reason: "labels_too_many")) {
            try CatalogRules.labels((0...20).map { "l\($0)" })
        }
    }

    @Test func aHugeListOfLabelsIsRefusedAtTheTwentyFirst() throws {
        let many = (0..<1_000_000).map { "l\($0)" }
        #expect(throws: FieldError(field: "labels", reason: "labels_too_many")) { try CatalogRules.labels(many) }
        #expect(try CatalogRules.labels(Array(repeating: "夏物", count: 1_000)) == ["夏物"], "the same label once")
        // A comma is the stored separator and a semicolon the CSV's: either would split the label in two.
        for bad in ["a,b", "a;b", "x\u{0}"] {
            #expect(throws: FieldError(field: "labels", reason: "label_invalid")) { try CatalogRules.label(bad) }
        }
        #expect(try CatalogRules.text("👨‍👩‍👧 ファミリー", field: "variant") == "👨‍👩‍👧 ファミリー", "a ZWJ is text")
    }
}

@Suite struct HeldQuantityTests {
    @Test func storedLinesReadBackAndBadOnesAreRefused() throws {
        let sku = UUID()
        let decoder = JSONDecoder()
        let now = try decoder.decode([HeldQuantity].self, from: Data(#"[{"sku":"\#(sku)","quantity":3}]"#.utf8))
        let earlier = try decoder.decode([HeldQuantity].self, from: Data(#"[{"sku":"\#(sku)","quantity":"3"}]"#.utf8))
        #expect(now == [HeldQuantity(sku: sku, quantity: 3)] && earlier == now, "the earlier string form reads too")
        for bad in [#""quantity":0"#, #""quantity":-2"#, #""quantity":"x""#, #""quantity":99999999999"#] {
            #expect(throws: DecodingError.self) {
                try decoder.decode([HeldQuantity].self, from: Data(#"[{"sku":"\#(sku)",\#(bad)}]"#.utf8))
            }
        }
    }
}
