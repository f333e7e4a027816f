import FluentKit
import Foundation
import Logging

/// What a job handler gets: the job's payload and the means to act on it.
public struct JobContext: Sendable {
    public let id: UUID
    public let kind: String
    public let payload: String
    public let tenantID: UUID?
    /// 1 on the first try.
    public let attempt: Int
    public let db: any Database
    public let services: AppServices
    public let logger: Logger
}

/// The handlers for each kind of job, and the periodic schedule.
///
/// Delivery is at least once: a worker that dies mid-job leaves a lease that expires, and the job runs again.
/// Handlers are therefore written to be idempotent.
public struct JobRegistry: Sendable {
    public typealias Handler = @Sendable (JobContext) async throws -> Void

    struct Entry: Sendable {
        let handler: Handler
        let maxAttempts: Int
    }

    /// A job that is enqueued once per interval, by whichever instance gets there first.
    public struct Periodic: Sendable {
        public let kind: String
        public let every: TimeInterval
    }

    private(set) var entries: [String: Entry] = [:]
    public private(set) var periodic: [Periodic] = []

    public init() {}

    /// Registers `handler` for jobs of `kind`.
    public mutating func register(_ kind: String, maxAttempts: Int = 8, handler: @escaping Handler) {
        entries[kind] = Entry(handler: handler, maxAttempts: maxAttempts)
    }

    /// Runs jobs of `kind` (registered separately) every `interval` seconds.
    public mutating func schedule(_ kind: String, every interval: TimeInterval) {
        periodic.append(Periodic(kind: kind, every: interval))
    }

    func entry(_ kind: String) -> Entry? { entries[kind] }
}
