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

    /// The CSV column of each field name the catalog rules report.
    static let columnOfField: [String: String] = [
        "variant": "variant", "jan": "jan", "price": "price", "taxClass": "tax_class", "sizeClass": "size_class",
        "coolType": "cool_type", "reorderPoint": "reorder_point", "labels": "labels", "components": "set_components",
    ]

    /// One record checked on its own: the row when it is valid, and every error in it. What needs the whole
    /// file (a SKU code twice, a set as another set's component) is checked by the caller. The values are checked
    /// by `CatalogRules`, the same rules as the API's and bulk edit's.
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
        func labels(_ column: String) -> [String] { value(column).split(separator: ";").map(String.init) }
        let product = ProductDraft.check(
            code: value("product_code"),
            name: value("product_name"),
            supplier: value("supplier"),
            labels: []
        )
        if case .failure(let problems) = product {
            let columns = ["code": "product_code", "name": "product_name", "supplier": "supplier"]
            for problem in problems.all { fail(columns[problem.field] ?? problem.field, problem.reason) }
        }
        let reorderText = value("reorder_point")
        let reorder = reorderText.isEmpty ? nil : Int(reorderText)
        if !reorderText.isEmpty, reorder == nil { fail("reorder_point", "reorder_point_invalid") }
        let parts: [(code: String, quantity: Int)] = value("set_components").split(separator: "|").map { part in
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count == 2, let quantity = Int(pieces[1]) else { return ("", 0) }
            return (String(pieces[0]), quantity)
        }
        let sku = SKUDraft.check(
            code: value("sku_code"),
            variant: value("variant"),
            jan: value("jan"),
            price: Int(value("price")),
            taxClass: value("tax_class"),
            sizeClass: value("size_class"),
            coolType: value("cool_type"),
            reorderPoint: reorder,
            labels: labels("labels"),
            components: parts
        )
        if case .failure(let problems) = sku {
            for problem in problems.all {
                fail(
                    problem.field == "code" ? "sku_code" : columnOfField[problem.field] ?? problem.field,
                    problem.reason
                )
            }
        }
        guard errors.isEmpty, case .success(let product) = product, case .success(let sku) = sku else {
            return (nil, errors)
        }
        let row = Row(
            line: line,
            productCode: product.code.rawValue,
            productName: product.name.rawValue,
            supplier: product.supplier,
            skuCode: sku.code.rawValue,
            variant: sku.variant,
            jan: sku.jan?.rawValue,
            price: sku.price,
            taxClass: sku.taxClass,
            sizeClass: sku.sizeClass,
            coolType: sku.coolType,
            reorderPoint: sku.reorderPoint,
            labels: sku.labels,
            components: sku.components.map { ($0.code.rawValue, $0.quantity) }
        )
        return (row, [])
    }
}
