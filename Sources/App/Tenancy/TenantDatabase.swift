import Crypto
import Domain
import FluentKit
import Foundation
import SQLKit

/// The only way feature code reaches tenant-owned records: every query is filtered by the tenant, every
/// create is stamped with it, and a record of another tenant can be neither saved nor deleted.
struct TenantDatabase: Sendable {
    let tenantID: UUID
    /// Private on purpose: code outside `Tenancy/` reaches rows through `query`, `find`, `create` and `sql`,
    /// each of which binds the tenant.
    private let db: any Database
    let transactor: Transactor
    /// Signs the tenant's audit chain (see `AuditLog`).
    let auditKey: SymmetricKey

    init(tenantID: UUID, db: any Database, transactor: Transactor, auditKey: SymmetricKey) {
        self.tenantID = tenantID
        self.db = db
        self.transactor = transactor
        self.auditKey = auditKey
    }

    /// Whether this runs on SQLite (one writer at a time) rather than PostgreSQL (row locks).
    var isSQLite: Bool { transactor.isSQLite }

    /// The one door for hand-written SQL: every statement must name `tenant_id` and bind this tenant's id, or it
    /// is refused before it reaches the database. Use it for single atomic statements (`UPDATE … WHERE … RETURNING`)
    /// that Fluent cannot express.
    var sql: TenantSQL {
        TenantSQL(tenantID: tenantID, db: db as! any SQLDatabase, isSQLite: isSQLite, auditKey: auditKey)
    }

    /// Hand-written reads on one snapshot, for the hot reads: on SQLite on a reader's thread without a hop per
    /// statement; on PostgreSQL on the database as it is; inside a transaction, in that transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (TenantSQL) async throws -> T) async throws -> T {
        try await transactor.reads(on: db) { sql in
            try await body(TenantSQL(tenantID: tenantID, db: sql, isSQLite: isSQLite, auditKey: auditKey))
        }
    }

    /// A transaction of hand-written statements only, for the hot writes (reserving and settling stock): on SQLite
    /// it runs on the writer's thread, its statements one after another without a hop each (see `SQLiteThread`);
    /// on PostgreSQL it is an ordinary transaction. The body sees `TenantSQL` alone, so it cannot reach Fluent,
    /// whose statements would run on another connection.
    func statements<T: Sendable>(_ body: @escaping @Sendable (TenantSQL) async throws -> T) async throws -> T {
        try await transactor.statements(on: db) { sql in
            try await body(TenantSQL(tenantID: tenantID, db: sql, isSQLite: isSQLite, auditKey: auditKey))
        }
    }

    /// The tenant's own row, for the few things stored on it (audit anchor, status).
    func tenantRecord() async throws -> TenantRecord? {
        try await TenantRecord.find(tenantID, on: db)
    }

    /// On PostgreSQL, locks the tenant's row until the transaction ends, so writers of one tenant-wide sequence
    /// (the audit chain) queue up; on SQLite the single writer already does. `FOR NO KEY UPDATE`, not
    /// `FOR UPDATE`: every insert of a row that references the tenant holds a key-share lock on it, and two
    /// transactions that each inserted such a row before auditing would otherwise deadlock upgrading it.
    func lockTenantRow() async throws {
        guard !isSQLite else { return }
        try await (db as! any SQLDatabase).raw(
            "SELECT id FROM tenants WHERE id = \(bind: tenantID) FOR NO KEY UPDATE"
        ).run()
    }

    /// Queues a job for this tenant; inside `transaction`, it is queued only if the transaction commits.
    func enqueueJob(kind: String, payload: String, runAt: Date, uniqueKey: String, now: Date) async throws {
        try await JobQueue.enqueue(
            on: db,
            kind: kind,
            payload: payload,
            tenantID: tenantID,
            runAt: runAt,
            uniqueKey: uniqueKey,
            now: now
        )
    }

    /// The database without the tenant filter, for code in `Tenancy/` and the mail outbox that writes rows
    /// stamped with this tenant by hand. `scripts/check-tenancy.sh` keeps it out of everything else.
    var unscopedDatabase: any Database { db }

    /// Fluent reaches the database around a transaction of statements or a read (on SQLite through another
    /// connection, which would wait for SQLite's own writer for ever): inside one, its writes are refused.
    private func fluentAllowed() throws {
        guard Transactor.currentStatements == nil else { throw StatementsOnly() }
    }

    /// A query over `M` limited to this tenant. (Inside `statements` or `read`, use the `TenantSQL` given.)
    func query<M: TenantOwned>(_: M.Type) -> QueryBuilder<M> {
        M.query(on: db).filter(M.tenantKey == tenantID)
    }

    /// The record with `id` if it belongs to this tenant; a foreign id finds nothing.
    func find<M: TenantOwned>(_: M.Type, _ id: UUID?) async throws -> M? {
        try fluentAllowed()
        guard let id else { return nil }
        return try await query(M.self).filter(\._$id == id).first()
    }

    /// Inserts `model` as this tenant's.
    func create<M: TenantOwned>(_ model: M) async throws {
        try fluentAllowed()
        model.tenantID = tenantID
        try await model.create(on: db)
    }

    /// Inserts many records as this tenant's, in batches of one multi-row INSERT each.
    func createAll<M: TenantOwned>(_ models: [M], batch: Int = 500) async throws {
        try fluentAllowed()
        for model in models { model.tenantID = tenantID }
        var index = 0
        while index < models.count {
            let slice = Array(models[index..<min(index + batch, models.count)])
            try await slice.create(on: db)
            index += batch
        }
    }

    /// Saves changes to a record of this tenant.
    func update<M: TenantOwned>(_ model: M) async throws {
        try fluentAllowed()
        guard model.tenantID == tenantID else { throw TenancyViolation() }
        try await model.update(on: db)
    }

    /// Deletes a record of this tenant.
    func delete<M: TenantOwned>(_ model: M) async throws {
        try fluentAllowed()
        guard model.tenantID == tenantID else { throw TenancyViolation() }
        try await model.delete(on: db)
    }

    /// Runs `body` in one transaction; everything written through the given database commits or none of it.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (TenantDatabase) async throws -> T
    ) async throws -> T {
        try await transactor.run(on: db) { tx in
            try await body(TenantDatabase(tenantID: tenantID, db: tx, transactor: transactor, auditKey: auditKey))
        }
    }
}

