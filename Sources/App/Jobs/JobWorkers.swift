import Synchronization
import Vapor

/// Starts the job workers when the server boots and stops them when it shuts down.
final class JobWorkers: LifecycleHandler, Sendable {
    let count: Int
    private let tasks = Mutex<[Task<Void, Never>]>([])

    init(count: Int) {
        self.count = count
    }

    func didBootAsync(_ application: Application) async throws {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        let started = (0..<count).map { index in
            let worker = JobWorker(
                id: "\(host):\(pid):\(index)",
                // tenancy: jobs table belongs to no tenant
                db: application.db,
                services: application.akinai,
                logger: application.logger
            )
            return Task { await worker.run() }
        }
        tasks.withLock { $0 = started }
    }

    func shutdownAsync(_ application: Application) async {
        let running = tasks.withLock { current in
            defer { current = [] }
            return current
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}
