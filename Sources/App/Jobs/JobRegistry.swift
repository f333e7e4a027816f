import FluentKit
import Foundation
import Logging

/// What a job handler gets: the job's payload and the means to act on it.
struct JobContext: Sendable {
    let id: UUID
    let kind: String
    let payload: String
    let tenantID: UUID?
    /// 1 on the first try.
    let attempt: Int
    let db: any Database
    let services: AppServices
    let logger: Logger
}

/// The handlers for each kind of job, and the periodic schedule.
///
/// Delivery is at least once: a worker that dies mid-job leaves a lease that expires, and the job runs again.
/// Handlers are therefore written to be idempotent.
struct JobRegistry: Sendable {
    typealias Handler = @Sendable (JobContext) async throws -> Void

    struct Entry: Sendable {
        let handler: Handler
        let maxAttempts: Int
    }

    /// A job that is enqueued once per interval, by whichever instance gets there first.
    struct Periodic: Sendable {
        let kind: String
        let every: TimeInterval
    }

    private(set) var entries: [String: Entry] = [:]
    private(set) var periodic: [Periodic] = []

    init() {}

    /// Registers `handler` for jobs of `kind`.
    mutating func register(_ kind: String, maxAttempts: Int = 8, handler: @escaping Handler) {
        entries[kind] = Entry(handler: handler, maxAttempts: maxAttempts)
    }

    /// Runs jobs of `kind` (registered separately) every `interval` seconds.
    mutating func schedule(_ kind: String, every interval: TimeInterval) {
        periodic.append(Periodic(kind: kind, every: interval))
    }

    func entry(_ kind: String) -> Entry? { entries[kind] }
}
