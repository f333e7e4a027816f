import Foundation
import Testing

@testable import Domain

@Suite struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 secret "12345678901234567890", truncated to 6 digits.
    @Test(arguments: [
        (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
        (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ])
    func matchesTheRFCTestVectors(_ time: Int, _ expected: String) {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: TimeInterval(time)))) == expected)
    }

    @Test func acceptsOneStepEitherSideOnceEach() {
        let totp = TOTP(secret: TOTP.generateSecret())
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let step = TOTP.step(at: now)
        #expect(totp.verify(totp.code(step: step), at: now, lastUsedStep: nil) == step)
        #expect(totp.verify(totp.code(step: step - 1), at: now, lastUsedStep: nil) == step - 1)
        #expect(totp.verify(totp.code(step: step + 1), at: now, lastUsedStep: nil) == step + 1)
        #expect(totp.verify(totp.code(step: step - 2), at: now, lastUsedStep: nil) == nil)
        #expect(totp.verify(totp.code(step: step), at: now, lastUsedStep: step) == nil, "no replay")
        #expect(
            totp.verify(totp.code(step: step - 1), at: now, lastUsedStep: step) == nil,
            "no older code after a newer"
        )
        #expect(totp.verify("12345", at: now, lastUsedStep: nil) == nil)
        #expect(totp.verify("１２３４５６", at: now, lastUsedStep: nil) == nil)
    }

    @Test func base32RoundTripsAndMatchesRFC4648() {
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.decode("MZXW6YTBOI") == Array("foobar".utf8))
        let secret = TOTP.generateSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret)
        #expect(Base32.decode("not base32!") == nil)
    }

    @Test func theProvisioningURICarriesEverythingAnAppNeeds() {
        let uri = TOTP(secret: Array("12345678901234567890".utf8))
            .provisioningURI(account: "hanako@example.jp", issuer: "Akinai (shop-a)")
        #expect(uri.hasPrefix("otpauth://totp/Akinai%20%28shop-a%29%3Ahanako@example.jp?"))
        #expect(uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        #expect(uri.contains("algorithm=SHA1&digits=6&period=30"))
    }

    @Test func recoveryCodesAreDistinctAndNormalise() {
        let codes = RecoveryCodes.generate()
        #expect(codes.count == 10)
        #expect(Set(codes).count == 10)
        #expect(codes.allSatisfy { $0.count == 9 && $0.contains("-") })
        #expect(RecoveryCodes.normalize(" ABCD-efgh ") == "abcdefgh")
    }
}
