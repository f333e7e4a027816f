import Domain
import FluentKit
import Foundation
import SQLKit

/// Enqueues, claims and settles jobs with plain SQL, so that claiming is one atomic statement.
enum JobQueue {
    /// A job a worker has leased.
    struct Claimed: Sendable {
        let id: UUID
        let kind: String
        let payload: String
        let tenantID: UUID?
        let attempts: Int
        let maxAttempts: Int
    }

    /// Adds a job. With a `uniqueKey`, a second enqueue of the same key is a no-op; returns whether a job
    /// was added.
    @discardableResult
    static func enqueue(
        on db: any Database,
        kind: String,
        payload: String = "{}",
        tenantID: UUID? = nil,
        runAt: Date,
        uniqueKey: String? = nil,
        maxAttempts: Int = 8,
        now: Date
    ) async throws -> Bool {
        // tenancy: jobs table belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return false }
        let id = UUID()
        try await insert(
            on: sql,
            id: id,
            kind: kind,
            payload: payload,
            tenantID: tenantID,
            runAt: runAt,
            uniqueKey: uniqueKey,
            maxAttempts: maxAttempts,
            now: now
        )
        guard uniqueKey != nil else { return true }
        // tenancy: jobs table belongs to no tenant
        return try await JobRecord.find(id, on: db) != nil
    }

    /// The job's row, in one statement; a second row with the same `uniqueKey` is not added.
    static func insert(
        on sql: any SQLDatabase,
        id: UUID,
        kind: String,
        payload: String,
        tenantID: UUID?,
        runAt: Date,
        uniqueKey: String?,
        maxAttempts: Int,
        now: Date
    ) async throws {
        try await sql.insert(into: JobRecord.schema)
            .columns(
                "id",
                "tenant_id",
                "kind",
                "payload",
                "status",
                "attempts",
                "max_attempts",
                "run_at",
                "unique_key",
                "created_at"
            )
            .values(
                SQLBind(id),
                SQLBind(tenantID),
                SQLBind(kind),
                SQLBind(payload),
                SQLBind("queued"),
                SQLBind(0),
                SQLBind(maxAttempts),
                SQLBind(runAt),
                SQLBind(uniqueKey),
                SQLBind(now)
            )
            .ignoringConflicts(with: ["unique_key"])
            .run()
    }

    /// Leases the next due job to `worker`, or returns nil. On PostgreSQL the candidate row is taken with
    /// `FOR UPDATE SKIP LOCKED`, so concurrent workers on any number of instances never get the same job; on
    /// SQLite the single UPDATE statement is atomic by itself. A running job whose lease has expired (its
    /// worker died) is due again.
    static func claim(
        on db: any Database,
        worker: String,
        now: Date,
        lease: TimeInterval,
        isPostgres: Bool
    ) async throws -> Claimed? {
        // tenancy: jobs table belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return nil }
        let lockClause: SQLQueryString = isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw(
            """
            UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = \(bind: worker),
                locked_until = \(bind: now.addingTimeInterval(lease))
            WHERE id = (
                SELECT id FROM jobs
                WHERE (status = 'queued' AND run_at <= \(bind: now))
                   OR (status = 'running' AND locked_until < \(bind: now))
                ORDER BY run_at LIMIT 1\(lockClause)
            ) AND (status = 'queued' OR status = 'running')
            RETURNING id, kind, payload, tenant_id, attempts, max_attempts
            """
        ).all()
        guard let row = rows.first else { return nil }
        return Claimed(
            id: try row.decode(column: "id", as: UUID.self),
            kind: try row.decode(column: "kind", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            tenantID: try row.decode(column: "tenant_id", as: UUID?.self),
            attempts: try row.decode(column: "attempts", as: Int.self),
            maxAttempts: try row.decode(column: "max_attempts", as: Int.self)
        )
    }

    /// Marks a job done, if this worker still holds its lease.
    static func complete(on db: any Database, _ job: Claimed, worker: String, now: Date) async throws {
        // tenancy: jobs table belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw(
            """
            UPDATE jobs SET status = 'done', finished_at = \(bind: now), locked_by = NULL, locked_until = NULL,
                last_error = NULL
            WHERE id = \(bind: job.id) AND locked_by = \(bind: worker)
            """
        ).run()
    }

    /// Records a failure: the job is retried after a backoff, or marked dead after its last attempt.
    static func fail(
        on db: any Database,
        _ job: Claimed,
        worker: String,
        error: String,
        backoff: Backoff,
        maxAttempts: Int? = nil,
        now: Date
    ) async throws {
        // tenancy: jobs table belongs to no tenant
        guard let sql = db as? any SQLDatabase else { return }
        let dead = job.attempts >= min(job.maxAttempts, maxAttempts ?? job.maxAttempts)
        let next = now.addingTimeInterval(backoff.delay(afterAttempt: job.attempts))
        try await sql.raw(
            """
            UPDATE jobs SET status = \(bind: dead ? "dead" : "queued"), run_at = \(bind: next),
                locked_by = NULL, locked_until = NULL, last_error = \(bind: String(error.prefix(1000))),
                finished_at = \(bind: dead ? now : nil)
            WHERE id = \(bind: job.id) AND locked_by = \(bind: worker)
            """
        ).run()
    }
}
