import Foundation
import Testing

@testable import Domain

@Suite struct CSVStreamTests {
    /// Splits `bytes` fed in pieces of `size` and decodes each field as UTF-8.
    static func split(_ bytes: [UInt8], pieces size: Int) throws -> [CSV.Record] {
        var splitter = CSVRecordSplitter()
        var records: [CSVRecordSplitter.Record] = []
        var start = 0
        while start < bytes.count {
            try splitter.feed(bytes[start..<min(bytes.count, start + size)]) { records.append($0) }
            start += size
        }
        try splitter.finish { records.append($0) }
        return records.map { CSV.Record(line: $0.line, fields: $0.fields.map { String(decoding: $0, as: UTF8.self) }) }
    }

    @Test(arguments: [
        "a,b\nc,d\n", "a,b\r\nc,d", "\u{FEFF}code,name\nA,\"x, \"\"y\"\"\"\n", "a,\"line\nbreak\",c\n\nd,e,f\n",
        "only", "\"\"", "a,,\n,,\n", "\u{FEFF}", "x\n\n\n",
    ])
    func recordsAreTheSameWhateverTheChunkSize(_ text: String) throws {
        let expected = try CSV.parse(text)
        for size in [1, 2, 3, 7, 4096] {
            #expect(try Self.split(Array(text.utf8), pieces: size) == expected, "pieces of \(size)")
        }
    }

    @Test func cp932FieldsSplitOnBytesAndDecodeWhole() throws {
        // 表 and ソ end in 0x5C (a backslash in ASCII): they must not confuse the splitter or be cut.
        let text = "品番,名前\r\nA-1,\"表示, ソフト\"\r\nA-2,十\r\n"
        let bytes = try #require(text.data(using: .shiftJIS))
        var splitter = CSVRecordSplitter()
        var records: [CSVRecordSplitter.Record] = []
        for byte in bytes { try splitter.feed([byte]) { records.append($0) } }
        try splitter.finish { records.append($0) }
        #expect(
            records.map { $0.fields.map { CSV.text($0, encoding: "cp932") } } == [
                ["品番", "名前"], ["A-1", "表示, ソフト"], ["A-2", "十"],
            ]
        )
        #expect(CSV.text([0x82], encoding: "cp932") == nil, "half a character is not text")
    }

    @Test func anUnclosedQuoteAndAnEndlessRecordAreRefused() throws {
        #expect(throws: CSVRecordSplitter.Failure.unclosedQuote(line: 2)) {
            try Self.split(Array("a\n\"b\nc".utf8), pieces: 3)
        }
        let long = Array("a,b\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 70_000)
        #expect(throws: CSVRecordSplitter.Failure.recordTooLong(line: 2)) { try Self.split(long, pieces: 1000) }
    }

    @Test func utf8IsCheckedAcrossChunkBoundaries() throws {
        let text = Array("商品コード,名前\n🍵,茶\n".utf8)
        for size in 1...5 {
            var check = UTF8Check()
            var start = 0
            while start < text.count {
                check.feed(Array(text[start..<min(text.count, start + size)]))
                start += size
            }
            let valid = check.finish()
            #expect(valid, "pieces of \(size)")
        }
        var cut = UTF8Check()
        cut.feed(Array(text.dropLast(2)) + [0xE8])
        let cutValid = cut.finish()
        #expect(!cutValid, "a character cut at the end of the file")
        var cp932 = UTF8Check()
        cp932.feed(Array(try #require("表示".data(using: .shiftJIS))))
        let cp932Valid = cp932.finish()
        #expect(!cp932Valid)
    }
}
