import Foundation
import Testing

@testable import Domain

@Suite struct ValidationTests {
    @Test(arguments: ["demo", "shop-01", "ab", " Demo "])
    func acceptsTenantCodes(_ raw: String) throws {
        #expect(try TenantCode(raw).rawValue == raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: ["", "a", "-shop", "shop_01", "ショップ", String(repeating: "a", count: 33), "a b"])
    func refusesTenantCodes(_ raw: String) {
        #expect(throws: FieldError(field: "tenant", reason: "tenant_code_invalid")) { try TenantCode(raw) }
    }

    @Test(arguments: [
        "a@example.jp", " Taro.Yamada@Example.CO.JP ", "o'brien+akinai@mail-1.example.com", "x@xn--eckwd4c7c.jp",
    ])
    func acceptsEmails(_ raw: String) throws {
        #expect(try EmailAddress(raw).rawValue == raw.trimmingCharacters(in: .whitespaces).lowercased())
    }

    @Test(arguments: [
        "", "a", "a@b", "@example.jp", "a@.jp", "a b@example.jp", "a@example.jp.", "<a@example.jp>",
        "a\u{0}@example.jp", "a|cat@example.jp", "a;b@example.jp", "a,b@example.jp", "a@exa;mple.jp",
        "a\r\nBcc:x@example.jp", ".a@example.jp", "a..b@example.jp", "a@-example.jp", "a@exa_mple.jp", "あ@example.jp",
        "a@例え.jp", "a@b@example.jp", String(repeating: "a", count: 65) + "@example.jp",
    ])
    func refusesEmails(_ raw: String) {
        #expect(throws: FieldError.self) { try EmailAddress(raw) }
    }

    @Test func passwordLengthIsCountedInCharacters() throws {
        let policy = PasswordPolicy()
        try policy.check("日本語のパスワード十二字")
        #expect(throws: FieldError(field: "password", reason: "password_too_short")) { try policy.check("短いパスワード") }
        try policy.check(String(repeating: "あいうえ", count: 32))
        #expect(throws: FieldError(field: "password", reason: "password_too_long")) {
            try policy.check(String(repeating: "あいうえ", count: 32) + "お")
        }
    }

    @Test func displayNamesRefuseControlCharacters() {
        #expect(throws: FieldError.self) { try DisplayName("bad\u{0}name") }
        #expect(throws: FieldError.self) { try DisplayName("   ") }
    }
}
