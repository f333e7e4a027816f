import Crypto
import Domain
import FluentKit
import Foundation
import Logging
import Synchronization

/// Holds the master key (outside the database) and hands out each tenant's field cipher.
///
/// Tenant data keys are random 256-bit keys stored only wrapped by the master key. Unwrapped keys are cached
/// in memory per tenant.
final class KeyStore: Sendable {
    let master: SymmetricKey
    /// The key of the audit chain and its signed heads, derived from the master key.
    let auditKey: SymmetricKey
    let fingerprint: String
    private let cache = Mutex<[UUID: FieldCipher]>([:])

    init(master: SymmetricKey) {
        self.master = master
        self.auditKey = AuditChain.key(master: master)
        self.fingerprint = KeyWrap.fingerprint(master)
    }

    /// Errors about the master key or a tenant's keys.
    struct KeyError: Error, CustomStringConvertible {
        let description: String
    }

    /// Loads the master key from `path`, or creates it there (0600) with a warning when it does not exist.
    static func loadOrCreate(path: String, logger: Logger) throws -> KeyStore {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let raw = Data(base64Encoded: text), raw.count == 32 else {
                throw KeyError(description: "master key file \(path) must hold 32 bytes in base64")
            }
            if let mode = (try? fm.attributesOfItem(atPath: path))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                logger.warning(
                    "master key file \(path) is readable by other users (mode \(String(mode, radix: 8))); chmod 600 it"
                )
            }
            return KeyStore(master: SymmetricKey(data: raw))
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw KeyError(description: "cannot write master key file \(path)")
        }
        logger.warning(
            """
            Generated a new master key at \(path). It protects every tenant's personal data: back it up \
            separately from the database, and set AKINAI_MASTER_KEY_FILE to a path outside the data directory \
            in production. Losing it makes sealed data unreadable.
            """
        )
        return KeyStore(master: key)
    }

    /// Creates the tenant's first data key (or the next version, for rotation).
    @discardableResult
    func createTenantKey(_ tdb: TenantDatabase, now: Date) async throws -> Int {
        let latest = try await tdb.query(TenantKeyRecord.self).sort(\.$version, .descending).first()
        let version = (latest?.version ?? 0) + 1
        let key = SymmetricKey(size: .bits256)
        let wrapped = try KeyWrap.wrap(key, master: master, tenantID: tdb.tenantID, version: version)
        try await tdb.create(
            TenantKeyRecord(
                tenantID: tdb.tenantID,
                version: version,
                wrappedKey: wrapped.base64EncodedString(),
                masterFingerprint: fingerprint,
                createdAt: now
            )
        )
        cache.withLock { _ = $0.removeValue(forKey: tdb.tenantID) }
        return version
    }

    /// The tenant's cipher: every key version it has, the newest used for sealing.
    func cipher(_ tdb: TenantDatabase) async throws -> FieldCipher {
        if let cached = cache.withLock({ $0[tdb.tenantID] }) { return cached }
        let records = try await tdb.query(TenantKeyRecord.self).all()
        guard !records.isEmpty else { throw KeyError(description: "tenant \(tdb.tenantID) has no data key") }
        var keys: [Int: SymmetricKey] = [:]
        for record in records {
            guard record.masterFingerprint == fingerprint else {
                throw KeyError(description: "tenant key v\(record.version) was wrapped by another master key")
            }
            guard let wrapped = Data(base64Encoded: record.wrappedKey) else {
                throw KeyError(description: "tenant key v\(record.version) is not base64")
            }
            keys[record.version] = try KeyWrap.unwrap(
                wrapped,
                master: master,
                tenantID: tdb.tenantID,
                version: record.version
            )
        }
        let cipher = FieldCipher(tenantID: tdb.tenantID, keys: keys, currentVersion: keys.keys.max() ?? 1)
        cache.withLock { $0[tdb.tenantID] = cipher }
        return cipher
    }

    /// Derives a purpose-bound secret from the master key (for CSRF tokens of signed-out pages and the like).
    func derivedKey(_ purpose: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Array("akinai|\(purpose)".utf8), outputByteCount: 32)
    }
}
