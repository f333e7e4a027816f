import Crypto
import Foundation

/// One audit event as the hash chain sees it. Every field that matters to a reviewer is hashed.
public struct AuditEntry: Sendable, Equatable {
    public var tenantID: UUID
    public var seq: Int
    public var occurredAtMillis: Int64
    public var actorUserID: UUID?
    public var actorLabel: String
    public var action: String
    public var targetType: String
    public var targetID: String
    public var ip: String
    public var userAgent: String
    public var result: String
    public var details: String
    public var prevHash: String

    public init(
        tenantID: UUID,
        seq: Int,
        occurredAtMillis: Int64,
        actorUserID: UUID?,
        actorLabel: String,
        action: String,
        targetType: String,
        targetID: String,
        ip: String,
        userAgent: String,
        result: String,
        details: String,
        prevHash: String
    ) {
        self.tenantID = tenantID
        self.seq = seq
        self.occurredAtMillis = occurredAtMillis
        self.actorUserID = actorUserID
        self.actorLabel = actorLabel
        self.action = action
        self.targetType = targetType
        self.targetID = targetID
        self.ip = ip
        self.userAgent = userAgent
        self.result = result
        self.details = details
        self.prevHash = prevHash
    }

    /// HMAC-SHA256, under the audit key (derived from the master key, which never enters the database), over a
    /// length-prefixed encoding of every field, so no two different entries encode alike and nobody holding only
    /// the database can forge or re-chain an entry.
    public func hash(key: SymmetricKey) -> String {
        let fields: [String] = [
            "v2", tenantID.uuidString, String(seq), String(occurredAtMillis), actorUserID?.uuidString ?? "",
            actorLabel, action, targetType, targetID, ip, userAgent, result, details, prevHash,
        ]
        var bytes: [UInt8] = []
        for field in fields {
            let utf8 = Array(field.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        return Data(HMAC<SHA256>.authenticationCode(for: bytes, using: key)).hexString
    }
}

/// The per-tenant hash chain of audit events: each entry carries the hash of the one before.
public enum AuditChain {
    /// The `prevHash` of a tenant's first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// What verification found.
    public enum Verdict: Equatable, Sendable {
        case intact(count: Int)
        /// The first entry (by sequence number) whose link is broken, and why.
        case broken(seq: Int, reason: String)
    }

    /// The newest event of a tenant's chain, signed and kept outside the events table (on the tenant's row),
    /// written in the transaction of every append: events deleted from the end no longer reach it.
    public struct Head: Sendable, Equatable {
        public var seq: Int
        public var hash: String
        public var mac: String

        public init(seq: Int, hash: String, mac: String) {
            self.seq = seq
            self.hash = hash
            self.mac = mac
        }

        /// The head for (tenant, seq, hash), signed with `key`.
        public static func signed(tenantID: UUID, seq: Int, hash: String, key: SymmetricKey) -> Head {
            Head(seq: seq, hash: hash, mac: mac(tenantID: tenantID, seq: seq, hash: hash, key: key))
        }

        static func mac(tenantID: UUID, seq: Int, hash: String, key: SymmetricKey) -> String {
            let text = "head-v1|\(tenantID.uuidString)|\(seq)|\(hash)"
            return Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)).hexString
        }

        public func isValid(tenantID: UUID, key: SymmetricKey) -> Bool {
            let expected = Self.mac(tenantID: tenantID, seq: seq, hash: hash, key: key)
            return Array(expected.utf8).count == Array(mac.utf8).count
                && zip(expected.utf8, mac.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    /// The key the chain and its head are signed with, derived from the master key.
    public static func key(master: SymmetricKey) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(
            inputKeyMaterial: master,
            info: Data("akinai audit chain v2".utf8),
            outputByteCount: 32
        )
    }

    /// Verifies entries sorted by `seq`, whose stored hashes are `hashes` (same order). The chain may start
    /// after an anchor (the sequence number and hash of the last purged event) instead of the genesis, and must
    /// end exactly at the signed `head` (nil: the tenant has never had an event after its anchor).
    public static func verify(
        tenantID: UUID,
        _ entries: [AuditEntry],
        storedHashes: [String],
        anchorSeq: Int = 0,
        anchorHash: String = genesis,
        head: Head?,
        key: SymmetricKey
    ) -> Verdict {
        var expectedSeq = anchorSeq + 1
        var previous = anchorHash
        for (entry, stored) in zip(entries, storedHashes) {
            if entry.seq != expectedSeq {
                return .broken(seq: min(entry.seq, expectedSeq), reason: "missing event \(expectedSeq)")
            }
            if entry.prevHash != previous {
                return .broken(seq: entry.seq, reason: "previous-hash link does not match event \(entry.seq - 1)")
            }
            if entry.hash(key: key) != stored {
                return .broken(seq: entry.seq, reason: "content does not match its hash")
            }
            previous = stored
            expectedSeq += 1
        }
        let lastSeq = expectedSeq - 1
        guard let head else {
            return lastSeq == anchorSeq
                ? .intact(count: entries.count) : .broken(seq: lastSeq, reason: "the chain has no signed head")
        }
        guard head.isValid(tenantID: tenantID, key: key) else {
            return .broken(seq: head.seq, reason: "the signed head is not valid")
        }
        if head.seq > lastSeq {
            return .broken(
                seq: lastSeq + 1,
                reason: "events \(lastSeq + 1)…\(head.seq) are missing: the signed head is at \(head.seq)"
            )
        }
        if head.seq < lastSeq || head.hash != previous {
            return .broken(seq: head.seq, reason: "the chain does not end at its signed head (event \(head.seq))")
        }
        return .intact(count: entries.count)
    }
}
