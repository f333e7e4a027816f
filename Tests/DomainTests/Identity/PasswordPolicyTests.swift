import Foundation
import Testing

@testable import Domain

@Suite struct PasswordPolicyTests {
    @Test func threeOfFourClassesWhenTheTenantAsksForIt() throws {
        let policy = PasswordPolicy(requireThreeClasses: true)
        #expect(throws: FieldError(field: "password", reason: "password_classes")) {
            try policy.check("alllowercaseletters")
        }
        try policy.check("Lower and UPPER case 1")
        try policy.check("lowercase-with-digits-42")
        #expect(throws: FieldError.self) { try PasswordPolicy(minimumLength: 16).check("only fifteen ch") }
    }

    @Test func wordsOfTheShopAndTheUserAreRefused() {
        let context = PasswordPolicy.Context(tenantCode: "akinaido", shopName: "商い堂", emailLocalPart: "hanako")
        for password in ["AKINAIDO is my shop", "私の商い堂の新しいパスワード", "hanako-forever-2026"] {
            #expect(throws: FieldError(field: "password", reason: "password_contains_personal")) {
                try PasswordPolicy().check(password, context: context)
            }
        }
    }

    @Test func theCommonListIsConsultedNormalised() {
        let list: Set<String> = ["password1234"]
        #expect(throws: FieldError(field: "password", reason: "password_common")) {
            try PasswordPolicy().check("ＰＡＳＳＷＯＲＤ1234", isCommon: list.contains)
        }
    }

    @Test func settingsStayWithinTheirBounds() throws {
        try SecuritySettings().validate()
        var settings = SecuritySettings()
        settings.absoluteTimeoutHours = 25
        #expect(throws: FieldError(field: "absoluteTimeoutHours", reason: "setting_out_of_range")) {
            try settings.validate()
        }
        settings = SecuritySettings()
        settings.idleTimeoutMinutes = 0
        try settings.validate()
        #expect(settings.idleTimeout == nil)
    }
}
