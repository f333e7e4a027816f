import Crypto
import Foundation

/// Where a sealed value lives. Bound into the ciphertext as associated data, so a value copied to another
/// tenant, table, column or row no longer opens.
public struct FieldContext: Sendable, Equatable {
    public let table: String
    public let column: String
    public let rowID: UUID

    public init(table: String, column: String, rowID: UUID) {
        self.table = table
        self.column = column
        self.rowID = rowID
    }
}

/// Errors from sealing and opening personal data.
public enum SealError: Error, Equatable, Sendable {
    /// The value is not in the `ak1.<version>.<data>` shape.
    case malformed
    /// No key of that version is known for the tenant (destroyed, or never existed).
    case unknownKeyVersion(Int)
    /// Authentication failed: wrong key, wrong context, or tampered data.
    case authenticationFailed
}

/// Seals and opens personal data with a tenant's AES-256-GCM data keys.
///
/// A sealed value reads `ak1.<key version>.<base64url(nonce ‖ ciphertext ‖ tag)>`; the version names the data
/// key, so keys can rotate while old values still open. Nonces are random (96 bits) for every seal.
public struct FieldCipher: Sendable {
    public let tenantID: UUID
    public let currentVersion: Int
    private let keys: [Int: SymmetricKey]

    public init(tenantID: UUID, keys: [Int: SymmetricKey], currentVersion: Int) {
        self.tenantID = tenantID
        self.keys = keys
        self.currentVersion = currentVersion
    }

    private static let prefix = "ak1"

    /// Encrypts `plaintext` under the current key, bound to `context`.
    public func seal(_ plaintext: String, _ context: FieldContext) throws -> String {
        guard let key = keys[currentVersion] else { throw SealError.unknownKeyVersion(currentVersion) }
        let box = try AES.GCM.seal(Array(plaintext.utf8), using: key, authenticating: aad(context))
        guard let combined = box.combined else { throw SealError.malformed }
        return "\(Self.prefix).\(currentVersion).\(Base64URL.encode(combined))"
    }

    /// Decrypts a value sealed by `seal` for the same tenant and context.
    public func open(_ sealed: String, _ context: FieldContext) throws -> String {
        let parts = sealed.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == Self.prefix, let version = Int(parts[1]),
            let combined = Base64URL.decode(String(parts[2]))
        else { throw SealError.malformed }
        guard let key = keys[version] else { throw SealError.unknownKeyVersion(version) }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key, authenticating: aad(context))
            guard let text = String(bytes: plain, encoding: .utf8) else { throw SealError.malformed }
            return text
        } catch let error as SealError {
            throw error
        } catch {
            throw SealError.authenticationFailed
        }
    }

    /// A keyed hash (HMAC-SHA256 under a key derived from the current data key) that lets an exact-match
    /// lookup find a sealed value without decrypting every row. Inputs are trimmed and lower-cased.
    public func blindIndex(_ value: String, column: String) throws -> String {
        guard let key = keys[currentVersion] else { throw SealError.unknownKeyVersion(currentVersion) }
        let indexKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key,
            info: Array("akinai-blind-index|\(column)".utf8),
            outputByteCount: 32
        )
        let normalized = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return HMAC<SHA256>.authenticationCode(for: Array(normalized.utf8), using: indexKey).hexString
    }

    private func aad(_ context: FieldContext) -> [UInt8] {
        Array("akinai|\(tenantID.uuidString)|\(context.table)|\(context.column)|\(context.rowID.uuidString)".utf8)
    }
}

/// Wraps tenant data keys under the master key (AES-256-GCM, bound to tenant and version).
public enum KeyWrap {
    /// Errors from unwrapping a tenant key.
    public enum WrapError: Error, Equatable {
        case unwrapFailed
    }

    public static func wrap(_ dataKey: SymmetricKey, master: SymmetricKey, tenantID: UUID, version: Int) throws -> Data
    {
        let raw = dataKey.withUnsafeBytes { Array($0) }
        let box = try AES.GCM.seal(raw, using: master, authenticating: aad(tenantID, version))
        guard let combined = box.combined else { throw WrapError.unwrapFailed }
        return combined
    }

    public static func unwrap(
        _ wrapped: Data,
        master: SymmetricKey,
        tenantID: UUID,
        version: Int
    ) throws -> SymmetricKey {
        do {
            let box = try AES.GCM.SealedBox(combined: wrapped)
            return SymmetricKey(data: try AES.GCM.open(box, using: master, authenticating: aad(tenantID, version)))
        } catch {
            throw WrapError.unwrapFailed
        }
    }

    /// A short fingerprint of the master key, stored beside wrapped keys to say which master key wrapped them.
    public static func fingerprint(_ master: SymmetricKey) -> String {
        let digest = master.withUnsafeBytes { SHA256.hash(data: Array("akinai-master|".utf8) + Array($0)) }
        return String(digest.hexString.prefix(16))
    }

    private static func aad(_ tenantID: UUID, _ version: Int) -> [UInt8] {
        Array("akinai-tenant-key|\(tenantID.uuidString)|\(version)".utf8)
    }
}
