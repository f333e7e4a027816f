import Foundation

/// The rules of the catalog's values, one per value, used by every way in (the API, the CSV import, bulk edit):
/// a value that breaks one is refused with the field it is in, never cut short or capped.
///
/// Field names are the API's (`code`, `variant`, `jan`, `price`, `taxClass`, `sizeClass`, `coolType`,
/// `reorderPoint`, `labels`, `components`, `name`, `supplier`); the CSV import maps them to its columns.
public enum CatalogRules {
    public static let maxText = 100
    public static let maxSizeClass = 20
    public static let maxLabels = 20
    public static let maxLabelLength = 30
    public static let maxComponents = 50
    public static let prices = 0...100_000_000
    public static let reorderPoints = 0...StockLimits.maxQuantity
    public static let componentQuantities = 1...999

    /// A price in yen, tax included.
    public static func price(_ value: Int?) throws(FieldError) -> Int {
        guard let value, prices.contains(value) else { throw FieldError(field: "price", reason: "price_invalid") }
        return value
    }

    /// A reorder point, or none.
    public static func reorderPoint(_ value: Int?) throws(FieldError) -> Int? {
        guard let value else { return nil }
        guard reorderPoints.contains(value) else {
            throw FieldError(field: "reorderPoint", reason: "reorder_point_invalid")
        }
        return value
    }

    /// Free text of at most `limit` characters, without control characters; surrounding spaces are dropped.
    public static func text(_ raw: String?, field: String, limit: Int = maxText) throws(FieldError) -> String {
        let value = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard value.count <= limit else { throw FieldError(field: field, reason: "too_long") }
        guard !hasControlCharacter(value) else { throw FieldError(field: field, reason: "name_invalid") }
        return value
    }

    /// Whether `text` holds a control character (category Cc: C0, DEL, C1). Format characters such as the
    /// zero-width joiner inside an emoji are text.
    static func hasControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// One label: 1–30 characters, no comma (labels are stored comma-separated) and no semicolon (the CSV's
    /// separator of labels), so a label survives an export and import unchanged.
    public static func label(_ raw: String) throws(FieldError) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        guard (1...maxLabelLength).contains(value.count), !value.contains(","), !value.contains(";"),
            !hasControlCharacter(value)
        else { throw FieldError(field: "labels", reason: "label_invalid") }
        return value
    }

    /// A list of labels: empty entries are skipped, at most 20, each a valid label, none twice. The count is
    /// checked as the list is read, so a list of a million entries costs no more than one of 21.
    public static func labels(_ raw: [String]?) throws(FieldError) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        for entry in raw ?? [] where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            let label = try label(entry)
            guard seen.insert(label).inserted else { continue }
            guard result.count < maxLabels else { throw FieldError(field: "labels", reason: "labels_too_many") }
            result.append(label)
        }
        return result
    }

    /// A tax class by its code; `standard` when not given.
    public static func taxClass(_ raw: String?) throws(FieldError) -> TaxClass {
        guard let value = TaxClass(rawValue: raw.flatMap { $0.isEmpty ? nil : $0 } ?? "standard") else {
            throw FieldError(field: "taxClass", reason: "tax_class_invalid")
        }
        return value
    }

    /// A cool type by its code; `ambient` when not given.
    public static func coolType(_ raw: String?) throws(FieldError) -> CoolType {
        guard let value = CoolType(rawValue: raw.flatMap { $0.isEmpty ? nil : $0 } ?? "ambient") else {
            throw FieldError(field: "coolType", reason: "cool_type_invalid")
        }
        return value
    }

    /// A JAN code, or none when empty.
    public static func jan(_ raw: String?) throws(FieldError) -> JANCode? {
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return try JANCode(raw)
    }
}

/// One SKU as entered, every value checked by `CatalogRules`.
public struct SKUDraft: Sendable, Equatable {
    public var code: SKUCode
    public var variant: String
    public var jan: JANCode?
    public var price: Int
    public var taxClass: TaxClass
    public var sizeClass: String
    public var coolType: CoolType
    public var reorderPoint: Int?
    public var labels: [String]
    /// Component SKU codes and quantities, for a set.
    public var components: [SetPart]

