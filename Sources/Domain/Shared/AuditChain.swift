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

    /// SHA-256 over a length-prefixed encoding of every field, so no two different entries encode alike.
    public var hash: String {
        let fields: [String] = [
            "v1", tenantID.uuidString, String(seq), String(occurredAtMillis), actorUserID?.uuidString ?? "",
            actorLabel, action, targetType, targetID, ip, userAgent, result, details, prevHash,
        ]
        var bytes: [UInt8] = []
        for field in fields {
            let utf8 = Array(field.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        return SHA256.hash(data: bytes).hexString
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

    /// Verifies entries sorted by `seq`, whose stored hashes are `hashes` (same order). The chain may start
    /// after an anchor (the sequence number and hash of the last purged event) instead of the genesis.
    public static func verify(
        _ entries: [AuditEntry],
        storedHashes: [String],
        anchorSeq: Int = 0,
        anchorHash: String = genesis
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
            if entry.hash != stored {
                return .broken(seq: entry.seq, reason: "content does not match its hash")
            }
            previous = stored
            expectedSeq += 1
        }
        return .intact(count: entries.count)
    }
}
