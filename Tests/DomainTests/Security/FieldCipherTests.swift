import Crypto
import Foundation
import Testing

@testable import Domain

@Suite struct FieldCipherTests {
    let tenant = UUID()
    let key = SymmetricKey(size: .bits256)
    let context = FieldContext(table: "orders", column: "buyer_name", rowID: UUID())

    @Test func sealsAndOpens() throws {
        let cipher = FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1)
        let sealed = try cipher.seal("山田 花子", context)
        #expect(sealed.hasPrefix("ak1.1."))
        #expect(!sealed.contains("山田"))
        #expect(try cipher.open(sealed, context) == "山田 花子")
        #expect(try cipher.seal("山田 花子", context) != sealed, "every seal uses a fresh nonce")
    }

    @Test func anotherTenantsKeyCannotOpen() throws {
        let sealed = try FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1).seal("03-1234-5678", context)
        let other = FieldCipher(tenantID: tenant, keys: [1: SymmetricKey(size: .bits256)], currentVersion: 1)
        #expect(throws: SealError.authenticationFailed) { try other.open(sealed, context) }
        let sameKeyOtherTenant = FieldCipher(tenantID: UUID(), keys: [1: key], currentVersion: 1)
        #expect(throws: SealError.authenticationFailed) { try sameKeyOtherTenant.open(sealed, context) }
    }

    @Test func aValueMovedToAnotherRowOrColumnDoesNotOpen() throws {
        let cipher = FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1)
        let sealed = try cipher.seal("東京都千代田区", context)
        let otherRow = FieldContext(table: "orders", column: "buyer_name", rowID: UUID())
        let otherColumn = FieldContext(table: "orders", column: "remarks", rowID: context.rowID)
        #expect(throws: SealError.authenticationFailed) { try cipher.open(sealed, otherRow) }
        #expect(throws: SealError.authenticationFailed) { try cipher.open(sealed, otherColumn) }
    }

    @Test func oldKeyVersionsStillOpenAfterRotation() throws {
        let v1 = FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1)
        let old = try v1.seal("before rotation", context)
        let key2 = SymmetricKey(size: .bits256)
        let v2 = FieldCipher(tenantID: tenant, keys: [1: key, 2: key2], currentVersion: 2)
        #expect(try v2.open(old, context) == "before rotation")
        #expect(try v2.seal("after", context).hasPrefix("ak1.2."))
        let destroyed = FieldCipher(tenantID: tenant, keys: [2: key2], currentVersion: 2)
        #expect(throws: SealError.unknownKeyVersion(1)) { try destroyed.open(old, context) }
    }

    @Test func tamperedDataIsRefused() throws {
        let cipher = FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1)
        var sealed = Array(try cipher.seal("remarks", context))
        let index = sealed.count - 5
        sealed[index] = sealed[index] == "A" ? "B" : "A"
        #expect(throws: SealError.self) { try cipher.open(String(sealed), context) }
        #expect(throws: SealError.malformed) { try cipher.open("plain text", context) }
    }

    @Test func blindIndexMatchesEqualValuesOnly() throws {
        let cipher = FieldCipher(tenantID: tenant, keys: [1: key], currentVersion: 1)
        let a = try cipher.blindIndex(" Hanako@Example.jp ", column: "email")
        #expect(a == (try cipher.blindIndex("hanako@example.jp", column: "email")))
        #expect(a != (try cipher.blindIndex("taro@example.jp", column: "email")))
        #expect(a != (try cipher.blindIndex("hanako@example.jp", column: "phone")))
    }

    @Test func wrappedKeysUnwrapOnlyForTheirTenantAndVersion() throws {
        let master = SymmetricKey(size: .bits256)
        let wrapped = try KeyWrap.wrap(key, master: master, tenantID: tenant, version: 1)
        let unwrapped = try KeyWrap.unwrap(wrapped, master: master, tenantID: tenant, version: 1)
        #expect(unwrapped == key)
        #expect(throws: KeyWrap.WrapError.unwrapFailed) {
            try KeyWrap.unwrap(wrapped, master: master, tenantID: UUID(), version: 1)
        }
        #expect(throws: KeyWrap.WrapError.unwrapFailed) {
            try KeyWrap.unwrap(wrapped, master: master, tenantID: tenant, version: 2)
        }
        #expect(throws: KeyWrap.WrapError.unwrapFailed) {
            try KeyWrap.unwrap(wrapped, master: SymmetricKey(size: .bits256), tenantID: tenant, version: 1)
        }
    }
}
