import Foundation
import Testing

@testable import Domain

@Suite struct ScryptHasherTests {
    let hasher = ScryptHasher(logN: 10)

    @Test func verifiesTheRightPasswordOnly() throws {
        let hash = try hasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(try hasher.verify("correct horse battery staple", against: hash))
        #expect(try !hasher.verify("correct horse battery stapleX", against: hash))
    }

    @Test func saltsEveryHash() throws {
        #expect(try hasher.hash("same password here") != hasher.hash("same password here"))
    }

    /// bcrypt ignores everything after 72 bytes; 64 Japanese characters are 192 bytes of UTF-8.
    @Test func longMultibytePasswordsAreNotTruncated() throws {
        let password = String(repeating: "商い繁盛", count: 16)
        #expect(password.count == 64)
        var other = password
        other.removeLast()
        other.append("昌")
        let hash = try hasher.hash(password)
        #expect(try hasher.verify(password, against: hash))
        #expect(try !hasher.verify(other, against: hash))
    }

    /// NFKC: a full-width Ａ and a half-width A are the same character to the person typing.
    @Test func normalisesCompatibilityForms() throws {
        let hash = try hasher.hash("ＡＢＣ-password-１２３")
        #expect(try hasher.verify("ABC-password-123", against: hash))
    }

    @Test func readsParametersFromTheStoredHash() throws {
        let strong = ScryptHasher(logN: 11)
        let hash = try strong.hash("a password of some length")
        #expect(try hasher.verify("a password of some length", against: hash))
        #expect(hasher.needsRehash(hash))
        #expect(!strong.needsRehash(hash))
    }

    @Test(arguments: ["", "$bcrypt$x$y$z", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$scrypt$ln=10$AAAA$AAAA"])
    func rejectsMalformedHashes(_ stored: String) {
        #expect(throws: ScryptHasher.HashError.malformedHash) { try hasher.verify("x", against: stored) }
    }
}