    /// A component of a set, by SKU code.
    public struct SetPart: Sendable, Equatable {
        public let code: SKUCode
        public let quantity: Int

        public init(code: SKUCode, quantity: Int) {
            self.code = code
            self.quantity = quantity
        }
    }

    /// The draft, or every error of it (each naming its field), in the order of the fields.
    public static func check(
        code: String,
        variant: String?,
        jan: String?,
        price: Int?,
        taxClass: String?,
        sizeClass: String?,
        coolType: String?,
        reorderPoint: Int?,
        labels: [String]?,
        components: [(code: String, quantity: Int)]
    ) -> Result<SKUDraft, FieldErrors> {
        var rules = FieldErrorCollector()
        let skuCode = rules.take { () throws(FieldError) in try SKUCode(code, field: "code") }
        let variant = rules.take { () throws(FieldError) in try CatalogRules.text(variant, field: "variant") }
        let jan = rules.take { () throws(FieldError) in try CatalogRules.jan(jan) }
        let price = rules.take { () throws(FieldError) in try CatalogRules.price(price) }
        let tax = rules.take { () throws(FieldError) in try CatalogRules.taxClass(taxClass) }
        let size = rules.take { () throws(FieldError) in
            try CatalogRules.text(sizeClass, field: "sizeClass", limit: CatalogRules.maxSizeClass)
        }
        let cool = rules.take { () throws(FieldError) in try CatalogRules.coolType(coolType) }
        let point = rules.take { () throws(FieldError) in try CatalogRules.reorderPoint(reorderPoint) }
        let labels = rules.take { () throws(FieldError) in try CatalogRules.labels(labels) }
        let parts = rules.take { () throws(FieldError) in try Self.parts(components, of: code) }
        guard rules.errors.isEmpty, let skuCode, let variant, let jan, let price, let tax, let size, let cool,
            let point,
            let labels, let parts
        else { return .failure(FieldErrors(rules.errors)) }
        return .success(
            SKUDraft(
                code: skuCode,
                variant: variant,
                jan: jan,
                price: price,
                taxClass: tax,
                sizeClass: size,
                coolType: cool,
                reorderPoint: point,
                labels: labels,
                components: parts
            )
        )
    }

    /// A set's components: at most 50, each a valid code other than the set's own, 1–999 each, none twice.
    static func parts(_ raw: [(code: String, quantity: Int)], of own: String) throws(FieldError) -> [SetPart] {
        let invalid = FieldError(field: "components", reason: "component_invalid")
        guard raw.count <= CatalogRules.maxComponents else { throw invalid }
        var parts: [SetPart] = []
        for (code, quantity) in raw {
            guard let code = try? SKUCode(code), code.rawValue != own.trimmingCharacters(in: .whitespaces),
                CatalogRules.componentQuantities.contains(quantity), !parts.contains(where: { $0.code == code })
            else { throw invalid }
            parts.append(SetPart(code: code, quantity: quantity))
        }
        return parts
    }
}

/// One product as entered: code, name, supplier and labels, checked by the same rules.
public struct ProductDraft: Sendable, Equatable {
    public var code: SKUCode
    public var name: DisplayName
    public var supplier: String
    public var labels: [String]

    /// The draft, or every error of it (each naming its field).
    public static func check(
        code: String,
        name: String,
        supplier: String?,
        labels: [String]?
    ) -> Result<
        ProductDraft, FieldErrors
    > {
        var rules = FieldErrorCollector()
        let productCode = rules.take { () throws(FieldError) in try SKUCode(code, field: "code") }
        let productName = rules.take { () throws(FieldError) in try DisplayName(name, field: "name") }
        let supplier = rules.take { () throws(FieldError) in try CatalogRules.text(supplier, field: "supplier") }
        let labels = rules.take { () throws(FieldError) in try CatalogRules.labels(labels) }
        guard rules.errors.isEmpty, let productCode, let productName, let supplier, let labels else {
            return .failure(FieldErrors(rules.errors))
        }
        return .success(ProductDraft(code: productCode, name: productName, supplier: supplier, labels: labels))
    }
}
