import Domain
import FluentKit
import Foundation
import Logging

/// Claims and runs jobs one at a time.
struct JobWorker: Sendable {
    let id: String
    let db: any Database
    let services: AppServices
    let logger: Logger
    var lease: TimeInterval = JobWorker.defaultLease
    /// How long a claimed job is held before another worker may run it again: more than twice the longest
    /// mail delivery (`SMTPClient.maximumConversation`), so a slow delivery is never sent twice.
    static let defaultLease: TimeInterval = 300
    var backoff = Backoff()

    init(id: String, db: any Database, services: AppServices, logger: Logger) {
        self.id = id
        self.db = db
        self.services = services
        self.logger = logger
    }

    var isPostgres: Bool { !services.transactor.isSQLite }

    /// Enqueues the current slot of every periodic job; a slot already enqueued by any instance is skipped.
    func schedulePeriodic() async throws {
        let now = services.clock()
        for periodic in services.jobs.periodic {
            let slot = Int(now.timeIntervalSince1970 / periodic.every)
            try await JobQueue.enqueue(
                on: db,
                kind: periodic.kind,
                runAt: Date(timeIntervalSince1970: Double(slot) * periodic.every),
                uniqueKey: "periodic:\(periodic.kind):\(slot)",
                maxAttempts: 3,
                now: now
            )
        }
    }

    /// Runs one due job if there is one; returns whether it did.
    @discardableResult
    func runOnce() async throws -> Bool {
        guard
            let job = try await JobQueue.claim(
                on: db,
                worker: id,
                now: services.clock(),
                lease: lease,
                isPostgres: isPostgres
            )
        else { return false }
        guard let entry = services.jobs.entry(job.kind) else {
            try await JobQueue.fail(
                on: db,
                job,
                worker: id,
                error: "no handler for job kind \(job.kind)",
                backoff: backoff,
                now: services.clock()
            )
            return true
        }
        let context = JobContext(
            id: job.id,
            kind: job.kind,
            payload: job.payload,
            tenantID: job.tenantID,
            attempt: job.attempts,
            db: db,
            services: services,
            logger: logger
        )
        do {
            try await entry.handler(context)
            try await JobQueue.complete(on: db, job, worker: id, now: services.clock())
        } catch {
            logger.warning("job \(job.kind) \(job.id) failed (attempt \(job.attempts)): \(String(reflecting: error))")
            try await JobQueue.fail(
                on: db,
                job,
                worker: id,
                error: String(describing: error),
                backoff: backoff,
                maxAttempts: entry.maxAttempts,
                now: services.clock()
            )
        }
        return true
    }

    /// Runs jobs until cancelled, polling every `interval` when idle.
    func run(pollInterval: Duration = .seconds(1)) async {
        var lastSchedule = Date.distantPast
        while !Task.isCancelled {
            do {
                if services.clock().timeIntervalSince(lastSchedule) >= 30 {
                    try await schedulePeriodic()
                    lastSchedule = services.clock()
                }
                if try await runOnce() { continue }
            } catch {
                logger.error("job worker \(id): \(String(reflecting: error))")
            }
            try? await Task.sleep(for: pollInterval)
        }
    }
}
