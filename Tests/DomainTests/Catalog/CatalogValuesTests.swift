import Testing

@testable import Domain

@Suite struct CatalogValuesTests {
    @Test(arguments: ["4901234567894", "4902102072618", "49123456"])
    func acceptsValidJANs(_ jan: String) throws {
        #expect(try JANCode(jan).rawValue == jan)
    }

    @Test(arguments: ["4901234567890", "490123456789", "49O1234567894", ""])
    func refusesInvalidJANs(_ jan: String) {
        #expect(throws: FieldError.self) { try JANCode(jan) }
    }

    @Test func skuCodesAreASCIIWithoutSpaces() throws {
        #expect(try SKUCode(" TS-001/RED.L ").rawValue == "TS-001/RED.L")
        #expect(throws: FieldError.self) { try SKUCode("Tシャツ") }
        #expect(throws: FieldError.self) { try SKUCode("a b") }
        #expect(TaxClass.reduced.ratePercent == 8)
    }
}