/// Raw SQL for one tenant, checked to be about that tenant. See `TenantDatabase.sql`.
struct TenantSQL: Sendable {
    let tenantID: UUID
    fileprivate let db: any SQLDatabase
    /// Whether this runs on SQLite (one writer at a time) rather than PostgreSQL (row locks).
    let isSQLite: Bool
    /// Signs the tenant's audit chain (see `AuditLog`).
    let auditKey: SymmetricKey

    /// Runs a statement and returns its rows (a stored value they cannot be read as is a `StoredValueError`).
    @discardableResult
    func all(_ query: SQLQueryString) async throws -> [any SQLRow] {
        try check(query)
        return try await db.raw(query).all().map { StoredRow(row: $0) }
    }

    /// Runs a statement for its effect.
    func run(_ query: SQLQueryString) async throws {
        try check(query)
        try await db.raw(query).run()
    }

    /// Queues a job for this tenant, in the transaction of the statements.
    func enqueueJob(
        id: UUID,
        kind: String,
        payload: String,
        runAt: Date,
        uniqueKey: String,
        maxAttempts: Int,
        now: Date
    ) async throws {
        try await JobQueue.insert(
            on: db,
            id: id,
            kind: kind,
            payload: payload,
            tenantID: tenantID,
            runAt: runAt,
            uniqueKey: uniqueKey,
            maxAttempts: maxAttempts,
            now: now
        )
    }

    /// Runs `body` so that, if it throws, what it wrote is undone while the rest of the transaction stands (a
    /// savepoint). Only inside a transaction of statements.
    @discardableResult
    func undoable<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await db.raw("SAVEPOINT akinai_undoable").run()
        do {
            let result = try await body()
            try await db.raw("RELEASE SAVEPOINT akinai_undoable").run()
            return result
        } catch {
            try await db.raw("ROLLBACK TO SAVEPOINT akinai_undoable").run()
            try await db.raw("RELEASE SAVEPOINT akinai_undoable").run()
            throw error
        }
    }

    /// The tenant's audit anchor and signed head, read under the tenant row's lock on PostgreSQL (`FOR NO KEY
    /// UPDATE`, see `TenantDatabase.lockTenantRow`), so appends of one tenant queue up; on SQLite the single writer
    /// already does.
    func lockedAuditHead() async throws -> (anchorSeq: Int, anchorHash: String, head: AuditChain.Head?) {
        let lock: SQLQueryString = isSQLite ? "" : "FOR NO KEY UPDATE"
        let rows = try await db.raw(
            """
            SELECT audit_anchor_seq, audit_anchor_hash, audit_head_seq, audit_head_hash, audit_head_mac FROM tenants
            WHERE id = \(bind: tenantID) \(lock)
            """
        ).all()
        guard let row = rows.first else { throw TenancyViolation() }
        let anchorSeq = try row.decode(column: "audit_anchor_seq", as: Int.self)
        let anchorHash = try row.decode(column: "audit_anchor_hash", as: String.self)
        guard let seq = try row.decode(column: "audit_head_seq", as: Int?.self),
            let hash = try row.decode(column: "audit_head_hash", as: String?.self),
            let mac = try row.decode(column: "audit_head_mac", as: String?.self)
        else { return (anchorSeq, anchorHash, nil) }
        return (anchorSeq, anchorHash, AuditChain.Head(seq: seq, hash: hash, mac: mac))
    }

    /// Moves the tenant's signed audit head to `head` (same transaction as the event it names).
    func setAuditHead(_ head: AuditChain.Head) async throws {
        try await db.raw(
            """
            UPDATE tenants SET audit_head_seq = \(bind: head.seq), audit_head_hash = \(bind: head.hash),
                audit_head_mac = \(bind: head.mac)
            WHERE id = \(bind: tenantID)
            """
        ).run()
    }

    /// Refuses a statement that does not filter or stamp by this tenant.
    private func check(_ query: SQLQueryString) throws {
        var serializer = SQLSerializer(database: db)
        query.serialize(to: &serializer)
        guard Self.namesTenantColumn(serializer.sql), serializer.binds.contains(where: { ($0 as? UUID) == tenantID })
        else { throw TenancyViolation() }
    }

    /// Whether `sql` contains `tenant_id`: a plain byte search, since it runs for every hand-written statement (the
    /// generic `contains` of String costs more than the statement itself on the hot path).
    private static func namesTenantColumn(_ sql: String) -> Bool {
        let needle = Array("tenant_id".utf8)
        var sql = sql
        return sql.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) { return true }
            }
            return false
        }
    }
}

/// A write that would have crossed tenants. Reaching it is a bug; it is refused rather than performed.
struct TenancyViolation: Error {}
