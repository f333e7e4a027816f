import Foundation
import Testing

@testable import Domain

@Suite struct AuditChainTests {
    static func chain(_ count: Int, tenant: UUID = UUID()) -> [AuditEntry] {
        var entries: [AuditEntry] = []
        var previous = AuditChain.genesis
        for seq in 1...count {
            let entry = AuditEntry(
                tenantID: tenant,
                seq: seq,
                occurredAtMillis: 1_795_000_000_000 + Int64(seq),
                actorUserID: nil,
                actorLabel: "admin@example.jp",
                action: "user.create",
                targetType: "user",
                targetID: "\(seq)",
                ip: "192.0.2.1",
                userAgent: "test",
                result: "success",
                details: "{}",
                prevHash: previous
            )
            previous = entry.hash
            entries.append(entry)
        }
        return entries
    }

    @Test func anIntactChainVerifies() {
        let entries = Self.chain(5)
        #expect(AuditChain.verify(entries, storedHashes: entries.map(\.hash)) == .intact(count: 5))
        #expect(AuditChain.verify([], storedHashes: []) == .intact(count: 0))
    }

    @Test(arguments: ["action", "actorLabel", "ip", "details", "result", "seq", "time"])
    func anEditedFieldIsFound(_ field: String) {
        var entries = Self.chain(5)
        let hashes = entries.map(\.hash)
        switch field {
        case "action": entries[2].action += "!"
        case "actorLabel": entries[2].actorLabel += "!"
        case "ip": entries[2].ip = "203.0.113.9"
        case "details": entries[2].details = "{\"x\":1}"
        case "result": entries[2].result = "failure"
        case "time": entries[2].occurredAtMillis += 1
        default:
            // Renumbering is caught as a gap, not as content.
            entries[2].seq = 4
            #expect(AuditChain.verify(entries, storedHashes: hashes) == .broken(seq: 3, reason: "missing event 3"))
            return
        }
        #expect(
            AuditChain.verify(entries, storedHashes: hashes)
                == .broken(seq: 3, reason: "content does not match its hash")
        )
    }

    @Test func aRehashedEditBreaksTheNextLink() {
        var entries = Self.chain(5)
        var hashes = entries.map(\.hash)
        entries[1].action = "user.remove"
        hashes[1] = entries[1].hash
        #expect(
            AuditChain.verify(entries, storedHashes: hashes)
                == .broken(seq: 3, reason: "previous-hash link does not match event 2")
        )
    }

    @Test func aDeletedEventIsFound() {
        var entries = Self.chain(5)
        entries.remove(at: 3)
        #expect(
            AuditChain.verify(entries, storedHashes: entries.map(\.hash)) == .broken(seq: 4, reason: "missing event 4")
        )
    }

    @Test func aChainContinuesFromItsRetentionAnchor() {
        let entries = Self.chain(6)
        let kept = Array(entries[3...])
        #expect(
            AuditChain.verify(kept, storedHashes: kept.map(\.hash), anchorSeq: 3, anchorHash: entries[2].hash)
                == .intact(count: 3)
        )
        #expect(AuditChain.verify(kept, storedHashes: kept.map(\.hash)) == .broken(seq: 1, reason: "missing event 1"))
    }

    @Test func fieldBoundariesCannotBeShifted() {
        var a = Self.chain(1)[0]
        var b = a
        a.actorLabel = "ab"
        a.action = "c"
        b.actorLabel = "a"
        b.action = "bc"
        #expect(a.hash != b.hash)
    }
}
