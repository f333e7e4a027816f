import Foundation

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
public enum CSV {
    /// One record and the line it starts on (1-based).
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    /// A quote that never closes (or a record of more fields than any file Akinai reads has).
    public struct ParseError: Error, Equatable {
        public let line: Int
        public var reason = "unclosed_quote"
    }

    /// The most fields one record may have: mall files have about 130; a line of a million commas is refused as it
    /// is read instead of becoming a million strings.
    public static let maxFields = 1000

    /// The records of `text`; `separator` is `,` for CSV, a tab for the tab-separated reports malls write.
    public static func parse(_ text: String, separator: Unicode.Scalar = ",") throws(ParseError) -> [Record] {
        var records: [Record] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var iterator = Array(text.unicodeScalars)
        if iterator.first == "\u{FEFF}" { iterator.removeFirst() }
        var index = 0
        var sawAnything = false
        while index < iterator.count {
            let c = iterator[index]
            if inQuotes {
                if c == "\"" {
                    if index + 1 < iterator.count, iterator[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                // Tab-separated reports (Amazon's) are not quoted: a quote there is text.
                case "\"" where separator == ",": inQuotes = true
                case separator:
                    fields.append(field)
                    field = ""
                    if fields.count > maxFields { throw ParseError(line: recordLine, reason: "too_many_fields") }
                case "\r": break
                case "\n":
                    fields.append(field)
                    if !(fields.count == 1 && fields[0].isEmpty) {
                        records.append(Record(line: recordLine, fields: fields))
                    }
                    fields = []
                    field = ""
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(c)
                }
            }
            sawAnything = true
            index += 1
        }
        if inQuotes { throw ParseError(line: recordLine) }
        if sawAnything && (!field.isEmpty || !fields.isEmpty) {
            fields.append(field)
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }

    /// One line of CSV, quoting fields that need it, with CRLF. A field a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, tab or CR, after any `'`) gets a leading `'` (formula injection);
    /// `unneutralized` takes it off again on import, so an export imports back unchanged.
    public static func line(_ fields: [String]) -> String {
        fields.map(neutralized).map { field in
            if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }.joined(separator: ",") + "\r\n"
    }

    static func looksLikeFormula(_ field: Substring) -> Bool {
        guard let first = field.drop(while: { $0 == "'" }).first else { return false }
        return "=+-@\t\r".contains(first)
    }

    /// `field` with a leading `'` when a spreadsheet would read it as a formula.
    public static func neutralized(_ field: String) -> String {
        looksLikeFormula(Substring(field)) ? "'" + field : field
    }

    /// The value an exported `neutralized` field stood for.
    public static func unneutralized(_ field: String) -> String {
        guard field.first == "'", looksLikeFormula(field.dropFirst()) else { return field }
        return String(field.dropFirst())
    }

    /// Text from a file in UTF-8 (with or without BOM) or CP932, as Japanese mall tools write.
    public static func decode(_ data: Data) -> (text: String, encoding: String)? {
        if let text = String(data: data, encoding: .utf8) { return (text, "utf-8") }
        if let text = String(data: data, encoding: .shiftJIS) { return (text, "cp932") }
        return nil
    }
}
