import Crypto
import Foundation
import Testing

@testable import Domain

@Suite struct AuditChainTests {
    static let key = AuditChain.key(master: SymmetricKey(data: Data(repeating: 7, count: 32)))
    static let tenant = UUID()

    static func chain(_ count: Int, tenant: UUID = tenant) -> [AuditEntry] {
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
            previous = entry.hash(key: key)
            entries.append(entry)
        }
        return entries
    }

    static func hashes(_ entries: [AuditEntry]) -> [String] { entries.map { $0.hash(key: key) } }

    /// The signed head at the last of `entries`.
    static func head(_ entries: [AuditEntry]) -> AuditChain.Head? {
        entries.last.map { .signed(tenantID: tenant, seq: $0.seq, hash: $0.hash(key: key), key: key) }
    }

    static func verify(
        _ entries: [AuditEntry],
        _ hashes: [String],
        head: AuditChain.Head?,
        anchorSeq: Int = 0,
        anchorHash: String = AuditChain.genesis
    ) -> AuditChain.Verdict {
        AuditChain.verify(
            tenantID: tenant,
            entries,
            storedHashes: hashes,
            anchorSeq: anchorSeq,
            anchorHash: anchorHash,
            head: head,
            key: key
        )
    }

    @Test func anIntactChainVerifies() {
        let entries = Self.chain(5)
        #expect(Self.verify(entries, Self.hashes(entries), head: Self.head(entries)) == .intact(count: 5))
        #expect(Self.verify([], [], head: nil) == .intact(count: 0))
    }

    @Test(arguments: ["action", "actorLabel", "ip", "details", "result", "seq", "time"])
    func anEditedFieldIsFound(_ field: String) {
        var entries = Self.chain(5)
        let head = Self.head(entries)
        let hashes = Self.hashes(entries)
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
            #expect(Self.verify(entries, hashes, head: head) == .broken(seq: 3, reason: "missing event 3"))
            return
        }
        #expect(Self.verify(entries, hashes, head: head) == .broken(seq: 3, reason: "content does not match its hash"))
    }

    @Test func aRehashedEditBreaksTheNextLink() {
        var entries = Self.chain(5)
        let head = Self.head(entries)
        var hashes = Self.hashes(entries)
        entries[1].action = "user.remove"
        hashes[1] = entries[1].hash(key: Self.key)
        #expect(
            Self.verify(entries, hashes, head: head)
                == .broken(seq: 3, reason: "previous-hash link does not match event 2")
        )
    }

    @Test func withoutTheKeyNobodyCanReChainAnEdit() {
        // Someone with the database but not the master key recomputes every hash with a key of their own.
        var entries = Self.chain(3)
        let head = Self.head(entries)
        let forger = SymmetricKey(size: .bits256)
        entries[0].action = "user.remove"
        var previous = AuditChain.genesis
        var forged: [String] = []
        for index in entries.indices {
            entries[index].prevHash = previous
            previous = entries[index].hash(key: forger)
            forged.append(previous)
        }
        #expect(Self.verify(entries, forged, head: head) == .broken(seq: 1, reason: "content does not match its hash"))
    }

    @Test func aDeletedEventIsFound() {
        var entries = Self.chain(5)
        let head = Self.head(entries)
        entries.remove(at: 3)
        #expect(
            Self.verify(entries, Self.hashes(entries), head: head) == .broken(seq: 4, reason: "missing event 4")
        )
    }

    @Test func eventsCutFromTheEndAreFoundThroughTheSignedHead() {
        let entries = Self.chain(8)
        let head = Self.head(entries)
        let kept = Array(entries.prefix(5))
        #expect(
            Self.verify(kept, Self.hashes(kept), head: head)
                == .broken(seq: 6, reason: "events 6…8 are missing: the signed head is at 8")
        )
        #expect(
            Self.verify([], [], head: head)
                == .broken(seq: 1, reason: "events 1…8 are missing: the signed head is at 8")
        )
        // A head moved back by hand does not carry a valid signature.
        var moved = head!
        moved.seq = 5
        moved.hash = Self.hashes(kept)[4]
        #expect(
            Self.verify(kept, Self.hashes(kept), head: moved) == .broken(seq: 5, reason: "the signed head is not valid")
        )
    }

    @Test func aChainContinuesFromItsRetentionAnchor() {
        let entries = Self.chain(6)
        let kept = Array(entries[3...])
        let hashes = Self.hashes(entries)
        #expect(
            Self.verify(kept, Array(hashes[3...]), head: Self.head(entries), anchorSeq: 3, anchorHash: hashes[2])
                == .intact(count: 3)
        )
        #expect(
            Self.verify(kept, Array(hashes[3...]), head: Self.head(entries))
                == .broken(seq: 1, reason: "missing event 1")
        )
    }

    @Test func fieldBoundariesCannotBeShifted() {
        var a = Self.chain(1)[0]
        var b = a
        a.actorLabel = "ab"
        a.action = "c"
        b.actorLabel = "a"
        b.action = "bc"
        #expect(a.hash(key: Self.key) != b.hash(key: Self.key))
    }
}
