import Foundation
import Testing

@testable import Domain

@Suite struct CSVTests {
    @Test func quotedFieldsKeepCommasQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\nlast,,end"
        let records = try CSV.parse(text)
        #expect(records.map(\.line) == [1, 2, 5])
        #expect(records[1].fields == ["x, y", "say \"hi\"", "two\nlines"])
        #expect(records[2].fields == ["last", "", "end"])
        #expect(try CSV.parse(CSV.line(records[1].fields)).first?.fields == records[1].fields)
    }

    @Test func anUnclosedQuoteNamesItsLine() {
        #expect(throws: CSV.ParseError(line: 2)) { try CSV.parse("a,b\n\"open,x\nmore") }
    }

    @Test func cp932AndUTF8AreBothRead() {
        let text = "商品コード,髙島屋①"
        #expect(CSV.decode(text.data(using: .shiftJIS)!)?.encoding == "cp932")
        #expect(CSV.decode(text.data(using: .shiftJIS)!)?.text == text)
        #expect(CSV.decode(Data(text.utf8))?.encoding == "utf-8")
    }

    @Test func masterRowsReportEveryErrorByLineAndColumn() {
        let csv = """
            product_code,product_name,sku_code,price,jan,tax_class,set_components
            P1,Tシャツ,P1-S,2980,4901234567894,standard,
            P1,Tシャツ,P1-M,abc,4901234567890,eight,
            P1,Tシャツ,P1-S,100,,,
            GS,セット,GS-1,3000,,,P1-S:2|P1-M:x
            """
        let (rows, errors) = MasterCSV.read(csv)
        #expect(rows.map(\.skuCode) == ["P1-S"])
        #expect(errors.contains(.init(line: 3, column: "price", reason: "price_invalid")))
        // The same rule as the API's, with its more precise reason: the number has a wrong check digit.
        #expect(errors.contains(.init(line: 3, column: "jan", reason: "jan_check_digit")))
        #expect(errors.contains(.init(line: 3, column: "tax_class", reason: "tax_class_invalid")))
        #expect(errors.contains(.init(line: 4, column: "sku_code", reason: "duplicate_of_line_2")))
        #expect(errors.contains(.init(line: 5, column: "set_components", reason: "component_invalid")))
    }

    @Test func unknownAndMissingColumnsAreNamed() {
        let (_, errors) = MasterCSV.read("product_code,colour\nA,red")
        #expect(errors.contains(.init(line: 1, column: "product_name", reason: "column_missing")))
        #expect(errors.contains(.init(line: 1, column: "colour", reason: "column_unknown")))
    }

    @Test(arguments: ["=HYPERLINK(\"http://x\")", "+1", "-1+1", "@SUM(A1)", "\tx", "'=x", "''+x"])
    func formulaCellsAreNeutralisedAndComeBackUnchanged(_ value: String) {
        let exported = CSV.neutralized(value)
        #expect(exported.first == "'")
        #expect(CSV.unneutralized(exported) == value)
    }

    @Test(arguments: ["plain", "'quoted", "1-2", "a=b", ""])
    func ordinaryCellsAreLeftAlone(_ value: String) {
        #expect(CSV.neutralized(value) == value)
        #expect(CSV.unneutralized(value) == value)
    }
}
