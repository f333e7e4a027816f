import Domain
import FluentKit
import Foundation
import Synchronization
import Testing
import Vapor

@testable import App

/// Records which jobs ran, across workers.
final class RunLog: Sendable {
    let runs = Mutex<[String]>([])
    func record(_ payload: String) { runs.withLock { $0.append(payload) } }
    var all: [String] { runs.withLock { $0 } }
}

@Suite struct JobQueueTests {
    @Test func aFailingJobIsRetriedWithBackoffThenMarkedDead() async throws {
        let clock = TestClock()
        let attempts = RunLog()
        let jobs: @Sendable (inout AppServices) -> Void = { services in
            services.jobs.register("test.flaky", maxAttempts: 3) { context in
                attempts.record("\(context.attempt)")
                throw AppError(.internalServerError, code: "boom")
            }
        }
        try await withApp(clock: clock, services: jobs) { app, _ in
            let worker = JobWorker(id: "w1", db: app.db, services: app.akinai, logger: app.logger)
            try await JobQueue.enqueue(on: app.db, kind: "test.flaky", runAt: clock.now, now: clock.now)
            #expect(try await worker.runOnce() == true)
            #expect(try await worker.runOnce() == false, "not due again before its backoff")
            clock.advance(5)
            #expect(try await worker.runOnce() == true)
            clock.advance(9)
            #expect(try await worker.runOnce() == false, "the second retry waits 10 s")
            clock.advance(1)
            #expect(try await worker.runOnce() == true)
            clock.advance(3600)
            #expect(try await worker.runOnce() == false)
            #expect(attempts.all == ["1", "2", "3"])
            let job = try #require(try await JobRecord.query(on: app.db).first())
            #expect(job.status == "dead")
            #expect(job.lastError?.contains("boom") == true)
        }
    }

    @Test func delayedJobsWaitAndUniqueKeysEnqueueOnce() async throws {
        let clock = TestClock()
        let log = RunLog()
        let jobs: @Sendable (inout AppServices) -> Void = { services in
            services.jobs.register("test.note") { log.record($0.payload) }
        }
        try await withApp(clock: clock, services: jobs) { app, _ in
            let worker = JobWorker(id: "w1", db: app.db, services: app.akinai, logger: app.logger)
            let later = clock.now.addingTimeInterval(60)
            let first = try await JobQueue.enqueue(
                on: app.db,
                kind: "test.note",
                payload: "a",
                runAt: later,
                uniqueKey: "k",
                now: clock.now
            )
            let second = try await JobQueue.enqueue(
                on: app.db,
                kind: "test.note",
                payload: "b",
                runAt: later,
                uniqueKey: "k",
                now: clock.now
            )
            #expect(first)
            #expect(!second)
            let early = try await worker.runOnce()
            #expect(!early)
            clock.advance(60)
            let due = try await worker.runOnce()
            #expect(due)
            #expect(log.all == ["a"])
        }
    }

    @Test func aJobWhoseWorkerDiedRunsAgainAfterItsLease() async throws {
        let clock = TestClock()
        let log = RunLog()
        let jobs: @Sendable (inout AppServices) -> Void = { services in
            services.jobs.register("test.note") { log.record($0.payload) }
        }
        try await withApp(clock: clock, services: jobs) { app, _ in
            try await JobQueue.enqueue(on: app.db, kind: "test.note", payload: "x", runAt: clock.now, now: clock.now)
            // A worker claims the job and dies without settling it.
            let claimed = try await JobQueue.claim(
                on: app.db,
                worker: "dead",
                now: clock.now,
                lease: 300,
                isPostgres: TestDatabase.isPostgres
            )
            #expect(claimed != nil)
            let worker = JobWorker(id: "w2", db: app.db, services: app.akinai, logger: app.logger)
            #expect(try await worker.runOnce() == false)
            clock.advance(301)
            #expect(try await worker.runOnce() == true)
            #expect(log.all == ["x"])
            #expect(try await JobRecord.query(on: app.db).first()?.status == "done")
        }
    }

    @Test func periodicJobsAreEnqueuedOncePerSlotWhateverTheNumberOfInstances() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_000_200))
        try await withApp(clock: clock) { app, _ in
            let workers = (0..<3).map { JobWorker(id: "w\($0)", db: app.db, services: app.akinai, logger: app.logger) }
            for worker in workers { try await worker.schedulePeriodic() }
            let purge = try await JobRecord.query(on: app.db).filter(\.$kind == "sessions.purge").count()
            #expect(purge == 1)
            clock.advance(600)
            for worker in workers { try await worker.schedulePeriodic() }
            #expect(try await JobRecord.query(on: app.db).filter(\.$kind == "sessions.purge").count() == 2)
        }
    }

    @Test func expiredSessionsArePurged() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { app, _ in
            let shop = try await app.makeTenant("shop-a")
            try await Browser(app).signIn(shop)
            #expect(try await SessionRecord.query(on: app.db).count() == 1)
            let worker = JobWorker(id: "w", db: app.db, services: app.akinai, logger: app.logger)
            clock.advance(12 * 3600 + 1)
            try await worker.schedulePeriodic()
            clock.advance(600)
            while try await worker.runOnce() {}
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }
}

/// Several instances (separate applications with their own connection pools) share one database.
@Suite struct JobConcurrencyTests {
    @Test func concurrentWorkersOnSeveralInstancesRunEachJobExactlyOnce() async throws {
        let log = RunLog()
        let jobs: @Sendable (inout AppServices) -> Void = { services in
            services.jobs.register("test.count") { context in
                try await Task.sleep(for: .milliseconds(2))
                log.record(context.payload)
            }
        }
        try await withApp(services: jobs) { app, env in
            let total = 120
            for index in 0..<total {
                try await JobQueue.enqueue(
                    on: app.db,
                    kind: "test.count",
                    payload: "\(index)",
                    runAt: env.clock.now,
                    now: env.clock.now
                )
            }
            // A second instance on the same database.
            let second = try await Application.make(.testing)
            do {
                try await configure(second, config: env.config) { services in
                    services.clock = env.clock.closure
                    jobs(&services)
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (instance, application) in [app, second].enumerated() {
                        for index in 0..<3 {
                            let worker = JobWorker(
                                id: "i\(instance)-w\(index)",
                                db: application.db,
                                services: application.akinai,
                                logger: application.logger
                            )
                            group.addTask { while try await worker.runOnce() {} }
                        }
                    }
                    try await group.waitForAll()
                }
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
            let runs = log.all
            #expect(runs.count == total, "every job ran once, none twice")
            #expect(Set(runs).count == total)
            #expect(try await JobRecord.query(on: app.db).filter(\.$status == "done").count() == total)
        }
    }
}
