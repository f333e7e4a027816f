import Foundation

/// Text for the CP932 (Windows-31J) files Japanese tools read. The characters a Mac or a web form types where
/// Windows has a look-alike are written as that look-alike (〜 → ～, − → －, ‖ → ∥, — → ―, ¢ £ ¬ → ￠ ￡ ￢), so a
/// product name with 〜 does not refuse the file; a character CP932 has no form for at all (an emoji, 𠮷) is reported
/// with its record and column, and replaced by 〓 only when the user agrees.
public enum CP932 {
    /// Where the forms a Mac or a browser produces differ from CP932's.
    public static let lookAlikes: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{301C}": "\u{FF5E}", "\u{2212}": "\u{FF0D}", "\u{2016}": "\u{2225}", "\u{2014}": "\u{2015}",
        "\u{00A2}": "\u{FFE0}", "\u{00A3}": "\u{FFE1}", "\u{00AC}": "\u{FFE2}",
    ]

    /// What stands in for a character CP932 cannot hold, when the user agrees to replace it.
    public static let replacement: Unicode.Scalar = "\u{3013}"

    /// A character that could not be written, with where it was.
    public struct Unencodable: Error, Equatable, Sendable, Codable {
        /// 1-based record (row) of the file, the header being 1.
        public let record: Int
        public let column: String
        public let character: String
    }

    /// `text` with the look-alikes swapped in.
    public static func mapped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { lookAlikes[$0] != nil }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { result.append(lookAlikes[scalar] ?? scalar) }
        return String(result)
    }

    /// Whether CP932 has a form for `scalar`.
    public static func canEncode(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII || String(scalar).data(using: .shiftJIS) != nil
    }

    /// The file of `header` and `rows` as CSV in CP932. With `replacing`, characters CP932 cannot hold become 〓;
    /// without, they are all reported (at most 200) and no file is made.
    public static func csv(header: [String], rows: [[String]], replacing: Bool) -> Result<Data, UnencodableList> {
        var problems: [Unencodable] = []
        var cache: [Unicode.Scalar: Bool] = [:]
        var text = ""
        for (index, row) in ([header] + rows).enumerated() {
            var fields: [String] = []
            for (position, field) in row.enumerated() {
                let value = mapped(field)
                var clean = String.UnicodeScalarView()
                for scalar in value.unicodeScalars {
                    let ok =
                        scalar.isASCII
                        || (cache[scalar]
                            ?? {
                                let r = canEncode(scalar)
                                cache[scalar] = r
                                return r
                            }())
                    if ok {
                        clean.append(scalar)
                    } else if replacing {
                        clean.append(replacement)
                    } else if problems.count < 200 {
                        let column = position < header.count ? header[position] : String(position + 1)
                        problems.append(Unencodable(record: index + 1, column: column, character: String(scalar)))
                    }
                }
                fields.append(String(clean))
            }
            text += CSV.line(fields)
        }
        guard problems.isEmpty else { return .failure(UnencodableList(all: problems)) }
        guard let data = text.data(using: .shiftJIS) else {
            return .failure(UnencodableList(all: [Unencodable(record: 0, column: "", character: "")]))
        }
        return .success(data)
    }

    /// Every character a file could not hold.
    public struct UnencodableList: Error, Equatable, Sendable {
        public let all: [Unencodable]
    }
}
