import Foundation

/// The product master as CSV: one row per SKU, the product's columns repeated.
public enum MasterCSV {
    public static let columns = [
        "product_code", "product_name", "supplier", "sku_code", "variant", "jan", "price", "tax_class", "size_class",
        "cool_type", "reorder_point", "labels", "set_components",
    ]

    /// A problem with one cell, named by line and column as a spreadsheet shows them.
    public struct RowError: Sendable, Equatable, Codable {
        public let line: Int
        public let column: String
        public let reason: String

        public init(line: Int, column: String, reason: String) {
            self.line = line
            self.column = column
            self.reason = reason
        }
    }

    /// One valid row.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var productCode: String
        public var productName: String
        public var supplier: String
        public var skuCode: String
        public var variant: String
        public var jan: String?
        public var price: Int
        public var taxClass: TaxClass
        public var sizeClass: String
        public var coolType: CoolType
        public var reorderPoint: Int?
        public var labels: [String]
        /// Component SKU codes and quantities, for a set product.
        public var components: [(code: String, quantity: Int)]

        public static func == (a: Row, b: Row) -> Bool {
            a.line == b.line && a.skuCode == b.skuCode && a.price == b.price
                && a.components.map(\.code) == b.components.map(\.code)
        }
    }

    /// Parses and checks every row; returns the valid rows and every error found (all of them, not the first).
    public static func read(_ text: String) -> (rows: [Row], errors: [RowError]) {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text)
        } catch {
            return ([], [RowError(line: error.line, column: "", reason: "unclosed_quote")])
        }
        guard let first = records.first else { return ([], [RowError(line: 1, column: "", reason: "empty_file")]) }
        let (names, headerErrors) = header(first.fields, line: first.line)
        if !headerErrors.isEmpty { return ([], headerErrors) }
        var rows: [Row] = []
        var errors: [RowError] = []
        var seen: [String: Int] = [:]
        for record in records.dropFirst() {
            var (row, rowErrors) = self.row(record.fields, line: record.line, names: names)
            let skuCode = CSV.unneutralized(
                (names.firstIndex(of: "sku_code").flatMap { $0 < record.fields.count ? record.fields[$0] : nil } ?? "")
                    .trimmingCharacters(in: .whitespaces)
            )
            if let earlier = seen[skuCode] {
                rowErrors.append(
                    RowError(line: record.line, column: "sku_code", reason: "duplicate_of_line_\(earlier)")
                )
                row = nil
            }
            seen[skuCode] = record.line
            errors += rowErrors
            if let row { rows.append(row) }
        }
        // A set may name components defined further down, but not another set.
        let setCodes = Set(rows.filter { !$0.components.isEmpty }.map(\.skuCode))
        for row in rows {
            for component in row.components where setCodes.contains(component.code) {
                errors.append(RowError(line: row.line, column: "set_components", reason: "component_is_set"))
            }
        }
        return (rows, errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    /// The column names of a header record, and what is wrong with it.
    public static func header(_ fields: [String], line: Int) -> (names: [String], errors: [RowError]) {
        let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var errors: [RowError] = []
        for required in ["product_code", "product_name", "sku_code", "price"] where !names.contains(required) {
            errors.append(RowError(line: line, column: required, reason: "column_missing"))
        }
        for name in names where !columns.contains(name) {
            errors.append(RowError(line: line, column: name, reason: "column_unknown"))
        }
        return (names, errors)
    }

    /// One record checked on its own: the row when it is valid, and every error in it. What needs the whole
    /// file (a SKU code twice, a set as another set's component) is checked by the caller.
    public static func row(_ fields: [String], line: Int, names: [String]) -> (row: Row?, errors: [RowError]) {
        func value(_ column: String) -> String {
            guard let index = names.firstIndex(of: column), index < fields.count else { return "" }
            return CSV.unneutralized(fields[index].trimmingCharacters(in: .whitespaces))
        }
        var errors: [RowError] = []
        func fail(_ column: String, _ reason: String) {
            errors.append(RowError(line: line, column: column, reason: reason))
        }
        if fields.count != names.count { fail("", "field_count") }
        let productCode = value("product_code")
        if (try? SKUCode(productCode)) == nil { fail("product_code", "code_invalid") }
        let productName = value("product_name")
        if (try? DisplayName(productName)) == nil { fail("product_name", "name_invalid") }
        let skuCode = value("sku_code")
        if (try? SKUCode(skuCode)) == nil { fail("sku_code", "code_invalid") }
        let janText = value("jan")
        if !janText.isEmpty, (try? JANCode(janText)) == nil { fail("jan", "jan_invalid") }
        let price = Int(value("price"))
        if price == nil || !(0...100_000_000).contains(price!) { fail("price", "price_invalid") }
        let tax = value("tax_class").isEmpty ? TaxClass.standard : TaxClass(rawValue: value("tax_class"))
        if tax == nil { fail("tax_class", "tax_class_invalid") }
        let cool = value("cool_type").isEmpty ? CoolType.ambient : CoolType(rawValue: value("cool_type"))
        if cool == nil { fail("cool_type", "cool_type_invalid") }
        var reorder: Int?
        if !value("reorder_point").isEmpty {
            reorder = Int(value("reorder_point"))
            if reorder == nil || !(0...1_000_000).contains(reorder!) { fail("reorder_point", "reorder_point_invalid") }
        }
        var components: [(String, Int)] = []
        if !value("set_components").isEmpty {
            let parts = value("set_components").split(separator: "|")
            if parts.count > 50 { fail("set_components", "component_invalid") }
            for part in parts.prefix(50) {
                let pieces = part.split(separator: ":")
                if pieces.count == 2, let quantity = Int(pieces[1]), (1...999).contains(quantity),
                    (try? SKUCode(String(pieces[0]))) != nil, String(pieces[0]) != skuCode,
                    !components.contains(where: { $0.0 == String(pieces[0]) })
                {
                    components.append((String(pieces[0]), quantity))
                } else {
                    fail("set_components", "component_invalid")
                }
            }
        }
        if value("variant").count > 100 { fail("variant", "too_long") }
        if value("supplier").count > 100 { fail("supplier", "too_long") }
        guard errors.isEmpty, let price, let tax, let cool else { return (nil, errors) }
        let row = Row(
            line: line,
            productCode: productCode,
            productName: productName,
            supplier: value("supplier"),
            skuCode: skuCode,
            variant: value("variant"),
            jan: janText.isEmpty ? nil : janText,
            price: price,
            taxClass: tax,
            sizeClass: String(value("size_class").prefix(20)),
            coolType: cool,
            reorderPoint: reorder,
            labels: value("labels").split(separator: ";").map(String.init),
            components: components
        )
        return (row, [])
    }
}
