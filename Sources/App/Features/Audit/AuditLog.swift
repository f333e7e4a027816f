import Domain
import FluentKit
import Foundation
import SQLKit

/// Who did something, from where.
struct AuditActor: Sendable {
    var userID: UUID?
    /// The e-mail of the user, or `system`, `operator`, `anonymous`.
    var label: String
    var ip: String
    var userAgent: String

    init(userID: UUID?, label: String, ip: String, userAgent: String) {
        self.userID = userID
        self.label = label
        self.ip = ip
        self.userAgent = String(userAgent.prefix(300))
    }

    /// Changes made by the `akinai` command line.
    static let cli = AuditActor(userID: nil, label: "operator (cli)", ip: "local", userAgent: "akinai-cli")
    /// Changes made by background jobs.
    static let system = AuditActor(userID: nil, label: "system", ip: "local", userAgent: "akinai")
}

/// How the audited action ended.
enum AuditResult: String, Sendable, CaseIterable {
    case success
    case failure
    case denied
}

/// Appends events to a tenant's hash-chained audit trail.
enum AuditLog {
    /// Appends one event. Inside a transaction it joins it, so the event commits with the change it records;
    /// outside one it opens its own. Appends of one tenant are serialised (row lock on PostgreSQL, the single
    /// writer on SQLite), so the chain never forks; the unique (tenant, seq) index is the last guard.
    @discardableResult
    static func append(
        _ tdb: TenantDatabase,
        actor: AuditActor,
        action: String,
        targetType: String,
        targetID: String,
        result: AuditResult = .success,
        details: [String: String] = [:],
        now: Date
    ) async throws -> AuditEntry {
        let detailJSON = encode(details)
        return try await tdb.statements { sql in
            try await append(
                sql,
                actor: actor,
                action: action,
                targetType: targetType,
                targetID: targetID,
                result: result,
                detailJSON: detailJSON,
                now: now
            )
        }
    }

    /// Appends one event inside a transaction of statements (three statements: the head under its lock, the
    /// event, the new head).
    @discardableResult
    static func append(
        _ sql: TenantSQL,
        actor: AuditActor,
        action: String,
        targetType: String,
        targetID: String,
        result: AuditResult = .success,
        details: [String: String],
        now: Date
    ) async throws -> AuditEntry {
        try await append(
            sql,
            actor: actor,
            action: action,
            targetType: targetType,
            targetID: targetID,
            result: result,
            detailJSON: encode(details),
            now: now
        )
    }

    private static func encode(_ details: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(details)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    private static func append(
        _ sql: TenantSQL,
        actor: AuditActor,
        action: String,
        targetType: String,
        targetID: String,
        result: AuditResult,
        detailJSON: String,
        now: Date
    ) async throws -> AuditEntry {
        // The chain continues from its signed head, not from whatever row is last in the table: events deleted
        // from the end leave a gap that `verify` names, instead of being papered over by the next append.
        let state = try await sql.lockedAuditHead()
        let seq = (state.head?.seq ?? state.anchorSeq) + 1
        let previous = state.head?.hash ?? state.anchorHash
        let entry = AuditEntry(
            tenantID: sql.tenantID,
            seq: seq,
            occurredAtMillis: Int64((now.timeIntervalSince1970 * 1000).rounded()),
            actorUserID: actor.userID,
            actorLabel: actor.label,
            action: action,
            targetType: targetType,
            targetID: targetID,
            ip: actor.ip,
            userAgent: actor.userAgent,
            result: result.rawValue,
            details: detailJSON,
            prevHash: previous
        )
        let hash = entry.hash(key: sql.auditKey)
        try await sql.run(
            """
            INSERT INTO audit_events (id, tenant_id, seq, occurred_at_ms, actor_user_id, actor_label, action,
                target_type, target_id, ip, user_agent, result, details, prev_hash, hash)
            VALUES (\(bind: UUID()), \(bind: sql.tenantID), \(bind: seq), \(bind: entry.occurredAtMillis),
                \(bind: actor.userID), \(bind: actor.label), \(bind: action), \(bind: targetType), \(bind: targetID),
                \(bind: actor.ip), \(bind: actor.userAgent), \(bind: result.rawValue), \(bind: detailJSON),
                \(bind: previous), \(bind: hash))
            """
        )
        try await sql.setAuditHead(.signed(tenantID: sql.tenantID, seq: seq, hash: hash, key: sql.auditKey))
        return entry
    }

    /// Verifies one tenant's chain from its anchor to the newest event.
    static func verify(_ tdb: TenantDatabase) async throws -> AuditChain.Verdict {
        guard let tenant = try await tdb.tenantRecord() else { throw TenancyViolation() }
        let records = try await tdb.query(AuditEventRecord.self).sort(\.$seq, .ascending).all()
        return AuditChain.verify(
            tenantID: tdb.tenantID,
            records.map(\.entry),
            storedHashes: records.map(\.hash),
            anchorSeq: tenant.auditAnchorSeq,
            anchorHash: tenant.auditAnchorHash,
            head: tenant.auditHead,
            key: tdb.auditKey
        )
    }
}
